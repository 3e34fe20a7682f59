//! Login: password, then the second factor (app code or recovery code), or enrolment of one.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::auth::{LoginStep, SessionInfo};
use los_core::Error;
use los_store::sessions::SessionStage;
use serde::Deserialize;

use crate::auth::{Ctx, MaybeSession, SignedIn, clear_cookie, redirect_with_session, safe_next, set_cookie};
use crate::csrf::cookie;
use crate::layout::Layout;
use crate::pages::PageForm;
use crate::pages::failure;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login_submit))
        .route("/login/second-factor", get(second_factor_form).post(second_factor_submit))
        .route("/login/recovery", get(recovery_form).post(recovery_submit))
        .route("/login/enrol", get(enrol_form).post(enrol_submit))
        .route("/account/second-factor", get(account_enrol_form).post(account_enrol_submit))
        .route("/logout", post(logout))
        .route("/language", post(language))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Query(query): Query<NextQuery>,
) -> Response {
    if session.as_ref().is_some_and(|s| s.stage == SessionStage::Active) {
        return Redirect::to(&safe_next(query.next.as_deref())).into_response();
    }
    let layout = Layout::new(&state, &headers, None, "/login");
    layout.render(&LoginPage {
        layout: layout.clone(),
        username: String::new(),
        next: safe_next(query.next.as_deref()),
        message: None,
    })
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match state.app.login_password(&ctx, &form.username, &form.password).await {
        Ok(LoginStep::SignedIn { session_token }) => redirect_with_session(&state.config, &next, &session_token),
        Ok(LoginStep::SecondFactor { session_token }) => {
            redirect_with_session(&state.config, &with_next("/login/second-factor", &next), &session_token)
        }
        Ok(LoginStep::Enrolment { session_token }) => {
            redirect_with_session(&state.config, &with_next("/login/enrol", &next), &session_token)
        }
        Err(error) => {
            let layout = Layout::new(&state, &headers, None, "/login");
            let (status, message) = match &error {
                Error::Unauthenticated => (StatusCode::UNAUTHORIZED, layout.t("login-failed")),
                Error::Throttled { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    layout.tr.t1("login-throttled", "seconds", &retry_after_secs.to_string()),
                ),
                _ => return failure(layout.tr, &error),
            };
            let page = LoginPage {
                layout: layout.clone(),
                username: form.username.trim().to_string(),
                next,
                message: Some(message),
            };
            let mut response = layout.render_with_status(status, &page);
            if let Error::Throttled { retry_after_secs } = error
                && let Ok(value) = retry_after_secs.to_string().parse()
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

fn with_next(path: &str, next: &str) -> String {
    if next == "/" {
        path.to_string()
    } else {
        format!("{path}?{}", serde_urlencoded::to_string([("next", next)]).unwrap_or_default())
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    layout: Layout,
    title_key: &'static str,
    intro_key: &'static str,
    action: &'static str,
    recovery: bool,
    next: String,
    message: Option<String>,
    error: Option<String>,
}

fn pending(session: &Option<SessionInfo>, stage: SessionStage) -> bool {
    session.as_ref().is_some_and(|s| s.stage == stage)
}

fn second_factor_page(
    layout: Layout,
    recovery: bool,
    next: String,
    error: Option<String>,
    message: Option<String>,
) -> SecondFactorPage {
    SecondFactorPage {
        layout,
        title_key: if recovery { "recovery-login-title" } else { "second-factor-title" },
        intro_key: if recovery { "recovery-login-intro" } else { "second-factor-intro" },
        action: if recovery { "/login/recovery" } else { "/login/second-factor" },
        recovery,
        next,
        message,
        error,
    }
}

async fn second_factor_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Query(query): Query<NextQuery>,
) -> Response {
    show_second_factor(state, headers, session, query, false)
}

async fn recovery_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    Query(query): Query<NextQuery>,
) -> Response {
    show_second_factor(state, headers, session, query, true)
}

fn show_second_factor(
    state: AppState,
    headers: HeaderMap,
    session: Option<SessionInfo>,
    query: NextQuery,
    recovery: bool,
) -> Response {
    if !pending(&session, SessionStage::SecondFactor) {
        return Redirect::to("/login").into_response();
    }
    let layout = Layout::new(&state, &headers, None, "/login");
    layout.render(&second_factor_page(layout.clone(), recovery, safe_next(query.next.as_deref()), None, None))
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    recovery_code: String,
    next: Option<String>,
}

async fn second_factor_submit(
    state: State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    form: PageForm<CodeForm>,
) -> Response {
    submit_second_factor(state, headers, ctx, form, false).await
}

async fn recovery_submit(state: State<AppState>, headers: HeaderMap, ctx: Ctx, form: PageForm<CodeForm>) -> Response {
    submit_second_factor(state, headers, ctx, form, true).await
}

async fn submit_second_factor(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    PageForm(form): PageForm<CodeForm>,
    recovery: bool,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let Some(token) = cookie(&headers, state.config.session_cookie()).map(str::to_string) else {
        return Redirect::to("/login").into_response();
    };
    let result = if recovery {
        state.app.login_recovery_code(&ctx, &token, &form.recovery_code).await
    } else {
        state.app.login_second_factor(&ctx, &token, &form.code).await
    };
    match result {
        Ok(new_token) => redirect_with_session(&state.config, &next, &new_token),
        Err(Error::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(error) => {
            let layout = Layout::new(&state, &headers, None, "/login");
            let (status, field_error, message) = match &error {
                Error::Invalid(fields) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, fields.first().map(|f| layout.tr.reason(&f.reason)), None)
                }
                Error::Throttled { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    None,
                    Some(layout.tr.t1("login-throttled", "seconds", &retry_after_secs.to_string())),
                ),
                _ => return failure(layout.tr, &error),
            };
            layout.render_with_status(status, &second_factor_page(layout.clone(), recovery, next, field_error, message))
        }
    }
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    layout: Layout,
    action: &'static str,
    secret: String,
    qr_svg: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
    next: String,
}

fn enrol_page(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    action: &'static str,
    secret: Option<&str>,
    error: Option<String>,
) -> Response {
    let layout_session = (session.stage == SessionStage::Active).then_some(session);
    let layout = Layout::new(state, headers, layout_session, action);
    let enrolment = match secret {
        Some(secret) => {
            los_app::auth::Enrolment::for_secret(secret, &session.account.username, &state.app.auth.totp_issuer)
        }
        None => state.app.new_enrolment(&session.account),
    };
    match enrolment {
        Ok(enrolment) => {
            let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            layout.render_with_status(
                status,
                &EnrolPage {
                    layout: layout.clone(),
                    action,
                    secret: enrolment.secret,
                    qr_svg: enrolment.qr_svg,
                    error,
                },
            )
        }
        Err(error) => failure(layout.tr, &error),
    }
}

async fn enrol_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
) -> Response {
    match session {
        Some(session) if session.stage == SessionStage::Enrolment => {
            enrol_page(&state, &headers, &session, "/login/enrol", None, None)
        }
        _ => Redirect::to("/login").into_response(),
    }
}

async fn account_enrol_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
) -> Response {
    enrol_page(&state, &headers, &session, "/account/second-factor", None, None)
}

#[derive(Debug, Deserialize)]
struct EnrolForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

async fn confirm(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &SessionInfo,
    form: &EnrolForm,
    action: &'static str,
    next: &str,
) -> Response {
    let Some(token) = cookie(headers, state.config.session_cookie()) else {
        return Redirect::to("/login").into_response();
    };
    match state.app.confirm_enrolment(ctx, token, &form.secret, &form.code).await {
        Ok((new_token, codes)) => {
            // Shown under the new session, whose CSRF token differs from the old one.
            let mut fresh_headers = headers.clone();
            let cookie_name = state.config.session_cookie();
            if let Ok(value) = format!("{cookie_name}={new_token}").parse() {
                fresh_headers.insert(header::COOKIE, value);
            }
            let layout = Layout::new(state, &fresh_headers, None, action);
            let mut response =
                layout.render(&RecoveryCodesPage { layout: layout.clone(), codes, next: next.to_string() });
            response.headers_mut().append(header::SET_COOKIE, set_cookie(&state.config, cookie_name, &new_token));
            response
        }
        Err(Error::Invalid(fields)) => {
            let tr = crate::i18n::Tr::new(session.account.locale);
            let message = fields.first().map(|f| tr.reason(&f.reason));
            let secret = fields.iter().all(|f| f.field != "secret").then_some(form.secret.as_str());
            enrol_page(state, headers, session, action, secret, message)
        }
        Err(Error::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(error) => failure(crate::i18n::Tr::new(session.account.locale), &error),
    }
}

async fn enrol_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    MaybeSession(session): MaybeSession,
    PageForm(form): PageForm<EnrolForm>,
) -> Response {
    match session {
        Some(session) if session.stage == SessionStage::Enrolment => {
            confirm(&state, &headers, &ctx, &session, &form, "/login/enrol", "/").await
        }
        _ => Redirect::to("/login").into_response(),
    }
}

async fn account_enrol_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<EnrolForm>,
) -> Response {
    confirm(&state, &headers, &ctx, &session, &form, "/account/second-factor", "/account").await
}

async fn logout(State(state): State<AppState>, Ctx(ctx): Ctx, MaybeSession(session): MaybeSession) -> Response {
    if let Some(session) = session
        && let Err(error) = state.app.logout(&ctx, &session).await
    {
        return failure(crate::i18n::Tr::new(session.account.locale), &error);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, clear_cookie(&state.config, state.config.session_cookie()));
    response
}

#[derive(Debug, Deserialize)]
struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

/// The path (and query) of the `Referer` when it is a page of this site (same scheme-less host as
/// the request's `Host`), for returning the user to where they were.
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer.strip_prefix("https://").or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split('#').next().unwrap_or(path);
    Some(safe_next(Some(path))).filter(|p| p != "/" || path == "/")
}

async fn language(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(session): MaybeSession,
    PageForm(form): PageForm<LanguageForm>,
) -> Response {
    let Some(locale) = los_core::locale::Locale::from_tag(&form.lang) else {
        let tr = crate::i18n::Tr::new(crate::layout::locale_from_headers(&headers));
        return failure(tr, &Error::invalid("lang", los_core::Reason::UnknownValue));
    };
    if let Some(session) = session.as_ref().filter(|s| s.stage == SessionStage::Active)
        && let Err(error) = state.app.set_account_locale(session.account.id, locale).await
    {
        return failure(crate::i18n::Tr::new(locale), &error);
    }
    // Back to the page the switch was made on; the form's `next` (the menu section) is the
    // fallback when the browser sent no referrer of this site.
    let back = same_site_referer(&headers).unwrap_or_else(|| safe_next(form.next.as_deref()));
    let mut response = Redirect::to(&back).into_response();
    let value = format!(
        "{}={}; Path=/; SameSite=Strict; Max-Age=31536000{}",
        state.config.language_cookie(),
        locale.tag(),
        if state.config.secure_cookies { "; Secure" } else { "" }
    );
    if let Ok(value) = value.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
