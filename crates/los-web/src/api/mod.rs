//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from the
//! handlers themselves, so a route cannot exist without being documented.

mod accounts;
mod audit;
mod deadlines;
pub mod health;
mod identifiers;
mod json;
mod me;
mod organizations;
mod tokens;

use std::sync::OnceLock;

use axum::Json;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
        (name = "persons", description = "Persons receiving services"),
        (name = "deadlines", description = "Statutory and local deadlines on working-day calendars"),
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz_doc))
        .routes(routes!(health::readyz_doc))
        .routes(routes!(openapi_json))
        .routes(routes!(me::me))
        .routes(routes!(organizations::list, organizations::create))
        .routes(routes!(organizations::get_one, organizations::update))
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
