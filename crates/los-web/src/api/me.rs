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
