//! Decisions (*vedtak*, design item 8) as pages: the person's decisions, the form to record or
//! change one, and the decision itself with its appeal deadline explained, the appeal register
//! and forward forms and a link to the printable letter. Every read and change goes through
//! `los_app::decisions`, which asks the policy and writes the audit log; a refusal shows the
//! friendly 403 page, bad input the form again with each field's reason, a stale edit 409.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::auth::SessionInfo;
use los_app::decisions::{DecisionInput, DecisionView};
use los_core::Error;
use los_core::calendar::DayOff;
use los_core::deadline::{DeadlineResult, DueStatus};
use los_core::decision::{DecisionFields, Outcome};
use los_core::ids::PersonId;
use los_core::legal_basis::{LegalBasisKind, for_country, legal_basis};
use los_core::organization::Country;
use los_core::policy::{AccessBasis, Actor};
use los_store::decisions::DecisionId;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, Values, actor_of, local_time, options, person_id};
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/decisions", get(list))
        .route("/persons/{id}/decisions/new", get(new_form).post(create))
        .route("/decisions/{id}", get(show))
        .route("/decisions/{id}/edit", get(edit_form).post(edit_save))
        .route("/decisions/{id}/appeal", post(appeal))
        .route("/decisions/{id}/forward", post(forward))
}

/// An appeal deadline this many days ahead or fewer is "due soon".
const APPEAL_SOON_DAYS: u32 = 7;

/// Form fields and their label keys, for the error summary.
const LABELS: [(&str, &str); 13] = [
    ("service", "decision-field-service"),
    ("legal_basis", "decision-field-legal-basis"),
    ("outcome", "decision-field-outcome"),
    ("extent", "decision-field-extent"),
    ("valid_from", "decision-field-valid-from"),
    ("valid_to", "decision-field-valid-to"),
    ("review_on", "decision-field-review-on"),
    ("notice_on", "decision-field-notice-on"),
    ("grounds", "decision-field-grounds"),
    ("received_on", "decision-field-received-on"),
    ("forwarded_on", "decision-field-forwarded-on"),
    ("forwarded_to", "decision-field-forwarded-to"),
    ("appeal", "decision-appeal-heading"),
];

fn errors_of(tr: Tr, error: &Error) -> Option<FormErrors> {
    FormErrors::from_error(tr, error, &LABELS)
}

fn decision_id(raw: &str, tr: Tr) -> Result<DecisionId, Response> {
    raw.parse::<DecisionId>().map_err(|_| failure(tr, &Error::NotFound { what: "decision" }))
}

fn outcome_label(tr: Tr, outcome: Outcome) -> String {
    match outcome {
        Outcome::Granted => tr.t("decision-outcome-granted"),
        Outcome::PartlyGranted => tr.t("decision-outcome-partly-granted"),
        Outcome::Denied => tr.t("decision-outcome-denied"),
    }
}

fn kind_label(tr: Tr, kind: LegalBasisKind) -> String {
    match kind {
        LegalBasisKind::Service => tr.t("decision-basis-kind-service"),
        LegalBasisKind::Coercion => tr.t("decision-basis-kind-coercion"),
        LegalBasisKind::Procedure => tr.t("decision-basis-kind-procedure"),
        LegalBasisKind::Right => tr.t("decision-basis-kind-right"),
        LegalBasisKind::Duty => tr.t("decision-basis-kind-duty"),
    }
}

fn period_text(from: Date, to: Option<Date>) -> String {
    match to {
        Some(to) => format!("{from} – {to}"),
        None => format!("{from} –"),
    }
}

fn opt_date(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

/// A date with how it stands today, translated: a tag with a state and a colour.
#[derive(Debug, Clone, Default)]
struct Due {
    date: String,
    /// `overdue`, `due_today`, `due_soon`, `later` or empty when there is no tag.
    state: &'static str,
    color: &'static str,
    text: String,
}

fn due(tr: Tr, date: Option<Date>, status: Option<DueStatus>, overdue_key: &str) -> Due {
    let date = opt_date(date);
    match status {
        Some(DueStatus::Overdue { days }) => {
            Due { date, state: "overdue", color: "danger", text: tr.t1(overdue_key, "days", &days.to_string()) }
        }
        Some(DueStatus::DueToday) => {
            Due { date, state: "due_today", color: "warning", text: tr.t("decision-due-today") }
        }
        Some(DueStatus::DueSoon { days }) => Due {
            date,
            state: "due_soon",
            color: "warning",
            text: tr.t1("decision-due-soon", "days", &days.to_string()),
        },
        Some(DueStatus::Later) | None => Due { date, state: "", color: "neutral", text: String::new() },
    }
}

fn review_due(tr: Tr, view: &DecisionView) -> Due {
    due(tr, view.decision.review_on, view.review_status, "decision-review-overdue")
}

/// The appeal deadline: no tag once an appeal came in; "expired" once it passed without one.
fn appeal_due(tr: Tr, view: &DecisionView) -> Due {
    let Some(deadline) = &view.appeal_deadline else {
        return Due { date: tr.t("decision-appeal-no-notice"), ..Default::default() };
    };
    let status =
        if view.decision.appeal_received_on.is_some() { None } else { deadline.status(view.today, APPEAL_SOON_DAYS) };
    let mut shown = due(tr, deadline.due, status, "decision-appeal-expired");
    // A window that closed is a fact, not a task left undone.
    if shown.state == "overdue" {
        shown.color = "neutral";
    }
    shown
}

fn appeal_status(tr: Tr, view: &DecisionView) -> String {
    let d = &view.decision;
    match (d.appeal_received_on, d.appeal_forwarded_on, &d.appeal_forwarded_to) {
        (Some(_), Some(on), Some(to)) => {
            tr.t_args("decision-appeal-status-forwarded", &[("date", on.to_string()), ("to", to.clone())])
        }
        (Some(received), _, _) => {
            let mut text = tr.t1("decision-appeal-status-received", "date", &received.to_string());
            if view.appeal_late == Some(true) {
                text = format!("{text} ({})", tr.t("decision-appeal-late"));
            }
            text
        }
        (None, _, _) => tr.t("decision-appeal-status-none"),
    }
}

fn citation(view: &DecisionView) -> String {
    view.legal_basis.map(|b| b.citation()).unwrap_or_else(|| view.decision.legal_basis.clone())
}

/// What the pages need to know about the person besides the decisions: the name (when the
/// actor may read identity), the country (whose law) and whether the actor may record decisions.
struct PersonContext {
    name: String,
    country: Option<Country>,
    can_change: bool,
}

/// Reading decisions already passed the policy for `Read(ReferralsDecisions)`: by ordinary work
/// need or by a consent for that category, and then changing is allowed too, or by emergency
/// access, which only reads. Emergency access also opens identity, so a person page refused
/// outright means the decisions were opened by consent.
async fn person_context(
    state: &AppState,
    ctx: &RequestContext,
    actor: &Actor,
    person: PersonId,
    tr: Tr,
) -> Result<PersonContext, Response> {
    match state.app.person_view(ctx, actor, person).await {
        Ok(view) => Ok(PersonContext {
            name: view.person.record.identity.display_name(),
            country: Some(view.person.record.country),
            can_change: view.basis != AccessBasis::Emergency,
        }),
        Err(Error::Forbidden) => Ok(PersonContext { name: String::new(), country: None, can_change: true }),
        Err(error) => Err(failure(tr, &error)),
    }
}

// ---------------------------------------------------------------------------------------------
// The person's decisions.

struct Row {
    href: String,
    service: String,
    organization: String,
    legal_basis: String,
    outcome: String,
    extent: String,
    period: String,
    review: Due,
    appeal: Due,
    appeal_status: String,
}

#[derive(Template)]
#[template(path = "decision_list.html")]
struct ListPage {
    layout: Layout,
    person: String,
    name: String,
    rows: Vec<Row>,
    can_change: bool,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let decisions = match state.app.decisions_for_person(&ctx, &actor, person).await {
        Ok(list) => list,
        Err(error) => return failure(tr, &error),
    };
    let context = match person_context(&state, &ctx, &actor, person, tr).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let rows = decisions
        .iter()
        .map(|view| {
            let d = &view.decision;
            Row {
                href: format!("/decisions/{}", d.id),
                service: d.service_name.clone(),
                organization: d.organization_name.clone(),
                legal_basis: citation(view),
                outcome: outcome_label(tr, d.outcome),
                extent: if d.extent.trim().is_empty() { "–".into() } else { d.extent.clone() },
                period: period_text(d.valid_from, d.valid_to),
                review: review_due(tr, view),
                appeal: appeal_due(tr, view),
                appeal_status: appeal_status(tr, view),
            }
        })
        .collect();
    let page = ListPage {
        layout: layout.clone(),
        person: person.to_string(),
        name: context.name,
        rows,
        can_change: context.can_change,
    };
    layout.render(&page)
}

// ---------------------------------------------------------------------------------------------
// The form to record or change a decision.

struct BasisOption {
    value: String,
    label: String,
    coercion: bool,
    selected: bool,
}

struct BasisGroup {
    label: String,
    options: Vec<BasisOption>,
}

/// The legal bases of `country`, grouped by kind, each as "citation – title"; coercion marked.
fn basis_groups(tr: Tr, country: Country, selected: &str) -> Vec<BasisGroup> {
    LegalBasisKind::ALL
        .iter()
        .filter_map(|kind| {
            let mut options: Vec<BasisOption> = for_country(country)
                .filter(|b| b.kind == *kind)
                .map(|b| {
                    let coercion = b.coercion.is_some();
                    let mut label = format!("{} – {}", b.citation(), b.title(tr.locale));
                    if coercion {
                        label = format!("{label} ({})", tr.t("decision-basis-coercion-mark"));
                    }
                    BasisOption { value: b.code.to_string(), label, coercion, selected: b.code == selected }
                })
                .collect();
            options.sort_by_key(|o| o.label.to_lowercase());
            (!options.is_empty()).then(|| BasisGroup { label: kind_label(tr, *kind), options })
        })
        .collect()
}

/// Every service in the catalogue, sorted by name, each with its provider.
async fn service_options(state: &AppState, selected: &str, tr: Tr) -> Result<Vec<SelectOption>, Error> {
    let mut found: Vec<(String, String)> = Vec::new();
    for organization in state.app.list_organizations().await? {
        for service in state.app.services_provided_by(organization.id).await? {
            found.push((service.id.to_string(), format!("{} – {}", service.description.name, service.provider_name)));
        }
    }
    found.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()).then_with(|| a.0.cmp(&b.0)));
    Ok(options(found, selected, Some(tr.t("person-choose"))))
}

/// The country of the actor's organisation, when the person's cannot be read.
async fn own_country(state: &AppState, actor: &Actor) -> Result<Country, Error> {
    Ok(state
        .app
        .list_organizations()
        .await?
        .into_iter()
        .find(|o| o.id == actor.organization)
        .map(|o| o.country)
        .unwrap_or(Country::Norway))
}

#[derive(Template)]
#[template(path = "decision_form.html")]
struct FormPage {
    layout: Layout,
    name: String,
    heading_key: &'static str,
    action: String,
    cancel: String,
    editing: bool,
    values: Values,
    errors: FormErrors,
    conflict: bool,
    services: Vec<SelectOption>,
    bases: Vec<BasisGroup>,
    outcomes: Vec<SelectOption>,
}

/// Which form: a new decision for a person, or a change of one.
enum Target {
    New(PersonId),
    Edit(DecisionId),
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &AppState,
    layout: Layout,
    actor: &Actor,
    target: &Target,
    context: PersonContext,
    values: Values,
    errors: FormErrors,
    conflict: bool,
) -> Response {
    let tr = layout.tr;
    let services = match service_options(state, &values.get("service"), tr).await {
        Ok(list) => list,
        Err(error) => return failure(tr, &error),
    };
    let chosen = values.get("legal_basis");
    let country = match context.country.or_else(|| legal_basis(chosen.trim()).map(|b| b.country)) {
        Some(country) => country,
        None => match own_country(state, actor).await {
            Ok(country) => country,
            Err(error) => return failure(tr, &error),
        },
    };
    let outcome = values.get("outcome");
    let (heading_key, action, cancel, editing) = match target {
        Target::New(id) => {
            ("decision-new-title", format!("/persons/{id}/decisions/new"), format!("/persons/{id}/decisions"), false)
        }
        Target::Edit(id) => ("decision-edit-title", format!("/decisions/{id}/edit"), format!("/decisions/{id}"), true),
    };
    let status = errors.status(conflict);
    let page = FormPage {
        layout: layout.clone(),
        name: context.name,
        heading_key,
        action,
        cancel,
        editing,
        services,
        bases: basis_groups(tr, country, chosen.trim()),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| SelectOption {
                value: o.code().to_string(),
                label: outcome_label(tr, *o),
                selected: o.code() == outcome,
            })
            .collect(),
        values,
        errors,
        conflict,
    };
    layout.render_with_status(status, &page)
}

fn input_of(values: &Values) -> DecisionInput {
    DecisionInput {
        service: values.get("service"),
        fields: DecisionFields {
            legal_basis: values.get("legal_basis"),
            outcome: values.get("outcome"),
            extent: values.get("extent"),
            valid_from: values.get("valid_from"),
            valid_to: values.get("valid_to"),
            review_on: values.get("review_on"),
            grounds: values.get("grounds"),
            notice_on: values.get("notice_on"),
        },
    }
}

/// The values the edit form starts with: the decision as saved.
fn saved_values(view: &DecisionView) -> Values {
    let d = &view.decision;
    let mut values = Values::default();
    values.set("service", d.service.to_string());
    values.set("legal_basis", d.legal_basis.clone());
    values.set("outcome", d.outcome.code());
    values.set("extent", d.extent.clone());
    values.set("valid_from", d.valid_from.to_string());
    values.set("valid_to", d.valid_to.map(|x| x.to_string()).unwrap_or_default());
    values.set("review_on", d.review_on.map(|x| x.to_string()).unwrap_or_default());
    values.set("notice_on", d.notice_on.map(|x| x.to_string()).unwrap_or_default());
    values.set("grounds", d.grounds.clone());
    values.set("version", d.version.to_string());
    values
}

async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    // Reading the person's decisions asks the policy (and audits) before a form is shown.
    if let Err(error) = state.app.decisions_for_person(&ctx, &actor, person).await {
        return failure(tr, &error);
    }
    let context = match person_context(&state, &ctx, &actor, person, tr).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    if !context.can_change {
        return failure(tr, &Error::Forbidden);
    }
    let mut values = Values::default();
    values.set("valid_from", state.app.local_today().to_string());
    render_form(&state, layout, &actor, &Target::New(person), context, values, FormErrors::default(), false).await
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    match state.app.record_decision(&ctx, &actor, person, &input_of(&values)).await {
        Ok(view) => Redirect::to(&format!("/decisions/{}", view.decision.id)).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                let context = match person_context(&state, &ctx, &actor, person, tr).await {
                    Ok(context) => context,
                    Err(response) => return response,
                };
                render_form(&state, layout, &actor, &Target::New(person), context, values, errors, false).await
            }
            None => failure(tr, &error),
        },
    }
}

async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), decision_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let view = match state.app.decision(&ctx, &actor, id).await {
        Ok(view) => view,
        Err(error) => return failure(tr, &error),
    };
    let person = view.decision.person;
    let context = match person_context(&state, &ctx, &actor, person, tr).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    if !context.can_change {
        return failure(tr, &Error::Forbidden);
    }
    let values = saved_values(&view);
    render_form(&state, layout, &actor, &Target::Edit(id), context, values, FormErrors::default(), false).await
}

async fn edit_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), decision_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let mut values = Values(pairs);
    let version = values.get("version").trim().parse().unwrap_or(-1);
    let result = state.app.update_decision(&ctx, &actor, id, version, &input_of(&values)).await;
    let (errors, conflict) = match result {
        Ok(_) => return Redirect::to(&format!("/decisions/{id}")).into_response(),
        Err(Error::Conflict { .. }) => (FormErrors::default(), true),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => (errors, false),
            None => return failure(tr, &error),
        },
    };
    // Shown again with what was typed; after a stale edit with the current version, so saving
    // again is a deliberate choice made after seeing the message.
    let current = match state.app.decision(&ctx, &actor, id).await {
        Ok(view) => view,
        Err(error) => return failure(tr, &error),
    };
    if conflict {
        values.set("version", current.decision.version.to_string());
    }
    let person = current.decision.person;
    let context = match person_context(&state, &ctx, &actor, person, tr).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    render_form(&state, layout, &actor, &Target::Edit(id), context, values, errors, conflict).await
}

// ---------------------------------------------------------------------------------------------
// One decision, its appeal deadline explained, and the appeal forms.

struct Explained {
    due: Due,
    rule: String,
    source: String,
    start: String,
    calendar: String,
    moved: Option<String>,
    steps: Vec<String>,
}

fn day_off_text(tr: Tr, day_off: DayOff) -> String {
    match day_off {
        DayOff::Saturday => tr.t("decision-day-saturday"),
        DayOff::Sunday => tr.t("decision-day-sunday"),
        DayOff::Holiday { code, .. } => code.name(tr.locale).to_string(),
    }
}

fn explained(tr: Tr, view: &DecisionView, deadline: &DeadlineResult) -> Explained {
    let e = &deadline.explanation;
    let country = tr.t(&format!("country-{}", e.calendar.country.code()));
    let mut calendar = tr.t1("decision-calendar", "country", &country);
    let extra: Vec<String> = e.calendar.extra_days_off.iter().map(|h| h.name(tr.locale).to_string()).collect();
    if !extra.is_empty() {
        calendar = format!("{calendar} {}", tr.t1("decision-calendar-extra", "days", &extra.join(", ")));
    }
    let moved = e.moved.as_ref().map(|m| {
        let skipped: Vec<String> =
            m.skipped.iter().map(|s| format!("{} ({})", s.date, day_off_text(tr, s.day_off))).collect();
        tr.t_args(
            "decision-moved",
            &[
                ("from", m.from.to_string()),
                ("to", m.to.to_string()),
                ("skipped", skipped.join(", ")),
                ("basis", m.basis.clone()),
            ],
        )
    });
    Explained {
        due: appeal_due(tr, view),
        rule: format!("{} ({})", e.rule_title.get(tr.locale), e.period.describe(tr.locale)),
        source: e.source_text.clone(),
        start: tr.t1("decision-appeal-start-notice", "date", &e.start.to_string()),
        calendar,
        moved,
        steps: e.steps.clone(),
    }
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    layout: Layout,
    id: String,
    person: String,
    name: String,
    title: String,
    facts: Vec<(String, String)>,
    review: Due,
    coercion_limit: Option<String>,
    grounds: String,
    appeal: Option<Explained>,
    appeal_status: String,
    can_change: bool,
    version: i64,
    /// Which appeal form to offer: `register`, `forward` or empty.
    appeal_form: &'static str,
    appeal_values: Values,
    appeal_errors: FormErrors,
    conflict: bool,
}

/// Which appeal form came back refused, with its values and errors.
enum Refused {
    None,
    Form(Values, FormErrors, bool),
}

async fn render_decision(
    state: &AppState,
    ctx: &RequestContext,
    layout: Layout,
    actor: &Actor,
    id: DecisionId,
    refused: Refused,
) -> Response {
    let tr = layout.tr;
    let view = match state.app.decision(ctx, actor, id).await {
        Ok(view) => view,
        Err(error) => return failure(tr, &error),
    };
    let context = match person_context(state, ctx, actor, view.decision.person, tr).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let d = &view.decision;
    let (mut appeal_values, appeal_errors, conflict) = match refused {
        Refused::None => (Values::default(), FormErrors::default(), false),
        Refused::Form(values, errors, conflict) => (values, errors, conflict),
    };
    let appeal_form = match (d.notice_on, d.appeal_received_on, d.appeal_forwarded_on) {
        (Some(_), None, _) => "register",
        (_, Some(_), None) => "forward",
        _ => "",
    };
    for key in ["received_on", "forwarded_on"] {
        if appeal_values.get(key).is_empty() {
            appeal_values.set(key, view.today.to_string());
        }
    }
    let mut facts = vec![
        (tr.t("decision-field-service"), format!("{} – {}", d.service_name, d.organization_name)),
        (
            tr.t("decision-field-legal-basis"),
            match view.legal_basis {
                Some(b) => format!("{} – {}", b.citation(), b.title(tr.locale)),
                None => d.legal_basis.clone(),
            },
        ),
        (tr.t("decision-field-outcome"), outcome_label(tr, d.outcome)),
        (tr.t("decision-field-extent"), if d.extent.trim().is_empty() { "–".into() } else { d.extent.clone() }),
        (tr.t("decision-period"), period_text(d.valid_from, d.valid_to)),
        (tr.t("decision-field-notice-on"), opt_date(d.notice_on)),
    ];
    // `created_by` is an account id, not a name: only the time is shown.
    facts.push((tr.t("decision-recorded"), local_time(d.created_at)));
    let page = DecisionPage {
        layout: layout.clone(),
        id: d.id.to_string(),
        person: d.person.to_string(),
        name: context.name,
        title: tr.t1("decision-title", "service", &d.service_name),
        facts,
        review: review_due(tr, &view),
        coercion_limit: view
            .legal_basis
            .and_then(|b| b.coercion.as_ref())
            .map(|c| c.description.get(tr.locale).to_string()),
        grounds: d.grounds.clone(),
        appeal: view.appeal_deadline.as_ref().map(|deadline| explained(tr, &view, deadline)),
        appeal_status: appeal_status(tr, &view),
        can_change: context.can_change,
        version: d.version,
        appeal_form,
        appeal_values,
        appeal_errors,
        conflict,
    };
    let status = page.appeal_errors.status(page.conflict);
    layout.render_with_status(status, &page)
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), decision_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    render_decision(&state, &ctx, layout, &actor, id, Refused::None).await
}

/// Which appeal step a form posts.
#[derive(Clone, Copy)]
enum AppealStep {
    Register,
    Forward,
}

async fn appeal_step(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw_id: &str,
    step: AppealStep,
    values: Values,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(session, tr), decision_id(raw_id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let version = values.get("version").trim().parse().unwrap_or(-1);
    let app = &state.app;
    let result = match step {
        AppealStep::Register => app.register_appeal(ctx, &actor, id, version, &values.get("received_on")).await,
        AppealStep::Forward => {
            app.forward_appeal(ctx, &actor, id, version, &values.get("forwarded_on"), &values.get("forwarded_to")).await
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/decisions/{id}")).into_response(),
        Err(Error::Conflict { .. }) => {
            render_decision(state, ctx, layout, &actor, id, Refused::Form(values, FormErrors::default(), true)).await
        }
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => render_decision(state, ctx, layout, &actor, id, Refused::Form(values, errors, false)).await,
            None => failure(tr, &error),
        },
    }
}

async fn appeal(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    appeal_step(&state, &headers, &ctx, &session, &id, AppealStep::Register, Values(pairs)).await
}

async fn forward(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    appeal_step(&state, &headers, &ctx, &session, &id, AppealStep::Forward, Values(pairs)).await
}
