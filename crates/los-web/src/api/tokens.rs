use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use los_core::Error;
use los_core::ids::TokenId;
use los_store::tokens::ApiToken;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    pub role: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            organization_id: t.organization_id.to_string(),
            role: t.role.code().into(),
            created_at: t.created_at.to_string(),
            expires_at: t.expires_at.map(|at| at.to_string()),
            last_used_at: t.last_used_at.map(|at| at.to_string()),
            revoked_at: t.revoked_at.map(|at| at.to_string()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub name: String,
    /// 1–366 days; no expiry when absent.
    #[serde(default)]
    pub valid_days: Option<i64>,
}

/// A new token; `secret` is shown this once and cannot be retrieved again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenOut {
    pub token: TokenOut,
    pub secret: String,
}

/// The caller's own tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Page<TokenOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<Page<TokenOut>>, ApiError> {
    let items = state.app.list_tokens(caller.actor.account).await?.into_iter().map(TokenOut::from).collect();
    Ok(Json(Page { items, next_cursor: None }))
}

/// Creates a token with the caller's current rights.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])), request_body = TokenIn,
    responses((status = 201, body = CreatedTokenOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<TokenIn>,
) -> Result<Response, ApiError> {
    let created = state.app.create_token(&ctx, &caller.actor, &body.name, body.valid_days).await?;
    Ok((StatusCode::CREATED, Json(CreatedTokenOut { token: created.token.into(), secret: created.secret }))
        .into_response())
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: TokenId = id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "token" }))?;
    state.app.revoke_token(&ctx, caller.actor.account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
