//! Referrals and waiting lists. The handlers authenticate and translate; every access decision
//! and its audit event is made in `los_app::referrals`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::referrals::{NewReferralInput, ReferralView, WaitingEntry, WaitingList, WaitingStatisticsView};
use los_core::ids::{PersonId, ServiceId};
use los_core::referral::{ReferralFields, StepFields};
use los_store::referrals::ReferralId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, ApiQuery, Page, with_etag};
use crate::api::{if_match_or_body, path_id};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Bodies

/// A new referral from the caller's organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralIn {
    /// The receiving service (of any organisation).
    pub to_service: String,
    /// Optional: the sending service, one of the caller's organisation.
    #[serde(default)]
    pub from_service: String,
    /// Why the person is referred.
    pub reason: String,
    /// urgent, high or normal
    pub priority: String,
    /// `YYYY-MM-DD`, not in the future; today when empty.
    #[serde(default)]
    pub sent_on: String,
}

/// The next step on a referral.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// received, accepted, declined, offered, started or withdrawn
    pub status: String,
    /// `YYYY-MM-DD`: not before the previous step, not in the future; today when empty.
    #[serde(default)]
    pub on: String,
    /// Required when declined or withdrawn.
    #[serde(default)]
    pub reason: String,
    /// Accepted: the person has a right to necessary health care.
    #[serde(default)]
    pub right_to_care: bool,
    /// Accepted with right to care: the latest date treatment must start.
    #[serde(default)]
    pub start_deadline: String,
    /// Offered: the date offered.
    #[serde(default)]
    pub offered_date: String,
    /// The referral's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A follow-up contact with a waiting person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    /// `YYYY-MM-DD`, not in the future; today when empty.
    #[serde(default)]
    pub on: String,
    /// phone, meeting, letter or other
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitingListSettingsIn {
    /// Days without contact after which a waiting person needs follow-up (1–365).
    pub follow_up_days: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    target_days: String,
}

// ---------------------------------------------------------------------------------------------
// Responses

#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub status: String,
    pub on: String,
    pub reason: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub organization_id: Option<String>,
    pub recorded_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub id: String,
    pub on: String,
    pub kind: String,
    pub note: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub recorded_at: String,
}

/// The assessment deadline: 10 working days from receipt on the Norwegian calendar
/// (pasientrettighetsloven § 2-2), with how it was reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineOut {
    pub due: Option<String>,
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralOut {
    pub id: String,
    pub person_id: String,
    pub from_organization_id: String,
    pub from_organization_name: String,
    pub from_service_id: Option<String>,
    pub to_service_id: String,
    pub to_service_name: String,
    pub to_organization_id: String,
    pub to_organization_name: String,
    pub reason: String,
    pub priority: String,
    /// The person was under 23 on the day it was sent.
    pub youth_guarantee: bool,
    /// sent, received, accepted, declined, offered, started or withdrawn
    pub status: String,
    /// The steps that may follow the current one.
    pub next_steps: Vec<String>,
    pub sent_on: String,
    pub received_on: Option<String>,
    pub assessed_on: Option<String>,
    pub right_to_care: bool,
    pub start_deadline: Option<String>,
    pub decline_reason: Option<String>,
    pub offered_date: Option<String>,
    pub started_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdraw_reason: Option<String>,
    /// The episode opened when it started.
    pub episode_id: Option<String>,
    /// Present once received.
    pub assessment_deadline: Option<DeadlineOut>,
    pub version: i64,
    pub created_at: String,
    pub steps: Vec<StepOut>,
    pub contacts: Vec<ContactOut>,
}

fn date(d: jiff::civil::Date) -> String {
    d.to_string()
}

impl From<ReferralView> for ReferralOut {
    fn from(view: ReferralView) -> Self {
        let r = view.referral;
        Self {
            id: r.id.to_string(),
            person_id: r.person.to_string(),
            from_organization_id: r.from_organization.to_string(),
            from_organization_name: r.from_organization_name,
            from_service_id: r.from_service.map(|s| s.to_string()),
            to_service_id: r.to_service.to_string(),
            to_service_name: r.to_service_name,
            to_organization_id: r.to_organization.to_string(),
            to_organization_name: r.to_organization_name,
            reason: r.reason,
            priority: r.priority.code().into(),
            youth_guarantee: r.youth_guarantee,
            status: r.status.code().into(),
            next_steps: r.status.next().iter().map(|s| s.code().to_string()).collect(),
            sent_on: date(r.sent_on),
            received_on: r.received_on.map(date),
            assessed_on: r.assessed_on.map(date),
            right_to_care: r.right_to_care,
            start_deadline: r.start_deadline.map(date),
            decline_reason: r.decline_reason,
            offered_date: r.offered_date.map(date),
            started_on: r.started_on.map(date),
            withdrawn_on: r.withdrawn_on.map(date),
            withdraw_reason: r.withdraw_reason,
            episode_id: r.episode.map(|e| e.to_string()),
            assessment_deadline: view.assessment_deadline.map(|d| DeadlineOut {
                due: d.due.map(date),
                explanation: serde_json::to_value(&d.explanation).unwrap_or(serde_json::Value::Null),
            }),
            version: r.version,
            created_at: r.created_at.to_string(),
            steps: r
                .steps
                .into_iter()
                .map(|s| StepOut {
                    status: s.status.code().into(),
                    on: date(s.on),
                    reason: s.reason,
                    account_id: s.account,
                    account_name: s.account_name,
                    organization_id: s.organization.map(|o| o.to_string()),
                    recorded_at: s.recorded_at.to_string(),
                })
                .collect(),
            contacts: r
                .contacts
                .into_iter()
                .map(|c| ContactOut {
                    id: c.id,
                    on: date(c.on),
                    kind: c.kind.code().into(),
                    note: c.note,
                    account_id: c.account,
                    account_name: c.account_name,
                    recorded_at: c.recorded_at.to_string(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingEntryOut {
    pub person_id: String,
    pub display_name: String,
    pub birth_date: Option<String>,
    pub masked_identifier: Option<String>,
    pub referral: ReferralOut,
    /// Days from receipt until today.
    pub waiting_days: i64,
    pub last_contact: Option<String>,
    /// No contact for at least the service's follow-up interval.
    pub needs_follow_up: bool,
}

impl From<WaitingEntry> for WaitingEntryOut {
    fn from(e: WaitingEntry) -> Self {
        Self {
            person_id: e.person.id.to_string(),
            display_name: e.person.display_name,
            birth_date: e.person.birth_date.map(date),
            masked_identifier: e.person.masked_identifier,
            referral: ReferralOut::from(e.referral),
            waiting_days: e.waiting_days,
            last_contact: e.last_contact.map(date),
            needs_follow_up: e.needs_follow_up,
        }
    }
}

/// A service's waiting list in queue order (priority, then date received).
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingListOut {
    pub service_id: String,
    pub service_name: String,
    pub follow_up_days: i64,
    pub today: String,
    pub items: Vec<WaitingEntryOut>,
    /// Waiting persons the caller may not see (e.g. blocked), only counted.
    pub hidden: usize,
}

impl From<WaitingList> for WaitingListOut {
    fn from(list: WaitingList) -> Self {
        Self {
            service_id: list.service.to_string(),
            service_name: list.service_name,
            follow_up_days: list.follow_up_days,
            today: date(list.today),
            items: list.entries.into_iter().map(WaitingEntryOut::from).collect(),
            hidden: list.hidden,
        }
    }
}

/// Waiting time from receipt to start of the referrals started in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingStatisticsOut {
    pub service_id: String,
    pub from: String,
    pub to: String,
    pub target_days: i64,
    /// Absent when suppressed.
    pub started: Option<usize>,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    /// 0–1.
    pub share_within_target: Option<f64>,
    /// Fewer than 5 started referrals, shown to an analyst: nothing published.
    pub suppressed: bool,
}

impl From<WaitingStatisticsView> for WaitingStatisticsOut {
    fn from(v: WaitingStatisticsView) -> Self {
        let stats = v.statistics;
        Self {
            service_id: v.service.to_string(),
            from: date(v.from),
            to: date(v.to),
            target_days: v.target_days,
            started: stats.as_ref().map(|s| s.started),
            median_days: stats.as_ref().and_then(|s| s.median_days),
            p90_days: stats.as_ref().and_then(|s| s.p90_days),
            share_within_target: stats.as_ref().and_then(|s| s.share_within_target),
            suppressed: v.suppressed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingListSettingsOut {
    pub service_id: String,
    pub follow_up_days: i64,
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn respond(view: ReferralView, status: StatusCode) -> Response {
    let version = view.referral.version;
    with_etag(ReferralOut::from(view), version, status)
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Sends a referral for the person from the caller's organisation.
#[utoipa::path(post, path = "/api/v1/persons/{id}/referrals", tag = "referrals", security(("bearer" = [])),
    request_body = ReferralIn, params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = ReferralOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReferralIn>,
) -> Result<Response, ApiError> {
    let input = NewReferralInput {
        from_service: body.from_service,
        to_service: body.to_service,
        fields: ReferralFields { reason: body.reason, priority: body.priority, sent_on: body.sent_on },
    };
    let view = state.app.send_referral(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?, &input).await?;
    Ok(respond(view, StatusCode::CREATED))
}

/// The person's referrals, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/referrals", tag = "referrals", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = Page<ReferralOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Page<ReferralOut>>, ApiError> {
    let list = state.app.referrals_for_person(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?).await?;
    Ok(Json(Page { items: list.into_iter().map(ReferralOut::from).collect(), next_cursor: None }))
}

/// One referral; its `ETag` is the version for the next step.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals", security(("bearer" = [])),
    params(("id" = String, Path, description = "Referral id")),
    responses((status = 200, body = ReferralOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.referral(&ctx, &caller.actor, path_id::<ReferralId>(&id, "referral")?).await?;
    Ok(respond(view, StatusCode::OK))
}

/// Takes the next step. Needs the version (`If-Match` or `version`); a stale one gets 409.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/steps", tag = "referrals", security(("bearer" = [])),
    request_body = StepIn,
    params(("id" = String, Path, description = "Referral id"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET (or send `version`)")),
    responses((status = 200, body = ReferralOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn step(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<ReferralId>(&id, "referral")?;
    let version = if_match_or_body(&headers, body.version)?;
    let fields = StepFields {
        status: body.status,
        on: body.on,
        reason: body.reason,
        right_to_care: body.right_to_care,
        start_deadline: body.start_deadline,
        offered_date: body.offered_date,
    };
    let view = state.app.take_step(&ctx, &caller.actor, id, version, &fields).await?;
    Ok(respond(view, StatusCode::OK))
}

/// Logs a follow-up contact while the person waits.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/contacts", tag = "referrals", security(("bearer" = [])),
    request_body = ContactIn, params(("id" = String, Path, description = "Referral id")),
    responses((status = 201, body = ReferralOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn contact(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactIn>,
) -> Result<Response, ApiError> {
    let view = state
        .app
        .log_contact(&ctx, &caller.actor, path_id::<ReferralId>(&id, "referral")?, &body.on, &body.kind, &body.note)
        .await?;
    Ok(respond(view, StatusCode::CREATED))
}

/// The service's waiting list: accepted and offered referrals by priority, then date received.
#[utoipa::path(get, path = "/api/v1/services/{id}/waiting-list", tag = "referrals", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = WaitingListOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn waiting_list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<WaitingListOut>, ApiError> {
    let list = state.app.waiting_list(&ctx, &caller.actor, path_id::<ServiceId>(&id, "service")?).await?;
    Ok(Json(WaitingListOut::from(list)))
}

/// Waiting time (receipt → start) of the referrals started in `from`..=`to`: median, 90th
/// percentile and the share started within `target_days`.
#[utoipa::path(get, path = "/api/v1/services/{id}/waiting-statistics", tag = "referrals", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id"),
        ("from" = String, Query, description = "First start date, YYYY-MM-DD"),
        ("to" = String, Query, description = "Last start date, YYYY-MM-DD"),
        ("target_days" = i64, Query, description = "The waiting-time target in days")),
    responses((status = 200, body = WaitingStatisticsOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn waiting_statistics(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StatisticsQuery>,
) -> Result<Json<WaitingStatisticsOut>, ApiError> {
    let view = state
        .app
        .waiting_statistics(
            &ctx,
            &caller.actor,
            path_id::<ServiceId>(&id, "service")?,
            &query.from,
            &query.to,
            &query.target_days,
        )
        .await?;
    Ok(Json(WaitingStatisticsOut::from(view)))
}

/// Sets the follow-up interval of the service's waiting list (service leaders and admins).
#[utoipa::path(put, path = "/api/v1/services/{id}/waiting-list-settings", tag = "referrals", security(("bearer" = [])),
    request_body = WaitingListSettingsIn, params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = WaitingListSettingsOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn waiting_list_settings(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WaitingListSettingsIn>,
) -> Result<Json<WaitingListSettingsOut>, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let days = state.app.set_follow_up_days(&ctx, &caller.actor, service, body.follow_up_days).await?;
    Ok(Json(WaitingListSettingsOut { service_id: service.to_string(), follow_up_days: days }))
}
