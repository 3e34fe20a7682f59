//! Municipalities and regions, for everyone signed in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use los_core::municipality::population_for;

use crate::auth::SignedIn;
use crate::layout::Layout;
use crate::pages::{failure, grouped};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/municipalities", get(list))
}

pub struct MunicipalityRow {
    pub id: String,
    pub name: String,
    pub number: String,
    pub country: String,
    pub time_zone: String,
    pub population: String,
}

pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub host: String,
    pub members: Vec<String>,
    pub population: String,
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct ListPage {
    layout: Layout,
    year: i32,
    can_edit: bool,
    municipalities: Vec<MunicipalityRow>,
    regions: Vec<RegionRow>,
}

async fn list(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let (municipalities, regions) = match (state.app.list_municipalities().await, state.app.list_regions().await) {
        (Ok(m), Ok(r)) => (m, r),
        (Err(error), _) | (_, Err(error)) => return failure(layout.tr, &error),
    };
    let year = i32::from(state.app.today_in("Europe/Oslo").year());
    let unknown = layout.t("municipalities-population-unknown");
    let population = |id| municipalities.iter().find(|m| m.id == id).and_then(|m| population_for(&m.populations, year));
    let region_rows = regions
        .iter()
        .map(|r| {
            let name_of = |id| municipalities.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
            let total: Option<i64> = r.members.iter().map(|id| population(*id)).sum();
            RegionRow {
                id: r.id.to_string(),
                name: r.name.clone(),
                host: name_of(r.host),
                members: r.members.iter().map(|id| name_of(*id)).collect(),
                population: total.map(grouped).unwrap_or_else(|| unknown.clone()),
            }
        })
        .collect();
    let rows = municipalities
        .iter()
        .map(|m| MunicipalityRow {
            id: m.id.to_string(),
            name: m.name.clone(),
            number: m.number.clone(),
            country: m.country.code().into(),
            time_zone: m.time_zone.clone(),
            population: population_for(&m.populations, year).map(grouped).unwrap_or_else(|| unknown.clone()),
        })
        .collect();
    let can_edit = layout.user.as_ref().is_some_and(|u| u.is_admin);
    layout.render(&ListPage { layout: layout.clone(), year, can_edit, municipalities: rows, regions: region_rows })
}
