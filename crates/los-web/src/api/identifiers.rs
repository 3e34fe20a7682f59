//! Checking a national identity number as it is typed, before anything is saved.

use axum::Json;
use axum::extract::State;
use los_core::identifiers::parse_identifier;
use los_core::organization::Country;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifierIn {
    /// The number as typed; spaces and the Swedish `-`/`+` separator are allowed.
    pub value: String,
    /// NO or SE; guessed from the shape when absent or null.
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvalidReason {
    /// Stable code, e.g. `wrong-length`, `impossible-day`, `check-digit`.
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentifierOut {
    pub valid: bool,
    /// e.g. no_fodselsnummer, no_d_nummer, no_h_nummer, no_synthetic, se_personnummer, se_samordningsnummer
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// female or male, where the number carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// A synthetic test number (Norwegian month + 80).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<bool>,
    /// The birth date part and asterisks, for showing back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<InvalidReason>,
}

/// Validates a Norwegian fødselsnummer, D-nummer, H-nummer or synthetic number, or a Swedish
/// personnummer or samordningsnummer, and says exactly what is wrong. Nothing is stored or
/// looked up.
#[utoipa::path(post, path = "/api/v1/identifiers/validate", tag = "persons", security(("bearer" = [])),
    request_body = IdentifierIn,
    responses((status = 200, body = IdentifierOut), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn validate(
    State(state): State<AppState>,
    _caller: ApiCaller,
    ApiJson(body): ApiJson<IdentifierIn>,
) -> Result<Json<IdentifierOut>, ApiError> {
    let country = match body.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => {
            Some(Country::parse("country", code).map_err(|e| ApiError::from(los_core::Error::Invalid(vec![e])))?)
        }
    };
    // Dates in numbers are judged against today in Norway/Sweden, not UTC.
    let today = state.app.today_in("Europe/Oslo");
    Ok(Json(match parse_identifier(&body.value, country, today) {
        Ok(id) => IdentifierOut {
            valid: true,
            kind: Some(id.kind().code().into()),
            country: Some(id.country().code().into()),
            birth_date: Some(id.birth_date().to_string()),
            sex: id.sex().map(|s| s.code().into()),
            synthetic: Some(id.is_synthetic()),
            masked: Some(id.masked()),
            reason: None,
        },
        Err(error) => IdentifierOut {
            valid: false,
            kind: None,
            country: None,
            birth_date: None,
            sex: None,
            synthetic: None,
            masked: None,
            reason: Some(InvalidReason { code: error.code().into(), detail: error.english() }),
        },
    }))
}
