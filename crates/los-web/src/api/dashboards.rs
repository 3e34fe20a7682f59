//! Dashboards of a service, a municipality or a region, and each chart's data as CSV. Counts
//! are `null` where they are suppressed; `suppressed` says whether small counts were hidden, and
//! `whole_months` that the period asked for was then widened to whole calendar months that have
//! ended (so that two periods a day apart cannot be subtracted to reveal a day's small counts).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use los_app::dashboards::{Chart, Dashboard, Figures, Scope};
use los_core::ids::{MunicipalityId, RegionId, ServiceId};
use los_core::suppression::Cell;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiQuery, path_id};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresOut {
    /// Distinct persons with an episode at one of the services on some day of the period.
    pub persons_served: Option<u64>,
    pub lar_clients: Option<u64>,
    /// Persons served who have an individual plan; `null` when it or the persons without a plan
    /// would be a count from 1 to 4 (suppressed dashboards).
    pub persons_with_plan: Option<u64>,
    /// Share of the persons served who have an individual plan, 0–1; `null` when either count
    /// is hidden or no one was served.
    pub plan_share: Option<f64>,
    /// Referrals accepted and not yet started on the period's last day.
    pub waiting_at_end: Option<u64>,
    /// Referrals started in the period.
    pub started: Option<u64>,
    /// Days from receipt to start.
    pub median_wait_days: Option<f64>,
    pub nights: Option<u64>,
    pub available_nights: i64,
    /// 0–1.
    pub occupancy: Option<f64>,
    pub syringes_out: Option<u64>,
    pub syringes_returned: Option<u64>,
    /// 0–1.
    pub return_rate: Option<f64>,
    pub visits: Option<u64>,
    /// Days with visits recorded.
    pub open_days: i64,
    pub visits_per_day: Option<f64>,
}

impl From<&Figures> for FiguresOut {
    fn from(f: &Figures) -> Self {
        Self {
            persons_served: f.persons_served.value(),
            lar_clients: f.lar_clients.value(),
            persons_with_plan: f.persons_with_plan.value(),
            plan_share: f.plan_share,
            waiting_at_end: f.waiting_at_end.value(),
            started: f.started.value(),
            median_wait_days: f.median_wait_days,
            nights: f.nights.value(),
            available_nights: f.available_nights,
            occupancy: f.occupancy,
            syringes_out: f.syringes_out.value(),
            syringes_returned: f.syringes_returned.value(),
            return_rate: f.return_rate,
            visits: f.visits.value(),
            open_days: f.open_days,
            visits_per_day: f.visits_per_day,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChartRowOut {
    pub label: String,
    pub values: Vec<Option<u64>>,
    pub total: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChartOut {
    pub key: String,
    /// month or week
    pub row_kind: String,
    pub columns: Vec<String>,
    pub rows: Vec<ChartRowOut>,
    pub column_totals: Option<Vec<Option<u64>>>,
    pub total: Option<u64>,
}

fn values(cells: &[Cell]) -> Vec<Option<u64>> {
    cells.iter().map(|c| c.value()).collect()
}

impl From<&Chart> for ChartOut {
    fn from(c: &Chart) -> Self {
        Self {
            key: c.key.into(),
            row_kind: c.row_kind.into(),
            columns: c.columns.clone(),
            rows: c
                .rows
                .iter()
                .map(|r| ChartRowOut {
                    label: r.label.clone(),
                    values: values(&r.cells),
                    total: r.total.and_then(Cell::value),
                })
                .collect(),
            column_totals: c.column_totals.as_deref().map(values),
            total: c.total.and_then(Cell::value),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardOut {
    /// service, municipality or region
    pub scope: String,
    pub id: String,
    pub name: String,
    /// The first day of the period shown (for a suppressed dashboard, the first of a month).
    pub from: String,
    /// The last day of the period shown (for a suppressed dashboard, the last day of a month that
    /// has ended).
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    /// Counts from 1 to 4 and those that would give them away are `null`.
    pub suppressed: bool,
    /// The period asked for was made whole calendar months that have ended: `from` moved to the
    /// first of its month, `to` to the last day of its month, or of the month before if its own
    /// has not ended; the previous period is as many whole months just before. Always so when
    /// `suppressed`; otherwise `false` and the period is the days asked for.
    pub whole_months: bool,
    pub services: usize,
    pub housing_units: usize,
    pub current: FiguresOut,
    pub previous: FiguresOut,
    pub charts: Vec<ChartOut>,
}

impl From<&Dashboard> for DashboardOut {
    fn from(d: &Dashboard) -> Self {
        Self {
            scope: d.scope.code().into(),
            id: d.scope.id(),
            name: d.name.clone(),
            from: d.from.to_string(),
            to: d.to.to_string(),
            previous_from: d.previous_from.to_string(),
            previous_to: d.previous_to.to_string(),
            suppressed: d.suppressed,
            whole_months: d.whole_months,
            services: d.services,
            housing_units: d.units,
            current: FiguresOut::from(&d.current),
            previous: FiguresOut::from(&d.previous),
            charts: d.charts.iter().map(ChartOut::from).collect(),
        }
    }
}

/// A chart's data as a CSV download.
pub fn csv_response(dashboard: &Dashboard, key: &str) -> Result<Response, ApiError> {
    let chart = dashboard.chart(key).ok_or(los_core::Error::NotFound { what: "chart" })?;
    let body = crate::charts::csv(chart)?;
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let file = format!("attachment; filename=\"{}-{}-{}.csv\"", key, dashboard.from, dashboard.to);
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

async fn load(
    state: &AppState,
    ctx: &los_app::RequestContext,
    caller: &ApiCaller,
    scope: Scope,
    query: &PeriodQuery,
) -> Result<Dashboard, ApiError> {
    Ok(state.app.dashboard(ctx, &caller.actor, scope, &query.from, &query.to).await?)
}

/// The service's dashboard for `from..=to` (the last year by default) and the period before it.
/// For an analyst small counts are suppressed and the period is made whole months that have ended
/// (the last twelve by default; see `whole_months`).
#[utoipa::path(get, path = "/api/v1/services/{id}/dashboard", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, body = DashboardOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn service(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<DashboardOut>, ApiError> {
    let scope = Scope::Service(path_id::<ServiceId>(&id, "service")?);
    Ok(Json(DashboardOut::from(&load(&state, &ctx, &caller, scope, &query).await?)))
}

/// The municipality's dashboard (its own services), always with small counts suppressed and the
/// period made whole months that have ended (the last twelve by default; see `whole_months`).
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/dashboard", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, body = DashboardOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn municipality(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<DashboardOut>, ApiError> {
    let scope = Scope::Municipality(path_id::<MunicipalityId>(&id, "municipality")?);
    Ok(Json(DashboardOut::from(&load(&state, &ctx, &caller, scope, &query).await?)))
}

/// The region's dashboard (its services and its members'), always with small counts suppressed
/// and the period made whole months that have ended (the last twelve by default).
#[utoipa::path(get, path = "/api/v1/regions/{id}/dashboard", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Region id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, body = DashboardOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn region(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<DashboardOut>, ApiError> {
    let scope = Scope::Region(path_id::<RegionId>(&id, "region")?);
    Ok(Json(DashboardOut::from(&load(&state, &ctx, &caller, scope, &query).await?)))
}

/// One chart of the service's dashboard as CSV (hidden counts written as `.`).
#[utoipa::path(get, path = "/api/v1/services/{id}/dashboard/charts/{chart}", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Service id"),
        ("chart" = String, Path, description = "nights-by-month, waiting-list, syringes-by-month, visits-by-month or persons-with-plan"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, description = "The chart's table", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn service_chart(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, chart)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let scope = Scope::Service(path_id::<ServiceId>(&id, "service")?);
    csv_response(&load(&state, &ctx, &caller, scope, &query).await?, &chart)
}

/// One chart of the municipality's dashboard as CSV.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/dashboard/charts/{chart}", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id"),
        ("chart" = String, Path, description = "nights-by-month, waiting-list, syringes-by-month, visits-by-month or persons-with-plan"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, description = "The chart's table", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn municipality_chart(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, chart)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let scope = Scope::Municipality(path_id::<MunicipalityId>(&id, "municipality")?);
    csv_response(&load(&state, &ctx, &caller, scope, &query).await?, &chart)
}

/// One chart of the region's dashboard as CSV.
#[utoipa::path(get, path = "/api/v1/regions/{id}/dashboard/charts/{chart}", tag = "dashboards", security(("bearer" = [])),
    params(("id" = String, Path, description = "Region id"),
        ("chart" = String, Path, description = "nights-by-month, waiting-list, syringes-by-month, visits-by-month or persons-with-plan"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD; today when left out")),
    responses((status = 200, description = "The chart's table", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn region_chart(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, chart)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    let scope = Scope::Region(path_id::<RegionId>(&id, "region")?);
    csv_response(&load(&state, &ctx, &caller, scope, &query).await?, &chart)
}
