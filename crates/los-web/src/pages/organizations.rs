//! Organisations: a list for everyone signed in; creation and editing for administrators.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
use los_core::Error;
use los_core::ids::OrganizationId;
use los_core::organization::{Country, OrganizationKind};
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::PageForm;
use crate::pages::{FormErrors, INVALID, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizations", get(list).post(create))
        .route("/organizations/new", get(new_form))
        .route("/organizations/{id}", get(edit_form).post(update))
}

pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub kind_key: String,
    pub country: &'static str,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<OrganizationRow>,
    can_edit: bool,
}

async fn list(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/organizations");
    match state.app.list_organizations().await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|o| OrganizationRow {
                    id: o.id.to_string(),
                    name: o.name,
                    kind_key: format!("org-kind-{}", o.kind.code()),
                    country: o.country.code(),
                })
                .collect();
            let can_edit = layout.user.as_ref().is_some_and(|u| u.is_admin);
            layout.render(&ListPage { layout: layout.clone(), rows, can_edit })
        }
        Err(error) => failure(layout.tr, &error),
    }
}

#[derive(Template)]
#[template(path = "organization_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    heading_key: &'static str,
    org_name: String,
    kinds: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    version: i64,
    errors: FormErrors,
    conflict: bool,
}

fn kinds(tr: Tr, selected: &str) -> Vec<SelectOption> {
    OrganizationKind::ALL
        .iter()
        .map(|k| SelectOption {
            value: k.code().into(),
            label: tr.t(&format!("org-kind-{}", k.code())),
            selected: k.code() == selected,
        })
        .collect()
}

fn countries(tr: Tr, selected: &str) -> Vec<SelectOption> {
    Country::ALL
        .iter()
        .map(|c| SelectOption {
            value: c.code().into(),
            label: tr.t(&format!("country-{}", c.code())),
            selected: c.code() == selected,
        })
        .collect()
}

const LABELS: [(&str, &str); 3] =
    [("name", "field-organization-name"), ("kind", "field-organization-kind"), ("country", "field-country")];

#[allow(clippy::too_many_arguments)]
fn form_page(
    layout: Layout,
    action: String,
    heading_key: &'static str,
    input: &OrganizationInput,
    version: i64,
    errors: FormErrors,
    conflict: bool,
) -> FormPage {
    let tr = layout.tr;
    FormPage {
        layout,
        action,
        heading_key,
        org_name: input.name.clone(),
        kinds: kinds(tr, &input.kind),
        countries: countries(tr, &input.country),
        version,
        errors,
        conflict,
    }
}

fn require_admin(layout: &Layout) -> Result<(), Response> {
    if layout.user.as_ref().is_some_and(|u| u.is_admin) { Ok(()) } else { Err(failure(layout.tr, &Error::Forbidden)) }
}

async fn new_form(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/organizations");
    if let Err(response) = require_admin(&layout) {
        return response;
    }
    let input = OrganizationInput { name: String::new(), kind: "municipal_unit".into(), country: "NO".into() };
    layout.render(&form_page(
        layout.clone(),
        "/organizations".into(),
        "organization-new",
        &input,
        0,
        FormErrors::default(),
        false,
    ))
}

#[derive(Debug, Deserialize)]
struct OrganizationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    version: String,
}

impl OrganizationForm {
    fn input(&self) -> OrganizationInput {
        OrganizationInput { name: self.name.clone(), kind: self.kind.clone(), country: self.country.clone() }
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<OrganizationForm>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/organizations");
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    match state.app.create_organization(&ctx, Operator::Actor(&actor), &form.input()).await {
        Ok(_) => Redirect::to("/organizations").into_response(),
        Err(error) => match FormErrors::from_error(layout.tr, &error, &LABELS) {
            Some(errors) => {
                let page = form_page(
                    layout.clone(),
                    "/organizations".into(),
                    "organization-new",
                    &form.input(),
                    0,
                    errors,
                    false,
                );
                layout.render_with_status(INVALID, &page)
            }
            None => failure(layout.tr, &error),
        },
    }
}

async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/organizations");
    if let Err(response) = require_admin(&layout) {
        return response;
    }
    let Ok(id) = id.parse::<OrganizationId>() else {
        return failure(layout.tr, &Error::NotFound { what: "organization" });
    };
    match state.app.organization(id).await {
        Ok(o) => {
            let input =
                OrganizationInput { name: o.name, kind: o.kind.code().into(), country: o.country.code().into() };
            layout.render(&form_page(
                layout.clone(),
                format!("/organizations/{id}"),
                "organization-edit",
                &input,
                o.version,
                FormErrors::default(),
                false,
            ))
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
    PageForm(form): PageForm<OrganizationForm>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/organizations");
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let Ok(id) = id.parse::<OrganizationId>() else {
        return failure(layout.tr, &Error::NotFound { what: "organization" });
    };
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return failure(layout.tr, &Error::invalid("version", los_core::Reason::InvalidFormat));
    };
    let action = format!("/organizations/{id}");
    match state.app.update_organization(&ctx, &actor, id, version, &form.input()).await {
        Ok(_) => Redirect::to("/organizations").into_response(),
        Err(Error::Conflict { .. }) => {
            // Show what is stored now, with the user's text kept, and say why.
            let current = state.app.organization(id).await.map(|o| o.version).unwrap_or(version);
            let page = form_page(
                layout.clone(),
                action,
                "organization-edit",
                &form.input(),
                current,
                FormErrors::default(),
                true,
            );
            layout.render_with_status(axum::http::StatusCode::CONFLICT, &page)
        }
        Err(error) => match FormErrors::from_error(layout.tr, &error, &LABELS) {
            Some(errors) => {
                let page =
                    form_page(layout.clone(), action, "organization-edit", &form.input(), version, errors, false);
                layout.render_with_status(INVALID, &page)
            }
            None => failure(layout.tr, &error),
        },
    }
}
