use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller and the membership it acts in.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub account_id: String,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub organization_id: String,
    pub role: String,
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn me(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<Me>, ApiError> {
    let account = state.app.account_by_id(caller.actor.account).await?;
    Ok(Json(Me {
        account_id: account.id.to_string(),
        username: account.username,
        display_name: account.display_name,
        locale: account.locale.tag().into(),
        organization_id: caller.actor.organization.to_string(),
        role: caller.actor.role.code().into(),
    }))
}

/// One deadline on the caller's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineOut {
    /// referral_assessment, referral_start, decision_review or coercion_ends
    pub kind: String,
    pub due: String,
    /// overdue, due_today, due_soon or later
    pub status: String,
    /// Days overdue (negative) or left (positive).
    pub days: i64,
    pub person_id: String,
    pub person_name: String,
    pub service_name: String,
    /// The page where the case is handled.
    pub href: String,
    /// The rule or statute the date comes from.
    pub source: String,
}

/// The caller's deadlines and, for leaders and administrators, the organisation's.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinesOut {
    pub mine: Vec<DeadlineOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Vec<DeadlineOut>>,
}

fn deadline_out(line: los_app::deadlines::DeadlineLine) -> DeadlineOut {
    use los_core::deadline::DueStatus;
    let status = match line.status {
        DueStatus::Overdue { .. } => "overdue",
        DueStatus::DueToday => "due_today",
        DueStatus::DueSoon { .. } => "due_soon",
        DueStatus::Later => "later",
    };
    DeadlineOut {
        kind: line.kind.code().into(),
        due: line.due.to_string(),
        status: status.into(),
        days: line.days_left,
        person_id: line.person.to_string(),
        person_name: line.person_name,
        service_name: line.service_name,
        href: line.href,
        source: line.source,
    }
}

/// "My deadlines": referrals waiting for assessment or start, decisions due for review and
/// coercion periods ending, within 30 days or overdue, for persons the caller may see.
#[utoipa::path(get, path = "/api/v1/me/deadlines", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = DeadlinesOut),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn deadlines(
    State(state): State<AppState>,
    crate::auth::Ctx(ctx): crate::auth::Ctx,
    caller: ApiCaller,
) -> Result<Json<DeadlinesOut>, ApiError> {
    let lists = state.app.my_deadlines(&ctx, &caller.actor).await?;
    Ok(Json(DeadlinesOut {
        mine: lists.mine.into_iter().map(deadline_out).collect(),
        organization: lists.organization.map(|all| all.into_iter().map(deadline_out).collect()),
    }))
}
