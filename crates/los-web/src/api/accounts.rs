use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use los_app::accounts::{AccountOverview, NewAccountInput, Operator};
use los_core::Error;
use los_core::ids::AccountId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    pub organization_id: String,
    pub organization_name: String,
    /// admin, leader, caseworker or analyst
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub disabled: bool,
    pub second_factor: bool,
    pub memberships: Vec<MembershipOut>,
}

impl From<AccountOverview> for AccountOut {
    fn from(o: AccountOverview) -> Self {
        Self {
            id: o.account.id.to_string(),
            username: o.account.username.clone(),
            display_name: o.account.display_name.clone(),
            locale: o.account.locale.tag().into(),
            disabled: o.account.is_disabled(),
            second_factor: o.account.has_second_factor(),
            memberships: o
                .memberships
                .into_iter()
                .map(|m| MembershipOut {
                    organization_id: m.organization_id.to_string(),
                    organization_name: m.organization_name,
                    role: m.role.code().into(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountIn {
    pub username: String,
    pub display_name: String,
    /// At least 12 characters.
    pub password: String,
    /// nb, sv or en; nb when absent.
    #[serde(default)]
    pub locale: Option<String>,
    pub organization_id: String,
    pub role: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    pub organization_id: String,
    pub role: String,
}

fn parse_id(id: &str) -> Result<AccountId, ApiError> {
    id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "account" }))
}

/// All accounts (administrators).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Page<AccountOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
) -> Result<Json<Page<AccountOut>>, ApiError> {
    let items = state.app.list_accounts(&ctx, &caller.actor).await?.into_iter().map(AccountOut::from).collect();
    Ok(Json(Page { items, next_cursor: None }))
}

/// One account (administrators).
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AccountOut>, ApiError> {
    Ok(Json(state.app.account_overview(&ctx, &caller.actor, parse_id(&id)?).await?.into()))
}

/// Creates an account with one role (administrators). It must enrol a second factor at first login.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = AccountIn,
    responses((status = 201, body = AccountOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<AccountIn>,
) -> Result<Response, ApiError> {
    let input = NewAccountInput {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        locale: body.locale,
        organization: body.organization_id,
        role: body.role,
    };
    let id = state.app.create_account(&ctx, Operator::Actor(&caller.actor), &input).await?;
    let created = state.app.account_overview(&ctx, &caller.actor, id).await?;
    Ok((StatusCode::CREATED, Json(AccountOut::from(created))).into_response())
}

async fn after_change(
    state: &AppState,
    ctx: &los_app::RequestContext,
    caller: &ApiCaller,
    id: AccountId,
) -> Result<Json<AccountOut>, ApiError> {
    Ok(Json(state.app.account_overview(ctx, &caller.actor, id).await?.into()))
}

/// Disables an account and ends its sessions at once (administrators).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/disable", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn disable(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = parse_id(&id)?;
    state.app.set_account_disabled(&ctx, Operator::Actor(&caller.actor), id, true).await?;
    after_change(&state, &ctx, &caller, id).await
}

/// Enables a disabled account (administrators).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/enable", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn enable(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = parse_id(&id)?;
    state.app.set_account_disabled(&ctx, Operator::Actor(&caller.actor), id, false).await?;
    after_change(&state, &ctx, &caller, id).await
}

/// Removes an account's second factor; it must enrol again at next login (administrators).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/reset-second-factor", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn reset_second_factor(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = parse_id(&id)?;
    state.app.reset_second_factor(&ctx, Operator::Actor(&caller.actor), id).await?;
    after_change(&state, &ctx, &caller, id).await
}

/// Grants a role in an organisation (administrators).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = RoleIn,
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn grant_role(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleIn>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = parse_id(&id)?;
    state.app.change_role(&ctx, Operator::Actor(&caller.actor), id, &body.organization_id, &body.role, true).await?;
    after_change(&state, &ctx, &caller, id).await
}

/// Revokes a role; sessions and tokens acting in it end (administrators).
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = RoleIn,
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, body = AccountOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_role(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleIn>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = parse_id(&id)?;
    state.app.change_role(&ctx, Operator::Actor(&caller.actor), id, &body.organization_id, &body.role, false).await?;
    after_change(&state, &ctx, &caller, id).await
}
