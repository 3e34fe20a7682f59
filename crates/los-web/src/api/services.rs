use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::accounts::Operator;
use los_app::services::ServiceInput;
use los_core::Error;
use los_core::ids::{MunicipalityId, RegionId, ServiceId};
use los_core::service::{ServiceFields, ServiceYear};
use los_store::services::{Service, ServiceOwner};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, ApiQuery, Page, if_match, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityDto {
    pub amount: u32,
    /// places or beds
    pub unit: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceYearDto {
    pub year: i32,
    /// Whole kroner/kronor.
    #[serde(default)]
    pub budget: Option<i64>,
    /// Full-time equivalents, at most two decimals.
    #[serde(default)]
    pub fte: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceOut {
    pub id: String,
    pub name: String,
    pub municipality_id: Option<String>,
    pub region_id: Option<String>,
    pub provider_organization_id: String,
    pub provider_name: String,
    /// health, housing, activity_work, economy or follow_up
    pub category: String,
    /// pre_treatment, treatment, aftercare
    pub phases: Vec<String>,
    pub target_group: String,
    pub goals: String,
    /// Codes of the legal-basis catalogue.
    pub legal_bases: Vec<String>,
    pub capacity: Option<CapacityDto>,
    pub opening_hours: String,
    pub focus_areas: Vec<String>,
    pub years: Vec<ServiceYearDto>,
    pub version: i64,
}

impl From<Service> for ServiceOut {
    fn from(s: Service) -> Self {
        let (municipality_id, region_id) = match s.owner {
            ServiceOwner::Municipality(id) => (Some(id.to_string()), None),
            ServiceOwner::Region(id) => (None, Some(id.to_string())),
        };
        let d = s.description;
        Self {
            id: s.id.to_string(),
            name: d.name,
            municipality_id,
            region_id,
            provider_organization_id: s.provider.to_string(),
            provider_name: s.provider_name,
            category: d.category.code().into(),
            phases: d.phases.iter().map(|p| p.code().to_string()).collect(),
            target_group: d.target_group,
            goals: d.goals,
            legal_bases: d.legal_bases,
            capacity: d.capacity.map(|c| CapacityDto { amount: c.amount, unit: c.unit.code().into() }),
            opening_hours: d.opening_hours,
            focus_areas: d.focus_areas,
            years: d
                .years
                .iter()
                .map(|y| ServiceYearDto {
                    year: y.year,
                    budget: y.budget,
                    fte: y.fte_hundredths.map(|f| f as f64 / 100.0),
                })
                .collect(),
            version: s.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceIn {
    /// Exactly one of municipality_id and region_id: whose chain the service belongs to.
    #[serde(default)]
    pub municipality_id: Option<String>,
    #[serde(default)]
    pub region_id: Option<String>,
    pub provider_organization_id: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub phases: Vec<String>,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub legal_bases: Vec<String>,
    #[serde(default)]
    pub capacity: Option<CapacityDto>,
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default)]
    pub focus_areas: Vec<String>,
    #[serde(default)]
    pub years: Vec<ServiceYearDto>,
}

fn input(body: ServiceIn) -> Result<ServiceInput, ApiError> {
    let mut years = Vec::new();
    for y in body.years {
        let fte_hundredths = match y.fte {
            None => None,
            Some(fte) => {
                let hundredths = (fte * 100.0).round();
                if !fte.is_finite() || fte < 0.0 || (fte * 100.0 - hundredths).abs() > 1e-6 || hundredths > 1e9 {
                    return Err(ApiError::from(Error::invalid("years", los_core::Reason::InvalidFormat)));
                }
                Some(hundredths as i64)
            }
        };
        years.push(ServiceYear { year: y.year, budget: y.budget, fte_hundredths });
    }
    let (capacity, capacity_unit) = match body.capacity {
        Some(c) => (c.amount.to_string(), c.unit),
        None => (String::new(), String::new()),
    };
    Ok(ServiceInput {
        municipality: body.municipality_id.unwrap_or_default(),
        region: body.region_id.unwrap_or_default(),
        provider: body.provider_organization_id,
        fields: ServiceFields {
            name: body.name,
            category: body.category,
            phases: body.phases,
            target_group: body.target_group,
            goals: body.goals,
            legal_bases: body.legal_bases,
            capacity,
            capacity_unit,
            opening_hours: body.opening_hours,
            focus_areas: body.focus_areas,
            years,
        },
    })
}

fn service_id(id: &str) -> Result<ServiceId, ApiError> {
    id.parse().map_err(|_| ApiError::from(Error::NotFound { what: "service" }))
}

fn respond(service: Service, status: StatusCode) -> Response {
    let version = service.version;
    with_etag(ServiceOut::from(service), version, status)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainQuery {
    #[serde(default)]
    municipality: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

/// The chain of services of a municipality (its own and its regions') or of a region (its own
/// and its members').
#[utoipa::path(get, path = "/api/v1/services", tag = "services", security(("bearer" = [])),
    params(("municipality" = Option<String>, Query, description = "Municipality id"), ("region" = Option<String>, Query, description = "Region id")),
    responses((status = 200, body = Page<ServiceOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    _caller: ApiCaller,
    ApiQuery(query): ApiQuery<ChainQuery>,
) -> Result<Json<Page<ServiceOut>>, ApiError> {
    let services = match (query.municipality.as_deref(), query.region.as_deref()) {
        (Some(m), None) => {
            let id: MunicipalityId =
                m.parse().map_err(|_| ApiError::from(Error::invalid("municipality", los_core::Reason::Unknown)))?;
            state
                .app
                .municipality(id)
                .await
                .map_err(|_| ApiError::from(Error::invalid("municipality", los_core::Reason::Unknown)))?;
            state.app.municipality_chain(id).await?
        }
        (None, Some(r)) => {
            let id: RegionId =
                r.parse().map_err(|_| ApiError::from(Error::invalid("region", los_core::Reason::Unknown)))?;
            state
                .app
                .region(id)
                .await
                .map_err(|_| ApiError::from(Error::invalid("region", los_core::Reason::Unknown)))?;
            state.app.region_chain(id).await?
        }
        _ => return Err(ApiError::from(Error::invalid("municipality", los_core::Reason::Required))),
    };
    Ok(Json(Page { items: services.into_iter().map(ServiceOut::from).collect(), next_cursor: None }))
}

/// One service; its `ETag` is the version to send in `If-Match`.
#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = ServiceOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(respond(state.app.service(service_id(&id)?).await?, StatusCode::OK))
}

/// Describes a new service (administrators, or leaders of the providing organisation).
#[utoipa::path(post, path = "/api/v1/services", tag = "services", security(("bearer" = [])), request_body = ServiceIn,
    responses((status = 201, body = ServiceOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ServiceIn>,
) -> Result<Response, ApiError> {
    let saved = state.app.save_service(&ctx, Operator::Actor(&caller.actor), None, &input(body)?).await?;
    Ok(respond(saved, StatusCode::CREATED))
}

/// Replaces a service's description; needs `If-Match`, a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "services", security(("bearer" = [])), request_body = ServiceIn,
    params(("id" = String, Path, description = "Service id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = ServiceOut), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ServiceIn>,
) -> Result<Response, ApiError> {
    let id = service_id(&id)?;
    let version = if_match(&headers)?;
    let saved =
        state.app.save_service(&ctx, Operator::Actor(&caller.actor), Some((id, version)), &input(body)?).await?;
    Ok(respond(saved, StatusCode::OK))
}
