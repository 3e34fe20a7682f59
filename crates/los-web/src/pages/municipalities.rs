//! Municipalities and regions, for everyone signed in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use los_core::municipality::population_for;

use crate::auth::{Ctx, SignedIn};
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

/// Plan coverage of one municipality (issue 4): persons with an active episode at its
/// services, how many have a plan and a coordinator. A count hidden for analysts is `None`.
pub struct CoverageRow {
    pub name: String,
    pub active: String,
    pub with_plan: String,
    pub with_coordinator: String,
    pub share: String,
    pub suppressed: bool,
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct ListPage {
    layout: Layout,
    year: i32,
    can_edit: bool,
    municipalities: Vec<MunicipalityRow>,
    regions: Vec<RegionRow>,
    /// `None` without a role (nobody to ask the policy for).
    coverage: Option<Vec<CoverageRow>>,
    coverage_suppressed: bool,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
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
    let coverage = match &session.actor {
        Some(actor) => {
            let hidden = layout.t("plan-coverage-suppressed");
            let shown = |n: Option<i64>| n.map(grouped).unwrap_or_else(|| hidden.clone());
            let mut list = Vec::new();
            for m in &municipalities {
                match state.app.plan_coverage(&ctx, actor, m.id).await {
                    Ok(c) => list.push(CoverageRow {
                        name: m.name.clone(),
                        active: shown(c.with_active_episode),
                        with_plan: shown(c.with_plan),
                        with_coordinator: shown(c.with_coordinator),
                        share: match (c.plan_share_percent(), c.with_active_episode) {
                            (Some(share), _) => format!("{share}\u{a0}%"),
                            (None, Some(0)) => "–".into(),
                            (None, _) => hidden.clone(),
                        },
                        suppressed: c.suppressed,
                    }),
                    Err(los_core::Error::Forbidden) => {}
                    Err(error) => return failure(layout.tr, &error),
                }
            }
            Some(list)
        }
        None => None,
    };
    let can_edit = layout.user.as_ref().is_some_and(|u| u.is_admin);
    let coverage_suppressed = coverage.as_ref().is_some_and(|rows| rows.iter().any(|c| c.suppressed));
    layout.render(&ListPage {
        layout: layout.clone(),
        year,
        can_edit,
        municipalities: rows,
        regions: region_rows,
        coverage,
        coverage_suppressed,
    })
}
