use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
use los_core::Error;
use los_core::ids::OrganizationId;
use los_store::organizations::Organization;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page, if_match, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationOut {
    pub id: String,
    pub name: String,
    /// municipal_unit, hospital_trust, dps, lar, prison_probation, nav, ngo or private_institution
    pub kind: String,
    /// NO or SE
    pub country: String,
    /// Send it back in `If-Match` when updating.
    pub version: i64,
}

impl From<Organization> for OrganizationOut {
    fn from(o: Organization) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            kind: o.kind.code().into(),
            country: o.country.code().into(),
            version: o.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationIn {
    pub name: String,
    pub kind: String,
    pub country: String,
}

impl From<OrganizationIn> for OrganizationInput {
    fn from(o: OrganizationIn) -> Self {
        OrganizationInput { name: o.name, kind: o.kind, country: o.country }
    }
}

fn parse_id(id: &str) -> Result<OrganizationId, ApiError> {
    id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "organization" }))
}

fn organization_response(organization: Organization, status: StatusCode) -> Response {
    let version = organization.version;
    with_etag(OrganizationOut::from(organization), version, status)
}

/// All organisations.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = Page<OrganizationOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller) -> Result<Json<Page<OrganizationOut>>, ApiError> {
    let items = state.app.list_organizations().await?.into_iter().map(OrganizationOut::from).collect();
    Ok(Json(Page { items, next_cursor: None }))
}

/// One organisation; its `ETag` is the version to send in `If-Match`.
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = OrganizationOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(organization_response(state.app.organization(parse_id(&id)?).await?, StatusCode::OK))
}

/// Creates an organisation (administrators).
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", security(("bearer" = [])), request_body = OrganizationIn,
    responses((status = 201, body = OrganizationOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<OrganizationIn>,
) -> Result<Response, ApiError> {
    let created = state.app.create_organization(&ctx, Operator::Actor(&caller.actor), &body.into()).await?;
    Ok(organization_response(created, StatusCode::CREATED))
}

/// Replaces an organisation's fields (administrators). Needs `If-Match` with the current
/// version; a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/organizations/{id}", tag = "organizations", security(("bearer" = [])), request_body = OrganizationIn,
    params(("id" = String, Path, description = "Organisation id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = OrganizationOut), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OrganizationIn>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let version = if_match(&headers)?;
    let updated = state.app.update_organization(&ctx, &caller.actor, id, version, &body.into()).await?;
    Ok(organization_response(updated, StatusCode::OK))
}
