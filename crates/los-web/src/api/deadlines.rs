//! Previewing a deadline before anything is saved, with its explanation.

use axum::Json;
use axum::extract::State;
use los_core::deadline::{DeadlineRule, Period, compute, seeded_rule};
use los_core::organization::Country;
use los_core::{Error, FieldError, Reason, calendar::WorkingCalendar};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::ApiQuery;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    #[serde(default)]
    start: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    working_days: Option<String>,
    #[serde(default)]
    days: Option<String>,
}

/// A computed deadline: the due date (absent while a clock is paused) and how it was reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinePreview {
    /// YYYY-MM-DD
    pub due: Option<String>,
    /// The rule, its source, the start, the calendar used, pauses and any move to a working day.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

fn invalid(field: &str, reason: Reason) -> ApiError {
    ApiError::from(Error::Invalid(vec![FieldError::new(field, reason)]))
}

fn count(field: &str, raw: &str) -> Result<u32, ApiError> {
    raw.trim().parse::<u32>().map_err(|_| invalid(field, Reason::InvalidFormat))
}

/// The due date for a rule (or a plain number of working or calendar days) from a start date,
/// in the working-day calendar of a country, with the explanation.
#[utoipa::path(get, path = "/api/v1/deadlines/preview", tag = "deadlines", security(("bearer" = [])),
    params(
        ("start" = String, Query, description = "Start date, YYYY-MM-DD"),
        ("country" = String, Query, description = "NO or SE: whose calendar"),
        ("rule" = Option<String>, Query, description = "A rule code, e.g. no.fvl.appeal"),
        ("working_days" = Option<u32>, Query, description = "Instead of a rule: this many working days"),
        ("days" = Option<u32>, Query, description = "Instead of a rule: this many calendar days"),
    ),
    responses((status = 200, body = DeadlinePreview), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn preview(
    State(_state): State<AppState>,
    _caller: ApiCaller,
    ApiQuery(query): ApiQuery<PreviewQuery>,
) -> Result<Json<DeadlinePreview>, ApiError> {
    let mut errors = los_core::error::Validator::new();
    let start = match query.start.trim() {
        "" => {
            errors.add("start", Reason::Required);
            None
        }
        text => text.parse::<jiff::civil::Date>().map_err(|_| errors.add("start", Reason::InvalidFormat)).ok(),
    };
    let country = errors.check(Country::parse("country", &query.country));
    let chosen =
        [query.rule.is_some(), query.working_days.is_some(), query.days.is_some()].iter().filter(|b| **b).count();
    if chosen != 1 {
        errors.add("rule", if chosen == 0 { Reason::Required } else { Reason::NotAllowed });
    }
    errors.finish()?;
    let (Some(start), Some(country)) = (start, country) else { return Err(ApiError::from(Error::Internal)) };
    let rule = if let Some(code) = &query.rule {
        let rule = seeded_rule(code.trim()).ok_or_else(|| invalid("rule", Reason::UnknownValue))?;
        if rule.country.is_some_and(|c| c != country) {
            return Err(invalid("country", Reason::NotAllowed));
        }
        rule
    } else if let Some(n) = &query.working_days {
        DeadlineRule::ad_hoc(Period::WorkingDays(count("working_days", n)?), false)
    } else if let Some(n) = &query.days {
        DeadlineRule::ad_hoc(Period::CalendarDays(count("days", n)?), true)
    } else {
        return Err(ApiError::from(Error::Internal));
    };
    rule.validate()?;
    let result = compute(&rule, start, &[], &WorkingCalendar::new(country)).map_err(Error::from)?;
    let explanation = serde_json::to_value(&result.explanation).map_err(|_| ApiError::from(Error::Internal))?;
    Ok(Json(DeadlinePreview { due: result.due.map(|d| d.to_string()), explanation }))
}
