//! Previewing a deadline before anything is saved, with its explanation; the deadline rules
//! (seeded and local) and the administrators' editing of local ones.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::deadline_rules::{RuleEntry, RuleInput, kind_code};
use los_core::deadline::{DeadlineRule, Period, compute};
use los_core::organization::Country;
use los_core::{Error, FieldError, Reason};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, ApiQuery, Page, if_match, with_etag};
use crate::auth::{ApiCaller, Ctx};
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
    State(state): State<AppState>,
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
        let rule = match state.app.deadline_rule(code.trim()).await? {
            Some(entry) => entry.rule,
            None => return Err(invalid("rule", Reason::UnknownValue)),
        };
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
    let calendar = state.app.calendar_for(country).await?;
    let result = compute(&rule, start, &[], &calendar).map_err(Error::from)?;
    let explanation = serde_json::to_value(&result.explanation).map_err(|_| ApiError::from(Error::Internal))?;
    Ok(Json(DeadlinePreview { due: result.due.map(|d| d.to_string()), explanation }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTitleDto {
    pub nb: String,
    pub sv: String,
    pub en: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePeriodDto {
    /// working_days, calendar_days, weeks or months
    pub unit: String,
    pub amount: i64,
}

/// A deadline rule in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineRuleOut {
    pub code: String,
    pub title: RuleTitleDto,
    /// Where the rule comes from: `{"type": "statute", "law", "section", "country"}`,
    /// `{"type": "guideline", "issuer", "document", "country"}` or `{"type": "local", "description"}`.
    #[schema(value_type = Object)]
    pub source: serde_json::Value,
    /// The source in one line.
    pub source_text: String,
    /// NO or SE: whose calendar the rule is computed with; absent for any.
    pub country: Option<String>,
    /// deadline, maximum_duration or target
    pub kind: String,
    /// The event that starts the clock.
    pub start_event: String,
    pub period: RulePeriodDto,
    /// A due date on a day off moves to the next working day.
    pub extends_to_working_day: bool,
    /// Seeded from law or a national guideline: cannot be changed.
    pub read_only: bool,
    /// Send as `If-Match` to change a local rule (0 for a seeded local rule not yet changed).
    pub version: i64,
}

impl DeadlineRuleOut {
    fn from_entry(entry: RuleEntry) -> Result<Self, ApiError> {
        let rule = entry.rule;
        Ok(Self {
            code: rule.code.clone().unwrap_or_default(),
            title: RuleTitleDto { nb: rule.title.nb, sv: rule.title.sv, en: rule.title.en },
            source: serde_json::to_value(&rule.source).map_err(|_| ApiError::from(Error::Internal))?,
            source_text: rule.source.text(),
            country: rule.country.map(|c| c.code().to_string()),
            kind: kind_code(rule.kind).to_string(),
            start_event: rule.start_event,
            period: RulePeriodDto { unit: rule.period.unit().to_string(), amount: i64::from(rule.period.amount()) },
            extends_to_working_day: rule.extends_to_working_day,
            read_only: entry.read_only,
            version: entry.version,
        })
    }
}

/// A local rule as sent by an administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRuleIn {
    /// Required when creating; must start with `local.`. When changing, the code is in the path.
    #[serde(default)]
    pub code: Option<String>,
    pub title: RuleTitleDto,
    /// The local decision behind the rule.
    pub description: String,
    /// deadline, maximum_duration or target
    pub kind: String,
    /// NO or SE; absent for any country.
    #[serde(default)]
    pub country: Option<String>,
    pub start_event: String,
    pub period: RulePeriodDto,
    #[serde(default)]
    pub extends_to_working_day: bool,
}

fn rule_input(body: DeadlineRuleIn) -> RuleInput {
    RuleInput {
        code: body.code.unwrap_or_default(),
        title_nb: body.title.nb,
        title_sv: body.title.sv,
        title_en: body.title.en,
        description: body.description,
        kind: body.kind,
        country: body.country.unwrap_or_default(),
        start_event: body.start_event,
        unit: body.period.unit,
        amount: body.period.amount.to_string(),
        extends_to_working_day: body.extends_to_working_day,
    }
}

fn respond(entry: RuleEntry, status: StatusCode) -> Result<Response, ApiError> {
    let version = entry.version;
    Ok(with_etag(DeadlineRuleOut::from_entry(entry)?, version, status))
}

/// Every deadline rule in force: the seeded statutory and guideline rules (read-only) and the
/// local rules.
#[utoipa::path(get, path = "/api/v1/deadline-rules", tag = "deadlines", security(("bearer" = [])),
    responses((status = 200, body = Page<DeadlineRuleOut>)))]
pub async fn list_rules(
    State(state): State<AppState>,
    _caller: ApiCaller,
) -> Result<Json<Page<DeadlineRuleOut>>, ApiError> {
    let items =
        state.app.deadline_rules().await?.into_iter().map(DeadlineRuleOut::from_entry).collect::<Result<_, _>>()?;
    Ok(Json(Page { items, next_cursor: None }))
}

/// Makes a local rule (administrators). The code must start with `local.`.
#[utoipa::path(post, path = "/api/v1/deadline-rules", tag = "deadlines", security(("bearer" = [])), request_body = DeadlineRuleIn,
    responses((status = 201, body = DeadlineRuleOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_rule(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<DeadlineRuleIn>,
) -> Result<Response, ApiError> {
    let saved = state.app.save_local_rule(&ctx, &caller.actor, None, &rule_input(body)).await?;
    respond(saved, StatusCode::CREATED)
}

/// Changes a local rule (administrators); needs `If-Match`, a stale version gets 409. Statutory
/// and guideline rules cannot be changed.
#[utoipa::path(put, path = "/api/v1/deadline-rules/{code}", tag = "deadlines", security(("bearer" = [])), request_body = DeadlineRuleIn,
    params(("code" = String, Path, description = "Rule code, e.g. local.night_shelter.decision"), ("If-Match" = String, Header, description = "The rule's version")),
    responses((status = 200, body = DeadlineRuleOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update_rule(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DeadlineRuleIn>,
) -> Result<Response, ApiError> {
    let version = if_match(&headers)?;
    let saved = state.app.save_local_rule(&ctx, &caller.actor, Some((&code, version)), &rule_input(body)).await?;
    respond(saved, StatusCode::OK)
}
