//! Forms for administrators: municipalities (number, time zone, population per year) and
//! regions (host and members).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use los_app::accounts::Operator;
use los_app::auth::SessionInfo;
use los_app::municipalities::{MunicipalityInput, RegionInput};
use los_core::Error;
use los_core::ids::{MunicipalityId, RegionId};
use los_core::organization::Country;

use crate::auth::{Ctx, SignedIn};
use crate::layout::Layout;
use crate::pages::service_form::CheckOption;
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/municipalities/new", get(new_municipality).post(create_municipality))
        .route("/municipalities/{id}/edit", get(edit_municipality).post(update_municipality))
        .route("/regions/new", get(new_region).post(create_region))
        .route("/regions/{id}/edit", get(edit_region).post(update_region))
}

fn one(pairs: &[(String, String)], key: &str) -> String {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "municipality_form.html")]
struct MunicipalityPage {
    layout: Layout,
    action: String,
    heading_key: &'static str,
    version: i64,
    countries: Vec<SelectOption>,
    number: String,
    municipality_name: String,
    time_zone: String,
    populations: String,
    errors: FormErrors,
    conflict: bool,
}

const MUNICIPALITY_LABELS: [(&str, &str); 5] = [
    ("country", "field-country"),
    ("number", "field-municipality-number"),
    ("name", "field-organization-name"),
    ("time_zone", "field-time-zone"),
    ("populations", "field-populations"),
];

fn municipality_page(
    layout: Layout,
    target: (String, &'static str),
    version: i64,
    input: &MunicipalityInput,
    errors: FormErrors,
    conflict: bool,
) -> Response {
    let status = errors.status(conflict);
    let tr = layout.tr;
    let page = MunicipalityPage {
        action: target.0,
        heading_key: target.1,
        version,
        countries: Country::ALL
            .iter()
            .map(|c| SelectOption {
                value: c.code().into(),
                label: tr.t(&format!("country-{}", c.code())),
                selected: c.code() == input.country,
            })
            .collect(),
        number: input.number.clone(),
        municipality_name: input.name.clone(),
        time_zone: input.time_zone.clone(),
        populations: input.populations.clone(),
        errors,
        conflict,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

fn admin_layout(state: &AppState, headers: &HeaderMap, session: &SessionInfo) -> Result<Layout, Response> {
    let layout = Layout::new(state, headers, Some(session), "/municipalities");
    if layout.user.as_ref().is_some_and(|u| u.is_admin) {
        Ok(layout)
    } else {
        Err(failure(layout.tr, &Error::Forbidden))
    }
}

async fn new_municipality(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = match admin_layout(&state, &headers, &session) {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let input = MunicipalityInput { country: "NO".into(), ..MunicipalityInput::default() };
    municipality_page(
        layout,
        ("/municipalities/new".into(), "municipality-new"),
        0,
        &input,
        FormErrors::default(),
        false,
    )
}

fn municipality_input(pairs: &[(String, String)]) -> MunicipalityInput {
    MunicipalityInput {
        country: one(pairs, "country"),
        number: one(pairs, "number"),
        name: one(pairs, "name"),
        time_zone: one(pairs, "time_zone"),
        populations: one(pairs, "populations"),
    }
}

async fn save_municipality(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &SessionInfo,
    existing: Option<(MunicipalityId, i64)>,
    pairs: &[(String, String)],
    target: (String, &'static str),
) -> Response {
    let layout = Layout::new(state, headers, Some(session), "/municipalities");
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let input = municipality_input(pairs);
    let version = existing.map(|(_, v)| v).unwrap_or(0);
    match state.app.save_municipality(ctx, Operator::Actor(&actor), existing, &input).await {
        Ok(_) => Redirect::to("/municipalities").into_response(),
        Err(Error::Conflict { .. }) => {
            let current = match existing {
                Some((id, _)) => state.app.municipality(id).await.map(|m| m.version).unwrap_or(version),
                None => version,
            };
            municipality_page(layout, target, current, &input, FormErrors::default(), true)
        }
        Err(error) => match FormErrors::from_error(layout.tr, &error, &MUNICIPALITY_LABELS) {
            Some(errors) => municipality_page(layout, target, version, &input, errors, false),
            None => failure(layout.tr, &error),
        },
    }
}

async fn create_municipality(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let target = ("/municipalities/new".to_string(), "municipality-new");
    save_municipality(&state, &headers, &ctx, &session, None, &pairs, target).await
}

async fn edit_municipality(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = match admin_layout(&state, &headers, &session) {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<MunicipalityId>() else {
        return failure(layout.tr, &Error::NotFound { what: "municipality" });
    };
    match state.app.municipality(id).await {
        Ok(m) => {
            let input = MunicipalityInput {
                country: m.country.code().into(),
                number: m.number,
                name: m.name,
                time_zone: m.time_zone,
                populations: m
                    .populations
                    .iter()
                    .map(|p| format!("{}: {}", p.year, p.inhabitants))
                    .collect::<Vec<_>>()
                    .join("\n"),
            };
            let target = (format!("/municipalities/{id}/edit"), "municipality-edit");
            municipality_page(layout, target, m.version, &input, FormErrors::default(), false)
        }
        Err(error) => failure(layout.tr, &error),
    }
}

async fn update_municipality(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    let Ok(id) = id.parse::<MunicipalityId>() else { return failure(tr, &Error::NotFound { what: "municipality" }) };
    let version = one(&pairs, "version").trim().parse::<i64>().unwrap_or(0);
    let target = (format!("/municipalities/{id}/edit"), "municipality-edit");
    save_municipality(&state, &headers, &ctx, &session, Some((id, version)), &pairs, target).await
}

#[derive(Template)]
#[template(path = "region_form.html")]
struct RegionPage {
    layout: Layout,
    action: String,
    heading_key: &'static str,
    version: i64,
    region_name: String,
    hosts: Vec<SelectOption>,
    members: Vec<CheckOption>,
    errors: FormErrors,
    conflict: bool,
}

const REGION_LABELS: [(&str, &str); 3] =
    [("name", "field-region-name"), ("host", "field-host"), ("members", "field-members")];

async fn region_page(
    state: &AppState,
    layout: Layout,
    target: (String, &'static str),
    version: i64,
    input: &RegionInput,
    errors: FormErrors,
    conflict: bool,
) -> Response {
    let municipalities = match state.app.list_municipalities().await {
        Ok(list) => list,
        Err(error) => return failure(layout.tr, &error),
    };
    let status = errors.status(conflict);
    let label = |m: &los_store::municipalities::Municipality| format!("{} ({} {})", m.name, m.country.code(), m.number);
    let page = RegionPage {
        action: target.0,
        heading_key: target.1,
        version,
        region_name: input.name.clone(),
        hosts: municipalities
            .iter()
            .map(|m| SelectOption {
                value: m.id.to_string(),
                label: label(m),
                selected: m.id.to_string() == input.host,
            })
            .collect(),
        members: municipalities
            .iter()
            .map(|m| CheckOption {
                value: m.id.to_string(),
                label: label(m),
                checked: input.members.contains(&m.id.to_string()),
            })
            .collect(),
        errors,
        conflict,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

fn region_input(pairs: &[(String, String)]) -> RegionInput {
    RegionInput {
        name: one(pairs, "name"),
        host: one(pairs, "host"),
        members: pairs.iter().filter(|(k, _)| k == "members").map(|(_, v)| v.clone()).collect(),
    }
}

async fn new_region(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = match admin_layout(&state, &headers, &session) {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    region_page(
        &state,
        layout,
        ("/regions/new".into(), "region-new"),
        0,
        &RegionInput::default(),
        FormErrors::default(),
        false,
    )
    .await
}

async fn save_region(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &SessionInfo,
    existing: Option<(RegionId, i64)>,
    pairs: &[(String, String)],
    target: (String, &'static str),
) -> Response {
    let layout = Layout::new(state, headers, Some(session), "/municipalities");
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let input = region_input(pairs);
    let version = existing.map(|(_, v)| v).unwrap_or(0);
    match state.app.save_region(ctx, Operator::Actor(&actor), existing, &input).await {
        Ok(_) => Redirect::to("/municipalities").into_response(),
        Err(Error::Conflict { .. }) => {
            let current = match existing {
                Some((id, _)) => state.app.region(id).await.map(|r| r.version).unwrap_or(version),
                None => version,
            };
            region_page(state, layout, target, current, &input, FormErrors::default(), true).await
        }
        Err(error) => match FormErrors::from_error(layout.tr, &error, &REGION_LABELS) {
            Some(errors) => region_page(state, layout, target, version, &input, errors, false).await,
            None => failure(layout.tr, &error),
        },
    }
}

async fn create_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    save_region(&state, &headers, &ctx, &session, None, &pairs, ("/regions/new".into(), "region-new")).await
}

async fn edit_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = match admin_layout(&state, &headers, &session) {
        Ok(layout) => layout,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<RegionId>() else { return failure(layout.tr, &Error::NotFound { what: "region" }) };
    match state.app.region(id).await {
        Ok(r) => {
            let input = RegionInput {
                name: r.name,
                host: r.host.to_string(),
                members: r.members.iter().map(ToString::to_string).collect(),
            };
            region_page(
                &state,
                layout,
                (format!("/regions/{id}/edit"), "region-edit"),
                r.version,
                &input,
                FormErrors::default(),
                false,
            )
            .await
        }
        Err(error) => failure(layout.tr, &error),
    }
}

async fn update_region(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let tr = crate::i18n::Tr::new(session.account.locale);
    let Ok(id) = id.parse::<RegionId>() else { return failure(tr, &Error::NotFound { what: "region" }) };
    let version = one(&pairs, "version").trim().parse::<i64>().unwrap_or(0);
    save_region(
        &state,
        &headers,
        &ctx,
        &session,
        Some((id, version)),
        &pairs,
        (format!("/regions/{id}/edit"), "region-edit"),
    )
    .await
}
