//! One mapping from errors to responses: RFC 9457 problem+json for the API, a friendly page
//! (with the request id, without internals) for HTML.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use los_core::Error;
use serde::Serialize;

use crate::i18n::Tr;
use crate::security::RequestId;

/// One invalid field in a problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field's name as sent.
    pub field: String,
    /// A stable code, e.g. `required`, `too-long`, `invalid-format`.
    pub reason: String,
    /// The reason in plain English.
    pub detail: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, to quote when asking for help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// What a 503 asks the client to wait before trying again.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn slug(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "invalid-input",
        428 => "precondition-required",
        429 => "too-many-requests",
        503 => "unavailable",
        _ => "internal-error",
    }
}

/// An error on its way to becoming an API response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: Option<String>,
    pub errors: Vec<ProblemField>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self { status, detail: Some(detail.into()), errors: Vec::new(), retry_after: None }
    }

    pub fn field(status: StatusCode, field: &str, reason: &str, detail: &str) -> Self {
        Self {
            status,
            detail: Some(format!("{field} {detail}")),
            errors: vec![ProblemField { field: field.into(), reason: reason.into(), detail: detail.into() }],
            retry_after: None,
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let status = status_of(&error);
        let retry_after = match &error {
            Error::Throttled { retry_after_secs } => Some(*retry_after_secs),
            // The database is away (a restart, a full disk): worth trying again shortly.
            Error::Unavailable => Some(UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        let errors = match &error {
            Error::Invalid(fields) => fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    reason: f.reason.code().into(),
                    detail: f.reason.english(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = match &error {
            Error::Internal => None,
            other => Some(other.to_string()),
        };
        Self { status, detail, errors, retry_after }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = RequestId::current();
        let problem = Problem {
            kind: format!("https://los.example/problems/{}", slug(self.status)),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            instance: None,
            request_id,
            errors: self.errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"los\""));
        }
        (self.status, headers, body).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    status: u16,
    title_key: &'static str,
    text_key: &'static str,
    request_id: String,
    retry_after: Option<u64>,
}

/// A friendly HTML error page with the request id and nothing internal.
pub fn error_page(tr: Tr, status: StatusCode, retry_after: Option<u64>) -> Response {
    let (title_key, text_key) = match status.as_u16() {
        400 | 413 | 415 | 422 => ("error-bad-request-title", "error-bad-request-text"),
        401 => ("error-unauthenticated-title", "error-unauthenticated-text"),
        403 => ("error-forbidden-title", "error-forbidden-text"),
        405 => ("error-method-title", "error-method-text"),
        404 => ("error-not-found-title", "error-not-found-text"),
        409 => ("error-conflict-title", "error-conflict-text"),
        429 => ("error-throttled-title", "error-throttled-text"),
        503 => ("error-unavailable-title", "error-unavailable-text"),
        _ => ("error-internal-title", "error-internal-text"),
    };
    let page = ErrorPage {
        tr,
        status: status.as_u16(),
        title_key,
        text_key,
        request_id: RequestId::current().unwrap_or_default(),
        retry_after,
    };
    let mut response = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, "Error").into_response(),
    };
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A known path with the wrong method: problem+json under the API, a page elsewhere. axum adds
/// the `Allow` header.
pub async fn method_not_allowed(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "this method is not allowed on this resource").into_response()
    } else {
        error_page(Tr::new(crate::layout::locale_from_headers(&headers)), StatusCode::METHOD_NOT_ALLOWED, None)
    }
}

/// Unknown paths: problem+json under the API, a page elsewhere.
pub async fn not_found(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "no such resource").into_response()
    } else {
        error_page(Tr::new(crate::layout::locale_from_headers(&headers)), StatusCode::NOT_FOUND, None)
    }
}
