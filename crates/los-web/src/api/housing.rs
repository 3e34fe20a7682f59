//! Housing units, vacancies and stays. The handlers authenticate and translate; every access
//! decision and its audit event is made in `los_app::housing`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use los_app::housing::{StayView, UnitVacancy, Vacancies};
use los_core::housing::{StayFields, UnitFields};
use los_core::ids::{HousingUnitId, PersonId, ServiceId, StayId};
use los_store::housing::Unit;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiJson, Page, if_match, if_match_or_body, path_id, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// A housing unit of a service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitIn {
    pub name: String,
    /// night_shelter, low_threshold_flat, dual_diagnosis_flat, shared_housing_with_staff,
    /// transitional_flat or municipal_flat
    pub unit_type: String,
    /// Beds or places, 1–500.
    pub capacity: i64,
}

/// A stay of the person in a unit of the caller's organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StayIn {
    pub unit_id: String,
    /// The day the person moved in, `YYYY-MM-DD`, not after today.
    pub from: String,
    /// The day the person moved out, if known; not after today.
    #[serde(default)]
    pub to: String,
}

/// The day the person moved out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StayEndIn {
    /// `YYYY-MM-DD`, not before moving in, not after today.
    pub to: String,
    /// The stay's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitOut {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub name: String,
    pub unit_type: String,
    pub capacity: u32,
    /// Nights after which the person should have moved on; absent for lasting housing.
    pub target_nights: Option<i64>,
    pub version: i64,
}

impl From<Unit> for UnitOut {
    fn from(unit: Unit) -> Self {
        Self {
            id: unit.id.to_string(),
            service_id: unit.service.to_string(),
            service_name: unit.service_name,
            name: unit.description.name,
            unit_type: unit.description.unit_type.code().into(),
            capacity: unit.description.capacity,
            target_nights: unit.description.unit_type.target_nights(),
            version: unit.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitVacancyOut {
    #[serde(flatten)]
    pub unit: UnitOut,
    /// Stays holding a bed tonight.
    pub occupied: u32,
    pub free: u32,
}

impl From<UnitVacancy> for UnitVacancyOut {
    fn from(v: UnitVacancy) -> Self {
        Self { unit: UnitOut::from(v.unit), occupied: v.occupied, free: v.free }
    }
}

/// A service's units with tonight's free beds.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacanciesOut {
    pub service_id: String,
    pub service_name: String,
    pub today: String,
    pub items: Vec<UnitVacancyOut>,
}

impl From<Vacancies> for VacanciesOut {
    fn from(v: Vacancies) -> Self {
        Self {
            service_id: v.service.to_string(),
            service_name: v.service_name,
            today: v.today.to_string(),
            items: v.units.into_iter().map(UnitVacancyOut::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StayOut {
    pub id: String,
    pub person_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_type: String,
    pub service_id: String,
    pub service_name: String,
    pub from: String,
    /// Absent while the person lives there.
    pub to: Option<String>,
    /// Nights so far (a night belongs to the day it starts; an open stay counts tonight).
    pub nights: i64,
    pub target_nights: Option<i64>,
    pub over_target: bool,
    /// The episode the stay opened and ends with it.
    pub episode_id: Option<String>,
    pub version: i64,
}

impl From<StayView> for StayOut {
    fn from(v: StayView) -> Self {
        let s = v.stay;
        Self {
            id: s.id.to_string(),
            person_id: s.person.to_string(),
            unit_id: s.unit.to_string(),
            unit_name: s.unit_name,
            unit_type: s.unit_type.code().into(),
            service_id: s.service.to_string(),
            service_name: s.service_name,
            from: s.period.from.to_string(),
            to: s.period.to.map(|d| d.to_string()),
            nights: v.length.nights,
            target_nights: v.length.target,
            over_target: v.length.over_target(),
            episode_id: s.episode.map(|e| e.to_string()),
            version: s.version,
        }
    }
}

fn unit_response(unit: Unit, status: StatusCode) -> Response {
    let version = unit.version;
    with_etag(UnitOut::from(unit), version, status)
}

fn stay_response(view: StayView, status: StatusCode) -> Response {
    let version = view.stay.version;
    with_etag(StayOut::from(view), version, status)
}

fn unit_fields(body: UnitIn) -> UnitFields {
    UnitFields { name: body.name, unit_type: body.unit_type, capacity: body.capacity.to_string() }
}

/// The service's housing units with how many beds are taken and free tonight.
#[utoipa::path(get, path = "/api/v1/services/{id}/housing-units", tag = "housing", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = VacanciesOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn vacancies(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<VacanciesOut>, ApiError> {
    let list = state.app.vacancies(&ctx, &caller.actor, path_id::<ServiceId>(&id, "service")?).await?;
    Ok(Json(VacanciesOut::from(list)))
}

/// Adds a housing unit to the service (service leaders of the provider, administrators).
#[utoipa::path(post, path = "/api/v1/services/{id}/housing-units", tag = "housing", security(("bearer" = [])),
    request_body = UnitIn, params(("id" = String, Path, description = "Service id")),
    responses((status = 201, body = UnitOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_unit(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UnitIn>,
) -> Result<Response, ApiError> {
    let service = path_id::<ServiceId>(&id, "service")?;
    let unit = state.app.create_unit(&ctx, &caller.actor, service, &unit_fields(body)).await?;
    Ok(unit_response(unit, StatusCode::CREATED))
}

/// One housing unit; its `ETag` is the version for an update.
#[utoipa::path(get, path = "/api/v1/housing-units/{id}", tag = "housing", security(("bearer" = [])),
    params(("id" = String, Path, description = "Unit id")),
    responses((status = 200, body = UnitOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_unit(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let unit = state.app.unit(&ctx, &caller.actor, path_id::<HousingUnitId>(&id, "housing unit")?).await?;
    Ok(unit_response(unit, StatusCode::OK))
}

/// Changes a unit. Needs `If-Match`; the capacity cannot drop below the beds taken from tonight on.
#[utoipa::path(put, path = "/api/v1/housing-units/{id}", tag = "housing", security(("bearer" = [])),
    request_body = UnitIn,
    params(("id" = String, Path, description = "Unit id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = UnitOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update_unit(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UnitIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<HousingUnitId>(&id, "housing unit")?;
    let version = if_match(&headers)?;
    let unit = state.app.update_unit(&ctx, &caller.actor, id, version, &unit_fields(body)).await?;
    Ok(unit_response(unit, StatusCode::OK))
}

/// The person's stays, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/stays", tag = "housing", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = Page<StayOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_stays(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Page<StayOut>>, ApiError> {
    let list = state.app.stays_for_person(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?).await?;
    Ok(Json(Page { items: list.into_iter().map(StayOut::from).collect(), next_cursor: None }))
}

/// Records a stay. Refused (field and reason) when it starts or ends after today, ends before
/// it starts, the person is elsewhere on one of its nights (`from`), or the unit is full on one
/// of them (`unit`). Opens an episode at the unit's service unless one covers the stay.
#[utoipa::path(post, path = "/api/v1/persons/{id}/stays", tag = "housing", security(("bearer" = [])),
    request_body = StayIn, params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = StayOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_stay(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StayIn>,
) -> Result<Response, ApiError> {
    let person = path_id::<PersonId>(&id, "person")?;
    let fields = StayFields { from: body.from, to: body.to };
    let view = state.app.record_stay(&ctx, &caller.actor, person, &body.unit_id, &fields).await?;
    Ok(stay_response(view, StatusCode::CREATED))
}

/// One stay; its `ETag` is the version for ending it.
#[utoipa::path(get, path = "/api/v1/stays/{id}", tag = "housing", security(("bearer" = [])),
    params(("id" = String, Path, description = "Stay id")),
    responses((status = 200, body = StayOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_stay(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.stay(&ctx, &caller.actor, path_id::<StayId>(&id, "stay")?).await?;
    Ok(stay_response(view, StatusCode::OK))
}

/// Records the day the person moved out; ends the episode the stay opened.
#[utoipa::path(post, path = "/api/v1/stays/{id}/end", tag = "housing", security(("bearer" = [])),
    request_body = StayEndIn,
    params(("id" = String, Path, description = "Stay id"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET (or send `version`)")),
    responses((status = 200, body = StayOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn end_stay(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StayEndIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<StayId>(&id, "stay")?;
    let version = if_match_or_body(&headers, body.version)?;
    let view = state.app.end_stay(&ctx, &caller.actor, id, version, &body.to).await?;
    Ok(stay_response(view, StatusCode::OK))
}
