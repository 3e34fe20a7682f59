//! Low-threshold tallies: the counters a service keeps, a day's counts with their corrections,
//! and the counts in force over a period. Decisions and audit live in `los_app::tallies`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use los_app::tallies::{TallyDay, TallyPeriod};
use los_core::ids::ServiceId;
use los_core::tally::TallyFields;
use los_store::tallies::EntryRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, ApiQuery, path_id};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountersIn {
    /// Counter codes: visits, meals, syringes_out, syringes_returned, urine_samples,
    /// doctor_consultations, nurse_conversations, wound_care, vaccinations, onward_referrals.
    pub counters: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountersOut {
    pub service_id: String,
    pub counters: Vec<String>,
}

/// A day's counts. A second entry for the same day (and person) corrects the first.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TallyIn {
    /// `YYYY-MM-DD`, not after today.
    pub day: String,
    /// Counter code → count (0 or more). Counters left out are 0.
    pub counts: BTreeMap<String, i64>,
    /// Optional: the (pseudonymous) person the counts are about.
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub id: String,
    pub day: String,
    pub counts: BTreeMap<String, i64>,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
    pub recorded_by_name: Option<String>,
}

impl From<EntryRecord> for EntryOut {
    fn from(e: EntryRecord) -> Self {
        Self {
            id: e.id.to_string(),
            day: e.day.to_string(),
            counts: e.counts.into_iter().map(|(c, n)| (c.code().to_string(), n)).collect(),
            note: e.note,
            recorded_at: e.recorded_at.to_string(),
            recorded_by: e.recorded_by,
            recorded_by_name: e.recorded_by_name,
        }
    }
}

/// One day's anonymous counts: the entry in force and the ones it corrected.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyDayOut {
    pub service_id: String,
    pub service_name: String,
    pub day: String,
    pub counters: Vec<String>,
    /// Absent when nothing is recorded for the day.
    pub current: Option<EntryOut>,
    /// Earlier entries, newest first.
    pub history: Vec<EntryOut>,
}

impl From<TallyDay> for TallyDayOut {
    fn from(d: TallyDay) -> Self {
        let mut entries = d.entries.into_iter().map(EntryOut::from);
        Self {
            service_id: d.service.to_string(),
            service_name: d.service_name,
            day: d.day.to_string(),
            counters: d.counters.iter().map(|c| c.code().to_string()).collect(),
            current: entries.next(),
            history: entries.collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayCountsOut {
    pub day: String,
    pub counts: BTreeMap<String, i64>,
}

/// The counts in force per day (persons' entries included in the sums).
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyPeriodOut {
    pub service_id: String,
    pub from: String,
    pub to: String,
    pub counters: Vec<String>,
    pub days: Vec<DayCountsOut>,
}

impl From<TallyPeriod> for TallyPeriodOut {
    fn from(p: TallyPeriod) -> Self {
        Self {
            service_id: p.service.to_string(),
            from: p.from.to_string(),
            to: p.to.to_string(),
            counters: p.counters.iter().map(|c| c.code().to_string()).collect(),
            days: p
                .days
                .into_iter()
                .map(|(day, counts)| DayCountsOut {
                    day: day.to_string(),
                    counts: counts.into_iter().map(|(c, n)| (c.code().to_string(), n)).collect(),
                })
                .collect(),
        }
    }
}

/// The counters the service keeps.
#[utoipa::path(get, path = "/api/v1/services/{id}/tally-counters", tag = "tallies", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = CountersOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn counters(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<CountersOut>, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let list = state.app.tally_counters(service).await?;
    Ok(Json(CountersOut { service_id: service.to_string(), counters: list.iter().map(|c| c.code().into()).collect() }))
}

/// Sets the counters the service keeps (service leaders of the provider, administrators).
#[utoipa::path(put, path = "/api/v1/services/{id}/tally-counters", tag = "tallies", security(("bearer" = [])),
    request_body = CountersIn, params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = CountersOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_counters(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CountersIn>,
) -> Result<Json<CountersOut>, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let list = state.app.set_tally_counters(&ctx, &caller.actor, service, &body.counters).await?;
    Ok(Json(CountersOut { service_id: service.to_string(), counters: list.iter().map(|c| c.code().into()).collect() }))
}

/// Records a day's counts (or corrects them: the latest entry wins, the earlier stay as history).
#[utoipa::path(post, path = "/api/v1/services/{id}/tallies", tag = "tallies", security(("bearer" = [])),
    request_body = TallyIn, params(("id" = String, Path, description = "Service id")),
    responses((status = 201, body = TallyDayOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TallyIn>,
) -> Result<(StatusCode, Json<TallyDayOut>), ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let fields = TallyFields {
        day: body.day,
        counts: body.counts.into_iter().map(|(code, n)| (code, n.to_string())).collect(),
        note: body.note,
    };
    let day = state.app.record_tally(&ctx, &caller.actor, service, &fields, &body.person_id).await?;
    Ok((StatusCode::CREATED, Json(TallyDayOut::from(day))))
}

/// The counts in force per day over `from..=to` (at most a year; the last 365 days by default).
#[utoipa::path(get, path = "/api/v1/services/{id}/tallies", tag = "tallies", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, body = TallyPeriodOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<TallyPeriodOut>, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let period = state.app.tallies(&ctx, &caller.actor, service, &query.from, &query.to).await?;
    Ok(Json(TallyPeriodOut::from(period)))
}

/// One day's anonymous counts with the corrections it went through.
#[utoipa::path(get, path = "/api/v1/services/{id}/tallies/{day}", tag = "tallies", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id"), ("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 200, body = TallyDayOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn day(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, day)): Path<(String, String)>,
) -> Result<Json<TallyDayOut>, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let found = state.app.tally_day(&ctx, &caller.actor, service, &day).await?;
    Ok(Json(TallyDayOut::from(found)))
}
