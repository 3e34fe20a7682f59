//! Decisions (*vedtak*) and appeals. The handlers authenticate and translate; every access
//! decision and its audit event is made in `los_app::decisions`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::decisions::{DecisionInput, DecisionView};
use los_core::deadline::DueStatus;
use los_core::decision::DecisionFields;
use los_core::ids::PersonId;
use los_store::decisions::DecisionId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page, if_match, with_etag};
use crate::api::{if_match_or_body, path_id};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Bodies

/// A decision's terms, as recorded or replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// The service decided on (id).
    pub service: String,
    /// A legal-basis code from the catalogue of the person's country, e.g. `no.hol.3-2`.
    pub legal_basis: String,
    /// granted, partly_granted or denied
    pub outcome: String,
    /// The extent in words, e.g. "6 timer per uke".
    #[serde(default)]
    pub extent: String,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD`, not before `valid_from`; required (and limited) for coercion.
    #[serde(default)]
    pub valid_to: String,
    /// `YYYY-MM-DD`, within the period.
    #[serde(default)]
    pub review_on: String,
    pub grounds: String,
    /// `YYYY-MM-DD`, the day the person was notified; not in the future. Starts the appeal deadline.
    #[serde(default)]
    pub notice_on: String,
}

impl DecisionIn {
    fn into_input(self) -> DecisionInput {
        DecisionInput {
            service: self.service,
            fields: DecisionFields {
                legal_basis: self.legal_basis,
                outcome: self.outcome,
                extent: self.extent,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
                review_on: self.review_on,
                grounds: self.grounds,
                notice_on: self.notice_on,
            },
        }
    }
}

/// An appeal received.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealIn {
    /// `YYYY-MM-DD`: not before the notice, not in the future.
    pub received_on: String,
    /// The decision's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// An appeal sent on to the appeal body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardIn {
    /// `YYYY-MM-DD`: not before the appeal was received, not in the future.
    pub forwarded_on: String,
    /// The body it was sent to, e.g. "Statsforvalteren i Oslo og Viken".
    pub forwarded_to: String,
    /// The decision's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A computed deadline with its explanation (rule, source, start, calendar, any move).
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealDeadlineOut {
    /// YYYY-MM-DD
    pub due: Option<String>,
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

/// How close the review date is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewStatusOut {
    /// overdue, due_today, due_soon or later
    pub status: String,
    /// Days overdue or days left (due_soon); absent otherwise.
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealOut {
    pub received_on: Option<String>,
    /// Whether it came in after the deadline (it may still be considered).
    pub late: Option<bool>,
    pub forwarded_on: Option<String>,
    pub forwarded_to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub id: String,
    pub person_id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub service_id: String,
    pub service_name: String,
    pub legal_basis: String,
    /// The citation, e.g. "helse- og omsorgstjenesteloven § 3-2".
    pub legal_basis_citation: Option<String>,
    pub coercion: bool,
    pub outcome: String,
    pub extent: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub review_on: Option<String>,
    /// Present when there is a review date.
    pub review_status: Option<ReviewStatusOut>,
    pub grounds: String,
    pub notice_on: Option<String>,
    /// Present once the date of notice is recorded.
    pub appeal_deadline: Option<AppealDeadlineOut>,
    pub appeal: AppealOut,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn date(d: jiff::civil::Date) -> String {
    d.to_string()
}

fn review_out(status: DueStatus) -> ReviewStatusOut {
    match status {
        DueStatus::Overdue { days } => ReviewStatusOut { status: "overdue".into(), days: Some(days) },
        DueStatus::DueToday => ReviewStatusOut { status: "due_today".into(), days: None },
        DueStatus::DueSoon { days } => ReviewStatusOut { status: "due_soon".into(), days: Some(days) },
        DueStatus::Later => ReviewStatusOut { status: "later".into(), days: None },
    }
}

impl From<DecisionView> for DecisionOut {
    fn from(view: DecisionView) -> Self {
        let d = view.decision;
        Self {
            id: d.id.to_string(),
            person_id: d.person.to_string(),
            organization_id: d.organization.to_string(),
            organization_name: d.organization_name,
            service_id: d.service.to_string(),
            service_name: d.service_name,
            legal_basis: d.legal_basis,
            legal_basis_citation: view.legal_basis.map(|b| b.citation()),
            coercion: view.legal_basis.is_some_and(|b| b.is_coercion()),
            outcome: d.outcome.code().into(),
            extent: d.extent,
            valid_from: date(d.valid_from),
            valid_to: d.valid_to.map(date),
            review_on: d.review_on.map(date),
            review_status: view.review_status.map(review_out),
            grounds: d.grounds,
            notice_on: d.notice_on.map(date),
            appeal_deadline: view.appeal_deadline.map(|r| AppealDeadlineOut {
                due: r.due.map(date),
                explanation: serde_json::to_value(&r.explanation).unwrap_or(serde_json::Value::Null),
            }),
            appeal: AppealOut {
                received_on: d.appeal_received_on.map(date),
                late: view.appeal_late,
                forwarded_on: d.appeal_forwarded_on.map(date),
                forwarded_to: d.appeal_forwarded_to,
            },
            version: d.version,
            created_at: d.created_at.to_string(),
            updated_at: d.updated_at.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn respond(view: DecisionView, status: StatusCode) -> Response {
    let version = view.decision.version;
    with_etag(DecisionOut::from(view), version, status)
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Records a decision about the person, made by the caller's organisation.
#[utoipa::path(post, path = "/api/v1/persons/{id}/decisions", tag = "decisions", security(("bearer" = [])),
    request_body = DecisionIn, params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = DecisionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionIn>,
) -> Result<Response, ApiError> {
    let view =
        state.app.record_decision(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?, &body.into_input()).await?;
    Ok(respond(view, StatusCode::CREATED))
}

/// The person's decisions, newest period first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/decisions", tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = Page<DecisionOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Page<DecisionOut>>, ApiError> {
    let list = state.app.decisions_for_person(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?).await?;
    Ok(Json(Page { items: list.into_iter().map(DecisionOut::from).collect(), next_cursor: None }))
}

/// One decision; its `ETag` is the version for `If-Match`.
#[utoipa::path(get, path = "/api/v1/decisions/{id}", tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Decision id")),
    responses((status = 200, body = DecisionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.decision(&ctx, &caller.actor, path_id::<DecisionId>(&id, "decision")?).await?;
    Ok(respond(view, StatusCode::OK))
}

/// Replaces the decision's terms; needs `If-Match`, a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/decisions/{id}", tag = "decisions", security(("bearer" = [])), request_body = DecisionIn,
    params(("id" = String, Path, description = "Decision id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = DecisionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DecisionIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<DecisionId>(&id, "decision")?;
    let version = if_match(&headers)?;
    let view = state.app.update_decision(&ctx, &caller.actor, id, version, &body.into_input()).await?;
    Ok(respond(view, StatusCode::OK))
}

/// Registers an appeal against the decision. Needs the version (`If-Match` or `version`).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/appeal", tag = "decisions", security(("bearer" = [])),
    request_body = AppealIn,
    params(("id" = String, Path, description = "Decision id"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET (or send `version`)")),
    responses((status = 200, body = DecisionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn appeal(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AppealIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<DecisionId>(&id, "decision")?;
    let version = if_match_or_body(&headers, body.version)?;
    let view = state.app.register_appeal(&ctx, &caller.actor, id, version, &body.received_on).await?;
    Ok(respond(view, StatusCode::OK))
}

/// Records that the registered appeal was sent on. Needs the version (`If-Match` or `version`).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/appeal/forward", tag = "decisions", security(("bearer" = [])),
    request_body = ForwardIn,
    params(("id" = String, Path, description = "Decision id"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET (or send `version`)")),
    responses((status = 200, body = DecisionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn forward(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ForwardIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<DecisionId>(&id, "decision")?;
    let version = if_match_or_body(&headers, body.version)?;
    let view =
        state.app.forward_appeal(&ctx, &caller.actor, id, version, &body.forwarded_on, &body.forwarded_to).await?;
    Ok(respond(view, StatusCode::OK))
}
