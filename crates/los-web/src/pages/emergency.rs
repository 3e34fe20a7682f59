//! Emergency access: the form that opens it (logged and reviewed), and the leader's review page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_core::Error;
use los_core::ids::EmergencyAccessId;
use los_core::policy::Action;
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::layout::Layout;
use crate::pages::persons::{Values, actor_of, local_time};
use crate::pages::{FormErrors, PageForm, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/emergency-access", get(form).post(open))
        .route("/emergency-access/reviews", get(reviews))
        .route("/emergency-access/reviews/{id}", post(mark_reviewed))
}

const LABELS: [(&str, &str); 2] = [("identifier", "field-person-identifier"), ("reason", "field-emergency-reason")];

#[derive(Template)]
#[template(path = "emergency_access.html")]
struct FormPage {
    layout: Layout,
    values: Values,
    hours: i64,
    errors: FormErrors,
}

fn render_form(layout: Layout, values: Values, errors: FormErrors) -> Response {
    let status = errors.status(false);
    let page = FormPage { layout: layout.clone(), values, hours: los_app::persons::EMERGENCY_ACCESS_HOURS, errors };
    layout.render_with_status(status, &page)
}

async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/emergency-access");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    if let Err(error) = state.app.may(&ctx, &actor, Action::RequestEmergencyAccess).await {
        return failure(layout.tr, &error);
    }
    render_form(layout, Values::default(), FormErrors::default())
}

async fn open(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/emergency-access");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let values = Values(pairs);
    match state.app.open_emergency_access(&ctx, &actor, &values.get("identifier"), None, &values.get("reason")).await {
        Ok((person, _expires)) => Redirect::to(&format!("/persons/{person}")).into_response(),
        Err(error) => match FormErrors::from_error(layout.tr, &error, &LABELS) {
            Some(errors) => render_form(layout, values, errors),
            None => failure(layout.tr, &error),
        },
    }
}

#[derive(Template)]
#[template(path = "emergency_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    include_reviewed: bool,
    rows: Vec<ReviewRow>,
}

struct ReviewRow {
    id: String,
    who: String,
    role_key: String,
    organization: String,
    person: String,
    reason: String,
    opened: String,
    expires: String,
    reviewed: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    all: Option<String>,
}

async fn reviews(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Query(query): Query<ReviewQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/emergency-access/reviews");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let include_reviewed = query.all.as_deref().is_some_and(|v| v == "1" || v == "true");
    match state.app.emergency_reviews(&ctx, &actor, include_reviewed).await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|a| ReviewRow {
                    id: a.id.to_string(),
                    who: a.account_name,
                    role_key: format!("role-{}", a.role.code()),
                    organization: a.organization_name,
                    person: format!("/persons/{}", a.person),
                    reason: a.reason,
                    opened: local_time(a.opened_at),
                    expires: local_time(a.expires_at),
                    reviewed: a.reviewed_at.map(|at| {
                        let mut text = local_time(at);
                        if let Some(by) = a.reviewed_by {
                            text = format!("{text}, {by}");
                        }
                        if let Some(note) = a.review_note.filter(|n| !n.is_empty()) {
                            text = format!("{text}: {note}");
                        }
                        text
                    }),
                })
                .collect();
            let page = ReviewsPage { layout: layout.clone(), include_reviewed, rows };
            layout.render(&page)
        }
        Err(error) => failure(layout.tr, &error),
    }
}

async fn mark_reviewed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/emergency-access/reviews");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(access) = id.parse::<EmergencyAccessId>() else {
        return failure(layout.tr, &Error::NotFound { what: "emergency_access" });
    };
    let values = Values(pairs);
    match state.app.mark_emergency_reviewed(&ctx, &actor, access, &values.get("note")).await {
        Ok(()) => Redirect::to("/emergency-access/reviews").into_response(),
        Err(error) => failure(layout.tr, &error),
    }
}
