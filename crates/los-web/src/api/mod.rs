//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from the
//! handlers themselves, so a route cannot exist without being documented.

mod accounts;
mod audit;
mod deadlines;
mod decisions;
pub mod health;
mod identifiers;
mod json;
mod me;
mod municipalities;
mod organizations;
mod persons;
mod plans;
mod referrals;
mod services;
mod tokens;
// Housing, tallies and dashboards (issue 6).
pub(crate) mod dashboards;
mod housing;
mod tallies;

use std::sync::OnceLock;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

pub use json::{ApiJson, ApiQuery};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Los API",
        description = "Care coordination for people with substance-use problems. Errors are RFC 9457 problem+json; \
                       validation errors name the field and the reason. Authenticate with a personal access token \
                       (`Authorization: Bearer los_…`) or a browser session (state changes then need `X-CSRF-Token`).",
        version = "1"
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    tags(
        (name = "operations", description = "Liveness, readiness and this document"),
        (name = "accounts", description = "Staff accounts, roles and personal access tokens"),
        (name = "organizations", description = "Organisations in the chain of services"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "services", description = "The service catalogue, browsed as the chain of a municipality or region"),
        (name = "persons", description = "Persons receiving services"),
        (name = "deadlines", description = "Statutory and local deadlines on working-day calendars"),
        (name = "referrals", description = "Referrals between services, waiting lists and waiting times"),
        (name = "decisions", description = "Decisions (vedtak) with legal basis, period, review date and appeals"),
        (name = "plans", description = "Individual plans (IP/SIP), care teams, transitions and meetings"),
        (name = "housing", description = "Housing units, vacancies and stays"),
        (name = "tallies", description = "Daily tallies of low-threshold services, with corrections"),
        (name = "dashboards", description = "Key figures and chart data; small counts suppressed for analysts and areas"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("los_…").build()),
        );
    }
}

/// A page of a list. `next_cursor` is absent on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A JSON response with the version as its `ETag`.
pub fn with_etag<T: Serialize>(body: T, version: i64, status: StatusCode) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version named by `If-Match`; required for updates.
pub fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let Some(raw) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::new(StatusCode::PRECONDITION_REQUIRED, "send If-Match with the ETag from GET"));
    };
    raw.trim().trim_start_matches("W/").trim_matches('"').parse::<i64>().map_err(|_| {
        ApiError::field(StatusCode::BAD_REQUEST, "If-Match", "invalid-format", "is not an ETag of this API")
    })
}

/// The version from `If-Match`, else from the body's `version`; one of them is required (steps
/// and appeals are POSTs that forms send with the version in the body).
pub fn if_match_or_body(headers: &HeaderMap, body: Option<i64>) -> Result<i64, ApiError> {
    if headers.contains_key(header::IF_MATCH) {
        return if_match(headers);
    }
    body.ok_or_else(|| ApiError::from(los_core::Error::invalid("version", los_core::Reason::Required)))
}

/// An id from the path; anything that does not parse is "not found", like an unknown id.
pub fn path_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::from(los_core::Error::NotFound { what }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz_doc))
        .routes(routes!(health::readyz_doc))
        .routes(routes!(openapi_json))
        .routes(routes!(me::me))
        .routes(routes!(me::deadlines))
        .routes(routes!(organizations::list, organizations::create))
        .routes(routes!(organizations::get_one, organizations::update))
        .routes(routes!(municipalities::list, municipalities::create))
        .routes(routes!(municipalities::get_one, municipalities::update))
        .routes(routes!(municipalities::list_regions, municipalities::create_region))
        .routes(routes!(municipalities::get_region, municipalities::update_region))
        .routes(routes!(services::list, services::create))
        .routes(routes!(services::get_one, services::update))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::get_one))
        .routes(routes!(accounts::disable))
        .routes(routes!(accounts::enable))
        .routes(routes!(accounts::reset_second_factor))
        .routes(routes!(accounts::grant_role, accounts::revoke_role))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(identifiers::validate))
        .routes(routes!(deadlines::preview))
        .routes(routes!(deadlines::list_rules, deadlines::create_rule))
        .routes(routes!(deadlines::update_rule))
        .routes(routes!(persons::search, persons::register))
        .routes(routes!(persons::get_one, persons::update))
        .routes(routes!(persons::add_relative))
        .routes(routes!(persons::remove_relative))
        .routes(routes!(persons::start_episode))
        .routes(routes!(persons::end_episode))
        .routes(routes!(persons::give_consent))
        .routes(routes!(persons::withdraw_consent))
        .routes(routes!(persons::set_block))
        .routes(routes!(persons::lift_block))
        .routes(routes!(persons::link))
        .routes(routes!(persons::access_log))
        .routes(routes!(persons::open_emergency))
        .routes(routes!(persons::reviews))
        .routes(routes!(persons::review))
        .routes(routes!(referrals::list, referrals::send))
        .routes(routes!(referrals::get_one))
        .routes(routes!(referrals::step))
        .routes(routes!(referrals::contact))
        .routes(routes!(referrals::waiting_list))
        .routes(routes!(referrals::waiting_statistics))
        .routes(routes!(referrals::waiting_list_settings))
        .routes(routes!(decisions::list, decisions::record))
        .routes(routes!(decisions::get_one, decisions::update))
        .routes(routes!(decisions::appeal))
        .routes(routes!(decisions::forward))
        .routes(routes!(plans::create_plan))
        .routes(routes!(plans::get_plan, plans::update_plan))
        .routes(routes!(plans::history))
        .routes(routes!(plans::add_goal))
        .routes(routes!(plans::update_goal, plans::remove_goal))
        .routes(routes!(plans::add_measure))
        .routes(routes!(plans::update_measure, plans::remove_measure))
        .routes(routes!(plans::add_member))
        .routes(routes!(plans::end_member))
        .routes(routes!(plans::add_transition))
        .routes(routes!(plans::update_transition))
        .routes(routes!(plans::schedule_meeting))
        .routes(routes!(plans::get_meeting, plans::update_meeting))
        .routes(routes!(plans::calendar))
        .routes(routes!(plans::own_plans))
        .routes(routes!(plans::coverage))
        // Housing, tallies and dashboards (issue 6).
        .routes(routes!(housing::vacancies, housing::create_unit))
        .routes(routes!(housing::get_unit, housing::update_unit))
        .routes(routes!(housing::list_stays, housing::record_stay))
        .routes(routes!(housing::get_stay))
        .routes(routes!(housing::end_stay))
        .routes(routes!(tallies::counters, tallies::set_counters))
        .routes(routes!(tallies::list, tallies::record))
        .routes(routes!(tallies::day))
        .routes(routes!(dashboards::service))
        .routes(routes!(dashboards::municipality))
        .routes(routes!(dashboards::region))
        .routes(routes!(dashboards::service_chart))
        .routes(routes!(dashboards::municipality_chart))
        .routes(routes!(dashboards::region_chart))
}

/// The OpenAPI document, built once.
pub fn openapi_document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| router().split_for_parts().1)
}

/// The OpenAPI 3.1 description of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    Json(openapi_document().clone())
}
