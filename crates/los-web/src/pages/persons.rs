//! Persons: the search page, the registration form with its as-you-type number check, and the
//! person's page. Every read and change goes through the use cases in `los_app::persons`, which
//! ask the policy and write the audit log; a refusal shows the friendly 403 page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::Date;
use los_app::auth::SessionInfo;
use los_app::persons::{NewPersonInput, PersonView};
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::identifiers::{LegalSex, parse_identifier};
use los_core::ids::PersonId;
use los_core::locale::Locale;
use los_core::organization::Country;
use los_core::person::{Identity, PersonFields};
use los_core::policy::{AccessBasis, Action, Actor};
use los_store::persons::PersonSummary;
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons", get(search))
        .route("/persons/new", get(new_form).post(register))
        .route("/persons/identifier-check", post(identifier_check))
        .route("/persons/{id}", get(person_page))
}

pub const PERSONS_PATH: &str = "/persons";
const LOCAL_TIME_ZONE: &str = "Europe/Oslo";

// ---------------------------------------------------------------------------------------------
// Shared helpers for the person pages.

/// The actor of a signed-in session; without a role every person page is forbidden.
pub fn actor_of(session: &SessionInfo, tr: Tr) -> Result<Actor, Response> {
    session.actor.clone().ok_or_else(|| failure(tr, &Error::Forbidden))
}

/// A person id from the path; anything else is "not found".
pub fn person_id(raw: &str, tr: Tr) -> Result<PersonId, Response> {
    raw.parse::<PersonId>().map_err(|_| failure(tr, &Error::NotFound { what: "person" }))
}

/// A moment as local time in Norway and Sweden, `YYYY-MM-DD HH:MM`.
pub fn local_time(at: Timestamp) -> String {
    let tz = jiff::tz::TimeZone::get(LOCAL_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string()
}

/// The form's values as typed, kept when it is shown again. Repeated keys (checkboxes) keep
/// every value.
#[derive(Debug, Clone, Default)]
pub struct Values(pub Vec<(String, String)>);

impl Values {
    pub fn get(&self, key: &str) -> String {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }

    /// Whether `key` has the value `value` (a checked checkbox or chosen radio button).
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == value)
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != key);
        self.0.push((key.to_string(), value.into()));
    }
}

/// Options of a select; the first is an empty choice when `empty_label` is given.
pub fn options(items: Vec<(String, String)>, selected: &str, empty_label: Option<String>) -> Vec<SelectOption> {
    let mut list = Vec::new();
    if let Some(label) = empty_label {
        list.push(SelectOption { value: String::new(), label, selected: selected.is_empty() });
    }
    list.extend(items.into_iter().map(|(value, label)| SelectOption { selected: value == selected, value, label }));
    list
}

/// The services provided by the actor's organisation, as options.
pub async fn own_service_options(
    state: &AppState,
    actor: &Actor,
    selected: &str,
    tr: Tr,
) -> Result<Vec<SelectOption>, Error> {
    let mut found: Vec<(String, String)> = Vec::new();
    for service in state.app.services_provided_by(actor.organization).await? {
        found.push((service.id.to_string(), service.description.name.clone()));
    }
    let selected = if selected.is_empty() && found.len() == 1 { found[0].0.clone() } else { selected.to_string() };
    Ok(options(found, &selected, Some(tr.t("person-choose"))))
}

pub fn person_fields(values: &Values) -> PersonFields {
    PersonFields {
        kind: values.get("kind"),
        identifier: values.get("identifier"),
        country: values.get("country"),
        given_name: values.get("given_name"),
        family_name: values.get("family_name"),
        birth_date: values.get("birth_date"),
        pseudonym: values.get("pseudonym"),
        birth_year: values.get("birth_year"),
        sex: values.get("sex"),
        phone: values.get("phone"),
        email: values.get("email"),
        address: values.get("address"),
        language: values.get("language"),
    }
}

pub const PERSON_LABELS: [(&str, &str); 16] = [
    ("kind", "field-person-kind"),
    ("identifier", "field-person-identifier"),
    ("country", "field-country"),
    ("given_name", "field-given-name"),
    ("family_name", "field-family-name"),
    ("birth_date", "field-birth-date"),
    ("pseudonym", "field-pseudonym"),
    ("birth_year", "field-birth-year"),
    ("sex", "field-sex"),
    ("phone", "field-phone"),
    ("email", "field-email"),
    ("address", "field-address"),
    ("language", "field-person-language"),
    ("service", "field-person-service"),
    ("start", "field-episode-start"),
    ("confirm_not_duplicate", "field-confirm-not-duplicate"),
];

pub fn sex_options(tr: Tr, selected: &str) -> Vec<SelectOption> {
    options(
        vec![("female".into(), tr.t("sex-female")), ("male".into(), tr.t("sex-male"))],
        selected,
        Some(tr.t("sex-unknown")),
    )
}

pub fn language_options(selected: &str) -> Vec<SelectOption> {
    let selected = if selected.is_empty() { Locale::default().tag() } else { selected };
    options(Locale::ALL.iter().map(|l| (l.tag().to_string(), l.native_name().to_string())).collect(), selected, None)
}

pub fn country_options(tr: Tr, selected: &str) -> Vec<SelectOption> {
    options(
        Country::ALL.iter().map(|c| (c.code().to_string(), tr.t(&format!("country-{}", c.code())))).collect(),
        selected,
        Some(tr.t("person-country-from-number")),
    )
}

fn sex_label(tr: Tr, sex: Option<LegalSex>) -> String {
    match sex {
        Some(LegalSex::Female) => tr.t("sex-female"),
        Some(LegalSex::Male) => tr.t("sex-male"),
        _ => tr.t("sex-unknown"),
    }
}

// ---------------------------------------------------------------------------------------------
// Search.

#[derive(Template)]
#[template(path = "person_search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    searched: bool,
    hits: Vec<HitRow>,
    errors: FormErrors,
}

struct HitRow {
    href: String,
    name: String,
    number: String,
    born: String,
}

fn hit_row(tr: Tr, hit: PersonSummary) -> HitRow {
    HitRow {
        href: format!("/persons/{}", hit.id),
        name: hit.display_name,
        number: hit
            .masked_identifier
            .unwrap_or_else(|| if hit.pseudonymous { tr.t("person-pseudonymous") } else { "–".into() }),
        born: hit.birth_date.map(|d| d.to_string()).unwrap_or_else(|| hit.birth_year.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Query(query): Query<SearchQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let actor = match actor_of(&session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    if let Err(error) = state.app.may(&ctx, &actor, Action::SearchPersons).await {
        return failure(tr, &error);
    }
    let raw = query.q.unwrap_or_default();
    let (hits, errors, searched) = if raw.trim().is_empty() {
        (Vec::new(), FormErrors::default(), false)
    } else {
        match state.app.search_persons(&ctx, &actor, &raw).await {
            Ok(hits) => (hits.into_iter().map(|h| hit_row(tr, h)).collect(), FormErrors::default(), true),
            Err(error) => match FormErrors::from_error(tr, &error, &[("q", "person-search-label")]) {
                Some(errors) => (Vec::new(), errors, false),
                None => return failure(tr, &error),
            },
        }
    };
    let status = errors.status(false);
    let page = SearchPage { layout: layout.clone(), query: raw, searched, hits, errors };
    layout.render_with_status(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Registration.

#[derive(Template)]
#[template(path = "person_new.html")]
struct NewPage {
    layout: Layout,
    values: Values,
    services: Vec<SelectOption>,
    sexes: Vec<SelectOption>,
    languages: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    show_duplicate: bool,
    errors: FormErrors,
}

async fn new_page(state: &AppState, layout: Layout, actor: &Actor, values: Values, errors: FormErrors) -> Response {
    let tr = layout.tr;
    let services = match own_service_options(state, actor, &values.get("service"), tr).await {
        Ok(services) => services,
        Err(error) => return failure(tr, &error),
    };
    let status = errors.status(false);
    let page = NewPage {
        layout: layout.clone(),
        services,
        sexes: sex_options(tr, &values.get("sex")),
        languages: language_options(&values.get("language")),
        countries: country_options(tr, &values.get("country")),
        show_duplicate: errors.get("confirm_not_duplicate").is_some() || values.has("confirm_not_duplicate", "true"),
        values,
        errors,
    };
    layout.render_with_status(status, &page)
}

async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    if let Err(error) = state.app.may(&ctx, &actor, Action::RegisterPerson).await {
        return failure(layout.tr, &error);
    }
    let mut values = Values::default();
    values.set("kind", "identified");
    values.set("start", state.app.local_today().to_string());
    values.set("language", Locale::default().tag());
    new_page(&state, layout, &actor, values, FormErrors::default()).await
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let values = Values(pairs);
    let input = NewPersonInput {
        fields: person_fields(&values),
        service: values.get("service"),
        start: values.get("start"),
        confirm_not_duplicate: values.has("confirm_not_duplicate", "true"),
    };
    match state.app.register_person(&ctx, &actor, &input).await {
        Ok(id) => Redirect::to(&format!("/persons/{id}")).into_response(),
        Err(error) => match FormErrors::from_error(layout.tr, &error, &PERSON_LABELS) {
            Some(errors) => new_page(&state, layout, &actor, values, errors).await,
            None => failure(layout.tr, &error),
        },
    }
}

#[derive(Template)]
#[template(path = "person_identifier_check.html")]
struct IdentifierCheck {
    valid: bool,
    message: String,
}

/// The as-you-type check of a number: an HTML fragment for the live region under the field.
async fn identifier_check(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let tr = Tr::new(session.account.locale);
    let values = Values(pairs);
    let raw = values.get("identifier");
    let country = Country::parse("country", &values.get("country")).ok();
    let fragment = if raw.trim().is_empty() {
        IdentifierCheck { valid: false, message: String::new() }
    } else {
        match parse_identifier(&raw, country, state.app.local_today()) {
            Ok(id) => IdentifierCheck {
                valid: true,
                message: tr.t_args(
                    "person-identifier-valid",
                    &[
                        ("kind", tr.t(&format!("id-kind-{}", id.kind().code()))),
                        ("birth_date", id.birth_date().to_string()),
                        ("sex", sex_label(tr, id.sex())),
                    ],
                ),
            },
            Err(error) => {
                IdentifierCheck { valid: false, message: tr.reason(&error.to_field_error("identifier").reason) }
            }
        }
    };
    match fragment.render() {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(_) => failure(tr, &Error::Internal),
    }
}

// ---------------------------------------------------------------------------------------------
// The person's page.

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    layout: Layout,
    id: String,
    name: String,
    basis: String,
    identity: Vec<(String, String)>,
    contact: Vec<(String, String)>,
    linked: Option<String>,
    pseudonymous: bool,
    relatives: Option<Vec<RelativeRow>>,
    minor_children: usize,
    episodes: Option<Vec<EpisodeRow>>,
    consents: Vec<ConsentRow>,
    blocks: Vec<BlockRow>,
    can_change: bool,
    can_manage: bool,
}

struct RelativeRow {
    id: String,
    name: String,
    relation: String,
    born: String,
    phone: String,
    may_be_contacted: bool,
    minor_child: bool,
}

struct EpisodeRow {
    id: String,
    service: String,
    provider: String,
    start: String,
    end: String,
    end_reason: String,
    open: bool,
}

struct ConsentRow {
    id: String,
    organization: String,
    categories: String,
    period: String,
    note: String,
    status: String,
    status_color: &'static str,
    can_withdraw: bool,
}

struct BlockRow {
    id: String,
    target: String,
    reason: String,
    set: String,
    lifted: Option<String>,
}

pub fn basis_text(tr: Tr, basis: AccessBasis) -> String {
    tr.t(&format!("person-basis-{}", basis.code()))
}

pub fn category_label(tr: Tr, category: DataCategory) -> String {
    tr.t(&format!("data-category-{}", category.code()))
}

fn date_or_dash(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

fn person_page_of(layout: Layout, view: PersonView) -> PersonPage {
    let tr = layout.tr;
    let person = &view.person;
    let record = &person.record;
    let today = view.today;
    let mut identity = Vec::new();
    match &record.identity {
        Identity::Identified { identifier, given_name, family_name, birth_date, sex } => {
            identity.push((tr.t("field-given-name"), given_name.clone()));
            identity.push((tr.t("field-family-name"), family_name.clone()));
            identity.push((
                tr.t("field-person-identifier"),
                identifier
                    .as_ref()
                    .map(|id| format!("{} ({})", id.normalized(), tr.t(&format!("id-kind-{}", id.kind().code()))))
                    .unwrap_or_else(|| tr.t("person-no-identifier")),
            ));
            identity.push((tr.t("field-birth-date"), birth_date.to_string()));
            identity.push((tr.t("field-sex"), sex_label(tr, *sex)));
        }
        Identity::Pseudonymous { code, birth_year, sex } => {
            identity.push((tr.t("field-pseudonym"), code.clone()));
            identity.push((tr.t("field-birth-year"), birth_year.to_string()));
            identity.push((tr.t("field-sex"), sex_label(tr, *sex)));
        }
    }
    identity.push((tr.t("field-country"), tr.t(&format!("country-{}", record.country.code()))));
    let dash = |s: &str| if s.trim().is_empty() { "–".to_string() } else { s.to_string() };
    let contact = vec![
        (tr.t("field-phone"), dash(&record.contact.phone)),
        (tr.t("field-email"), dash(&record.contact.email)),
        (tr.t("field-address"), dash(&record.contact.address)),
        (tr.t("field-person-language"), record.language.native_name().to_string()),
    ];
    let relatives: Option<Vec<RelativeRow>> = view.relatives.as_ref().map(|list| {
        list.iter()
            .map(|r| RelativeRow {
                id: r.id.to_string(),
                name: r.record.name.clone(),
                relation: tr.t(&format!("relation-{}", r.record.relation.code())),
                born: date_or_dash(r.record.birth_date),
                phone: dash(&r.record.phone),
                may_be_contacted: r.record.may_be_contacted,
                minor_child: r.record.is_minor_child(today),
            })
            .collect()
    });
    let minor_children = relatives.as_ref().map(|l| l.iter().filter(|r| r.minor_child).count()).unwrap_or(0);
    let episodes = view.episodes.as_ref().map(|list| {
        list.iter()
            .map(|e| EpisodeRow {
                id: e.id.to_string(),
                service: e.service_name.clone(),
                provider: e.provider_name.clone(),
                start: e.period.start.to_string(),
                end: date_or_dash(e.period.end),
                end_reason: e.end_reason.map(|r| tr.t(&format!("end-reason-{}", r.code()))).unwrap_or_default(),
                open: e.period.end.is_none(),
            })
            .collect()
    });
    let consents = view
        .consents
        .as_ref()
        .map(|list| {
            list.iter()
                .map(|c| {
                    let (status, status_color) = if c.withdrawn_at.is_some() {
                        ("person-consent-withdrawn", "neutral")
                    } else if c.terms.valid_to < today {
                        ("person-consent-expired", "neutral")
                    } else if c.terms.valid_from > today {
                        ("person-consent-not-yet", "info")
                    } else {
                        ("person-consent-in-force", "success")
                    };
                    let mut status = tr.t(status);
                    if let Some(at) = c.withdrawn_at {
                        status = format!("{status} {}", local_time(at));
                    }
                    ConsentRow {
                        id: c.id.to_string(),
                        organization: c.organization_name.clone(),
                        categories: c
                            .terms
                            .categories
                            .iter()
                            .map(|cat| category_label(tr, *cat))
                            .collect::<Vec<_>>()
                            .join(", "),
                        period: format!("{} – {}", c.terms.valid_from, c.terms.valid_to),
                        note: c.terms.note.clone(),
                        status,
                        status_color,
                        can_withdraw: view.can_manage && c.withdrawn_at.is_none() && c.terms.valid_to >= today,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let blocks = view
        .blocks
        .as_ref()
        .map(|list| {
            list.iter()
                .map(|b| BlockRow {
                    id: b.id.to_string(),
                    target: b.target_name.clone(),
                    reason: b.reason.clone(),
                    set: format!(
                        "{}{}",
                        local_time(b.created_at),
                        b.created_by.as_ref().map(|n| format!(", {n}")).unwrap_or_default()
                    ),
                    lifted: b.lifted_at.map(|at| {
                        format!(
                            "{}{}",
                            local_time(at),
                            b.lifted_by.as_ref().map(|n| format!(", {n}")).unwrap_or_default()
                        )
                    }),
                })
                .collect()
        })
        .unwrap_or_default();
    PersonPage {
        id: person.id.to_string(),
        name: record.identity.display_name(),
        basis: match view.emergency_until {
            Some(until) => format!(
                "{} {}",
                basis_text(tr, view.basis),
                tr.t_args("person-basis-emergency-until", &[("time", local_time(until))])
            ),
            None => basis_text(tr, view.basis),
        },
        identity,
        contact,
        linked: person.linked_person.map(|id| format!("/persons/{id}")),
        pseudonymous: record.identity.is_pseudonymous(),
        relatives,
        minor_children,
        episodes,
        consents,
        blocks,
        can_change: view.can_change,
        can_manage: view.can_manage,
        layout,
    }
}

async fn person_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    match state.app.person_view(&ctx, &actor, id).await {
        Ok(view) => {
            let page = person_page_of(layout.clone(), view);
            layout.render(&page)
        }
        Err(error) => failure(tr, &error),
    }
}
