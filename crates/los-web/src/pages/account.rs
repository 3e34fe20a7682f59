//! The signed-in account's own page: second factor, recovery codes, password, role switch and
//! personal access tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::auth::SessionInfo;
use los_core::Error;
use los_core::ids::TokenId;
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::layout::Layout;
use crate::pages::PageForm;
use crate::pages::{FormErrors, INVALID, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/recovery-codes", post(regenerate_codes))
        .route("/account/membership", post(switch_membership))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    display_name: String,
    has_second_factor: bool,
    recovery_codes_left: i64,
    tokens: Vec<TokenRow>,
    password_errors: FormErrors,
    token_errors: FormErrors,
    token_name: String,
    new_token: Option<String>,
    notice: Option<String>,
}

fn date(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

struct Extras {
    password_errors: FormErrors,
    token_errors: FormErrors,
    token_name: String,
    new_token: Option<String>,
    notice: Option<String>,
}

impl Extras {
    fn none() -> Self {
        Extras {
            password_errors: FormErrors::default(),
            token_errors: FormErrors::default(),
            token_name: String::new(),
            new_token: None,
            notice: None,
        }
    }
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    extras: Extras,
    status: axum::http::StatusCode,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), "/account");
    let (tokens, recovery_codes_left) = match (
        state.app.list_tokens(session.account.id).await,
        state.app.unused_recovery_codes(session.account.id).await,
    ) {
        (Ok(tokens), Ok(left)) => (tokens, left),
        (Err(error), _) | (_, Err(error)) => return failure(layout.tr, &error),
    };
    let never = layout.t("account-never");
    let page = AccountPage {
        layout: layout.clone(),
        username: session.account.username.clone(),
        display_name: session.account.display_name.clone(),
        has_second_factor: session.account.has_second_factor(),
        recovery_codes_left,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id.to_string(),
                name: t.name,
                created: date(t.created_at),
                expires: t.expires_at.map(date).unwrap_or_else(|| never.clone()),
                last_used: t.last_used_at.map(date).unwrap_or_else(|| never.clone()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        password_errors: extras.password_errors,
        token_errors: extras.token_errors,
        token_name: extras.token_name,
        new_token: extras.new_token,
        notice: extras.notice,
    };
    layout.render_with_status(status, &page)
}

async fn show(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    render(&state, &headers, &session, Extras::none(), axum::http::StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    match state
        .app
        .change_password(&ctx, &session.account, &form.current_password, &form.new_password, &form.confirm_password)
        .await
    {
        Ok(()) => {
            let extras = Extras { notice: Some(tr.t("account-password-changed")), ..Extras::none() };
            render(&state, &headers, &session, extras, axum::http::StatusCode::OK).await
        }
        Err(error) => match FormErrors::from_error(
            tr,
            &error,
            &[
                ("current_password", "field-current-password"),
                ("new_password", "field-new-password"),
                ("confirm_password", "field-confirm-password"),
            ],
        ) {
            Some(errors) => {
                render(&state, &headers, &session, Extras { password_errors: errors, ..Extras::none() }, INVALID).await
            }
            None => failure(tr, &error),
        },
    }
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

async fn regenerate_codes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/account");
    match state.app.regenerate_recovery_codes(&ctx, &session.account).await {
        Ok(codes) => layout.render(&RecoveryCodesPage { layout: layout.clone(), codes, next: "/account".into() }),
        Err(error) => failure(layout.tr, &error),
    }
}

#[derive(Debug, Deserialize)]
struct MembershipForm {
    #[serde(default)]
    membership: String,
}

async fn switch_membership(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<MembershipForm>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    let parsed = form.membership.split_once(':').and_then(|(org, role)| {
        Some((org.parse::<los_core::ids::OrganizationId>().ok()?, los_core::account::Role::from_code(role)?))
    });
    let Some((organization, role)) = parsed else {
        return failure(tr, &Error::invalid("membership", los_core::Reason::InvalidFormat));
    };
    match state.app.switch_membership(&session, organization, role).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(error) => failure(tr, &error),
    }
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    valid_days: String,
}

async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    let Some(actor) = session.actor.clone() else { return failure(tr, &Error::Forbidden) };
    let days = match form.valid_days.trim() {
        "" => Ok(None),
        text => {
            text.parse::<i64>().map(Some).map_err(|_| Error::invalid("valid_days", los_core::Reason::InvalidFormat))
        }
    };
    let result = match days {
        Ok(days) => state.app.create_token(&ctx, &actor, &form.name, days).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(created) => {
            let extras = Extras { new_token: Some(created.secret), ..Extras::none() };
            render(&state, &headers, &session, extras, axum::http::StatusCode::OK).await
        }
        Err(error) => match FormErrors::from_error(
            tr,
            &error,
            &[("name", "field-token-name"), ("valid_days", "field-token-days")],
        ) {
            Some(errors) => {
                let extras = Extras { token_errors: errors, token_name: form.name, ..Extras::none() };
                render(&state, &headers, &session, extras, INVALID).await
            }
            None => failure(tr, &error),
        },
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    let Ok(id) = id.parse::<TokenId>() else { return failure(tr, &Error::NotFound { what: "token" }) };
    match state.app.revoke_token(&ctx, session.account.id, id).await {
        Ok(()) => Redirect::to("/account#tokens").into_response(),
        Err(error) => failure(tr, &error),
    }
}
