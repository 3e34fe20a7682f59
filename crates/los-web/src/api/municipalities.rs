use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::accounts::Operator;
use los_app::municipalities::{MunicipalityInput, RegionInput};
use los_core::Error;
use los_core::ids::{MunicipalityId, RegionId};
use los_store::municipalities::{Municipality, Region};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page, if_match, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationDto {
    pub year: i32,
    pub inhabitants: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityOut {
    pub id: String,
    /// NO or SE
    pub country: String,
    /// The official four-digit number.
    pub number: String,
    pub name: String,
    pub time_zone: String,
    pub populations: Vec<PopulationDto>,
    pub version: i64,
}

impl From<Municipality> for MunicipalityOut {
    fn from(m: Municipality) -> Self {
        Self {
            id: m.id.to_string(),
            country: m.country.code().into(),
            number: m.number,
            name: m.name,
            time_zone: m.time_zone,
            populations: m
                .populations
                .iter()
                .map(|p| PopulationDto { year: p.year, inhabitants: p.inhabitants })
                .collect(),
            version: m.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityIn {
    pub country: String,
    pub number: String,
    pub name: String,
    /// IANA time zone; the country's when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub populations: Vec<PopulationDto>,
}

impl From<MunicipalityIn> for MunicipalityInput {
    fn from(m: MunicipalityIn) -> Self {
        MunicipalityInput {
            country: m.country,
            number: m.number,
            name: m.name,
            time_zone: m.time_zone.unwrap_or_default(),
            populations: m
                .populations
                .iter()
                .map(|p| format!("{}: {}", p.year, p.inhabitants))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionOut {
    pub id: String,
    pub name: String,
    pub host_municipality_id: String,
    pub member_municipality_ids: Vec<String>,
    pub version: i64,
}

impl From<Region> for RegionOut {
    fn from(r: Region) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name,
            host_municipality_id: r.host.to_string(),
            member_municipality_ids: r.members.iter().map(ToString::to_string).collect(),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionIn {
    pub name: String,
    pub host_municipality_id: String,
    /// The host is added when missing; at least two members.
    pub member_municipality_ids: Vec<String>,
}

fn municipality_id(id: &str) -> Result<MunicipalityId, ApiError> {
    id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "municipality" }))
}

fn region_id(id: &str) -> Result<RegionId, ApiError> {
    id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "region" }))
}

/// All municipalities with their population per year.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = Page<MunicipalityOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, _caller: ApiCaller) -> Result<Json<Page<MunicipalityOut>>, ApiError> {
    let items = state.app.list_municipalities().await?.into_iter().map(MunicipalityOut::from).collect();
    Ok(Json(Page { items, next_cursor: None }))
}

/// One municipality; its `ETag` is the version to send in `If-Match`.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id")),
    responses((status = 200, body = MunicipalityOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let municipality = state.app.municipality(municipality_id(&id)?).await?;
    let version = municipality.version;
    Ok(with_etag(MunicipalityOut::from(municipality), version, StatusCode::OK))
}

/// Creates a municipality (administrators).
#[utoipa::path(post, path = "/api/v1/municipalities", tag = "organizations", security(("bearer" = [])), request_body = MunicipalityIn,
    responses((status = 201, body = MunicipalityOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<MunicipalityIn>,
) -> Result<Response, ApiError> {
    let saved = state.app.save_municipality(&ctx, Operator::Actor(&caller.actor), None, &body.into()).await?;
    let version = saved.version;
    Ok(with_etag(MunicipalityOut::from(saved), version, StatusCode::CREATED))
}

/// Replaces a municipality's fields and populations (administrators); needs `If-Match`, a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/municipalities/{id}", tag = "organizations", security(("bearer" = [])), request_body = MunicipalityIn,
    params(("id" = String, Path, description = "Municipality id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = MunicipalityOut), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MunicipalityIn>,
) -> Result<Response, ApiError> {
    let id = municipality_id(&id)?;
    let version = if_match(&headers)?;
    let saved =
        state.app.save_municipality(&ctx, Operator::Actor(&caller.actor), Some((id, version)), &body.into()).await?;
    let version = saved.version;
    Ok(with_etag(MunicipalityOut::from(saved), version, StatusCode::OK))
}

/// All regions (inter-municipal collaborations).
#[utoipa::path(get, path = "/api/v1/regions", tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = Page<RegionOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list_regions(
    State(state): State<AppState>,
    _caller: ApiCaller,
) -> Result<Json<Page<RegionOut>>, ApiError> {
    let items = state.app.list_regions().await?.into_iter().map(RegionOut::from).collect();
    Ok(Json(Page { items, next_cursor: None }))
}

/// One region; its `ETag` is the version to send in `If-Match`.
#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Region id")),
    responses((status = 200, body = RegionOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_region(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let region = state.app.region(region_id(&id)?).await?;
    let version = region.version;
    Ok(with_etag(RegionOut::from(region), version, StatusCode::OK))
}

/// Creates a region with a host and members (administrators).
#[utoipa::path(post, path = "/api/v1/regions", tag = "organizations", security(("bearer" = [])), request_body = RegionIn,
    responses((status = 201, body = RegionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_region(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<RegionIn>,
) -> Result<Response, ApiError> {
    let input = RegionInput { name: body.name, host: body.host_municipality_id, members: body.member_municipality_ids };
    let saved = state.app.save_region(&ctx, Operator::Actor(&caller.actor), None, &input).await?;
    let version = saved.version;
    Ok(with_etag(RegionOut::from(saved), version, StatusCode::CREATED))
}

/// Replaces a region's name, host and members (administrators); needs `If-Match`.
#[utoipa::path(put, path = "/api/v1/regions/{id}", tag = "organizations", security(("bearer" = [])), request_body = RegionIn,
    params(("id" = String, Path, description = "Region id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = RegionOut), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update_region(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegionIn>,
) -> Result<Response, ApiError> {
    let id = region_id(&id)?;
    let version = if_match(&headers)?;
    let input = RegionInput { name: body.name, host: body.host_municipality_id, members: body.member_municipality_ids };
    let saved = state.app.save_region(&ctx, Operator::Actor(&caller.actor), Some((id, version)), &input).await?;
    let version = saved.version;
    Ok(with_etag(RegionOut::from(saved), version, StatusCode::OK))
}
