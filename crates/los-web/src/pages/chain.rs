//! The service chain of a municipality or region, grouped category → service → provider the
//! way a municipal substance-use plan presents it, and one service's page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use los_core::Error;
use los_core::ids::{MunicipalityId, RegionId, ServiceId};
use los_core::service::{ServiceCategory, format_fte};
use los_store::services::{Service, ServiceOwner};

use crate::auth::SignedIn;
use crate::layout::Layout;
use crate::pages::failure;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chain/municipality/{id}", get(municipality_chain))
        .route("/chain/region/{id}", get(region_chain))
        .route("/services/{id}", get(service_page))
}

pub struct ServiceLine {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub phase_keys: Vec<String>,
    pub capacity: Option<(u32, String)>,
    pub regional: bool,
}

pub struct CategoryGroup {
    pub key: String,
    pub services: Vec<ServiceLine>,
}

#[derive(Template)]
#[template(path = "chain.html")]
struct ChainPage {
    layout: Layout,
    title: String,
    groups: Vec<CategoryGroup>,
    /// Administrators and leaders may describe services (the policy decides which).
    can_describe: bool,
    owner_query: String,
    /// The municipality's or region's dashboard.
    dashboard_href: String,
}

fn can_describe(session: &los_app::auth::SessionInfo) -> bool {
    session
        .actor
        .as_ref()
        .is_some_and(|a| matches!(a.role, los_core::account::Role::Admin | los_core::account::Role::Leader))
}

fn groups(services: Vec<Service>, regional_owner: impl Fn(&ServiceOwner) -> bool) -> Vec<CategoryGroup> {
    ServiceCategory::ALL
        .iter()
        .map(|category| CategoryGroup {
            key: format!("service-category-{}", category.code()),
            services: services
                .iter()
                .filter(|s| s.description.category == *category)
                .map(|s| ServiceLine {
                    id: s.id.to_string(),
                    name: s.description.name.clone(),
                    provider: s.provider_name.clone(),
                    phase_keys: s.description.phases.iter().map(|p| format!("phase-{}", p.code())).collect(),
                    capacity: s.description.capacity.map(|c| (c.amount, format!("capacity-{}", c.unit.code()))),
                    regional: regional_owner(&s.owner),
                })
                .collect(),
        })
        .collect()
}

async fn municipality_chain(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let Ok(id) = id.parse::<MunicipalityId>() else {
        return failure(layout.tr, &Error::NotFound { what: "municipality" });
    };
    let (municipality, services) = match (state.app.municipality(id).await, state.app.municipality_chain(id).await) {
        (Ok(m), Ok(s)) => (m, s),
        (Err(error), _) | (_, Err(error)) => return failure(layout.tr, &error),
    };
    let title = layout.tr.t1("chain-title", "name", &municipality.name);
    let groups = groups(services, |owner| matches!(owner, ServiceOwner::Region(_)));
    let page = ChainPage {
        layout: layout.clone(),
        title,
        groups,
        can_describe: can_describe(&session),
        owner_query: format!("municipality={id}"),
        dashboard_href: format!("/municipalities/{id}/dashboard"),
    };
    layout.render(&page)
}

async fn region_chain(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let Ok(id) = id.parse::<RegionId>() else { return failure(layout.tr, &Error::NotFound { what: "region" }) };
    let (region, services) = match (state.app.region(id).await, state.app.region_chain(id).await) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(error), _) | (_, Err(error)) => return failure(layout.tr, &error),
    };
    let title = layout.tr.t1("chain-title", "name", &region.name);
    let groups = groups(services, |owner| matches!(owner, ServiceOwner::Region(_)));
    let page = ChainPage {
        layout: layout.clone(),
        title,
        groups,
        can_describe: can_describe(&session),
        owner_query: format!("region={id}"),
        dashboard_href: format!("/regions/{id}/dashboard"),
    };
    layout.render(&page)
}

pub struct YearLine {
    pub year: i32,
    pub budget: String,
    pub fte: String,
}

pub struct BasisLine {
    pub code: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    layout: Layout,
    id: String,
    can_describe: bool,
    name: String,
    owner_link: String,
    owner_name: String,
    provider: String,
    category_key: String,
    phase_keys: Vec<String>,
    target_group: String,
    goals: String,
    legal_bases: Vec<BasisLine>,
    capacity: Option<(u32, String)>,
    opening_hours: String,
    focus_areas: Vec<String>,
    years: Vec<YearLine>,
}

async fn service_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let Ok(id) = id.parse::<ServiceId>() else { return failure(layout.tr, &Error::NotFound { what: "service" }) };
    let service = match state.app.service(id).await {
        Ok(service) => service,
        Err(error) => return failure(layout.tr, &error),
    };
    let owner = match service.owner {
        ServiceOwner::Municipality(id) => {
            state.app.municipality(id).await.map(|m| (format!("/chain/municipality/{id}"), m.name))
        }
        ServiceOwner::Region(id) => state.app.region(id).await.map(|r| (format!("/chain/region/{id}"), r.name)),
    };
    let (owner_link, owner_name) = match owner {
        Ok(owner) => owner,
        Err(error) => return failure(layout.tr, &error),
    };
    let dash = "–".to_string();
    let d = service.description;
    let page = ServicePage {
        layout: layout.clone(),
        id: service.id.to_string(),
        can_describe: can_describe(&session),
        name: d.name,
        owner_link,
        owner_name,
        provider: service.provider_name,
        category_key: format!("service-category-{}", d.category.code()),
        phase_keys: d.phases.iter().map(|p| format!("phase-{}", p.code())).collect(),
        target_group: d.target_group,
        goals: d.goals,
        legal_bases: d
            .legal_bases
            .iter()
            .map(|code| BasisLine { code: code.clone(), title: los_app::legal_bases::title(code, layout.tr.locale) })
            .collect(),
        capacity: d.capacity.map(|c| (c.amount, format!("capacity-{}", c.unit.code()))),
        opening_hours: d.opening_hours,
        focus_areas: d.focus_areas,
        years: d
            .years
            .iter()
            .map(|y| YearLine {
                year: y.year,
                budget: y.budget.map(crate::pages::grouped).unwrap_or_else(|| dash.clone()),
                fte: y.fte_hundredths.map(format_fte).unwrap_or_else(|| dash.clone()),
            })
            .collect(),
    };
    layout.render(&page)
}
