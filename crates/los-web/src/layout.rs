//! What every page shares: language, CSRF token, the signed-in account, the demo banner.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use los_app::auth::SessionInfo;
use los_core::account::Role;
use los_core::locale::Locale;

use crate::auth::set_cookie;
use crate::csrf::{cookie, expected_token, token_for_pre_session};
use crate::i18n::Tr;
use crate::state::AppState;

/// The language of a request without an account: the language cookie, else the browser's.
pub fn locale_from_headers(headers: &HeaderMap) -> Locale {
    let from_cookie =
        ["__Host-los_lang", "los_lang"].iter().find_map(|name| cookie(headers, name)).and_then(Locale::from_tag);
    from_cookie
        .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::negotiate))
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct LanguageOption {
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct MembershipOption {
    pub value: String,
    pub organization: String,
    pub role_key: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct UserBar {
    pub display_name: String,
    pub organization: Option<String>,
    pub role_key: Option<String>,
    pub is_admin: bool,
    pub memberships: Vec<MembershipOption>,
}

/// The shared part of every page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub demo: bool,
    pub user: Option<UserBar>,
    pub path: String,
    pub languages: Vec<LanguageOption>,
    /// A new pre-session cookie to set, when the page has forms and the browser had no cookie.
    new_pre_cookie: Option<String>,
    cookie_config: std::sync::Arc<crate::state::WebConfig>,
}

impl Layout {
    pub fn new(state: &AppState, headers: &HeaderMap, session: Option<&SessionInfo>, path: &str) -> Layout {
        let locale = session.map(|s| s.account.locale).unwrap_or_else(|| locale_from_headers(headers));
        let (csrf, new_pre_cookie) = match expected_token(state, headers) {
            Some(token) => (token, None),
            None => {
                let pre = los_app::secrets::random_token();
                (token_for_pre_session(state, &pre), Some(pre))
            }
        };
        let user = session.filter(|s| s.stage == los_store::sessions::SessionStage::Active).map(|s| {
            let current = s.actor.as_ref().map(|a| (a.organization, a.role));
            UserBar {
                display_name: s.account.display_name.clone(),
                organization: current.and_then(|(org, _)| {
                    s.memberships.iter().find(|m| m.organization_id == org).map(|m| m.organization_name.clone())
                }),
                role_key: current.map(|(_, role)| format!("role-{}", role.code())),
                is_admin: current.is_some_and(|(_, role)| role == Role::Admin),
                memberships: s
                    .memberships
                    .iter()
                    .map(|m| MembershipOption {
                        value: format!("{}:{}", m.organization_id, m.role.code()),
                        organization: m.organization_name.clone(),
                        role_key: format!("role-{}", m.role.code()),
                        current: current == Some((m.organization_id, m.role)),
                    })
                    .collect(),
            }
        });
        Layout {
            tr: Tr::new(locale),
            csrf,
            demo: state.config.demo,
            user,
            path: path.to_string(),
            languages: Locale::ALL
                .iter()
                .map(|l| LanguageOption { tag: l.tag(), name: l.native_name(), current: *l == locale })
                .collect(),
            new_pre_cookie,
            cookie_config: state.config.clone(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// "No error" for form macros, which cannot spell `None` with a type.
    pub fn no_error(&self) -> Option<String> {
        None
    }

    /// Renders a page and attaches the pre-session cookie if one was made.
    pub fn render(&self, template: &impl askama::Template) -> Response {
        self.render_with_status(axum::http::StatusCode::OK, template)
    }

    pub fn render_with_status(&self, status: axum::http::StatusCode, template: &impl askama::Template) -> Response {
        match template.render() {
            Ok(html) => {
                let mut response = (status, Html(html)).into_response();
                if let Some(pre) = &self.new_pre_cookie {
                    let value: HeaderValue =
                        set_cookie(&self.cookie_config, self.cookie_config.pre_session_cookie(), pre);
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
                response
            }
            Err(error) => {
                tracing::error!(%error, "template failed");
                crate::error::error_page(self.tr, axum::http::StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        }
    }

    /// Whether the nav item for `prefix` is the current page.
    pub fn current(&self, prefix: &str) -> bool {
        if prefix == "/" { self.path == "/" } else { self.path.starts_with(prefix) }
    }
}
