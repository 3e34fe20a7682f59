//! Server-rendered pages. Every form posts back with its CSRF token; a refused form is shown
//! again with each field's reason in the user's language, and nothing is changed.

mod access_log;
mod account;
mod admin;
mod chain;
mod deadline_rules;
mod decision_letter;
mod decision_letter_pdf;
mod decisions;
mod emergency;
mod home;
mod login;
mod meetings;
mod municipalities;
mod municipality_forms;
mod organizations;
mod persons;
mod persons_forms;
mod plan_forms;
mod plan_pdf;
mod plans;
mod referrals;
pub(crate) mod service_form;
// Housing, tallies and dashboards (issue 6).
mod housing;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use los_core::Error;

use crate::error::{error_page, status_of};
use crate::i18n::Tr;
use crate::state::AppState;

pub use admin::{AuditQuery, audit_filter as admin_audit_filter};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(home::router())
        .merge(account::router())
        .merge(organizations::router())
        .merge(municipalities::router())
        .merge(chain::router())
        .merge(municipality_forms::router())
        .merge(service_form::router())
        .merge(admin::router())
        .merge(deadline_rules::router())
        .merge(persons::router())
        .merge(persons_forms::router())
        .merge(emergency::router())
        .merge(access_log::router())
        .merge(decision_letter::router())
        .merge(decisions::router())
        .merge(referrals::router())
        .merge(plans::router())
        .merge(plan_forms::router())
        .merge(meetings::router())
        .merge(plan_pdf::router())
        .merge(housing::router())
}

#[derive(Debug, Clone)]
pub struct FormErrorItem {
    pub field: String,
    pub label: String,
    pub message: String,
}

/// Field errors of a refused form, translated.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub items: Vec<FormErrorItem>,
}

impl FormErrors {
    /// Translates the field errors of `error`; `labels` maps field names to label keys.
    pub fn from_error(tr: Tr, error: &Error, labels: &[(&str, &str)]) -> Option<FormErrors> {
        let Error::Invalid(fields) = error else { return None };
        Some(FormErrors {
            items: fields
                .iter()
                .map(|f| FormErrorItem {
                    field: f.field.clone(),
                    label: labels
                        .iter()
                        .find(|(field, _)| *field == f.field)
                        .map(|(_, key)| tr.t(key))
                        .unwrap_or_else(|| f.field.clone()),
                    message: tr.reason(&f.reason),
                })
                .collect(),
        })
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.items.iter().find(|item| item.field == field).map(|item| item.message.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The status of a form page: 409 after a stale edit, 422 with field errors, else 200.
    pub fn status(&self, conflict: bool) -> StatusCode {
        if conflict {
            StatusCode::CONFLICT
        } else if self.is_empty() {
            StatusCode::OK
        } else {
            INVALID
        }
    }
}

/// A page for an error that is not a form problem.
pub fn failure(tr: Tr, error: &Error) -> Response {
    let retry_after = match error {
        Error::Throttled { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    error_page(tr, status_of(error), retry_after)
}

/// Status for a form shown again with errors.
pub const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// An option of a `<select>`.
#[derive(Debug, Clone)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A form body; a body that cannot be read as the form gives a friendly page with the
/// framework's status (400, 413, 415 or 422) instead of its plain text.
pub struct PageForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for PageForm<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr::new(crate::layout::locale_from_headers(request.headers()));
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(PageForm(value)),
            Err(rejection) => Err(error_page(tr, rejection.status(), None)),
        }
    }
}

/// Thousands grouped with a narrow no-break space, as Norwegian and Swedish write them.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(super::grouped(37_300), "37\u{202f}300");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(-1_000_000), "−1\u{202f}000\u{202f}000");
    }
}
