//! The start page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use crate::auth::SignedIn;
use crate::layout::Layout;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    first_name: String,
    has_role: bool,
    second_factor_missing: bool,
    recovery_codes_left: i64,
}

async fn home(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/");
    let recovery_codes_left = if session.account.has_second_factor() {
        match state.app.unused_recovery_codes(session.account.id).await {
            Ok(n) => n,
            Err(error) => return crate::pages::failure(layout.tr, &error),
        }
    } else {
        0
    };
    let page = HomePage {
        layout: layout.clone(),
        first_name: session.account.display_name.split_whitespace().next().unwrap_or_default().to_string(),
        has_role: session.actor.is_some(),
        second_factor_missing: !session.account.has_second_factor(),
        recovery_codes_left,
    };
    layout.render(&page)
}
