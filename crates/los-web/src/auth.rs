//! Authentication at the edge: who is calling (session cookie or bearer token). Whether they
//! may do something is decided by the policy inside the use cases, never here.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use los_app::RequestContext;
use los_app::auth::SessionInfo;
use los_core::Error;
use los_core::policy::Actor;
use los_store::sessions::SessionStage;

use crate::csrf::cookie;
use crate::error::{ApiError, error_page};
use crate::i18n::Tr;
use crate::state::{AppState, WebConfig};

pub fn request_context(parts: &Parts) -> RequestContext {
    parts.extensions.get::<RequestContext>().cloned().unwrap_or_default()
}

/// The request's context for audit events.
pub struct Ctx(pub RequestContext);

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Ctx(request_context(parts)))
    }
}

/// The session behind the cookie, if any (in any stage).
#[derive(Clone)]
pub struct MaybeSession(pub Option<SessionInfo>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<MaybeSession>() {
            return Ok(cached.clone());
        }
        let ctx = request_context(parts);
        let session = match cookie(&parts.headers, state.config.session_cookie()) {
            None => None,
            Some(token) => match state.app.authenticate_session(&ctx, token).await {
                Ok(info) => Some(info),
                Err(Error::Unauthenticated) => None,
                Err(other) => {
                    let tr = Tr::new(crate::layout::locale_from_headers(&parts.headers));
                    return Err(error_page(tr, crate::error::status_of(&other), None));
                }
            },
        };
        let found = MaybeSession(session);
        parts.extensions.insert(found.clone());
        Ok(found)
    }
}

/// A fully signed-in session; pages that need one redirect to the right login step.
pub struct SignedIn(pub SessionInfo);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, state).await?;
        match session {
            Some(info) if info.stage == SessionStage::Active => Ok(SignedIn(info)),
            Some(info) if info.stage == SessionStage::SecondFactor => {
                Err(Redirect::to("/login/second-factor").into_response())
            }
            Some(_) => Err(Redirect::to("/login/enrol").into_response()),
            None => {
                let next = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
                let target = if next == "/" { "/login".to_string() } else { format!("/login?next={}", encode(next)) };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)]).map(|s| s.trim_start_matches('=').to_string()).unwrap_or_default()
}

/// The caller of an API route: a bearer token, or a signed-in browser session (whose
/// state-changing requests passed the CSRF check).
pub struct ApiCaller {
    pub actor: Actor,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = request_context(parts);
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
            if v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ") { Some(v[7..].to_string()) } else { None }
        });
        if let Some(token) = bearer {
            let actor = state.app.authenticate_token(&ctx, &token).await?;
            return Ok(ApiCaller { actor });
        }
        let MaybeSession(session) =
            MaybeSession::from_request_parts(parts, state).await.map_err(|_| ApiError::from(Error::Unavailable))?;
        match session {
            Some(info) if info.stage == SessionStage::Active => match info.actor.clone() {
                Some(actor) => Ok(ApiCaller { actor }),
                None => Err(ApiError::from(Error::Forbidden)),
            },
            _ => Err(ApiError::new(StatusCode::UNAUTHORIZED, "authentication required: a bearer token or a session")),
        }
    }
}

/// `Set-Cookie` for a session-scoped cookie (no Max-Age: gone when the browser closes).
pub fn set_cookie(config: &WebConfig, name: &str, value: &str) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that deletes a cookie.
pub fn clear_cookie(config: &WebConfig, name: &str) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A redirect that also sets the session cookie (after a login step).
pub fn redirect_with_session(config: &WebConfig, to: &str, token: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(header::SET_COOKIE, set_cookie(config, config.session_cookie(), token));
    response.headers_mut().append(header::SET_COOKIE, clear_cookie(config, config.pre_session_cookie()));
    response
}

/// Only local paths are accepted as a `next` target, so a login link cannot send someone away.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_local() {
        assert_eq!(safe_next(Some("/admin/accounts")), "/admin/accounts");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
