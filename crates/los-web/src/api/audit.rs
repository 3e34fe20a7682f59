use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::{ApiQuery, Page};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::pages::admin_audit_filter;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventOut {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub actor_account: Option<String>,
    pub actor_username: Option<String>,
    pub actor_organization: Option<String>,
    pub actor_role: Option<String>,
    pub person: Option<String>,
    pub subject: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

/// Audit events, newest first (administrators). `cursor` is the `next_cursor` of the previous page.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", security(("bearer" = [])),
    params(
        ("action" = Option<String>, Query, description = "Only this action"),
        ("outcome" = Option<String>, Query, description = "success, failure or denied"),
        ("actor" = Option<String>, Query, description = "Account id of the actor"),
        ("person" = Option<String>, Query, description = "Person id"),
        ("from" = Option<String>, Query, description = "From this date (YYYY-MM-DD, UTC)"),
        ("to" = Option<String>, Query, description = "To and including this date"),
        ("cursor" = Option<String>, Query, description = "Continue after this cursor"),
    ),
    responses((status = 200, body = Page<AuditEventOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<AuditApiQuery>,
) -> Result<Json<Page<AuditEventOut>>, ApiError> {
    let page_query = crate::pages::AuditQuery {
        action: query.action,
        outcome: query.outcome,
        actor: query.actor,
        person: query.person,
        from: query.from,
        to: query.to,
        before: query.cursor,
    };
    let filter = admin_audit_filter(&page_query)?;
    let events = state.app.list_audit_events(&ctx, &caller.actor, &filter).await?;
    let next_cursor = (events.len() as i64 == los_app::audit::AUDIT_PAGE_SIZE)
        .then(|| events.last().map(|e| e.seq.to_string()))
        .flatten();
    let items = events
        .into_iter()
        .map(|e| AuditEventOut {
            seq: e.seq,
            at: jiff::Timestamp::from_microsecond(e.record.at_micros).map(|t| t.to_string()).unwrap_or_default(),
            action: e.record.action,
            outcome: e.record.outcome,
            actor_account: e.record.actor_account,
            actor_username: e.actor_username,
            actor_organization: e.record.actor_organization,
            actor_role: e.record.actor_role,
            person: e.record.person,
            subject: e.record.subject,
            reason: e.record.reason,
            request_id: e.record.request_id,
        })
        .collect();
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditApiQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    cursor: String,
}
