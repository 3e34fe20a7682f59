//! Describing a service: new and edit forms for administrators and the leaders of the providing
//! organisation (the policy decides; the form is shown to everyone who may try).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use los_app::accounts::Operator;
use los_app::services::ServiceInput;
use los_core::ids::{MunicipalityId, RegionId, ServiceId};
use los_core::legal_basis::for_country;
use los_core::organization::Country;
use los_core::service::{Phase, ServiceCategory, ServiceFields, ServiceYear, format_fte, parse_fte};
use los_core::{Error, Reason};
use los_store::services::{Service, ServiceOwner};
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services/new", get(new_form).post(create))
        .route("/services/{id}/edit", get(edit_form).post(update))
}

pub struct CheckOption {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "service_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    heading_key: &'static str,
    municipality: String,
    region: String,
    version: i64,
    service_name: String,
    providers: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    phases: Vec<CheckOption>,
    legal_bases: Vec<CheckOption>,
    target_group: String,
    goals: String,
    capacity: String,
    units: Vec<SelectOption>,
    opening_hours: String,
    focus_areas: String,
    years: String,
    errors: FormErrors,
    conflict: bool,
}

/// The form's values as typed, kept when it is shown again.
#[derive(Debug, Clone, Default)]
struct Values {
    municipality: String,
    region: String,
    version: i64,
    name: String,
    provider: String,
    category: String,
    phases: Vec<String>,
    legal_bases: Vec<String>,
    target_group: String,
    goals: String,
    capacity: String,
    capacity_unit: String,
    opening_hours: String,
    focus_areas: String,
    years: String,
}

impl Values {
    fn from_pairs(pairs: &[(String, String)]) -> Values {
        let one = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        let all = |key: &str| pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        Values {
            municipality: one("municipality"),
            region: one("region"),
            version: one("version").trim().parse().unwrap_or(0),
            name: one("name"),
            provider: one("provider"),
            category: one("category"),
            phases: all("phases"),
            legal_bases: all("legal_bases"),
            target_group: one("target_group"),
            goals: one("goals"),
            capacity: one("capacity"),
            capacity_unit: one("capacity_unit"),
            opening_hours: one("opening_hours"),
            focus_areas: one("focus_areas"),
            years: one("years"),
        }
    }

    fn from_service(service: &Service) -> Values {
        let d = &service.description;
        let (municipality, region) = match service.owner {
            ServiceOwner::Municipality(id) => (id.to_string(), String::new()),
            ServiceOwner::Region(id) => (String::new(), id.to_string()),
        };
        Values {
            municipality,
            region,
            version: service.version,
            name: d.name.clone(),
            provider: service.provider.to_string(),
            category: d.category.code().into(),
            phases: d.phases.iter().map(|p| p.code().to_string()).collect(),
            legal_bases: d.legal_bases.clone(),
            target_group: d.target_group.clone(),
            goals: d.goals.clone(),
            capacity: d.capacity.map(|c| c.amount.to_string()).unwrap_or_default(),
            capacity_unit: d.capacity.map(|c| c.unit.code().to_string()).unwrap_or_default(),
            opening_hours: d.opening_hours.clone(),
            focus_areas: d.focus_areas.join("\n"),
            years: d
                .years
                .iter()
                .map(|y| {
                    format!(
                        "{}: {}; {}",
                        y.year,
                        y.budget.map(|b| b.to_string()).unwrap_or_default(),
                        y.fte_hundredths.map(format_fte).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Lines of `year: budget; fte`, either part may be empty.
    fn parse_years(&self) -> Result<Vec<ServiceYear>, Error> {
        let mut years = Vec::new();
        for line in self.years.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (year, rest) = line.split_once(':').ok_or_else(|| Error::invalid("years", Reason::InvalidFormat))?;
            let year: i32 = year.trim().parse().map_err(|_| Error::invalid("years", Reason::InvalidFormat))?;
            let (budget, fte) = rest.split_once(';').unwrap_or((rest, ""));
            let digits: String =
                budget.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}').collect();
            let budget = if digits.is_empty() {
                None
            } else {
                Some(digits.parse::<i64>().map_err(|_| Error::invalid("years", Reason::InvalidFormat))?)
            };
            let fte_hundredths = parse_fte("years", fte).map_err(|e| Error::Invalid(vec![e]))?;
            years.push(ServiceYear { year, budget, fte_hundredths });
        }
        Ok(years)
    }

    fn input(&self) -> Result<ServiceInput, Error> {
        Ok(ServiceInput {
            municipality: self.municipality.clone(),
            region: self.region.clone(),
            provider: self.provider.clone(),
            fields: ServiceFields {
                name: self.name.clone(),
                category: self.category.clone(),
                phases: self.phases.clone(),
                target_group: self.target_group.clone(),
                goals: self.goals.clone(),
                legal_bases: self.legal_bases.clone(),
                capacity: self.capacity.clone(),
                capacity_unit: if self.capacity.trim().is_empty() { String::new() } else { self.capacity_unit.clone() },
                opening_hours: self.opening_hours.clone(),
                focus_areas: self.focus_areas.lines().map(str::to_string).collect(),
                years: self.parse_years()?,
            },
        })
    }
}

const LABELS: [(&str, &str); 12] = [
    ("name", "field-service-name"),
    ("provider", "field-provider"),
    ("category", "field-category"),
    ("phases", "field-phases"),
    ("legal_bases", "field-legal-bases"),
    ("capacity", "field-capacity"),
    ("capacity_unit", "field-capacity-unit"),
    ("years", "service-years"),
    ("focus_areas", "field-focus-areas"),
    ("target_group", "field-target-group"),
    ("goals", "field-goals"),
    ("opening_hours", "field-opening-hours"),
];

/// The country whose law applies: the municipality's, or the region's host's.
async fn country_of(state: &AppState, values: &Values) -> Result<Country, Error> {
    if let Ok(id) = values.municipality.parse::<MunicipalityId>() {
        return Ok(state.app.municipality(id).await?.country);
    }
    let id = values.region.parse::<RegionId>().map_err(|_| Error::NotFound { what: "region" })?;
    let region = state.app.region(id).await?;
    Ok(state.app.municipality(region.host).await?.country)
}

async fn page(
    state: &AppState,
    layout: Layout,
    action: String,
    heading_key: &'static str,
    values: &Values,
    errors: FormErrors,
    conflict: bool,
) -> Response {
    let tr: Tr = layout.tr;
    let (country, organizations) = match (country_of(state, values).await, state.app.list_organizations().await) {
        (Ok(c), Ok(o)) => (c, o),
        (Err(error), _) | (_, Err(error)) => return failure(tr, &error),
    };
    let status = errors.status(conflict);
    let template = FormPage {
        action,
        heading_key,
        municipality: values.municipality.clone(),
        region: values.region.clone(),
        version: values.version,
        service_name: values.name.clone(),
        providers: organizations
            .into_iter()
            .map(|o| SelectOption {
                selected: o.id.to_string() == values.provider,
                value: o.id.to_string(),
                label: o.name,
            })
            .collect(),
        categories: ServiceCategory::ALL
            .iter()
            .map(|c| SelectOption {
                value: c.code().into(),
                label: tr.t(&format!("service-category-{}", c.code())),
                selected: c.code() == values.category,
            })
            .collect(),
        phases: Phase::ALL
            .iter()
            .map(|p| CheckOption {
                value: p.code().into(),
                label: tr.t(&format!("phase-{}", p.code())),
                checked: values.phases.iter().any(|v| v == p.code()),
            })
            .collect(),
        legal_bases: for_country(country)
            .map(|b| CheckOption {
                value: b.code.into(),
                label: format!("{} ({})", b.title(tr.locale), b.citation()),
                checked: values.legal_bases.iter().any(|v| v == b.code),
            })
            .collect(),
        target_group: values.target_group.clone(),
        goals: values.goals.clone(),
        capacity: values.capacity.clone(),
        units: ["places", "beds"]
            .iter()
            .map(|u| SelectOption {
                value: (*u).into(),
                label: tr.t(&format!("capacity-{u}")),
                selected: *u == values.capacity_unit,
            })
            .collect(),
        opening_hours: values.opening_hours.clone(),
        focus_areas: values.focus_areas.clone(),
        years: values.years.clone(),
        errors,
        conflict,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &template)
}

#[derive(Debug, Deserialize)]
struct OwnerQuery {
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    region: String,
}

async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Query(query): Query<OwnerQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let values = Values {
        municipality: query.municipality,
        region: query.region,
        provider: session.actor.as_ref().map(|a| a.organization.to_string()).unwrap_or_default(),
        category: "health".into(),
        capacity_unit: "places".into(),
        ..Values::default()
    };
    page(&state, layout, "/services/new".into(), "service-new", &values, FormErrors::default(), false).await
}

async fn save(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &los_app::auth::SessionInfo,
    existing: Option<(ServiceId, i64)>,
    values: Values,
    (action, heading_key): (String, &'static str),
) -> Response {
    let layout = Layout::new(state, headers, Some(session), "/municipalities");
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let result = match values.input() {
        Ok(input) => state.app.save_service(ctx, Operator::Actor(&actor), existing, &input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(saved) => Redirect::to(&format!("/services/{}", saved.id)).into_response(),
        Err(Error::Conflict { .. }) => {
            let mut shown = values;
            if let Some((id, _)) = existing
                && let Ok(current) = state.app.service(id).await
            {
                shown.version = current.version;
            }
            page(state, layout, action, heading_key, &shown, FormErrors::default(), true).await
        }
        Err(error) => match FormErrors::from_error(layout.tr, &error, &LABELS) {
            Some(errors) => page(state, layout, action, heading_key, &values, errors, false).await,
            None => failure(layout.tr, &error),
        },
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let values = Values::from_pairs(&pairs);
    save(&state, &headers, &ctx, &session, None, values, ("/services/new".into(), "service-new")).await
}

async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let Ok(id) = id.parse::<ServiceId>() else { return failure(layout.tr, &Error::NotFound { what: "service" }) };
    match state.app.service(id).await {
        Ok(service) => {
            let values = Values::from_service(&service);
            page(&state, layout, format!("/services/{id}/edit"), "service-edit", &values, FormErrors::default(), false)
                .await
        }
        Err(error) => failure(layout.tr, &error),
    }
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let tr = Tr::new(session.account.locale);
    let Ok(id) = id.parse::<ServiceId>() else { return failure(tr, &Error::NotFound { what: "service" }) };
    let values = Values::from_pairs(&pairs);
    let version = values.version;
    save(
        &state,
        &headers,
        &ctx,
        &session,
        Some((id, version)),
        values,
        (format!("/services/{id}/edit"), "service-edit"),
    )
    .await
}
