//! A JSON body extractor whose rejections are problem+json with the field and the reason.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(map_rejection(rejection)),
        }
    }
}

fn between_backticks(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    rest.find('`').map(|end| rest[..end].to_string())
}

fn map_rejection(rejection: JsonRejection) -> ApiError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => {
            if let Some(field) = between_backticks(&text, "unknown field `") {
                ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, "unknown-field", "is not a known field")
            } else if let Some(field) = between_backticks(&text, "missing field `") {
                ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, "required", "is required")
            } else {
                let detail =
                    text.rsplit(": ").next().unwrap_or("the body does not match the expected shape").to_string();
                ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "body", "invalid-format", &detail)
            }
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::field(StatusCode::BAD_REQUEST, "body", "invalid-format", "is not valid JSON")
        }
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the body as application/json")
        }
        other => {
            let status = other.status();
            let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "request body too large"
            } else {
                "cannot read the request body"
            };
            ApiError::new(status, detail)
        }
    }
}

/// A query-string extractor whose rejections are problem+json.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str::<T>(query).map(ApiQuery).map_err(|error| {
            let text = error.to_string();
            match between_backticks(&text, "unknown field `") {
                Some(field) => {
                    ApiError::field(StatusCode::BAD_REQUEST, &field, "unknown-field", "is not a known parameter")
                }
                None => ApiError::field(StatusCode::BAD_REQUEST, "query", "invalid-format", &text),
            }
        })
    }
}
