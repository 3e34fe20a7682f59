//! Housing, tallies and dashboards (design items 10, 11 and 13): a service's units with
//! tonight's free beds and a form to add one; the daily tally form with the day's corrections;
//! a person's stays with forms to record and end one; and the dashboards of a service, a
//! municipality or a region with charts (SVG with a text alternative, a table and a CSV
//! download each). Every read and change goes through `los_app`, which asks the policy and
//! writes the audit log.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::dashboards::{Chart, Dashboard, Figures, Scope};
use los_core::Error;
use los_core::housing::{StayFields, UnitFields, UnitType};
use los_core::ids::{MunicipalityId, RegionId, ServiceId, StayId};
use los_core::policy::{self, Action};
use los_core::suppression::Cell;
use los_core::tally::{Counter, TallyFields};
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{Values, actor_of, local_time, person_id};
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services/{id}/housing", get(units_page).post(unit_save))
        .route("/services/{id}/tallies", get(tally_page).post(tally_save))
        .route("/services/{id}/tallies/counters", post(counters_save))
        .route("/persons/{id}/stays", get(stays_page).post(stay_save))
        .route("/stays/{id}/end", post(stay_end))
        .route("/services/{id}/dashboard", get(service_dashboard))
        .route("/municipalities/{id}/dashboard", get(municipality_dashboard))
        .route("/regions/{id}/dashboard", get(region_dashboard))
        .route("/services/{id}/dashboard/{chart}/csv", get(service_csv))
        .route("/municipalities/{id}/dashboard/{chart}/csv", get(municipality_csv))
        .route("/regions/{id}/dashboard/{chart}/csv", get(region_csv))
}

const LABELS: [(&str, &str); 10] = [
    ("name", "field-unit-name"),
    ("unit_type", "field-unit-type"),
    ("capacity", "field-unit-capacity"),
    ("unit", "field-stay-unit"),
    ("from", "field-period-from"),
    ("to", "field-period-to"),
    ("day", "field-tally-day"),
    ("note", "field-note"),
    ("counters", "tallies-counters"),
    ("person", "field-tally-person"),
];

fn errors_of(tr: Tr, error: &Error) -> Option<FormErrors> {
    let mut labels: Vec<(&str, String)> = LABELS.iter().map(|(f, k)| (*f, k.to_string())).collect();
    labels.extend(Counter::ALL.iter().map(|c| (c.code(), format!("counter-{}", c.code()))));
    let pairs: Vec<(&str, &str)> = labels.iter().map(|(f, k)| (*f, k.as_str())).collect();
    FormErrors::from_error(tr, error, &pairs)
}

fn service_id(raw: &str, tr: Tr) -> Result<ServiceId, Response> {
    raw.parse::<ServiceId>().map_err(|_| failure(tr, &Error::NotFound { what: "service" }))
}

fn unit_type_label(tr: Tr, unit_type: UnitType) -> String {
    tr.t(&format!("unit-type-{}", unit_type.code()))
}

fn counter_label(tr: Tr, counter: Counter) -> String {
    tr.t(&format!("counter-{}", counter.code()))
}

/// A number with the decimal comma of bokmål and Swedish.
fn decimal(tr: Tr, value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    if tr.locale == los_core::locale::Locale::English { text } else { text.replace('.', ",") }
}

fn percent(tr: Tr, share: Option<f64>) -> String {
    share.map(|s| format!("{} %", decimal(tr, s * 100.0, 1))).unwrap_or_else(|| "–".into())
}

fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Shown(value) => crate::pages::grouped(i64::try_from(value).unwrap_or(i64::MAX)),
        Cell::Suppressed => los_core::suppression::SUPPRESSED_MARK.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Units and vacancies

struct UnitRow {
    name: String,
    unit_type: String,
    capacity: u32,
    occupied: u32,
    free: u32,
    target: String,
}

#[derive(Template)]
#[template(path = "housing_units.html")]
struct UnitsPage {
    layout: Layout,
    id: String,
    name: String,
    today: String,
    rows: Vec<UnitRow>,
    free_total: u32,
    can_manage: bool,
    values: Values,
    errors: FormErrors,
    types: Vec<SelectOption>,
}

async fn render_units(
    state: &AppState,
    ctx: &los_app::RequestContext,
    layout: Layout,
    actor: &policy::Actor,
    service: ServiceId,
    form: Option<(Values, FormErrors)>,
) -> Response {
    let tr = layout.tr;
    let vacancies = match state.app.vacancies(ctx, actor, service).await {
        Ok(v) => v,
        Err(error) => return failure(tr, &error),
    };
    let provider = match state.app.service(service).await {
        Ok(found) => found.provider,
        Err(error) => return failure(tr, &error),
    };
    let rows: Vec<UnitRow> = vacancies
        .units
        .iter()
        .map(|v| UnitRow {
            name: v.unit.description.name.clone(),
            unit_type: unit_type_label(tr, v.unit.description.unit_type),
            capacity: v.unit.description.capacity,
            occupied: v.occupied,
            free: v.free,
            target: match v.unit.description.unit_type.target_nights() {
                Some(nights) => tr.t1("housing-target-nights", "nights", &nights.to_string()),
                None => tr.t("housing-no-target"),
            },
        })
        .collect();
    let (values, errors) = form.unwrap_or_default();
    let chosen = values.get("unit_type");
    let types = UnitType::ALL
        .into_iter()
        .map(|t| SelectOption { value: t.code().into(), label: unit_type_label(tr, t), selected: chosen == t.code() })
        .collect();
    let status = errors.status(false);
    let page = UnitsPage {
        id: service.to_string(),
        name: vacancies.service_name,
        today: vacancies.today.to_string(),
        free_total: rows.iter().map(|r| r.free).sum(),
        rows,
        can_manage: policy::authorize(actor, Action::ManageService { provider }).is_ok(),
        values,
        errors,
        types,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

async fn units_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let tr = layout.tr;
    let (actor, service) = match (actor_of(&session, tr), service_id(&id, tr)) {
        (Ok(actor), Ok(service)) => (actor, service),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    render_units(&state, &ctx, layout, &actor, service, None).await
}

async fn unit_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let tr = layout.tr;
    let (actor, service) = match (actor_of(&session, tr), service_id(&id, tr)) {
        (Ok(actor), Ok(service)) => (actor, service),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    let fields =
        UnitFields { name: values.get("name"), unit_type: values.get("unit_type"), capacity: values.get("capacity") };
    match state.app.create_unit(&ctx, &actor, service, &fields).await {
        Ok(_) => Redirect::to(&format!("/services/{service}/housing")).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => render_units(&state, &ctx, layout, &actor, service, Some((values, errors))).await,
            None => failure(tr, &error),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Daily tallies

struct CounterInput {
    code: String,
    label: String,
    value: String,
    error: Option<String>,
}

struct HistoryRow {
    recorded_at: String,
    recorded_by: String,
    counts: String,
    note: String,
}

#[derive(Template)]
#[template(path = "tallies.html")]
struct TallyPage {
    layout: Layout,
    id: String,
    name: String,
    day: String,
    today: String,
    inputs: Vec<CounterInput>,
    note: String,
    errors: FormErrors,
    recorded: bool,
    history: Vec<HistoryRow>,
    /// Leaders of the service and administrators choose the counters.
    can_manage: bool,
    counter_choices: Vec<CounterChoice>,
    counter_errors: FormErrors,
}

struct CounterChoice {
    code: String,
    label: String,
    checked: bool,
}

/// The tally page's two forms as typed when one was refused: the day's counts (values and
/// errors) and the choice of counters (errors).
#[derive(Default)]
struct TallyForms {
    entry: Option<(Values, FormErrors)>,
    counters: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
struct DayQuery {
    #[serde(default)]
    day: Option<String>,
}

async fn render_tally(
    state: &AppState,
    ctx: &los_app::RequestContext,
    layout: Layout,
    actor: &policy::Actor,
    service: ServiceId,
    day: &str,
    forms: TallyForms,
) -> Response {
    let TallyForms { entry: form, counters: counter_errors } = forms;
    let tr = layout.tr;
    let shown = match state.app.tally_day(ctx, actor, service, day).await {
        Ok(shown) => shown,
        Err(error) => return failure(tr, &error),
    };
    let current: BTreeMap<Counter, i64> = shown.current().map(|e| e.counts.clone()).unwrap_or_default();
    let (values, errors) = form.unwrap_or_default();
    let refused = !errors.is_empty();
    let inputs = shown
        .counters
        .iter()
        .map(|c| CounterInput {
            code: c.code().into(),
            label: counter_label(tr, *c),
            value: if refused {
                values.get(c.code())
            } else {
                current.get(c).map(|n| n.to_string()).unwrap_or_default()
            },
            error: errors.get(c.code()),
        })
        .collect();
    let history = shown
        .entries
        .iter()
        .map(|e| HistoryRow {
            recorded_at: local_time(e.recorded_at),
            recorded_by: e.recorded_by_name.clone().unwrap_or_else(|| "–".into()),
            counts: e
                .counts
                .iter()
                .map(|(c, n)| format!("{}: {n}", counter_label(tr, *c)))
                .collect::<Vec<_>>()
                .join(", "),
            note: e.note.clone(),
        })
        .collect();
    let can_manage = match state.app.service(service).await {
        Ok(found) => policy::authorize(actor, Action::ManageService { provider: found.provider }).is_ok(),
        Err(error) => return failure(tr, &error),
    };
    let counter_choices = Counter::ALL
        .iter()
        .map(|c| CounterChoice {
            code: c.code().into(),
            label: counter_label(tr, *c),
            checked: shown.counters.contains(c),
        })
        .collect();
    let status = if counter_errors.is_empty() { errors.status(false) } else { crate::pages::INVALID };
    let page = TallyPage {
        can_manage,
        counter_choices,
        counter_errors,
        id: service.to_string(),
        name: shown.service_name.clone(),
        day: if refused { values.get("day") } else { shown.day.to_string() },
        today: shown.today.to_string(),
        inputs,
        note: if refused { values.get("note") } else { String::new() },
        recorded: shown.current().is_some(),
        errors,
        history,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

async fn tally_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<DayQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let tr = layout.tr;
    let (actor, service) = match (actor_of(&session, tr), service_id(&id, tr)) {
        (Ok(actor), Ok(service)) => (actor, service),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let day = query.day.unwrap_or_default();
    // A day that does not parse or lies ahead shows today with the reason.
    match state.app.tally_day(&ctx, &actor, service, &day).await {
        Err(error @ Error::Invalid(_)) => {
            let errors = errors_of(tr, &error).unwrap_or_default();
            let mut values = Values::default();
            values.set("day", day);
            render_tally(
                &state,
                &ctx,
                layout,
                &actor,
                service,
                "",
                TallyForms { entry: Some((values, errors)), ..Default::default() },
            )
            .await
        }
        _ => render_tally(&state, &ctx, layout, &actor, service, &day, TallyForms::default()).await,
    }
}

async fn tally_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let tr = layout.tr;
    let (actor, service) = match (actor_of(&session, tr), service_id(&id, tr)) {
        (Ok(actor), Ok(service)) => (actor, service),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    let counts = Counter::ALL
        .iter()
        .filter(|c| values.0.iter().any(|(k, _)| k == c.code()))
        .map(|c| (c.code().to_string(), values.get(c.code())))
        .collect();
    let fields = TallyFields { day: values.get("day"), counts, note: values.get("note") };
    match state.app.record_tally(&ctx, &actor, service, &fields, "").await {
        Ok(saved) => Redirect::to(&format!("/services/{service}/tallies?day={}", saved.day)).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                render_tally(
                    &state,
                    &ctx,
                    layout,
                    &actor,
                    service,
                    "",
                    TallyForms { entry: Some((values, errors)), ..Default::default() },
                )
                .await
            }
            None => failure(tr, &error),
        },
    }
}

async fn counters_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let tr = layout.tr;
    let (actor, service) = match (actor_of(&session, tr), service_id(&id, tr)) {
        (Ok(actor), Ok(service)) => (actor, service),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let codes = Values(pairs).all("counters");
    match state.app.set_tally_counters(&ctx, &actor, service, &codes).await {
        Ok(_) => Redirect::to(&format!("/services/{service}/tallies")).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                render_tally(&state, &ctx, layout, &actor, service, "", TallyForms { entry: None, counters: errors })
                    .await
            }
            None => failure(tr, &error),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// A person's stays

struct StayRow {
    id: String,
    unit: String,
    unit_type: String,
    service: String,
    from: String,
    to: String,
    open: bool,
    nights: i64,
    target: String,
    over_target: bool,
    version: i64,
}

#[derive(Template)]
#[template(path = "stays.html")]
struct StaysPage {
    layout: Layout,
    id: String,
    rows: Vec<StayRow>,
    units: Vec<SelectOption>,
    values: Values,
    errors: FormErrors,
    today: String,
}

async fn render_stays(
    state: &AppState,
    ctx: &los_app::RequestContext,
    layout: Layout,
    actor: &policy::Actor,
    person: los_core::ids::PersonId,
    form: Option<(Values, FormErrors)>,
) -> Response {
    let tr = layout.tr;
    let stays = match state.app.stays_for_person(ctx, actor, person).await {
        Ok(stays) => stays,
        Err(error) => return failure(tr, &error),
    };
    let units = match state.app.units_of_own_organization(actor).await {
        Ok(units) => units,
        Err(error) => return failure(tr, &error),
    };
    let (values, errors) = form.unwrap_or_default();
    let chosen = values.get("unit");
    let mut options =
        vec![SelectOption { value: String::new(), label: tr.t("stays-choose-unit"), selected: chosen.is_empty() }];
    options.extend(units.iter().map(|u| SelectOption {
        value: u.id.to_string(),
        label: format!("{} – {}", u.service_name, u.description.name),
        selected: chosen == u.id.to_string(),
    }));
    let rows = stays
        .into_iter()
        .map(|v| StayRow {
            id: v.stay.id.to_string(),
            unit: v.stay.unit_name.clone(),
            unit_type: unit_type_label(tr, v.stay.unit_type),
            service: v.stay.service_name.clone(),
            from: v.stay.period.from.to_string(),
            to: v.stay.period.to.map(|d| d.to_string()).unwrap_or_else(|| tr.t("stays-open")),
            open: v.stay.period.to.is_none(),
            nights: v.length.nights,
            target: v.length.target.map(|t| t.to_string()).unwrap_or_else(|| "–".into()),
            over_target: v.length.over_target(),
            version: v.stay.version,
        })
        .collect();
    let status = errors.status(false);
    let page = StaysPage {
        id: person.to_string(),
        rows,
        units: options,
        values,
        errors,
        today: state.app.local_today().to_string(),
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

async fn stays_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/persons");
    let tr = layout.tr;
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    render_stays(&state, &ctx, layout, &actor, person, None).await
}

async fn stay_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/persons");
    let tr = layout.tr;
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    let fields = StayFields { from: values.get("from"), to: values.get("to") };
    match state.app.record_stay(&ctx, &actor, person, &values.get("unit"), &fields).await {
        Ok(_) => Redirect::to(&format!("/persons/{person}/stays")).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => render_stays(&state, &ctx, layout, &actor, person, Some((values, errors))).await,
            None => failure(tr, &error),
        },
    }
}

async fn stay_end(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/persons");
    let tr = layout.tr;
    let actor = match actor_of(&session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(stay) = id.parse::<StayId>() else { return failure(tr, &Error::NotFound { what: "stay" }) };
    let values = Values(pairs);
    let version = values.get("version").trim().parse::<i64>().unwrap_or(0);
    let person = match state.app.stay(&ctx, &actor, stay).await {
        Ok(view) => view.stay.person,
        Err(error) => return failure(tr, &error),
    };
    match state.app.end_stay(&ctx, &actor, stay, version, &values.get("to")).await {
        Ok(_) => Redirect::to(&format!("/persons/{person}/stays")).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => render_stays(&state, &ctx, layout, &actor, person, Some((values, errors))).await,
            None => failure(tr, &error),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboards

struct FigureRow {
    label: String,
    current: String,
    previous: String,
}

struct TableRow {
    label: String,
    cells: Vec<String>,
    total: Option<String>,
}

struct ChartView {
    key: String,
    title: String,
    svg: String,
    description: String,
    row_header: String,
    columns: Vec<String>,
    rows: Vec<TableRow>,
    totals: Option<TableRow>,
    with_row_totals: bool,
    csv_href: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    name: String,
    back_href: String,
    action: String,
    from: String,
    to: String,
    previous: String,
    suppressed: bool,
    /// Why the period shown is whole months, when it was made so.
    whole_months_note: Option<String>,
    figures: Vec<FigureRow>,
    charts: Vec<ChartView>,
    period: Values,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// Reads one count from the figures of a period.
type CountOf = fn(&Figures) -> Cell;

fn figure_rows(tr: Tr, current: &Figures, previous: &Figures) -> Vec<FigureRow> {
    let days =
        |d: Option<f64>| d.map(|d| tr.t1("referral-days", "days", &decimal(tr, d, 1))).unwrap_or_else(|| "–".into());
    let ratio = |d: Option<f64>| d.map(|d| decimal(tr, d, 1)).unwrap_or_else(|| "–".into());
    let rows: [(&str, CountOf); 9] = [
        ("figure-persons-served", |f| f.persons_served),
        ("figure-lar-clients", |f| f.lar_clients),
        ("figure-persons-with-plan", |f| f.persons_with_plan),
        ("figure-waiting-at-end", |f| f.waiting_at_end),
        ("figure-started", |f| f.started),
        ("figure-nights", |f| f.nights),
        ("figure-syringes-out", |f| f.syringes_out),
        ("figure-syringes-returned", |f| f.syringes_returned),
        ("figure-visits", |f| f.visits),
    ];
    let mut out: Vec<FigureRow> = rows
        .iter()
        .map(|(key, get)| FigureRow {
            label: tr.t(key),
            current: cell_text(get(current)),
            previous: cell_text(get(previous)),
        })
        .collect();
    out.push(FigureRow {
        label: tr.t("figure-plan-share"),
        current: percent(tr, current.plan_share),
        previous: percent(tr, previous.plan_share),
    });
    out.push(FigureRow {
        label: tr.t("figure-median-wait"),
        current: days(current.median_wait_days),
        previous: days(previous.median_wait_days),
    });
    out.push(FigureRow {
        label: tr.t("figure-occupancy"),
        current: percent(tr, current.occupancy),
        previous: percent(tr, previous.occupancy),
    });
    out.push(FigureRow {
        label: tr.t("figure-return-rate"),
        current: percent(tr, current.return_rate),
        previous: percent(tr, previous.return_rate),
    });
    out.push(FigureRow {
        label: tr.t("figure-visits-per-day"),
        current: ratio(current.visits_per_day),
        previous: ratio(previous.visits_per_day),
    });
    out
}

fn column_label(tr: Tr, code: &str) -> String {
    if let Some(t) = UnitType::from_code(code) {
        unit_type_label(tr, t)
    } else if let Some(c) = Counter::from_code(code) {
        counter_label(tr, c)
    } else {
        tr.t(&format!("chart-column-{code}"))
    }
}

fn chart_view(tr: Tr, chart: &Chart, csv_base: &str, query: &str) -> ChartView {
    let title = tr.t(&format!("chart-{}", chart.key));
    let columns: Vec<String> = chart.columns.iter().map(|c| column_label(tr, c)).collect();
    let shown: Vec<u64> = chart.rows.iter().flat_map(|r| r.cells.iter().filter_map(|c| c.value())).collect();
    let hidden = chart.rows.iter().flat_map(|r| r.cells.iter()).filter(|c| c.is_suppressed()).count();
    let description = tr.t_args(
        "chart-description",
        &[
            ("title", title.clone()),
            ("rows", chart.rows.len().to_string()),
            ("first", chart.rows.first().map(|r| r.label.clone()).unwrap_or_default()),
            ("last", chart.rows.last().map(|r| r.label.clone()).unwrap_or_default()),
            ("max", shown.iter().max().copied().unwrap_or(0).to_string()),
            ("hidden", hidden.to_string()),
        ],
    );
    let with_row_totals = chart.rows.iter().any(|r| r.total.is_some());
    ChartView {
        key: chart.key.into(),
        svg: crate::charts::svg(chart, &format!("chart-{}", chart.key), &title, &description, &columns),
        title,
        description,
        row_header: tr.t(&format!("chart-row-{}", chart.row_kind)),
        rows: chart
            .rows
            .iter()
            .map(|r| TableRow {
                label: r.label.clone(),
                cells: r.cells.iter().map(|c| cell_text(*c)).collect(),
                total: r.total.map(cell_text),
            })
            .collect(),
        totals: chart.column_totals.as_ref().map(|totals| TableRow {
            label: tr.t("chart-total"),
            cells: totals.iter().map(|c| cell_text(*c)).collect(),
            total: chart.total.map(cell_text),
        }),
        columns,
        with_row_totals,
        csv_href: format!("{csv_base}/{}/csv?{query}", chart.key),
    }
}

/// Where a dashboard lives: its scope, its address and the page it belongs to.
struct Place {
    scope: Scope,
    base: String,
    back_href: String,
}

async fn render_dashboard(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &los_app::auth::SessionInfo,
    place: Place,
    query: PeriodQuery,
) -> Response {
    let Place { scope, base, back_href } = place;
    let layout = Layout::new(state, headers, Some(session), "/municipalities");
    let tr = layout.tr;
    let actor = match actor_of(session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let mut period = Values::default();
    period.set("from", query.from.unwrap_or_default());
    period.set("to", query.to.unwrap_or_default());
    let (dashboard, errors) =
        match state.app.dashboard(ctx, &actor, scope, &period.get("from"), &period.get("to")).await {
            Ok(d) => (d, FormErrors::default()),
            Err(error @ Error::Invalid(_)) => {
                let errors = errors_of(tr, &error).unwrap_or_default();
                match state.app.dashboard(ctx, &actor, scope, "", "").await {
                    Ok(d) => (d, errors),
                    Err(error) => return failure(tr, &error),
                }
            }
            Err(error) => return failure(tr, &error),
        };
    let page = dashboard_page(tr, &layout, &dashboard, base, back_href, period, errors);
    let status = page.errors.status(false);
    layout.render_with_status(status, &page)
}

fn dashboard_page(
    tr: Tr,
    layout: &Layout,
    d: &Dashboard,
    base: String,
    back_href: String,
    mut period: Values,
    errors: FormErrors,
) -> DashboardPage {
    if errors.is_empty() {
        period.set("from", d.from.to_string());
        period.set("to", d.to.to_string());
    }
    let query = format!("from={}&to={}", d.from, d.to);
    DashboardPage {
        layout: layout.clone(),
        name: d.name.clone(),
        back_href,
        action: base.clone(),
        from: d.from.to_string(),
        to: d.to.to_string(),
        previous: format!("{} – {}", d.previous_from, d.previous_to),
        suppressed: d.suppressed,
        whole_months_note: d
            .whole_months
            .then(|| tr.t_args("dashboard-whole-months", &[("from", d.from.to_string()), ("to", d.to.to_string())])),
        figures: figure_rows(tr, &d.current, &d.previous),
        charts: d.charts.iter().map(|c| chart_view(tr, c, &base, &query)).collect(),
        period,
        errors,
    }
}

async fn service_dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let tr = Layout::new(&state, &headers, Some(&session), "/municipalities").tr;
    let Ok(service) = id.parse::<ServiceId>() else { return failure(tr, &Error::NotFound { what: "service" }) };
    let base = format!("/services/{service}/dashboard");
    let place = Place { scope: Scope::Service(service), base, back_href: format!("/services/{service}") };
    render_dashboard(&state, &headers, &ctx, &session, place, query).await
}

async fn municipality_dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let tr = Layout::new(&state, &headers, Some(&session), "/municipalities").tr;
    let Ok(municipality) = id.parse::<MunicipalityId>() else {
        return failure(tr, &Error::NotFound { what: "municipality" });
    };
    let base = format!("/municipalities/{municipality}/dashboard");
    let back = format!("/chain/municipality/{municipality}");
    let place = Place { scope: Scope::Municipality(municipality), base, back_href: back };
    render_dashboard(&state, &headers, &ctx, &session, place, query).await
}

async fn region_dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let tr = Layout::new(&state, &headers, Some(&session), "/municipalities").tr;
    let Ok(region) = id.parse::<RegionId>() else { return failure(tr, &Error::NotFound { what: "region" }) };
    let base = format!("/regions/{region}/dashboard");
    let back = format!("/chain/region/{region}");
    let place = Place { scope: Scope::Region(region), base, back_href: back };
    render_dashboard(&state, &headers, &ctx, &session, place, query).await
}

async fn chart_csv(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &los_app::auth::SessionInfo,
    scope: Option<Scope>,
    chart: &str,
    query: PeriodQuery,
) -> Response {
    let tr = Layout::new(state, headers, Some(session), "/municipalities").tr;
    let (Ok(actor), Some(scope)) = (actor_of(session, tr), scope) else {
        return failure(tr, &Error::NotFound { what: "dashboard" });
    };
    let from = query.from.unwrap_or_default();
    let to = query.to.unwrap_or_default();
    match state.app.dashboard(ctx, &actor, scope, &from, &to).await {
        Ok(dashboard) => match crate::api::dashboards::csv_response(&dashboard, chart) {
            Ok(response) => response,
            Err(_) => failure(tr, &Error::NotFound { what: "chart" }),
        },
        Err(error) => failure(tr, &error),
    }
}

async fn service_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, chart)): Path<(String, String)>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let scope = id.parse::<ServiceId>().ok().map(Scope::Service);
    chart_csv(&state, &headers, &ctx, &session, scope, &chart, query).await
}

async fn municipality_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, chart)): Path<(String, String)>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let scope = id.parse::<MunicipalityId>().ok().map(Scope::Municipality);
    chart_csv(&state, &headers, &ctx, &session, scope, &chart, query).await
}

async fn region_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, chart)): Path<(String, String)>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let scope = id.parse::<RegionId>().ok().map(Scope::Region);
    chart_csv(&state, &headers, &ctx, &session, scope, &chart, query).await
}
