//! Referrals and waiting lists (design item 7): a person's referrals, sending one, the referral
//! with its steps, assessment deadline and follow-up contacts, and a service's waiting list with
//! its waiting-time statistics. Every read and change goes through `los_app::referrals`, which
//! asks the policy and writes the audit log; a refusal shows the friendly 403 page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::auth::SessionInfo;
use los_app::referrals::{NewReferralInput, ReferralView, WaitingList, WaitingStatisticsView};
use los_core::Error;
use los_core::deadline::{DeadlineResult, DueStatus};
use los_core::ids::{PersonId, ServiceId};
use los_core::policy::{self, Action, Actor};
use los_core::referral::{Priority, ReferralFields, Status, StepFields};
use los_store::referrals::{ContactKind, Referral, ReferralId};
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, Values, actor_of, local_time, options, own_service_options, person_id};
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/referrals", get(person_referrals))
        .route("/persons/{id}/referrals/new", get(new_form).post(new_save))
        .route("/referrals/{id}", get(referral_page))
        .route("/referrals/{id}/steps", post(step_save))
        .route("/referrals/{id}/contacts", post(contact_save))
        .route("/services/{id}/waiting-list", get(waiting_list_page))
        .route("/services/{id}/waiting-list/follow-up", post(follow_up_save))
}

/// Days before a deadline that count as "due soon".
const SOON_DAYS: u32 = 3;
/// The default target for the share started within target, in days.
const DEFAULT_TARGET_DAYS: i64 = 30;

const LABELS: [(&str, &str); 16] = [
    ("to_service", "field-referral-to-service"),
    ("from_service", "field-referral-from-service"),
    ("reason", "field-reason"),
    ("priority", "field-referral-priority"),
    ("sent_on", "field-referral-sent-on"),
    ("status", "field-referral-step"),
    ("on", "field-referral-step-on"),
    ("right_to_care", "field-referral-right-to-care"),
    ("start_deadline", "field-referral-start-deadline"),
    ("offered_date", "field-referral-offered-date"),
    ("kind", "field-referral-contact-kind"),
    ("note", "field-note"),
    ("from", "field-referral-from-date"),
    ("to", "field-referral-to-date"),
    ("target_days", "field-referral-target-days"),
    ("follow_up_days", "field-referral-follow-up-days"),
];

const CONTACT_LABELS: [(&str, &str); 4] = [
    ("on", "field-referral-contact-on"),
    ("kind", "field-referral-contact-kind"),
    ("note", "field-note"),
    ("status", "field-referral-status"),
];

fn errors_of(tr: Tr, error: &Error) -> Option<FormErrors> {
    FormErrors::from_error(tr, error, &LABELS)
}

fn referral_id(raw: &str, tr: Tr) -> Result<ReferralId, Response> {
    raw.parse::<ReferralId>().map_err(|_| failure(tr, &Error::NotFound { what: "referral" }))
}

fn service_id(raw: &str, tr: Tr) -> Result<ServiceId, Response> {
    raw.parse::<ServiceId>().map_err(|_| failure(tr, &Error::NotFound { what: "service" }))
}

fn status_label(tr: Tr, status: Status) -> String {
    tr.t(&format!("referral-status-{}", status.code()))
}

fn priority_label(tr: Tr, priority: Priority) -> String {
    tr.t(&format!("referral-priority-{}", priority.code()))
}

fn opt_date(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
}

/// A deadline's due date and how it stands today, translated.
#[derive(Debug, Clone, Default)]
struct DueCell {
    due: String,
    /// `overdue`, `due_today`, `due_soon`, `later` or empty when none.
    state: &'static str,
    text: String,
}

fn due_cell(tr: Tr, deadline: Option<&DeadlineResult>, today: Date, done: bool) -> DueCell {
    let Some(deadline) = deadline else { return DueCell { due: "–".into(), ..Default::default() } };
    let due = opt_date(deadline.due);
    if done {
        return DueCell { due, state: "", text: tr.t("referral-deadline-met") };
    }
    match deadline.status(today, SOON_DAYS) {
        Some(DueStatus::Overdue { days }) => {
            DueCell { due, state: "overdue", text: tr.t1("referral-deadline-overdue", "days", &days.to_string()) }
        }
        Some(DueStatus::DueToday) => DueCell { due, state: "due_today", text: tr.t("referral-deadline-today") },
        Some(DueStatus::DueSoon { days }) => {
            DueCell { due, state: "due_soon", text: tr.t1("referral-deadline-soon", "days", &days.to_string()) }
        }
        Some(DueStatus::Later) => DueCell { due, state: "later", text: String::new() },
        None => DueCell { due, state: "", text: tr.t("referral-deadline-paused") },
    }
}

/// Whether the assessment is done (the assessment deadline no longer runs).
fn assessed(referral: &Referral) -> bool {
    referral.assessed_on.is_some() || !matches!(referral.status, Status::Sent | Status::Received)
}

// ---------------------------------------------------------------------------------------------
// The person's referrals.

struct ReferralRow {
    href: String,
    status: String,
    from: String,
    to: String,
    priority: String,
    youth_guarantee: bool,
    sent_on: String,
    assessment: DueCell,
    start_deadline: String,
}

#[derive(Template)]
#[template(path = "referral_list.html")]
struct ListPage {
    layout: Layout,
    id: String,
    name: String,
    rows: Vec<ReferralRow>,
}

fn row_of(tr: Tr, view: &ReferralView, today: Date) -> ReferralRow {
    let r = &view.referral;
    ReferralRow {
        href: format!("/referrals/{}", r.id),
        status: status_label(tr, r.status),
        from: r.from_organization_name.clone(),
        to: format!("{} ({})", r.to_service_name, r.to_organization_name),
        priority: priority_label(tr, r.priority),
        youth_guarantee: r.youth_guarantee,
        sent_on: r.sent_on.to_string(),
        assessment: due_cell(tr, view.assessment_deadline.as_ref(), today, assessed(r)),
        start_deadline: opt_date(r.start_deadline),
    }
}

/// The actor, the person's display name and id (the person's page is read, and audited).
async fn person_of(
    state: &AppState,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw_id: &str,
    tr: Tr,
) -> Result<(Actor, PersonId, String), Response> {
    let actor = actor_of(session, tr)?;
    let id = person_id(raw_id, tr)?;
    let view = state.app.person_view(ctx, &actor, id).await.map_err(|error| failure(tr, &error))?;
    Ok((actor, id, view.person.record.identity.display_name()))
}

async fn person_referrals(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person, name) = match person_of(&state, &ctx, &session, &id, tr).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let list = match state.app.referrals_for_person(&ctx, &actor, person).await {
        Ok(list) => list,
        Err(error) => return failure(tr, &error),
    };
    let today = state.app.local_today();
    let page = ListPage {
        id: person.to_string(),
        name,
        rows: list.iter().map(|view| row_of(tr, view, today)).collect(),
        layout: layout.clone(),
    };
    layout.render(&page)
}

// ---------------------------------------------------------------------------------------------
// Sending a referral.

#[derive(Template)]
#[template(path = "referral_new.html")]
struct NewPage {
    layout: Layout,
    id: String,
    name: String,
    values: Values,
    errors: FormErrors,
    services: Vec<SelectOption>,
    from_services: Vec<SelectOption>,
    priorities: Vec<SelectOption>,
}

/// Every service in the catalogue, sorted by name, each with its provider.
async fn all_service_options(state: &AppState, selected: &str, tr: Tr) -> Result<Vec<SelectOption>, Error> {
    let mut found: Vec<(String, String)> = Vec::new();
    for organization in state.app.list_organizations().await? {
        for service in state.app.services_provided_by(organization.id).await? {
            found.push((service.id.to_string(), format!("{} – {}", service.description.name, service.provider_name)));
        }
    }
    found.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()).then_with(|| a.0.cmp(&b.0)));
    Ok(options(found, selected, Some(tr.t("person-choose"))))
}

fn priority_options(tr: Tr, selected: &str) -> Vec<SelectOption> {
    options(
        Priority::ALL.iter().map(|p| (p.code().to_string(), priority_label(tr, *p))).collect(),
        selected,
        Some(tr.t("person-choose")),
    )
}

async fn render_new(
    state: &AppState,
    layout: Layout,
    actor: &Actor,
    person: PersonId,
    name: String,
    values: Values,
    errors: FormErrors,
) -> Response {
    let tr = layout.tr;
    let services = match all_service_options(state, &values.get("to_service"), tr).await {
        Ok(list) => list,
        Err(error) => return failure(tr, &error),
    };
    let from_services = match own_service_options(state, actor, &values.get("from_service"), tr).await {
        Ok(mut list) => {
            if let Some(first) = list.first_mut() {
                first.label = tr.t("referral-from-organization");
            }
            list
        }
        Err(error) => return failure(tr, &error),
    };
    let status = errors.status(false);
    let page = NewPage {
        id: person.to_string(),
        name,
        services,
        from_services,
        priorities: priority_options(tr, &values.get("priority")),
        values,
        errors,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let (actor, person, name) = match person_of(&state, &ctx, &session, &id, layout.tr).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut values = Values::default();
    values.set("priority", Priority::Normal.code());
    values.set("sent_on", state.app.local_today().to_string());
    render_new(&state, layout, &actor, person, name, values, FormErrors::default()).await
}

async fn new_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let values = Values(pairs);
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let input = NewReferralInput {
        from_service: values.get("from_service"),
        to_service: values.get("to_service"),
        fields: ReferralFields {
            reason: values.get("reason"),
            priority: values.get("priority"),
            sent_on: values.get("sent_on"),
        },
    };
    match state.app.send_referral(&ctx, &actor, person, &input).await {
        Ok(view) => Redirect::to(&format!("/referrals/{}", view.referral.id)).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                let (actor, person, name) = match person_of(&state, &ctx, &session, &id, tr).await {
                    Ok(found) => found,
                    Err(response) => return response,
                };
                render_new(&state, layout, &actor, person, name, values, errors).await
            }
            None => failure(tr, &error),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// One referral.

struct StepRow {
    status: String,
    on: String,
    reason: String,
    by: String,
    at: String,
}

struct ContactRow {
    on: String,
    kind: String,
    note: String,
    by: String,
    at: String,
}

/// The assessment deadline, explained.
struct Explained {
    due: DueCell,
    rule: String,
    source: String,
    start_event: String,
    start: String,
    calendar: String,
    steps: Vec<String>,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    layout: Layout,
    id: String,
    person: String,
    name: String,
    facts: Vec<(String, String)>,
    youth_guarantee: bool,
    reason: String,
    steps: Vec<StepRow>,
    deadline: Option<Explained>,
    next: Vec<SelectOption>,
    /// Which of the step's own fields apply to one of the next steps.
    asks_reason: bool,
    asks_acceptance: bool,
    asks_offer: bool,
    version: i64,
    open: bool,
    step_values: Values,
    step_errors: FormErrors,
    conflict: bool,
    contacts: Vec<ContactRow>,
    contact_kinds: Vec<SelectOption>,
    contact_values: Values,
    contact_errors: FormErrors,
}

fn explained(tr: Tr, deadline: &DeadlineResult, today: Date, done: bool) -> Explained {
    let e = &deadline.explanation;
    Explained {
        due: due_cell(tr, Some(deadline), today, done),
        rule: e.rule_title.get(tr.locale).to_string(),
        source: e.source_text.clone(),
        start_event: tr.t(&format!("referral-start-event-{}", e.start_event)),
        start: e.start.to_string(),
        calendar: tr.t1("referral-calendar", "country", &tr.t(&format!("country-{}", e.calendar.country.code()))),
        steps: e.steps.clone(),
    }
}

/// Which form came back refused, with its values and errors.
enum Refused {
    None,
    Step(Values, FormErrors, bool),
    Contact(Values, FormErrors),
}

async fn render_referral(
    state: &AppState,
    ctx: &RequestContext,
    session: &SessionInfo,
    layout: Layout,
    id: ReferralId,
    refused: Refused,
) -> Response {
    let tr = layout.tr;
    let actor = match actor_of(session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let view = match state.app.referral(ctx, &actor, id).await {
        Ok(view) => view,
        Err(error) => return failure(tr, &error),
    };
    let today = state.app.local_today();
    let r = &view.referral;
    // The name when the actor may read the person's identity; the referral stands without it.
    let name = match state.app.person_view(ctx, &actor, r.person).await {
        Ok(person) => person.person.record.identity.display_name(),
        Err(_) => String::new(),
    };
    let (mut step_values, step_errors, conflict, contact_values, contact_errors) = match refused {
        Refused::None => (Values::default(), FormErrors::default(), false, Values::default(), FormErrors::default()),
        Refused::Step(values, errors, conflict) => (values, errors, conflict, Values::default(), FormErrors::default()),
        Refused::Contact(values, errors) => (Values::default(), FormErrors::default(), false, values, errors),
    };
    if step_values.get("on").is_empty() {
        step_values.set("on", today.to_string());
    }
    let mut contact_values = contact_values;
    if contact_values.get("contact_on").is_empty() {
        contact_values.set("contact_on", today.to_string());
    }
    let chosen = step_values.get("status");
    let next: Vec<SelectOption> = r
        .status
        .next()
        .iter()
        .map(|s| SelectOption { value: s.code().into(), label: status_label(tr, *s), selected: chosen == s.code() })
        .collect();
    let mut facts = vec![
        (tr.t("field-referral-status"), status_label(tr, r.status)),
        (tr.t("field-referral-from"), r.from_organization_name.clone()),
        (tr.t("field-referral-to-service"), format!("{} ({})", r.to_service_name, r.to_organization_name)),
        (tr.t("field-referral-priority"), priority_label(tr, r.priority)),
        (tr.t("field-referral-sent-on"), r.sent_on.to_string()),
        (tr.t("field-referral-received-on"), opt_date(r.received_on)),
        (tr.t("field-referral-assessed-on"), opt_date(r.assessed_on)),
    ];
    if r.status != Status::Declined && r.assessed_on.is_some() {
        facts.push((
            tr.t("field-referral-right-to-care"),
            tr.t(if r.right_to_care { "referral-yes" } else { "referral-no" }),
        ));
        facts.push((tr.t("field-referral-start-deadline"), opt_date(r.start_deadline)));
    }
    if let Some(reason) = &r.decline_reason {
        facts.push((tr.t("referral-decline-reason"), reason.clone()));
    }
    if r.offered_date.is_some() {
        facts.push((tr.t("field-referral-offered-date"), opt_date(r.offered_date)));
    }
    if r.started_on.is_some() {
        facts.push((tr.t("field-referral-started-on"), opt_date(r.started_on)));
    }
    if let Some(reason) = &r.withdraw_reason {
        facts.push((tr.t("referral-withdraw-reason"), reason.clone()));
    }
    let by = |name: &Option<String>| name.clone().unwrap_or_else(|| "–".into());
    let page = ReferralPage {
        id: r.id.to_string(),
        person: r.person.to_string(),
        name,
        facts,
        youth_guarantee: r.youth_guarantee,
        reason: r.reason.clone(),
        steps: r
            .steps
            .iter()
            .map(|s| StepRow {
                status: status_label(tr, s.status),
                on: s.on.to_string(),
                reason: s.reason.clone(),
                by: by(&s.account_name),
                at: local_time(s.recorded_at),
            })
            .collect(),
        deadline: view.assessment_deadline.as_ref().map(|d| explained(tr, d, today, assessed(r))),
        open: r.status.is_open(),
        asks_reason: r.status.next().iter().any(|s| matches!(s, Status::Declined | Status::Withdrawn)),
        asks_acceptance: r.status.next().contains(&Status::Accepted),
        asks_offer: r.status.next().contains(&Status::Offered),
        next,
        version: r.version,
        step_values,
        step_errors,
        conflict,
        contacts: r
            .contacts
            .iter()
            .map(|c| ContactRow {
                on: c.on.to_string(),
                kind: tr.t(&format!("referral-contact-{}", c.kind.code())),
                note: c.note.clone(),
                by: by(&c.account_name),
                at: local_time(c.recorded_at),
            })
            .collect(),
        contact_kinds: options(
            ContactKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), tr.t(&format!("referral-contact-{}", k.code()))))
                .collect(),
            &contact_values.get("contact_kind"),
            Some(tr.t("person-choose")),
        ),
        contact_values,
        contact_errors,
        layout: layout.clone(),
    };
    let status = if page.conflict {
        axum::http::StatusCode::CONFLICT
    } else if !page.step_errors.is_empty() || !page.contact_errors.is_empty() {
        crate::pages::INVALID
    } else {
        axum::http::StatusCode::OK
    };
    layout.render_with_status(status, &page)
}

async fn referral_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let id = match referral_id(&id, layout.tr) {
        Ok(id) => id,
        Err(response) => return response,
    };
    render_referral(&state, &ctx, &session, layout, id, Refused::None).await
}

async fn step_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), referral_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    let version = values.get("version").trim().parse().unwrap_or(-1);
    let fields = StepFields {
        status: values.get("status"),
        on: values.get("on"),
        reason: values.get("reason"),
        right_to_care: values.has("right_to_care", "true"),
        start_deadline: values.get("start_deadline"),
        offered_date: values.get("offered_date"),
    };
    match state.app.take_step(&ctx, &actor, id, version, &fields).await {
        Ok(_) => Redirect::to(&format!("/referrals/{id}")).into_response(),
        Err(Error::Conflict { .. }) => {
            render_referral(&state, &ctx, &session, layout, id, Refused::Step(values, FormErrors::default(), true))
                .await
        }
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                render_referral(&state, &ctx, &session, layout, id, Refused::Step(values, errors, false)).await
            }
            None => failure(tr, &error),
        },
    }
}

async fn contact_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), referral_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let values = Values(pairs);
    let (on, kind, note) = (values.get("contact_on"), values.get("contact_kind"), values.get("contact_note"));
    match state.app.log_contact(&ctx, &actor, id, &on, &kind, &note).await {
        Ok(_) => Redirect::to(&format!("/referrals/{id}#contacts")).into_response(),
        Err(error) => match FormErrors::from_error(tr, &error, &CONTACT_LABELS) {
            Some(mut errors) => {
                // The contact form's fields are prefixed: the step form has its own "on".
                for item in &mut errors.items {
                    item.field = format!("contact_{}", item.field);
                }
                render_referral(&state, &ctx, &session, layout, id, Refused::Contact(values, errors)).await
            }
            None => failure(tr, &error),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// A service's waiting list.

struct WaitingRow {
    href: String,
    person_href: String,
    name: String,
    priority: String,
    status: String,
    waiting_since: String,
    waiting_days: i64,
    start_deadline: String,
    last_contact: String,
    needs_follow_up: bool,
    youth_guarantee: bool,
}

struct StatisticsShown {
    started: usize,
    median: String,
    p90: String,
    share: String,
    suppressed: bool,
}

#[derive(Template)]
#[template(path = "waiting_list.html")]
struct WaitingPage {
    layout: Layout,
    id: String,
    name: String,
    today: String,
    follow_up_days: i64,
    /// `None` when the actor sees only the statistics (an analyst).
    rows: Option<Vec<WaitingRow>>,
    hidden: usize,
    statistics: Option<StatisticsShown>,
    show_statistics: bool,
    period: Values,
    period_errors: FormErrors,
    can_manage: bool,
    setting: Values,
    setting_errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    target_days: Option<String>,
}

fn days_text(tr: Tr, days: Option<f64>) -> String {
    match days {
        Some(d) => {
            let text = if d.fract() == 0.0 { format!("{d:.0}") } else { format!("{d:.1}") };
            let text = if tr.locale == los_core::locale::Locale::English { text } else { text.replace('.', ",") };
            tr.t1("referral-days", "days", &text)
        }
        None => "–".into(),
    }
}

fn waiting_rows(tr: Tr, list: &WaitingList) -> Vec<WaitingRow> {
    list.entries
        .iter()
        .map(|e| {
            let r = &e.referral.referral;
            WaitingRow {
                href: format!("/referrals/{}", r.id),
                person_href: format!("/persons/{}", e.person.id),
                name: e.person.display_name.clone(),
                priority: priority_label(tr, r.priority),
                status: status_label(tr, r.status),
                waiting_since: r.received_on.unwrap_or(r.sent_on).to_string(),
                waiting_days: e.waiting_days,
                start_deadline: opt_date(r.start_deadline),
                last_contact: opt_date(e.last_contact),
                needs_follow_up: e.needs_follow_up,
                youth_guarantee: r.youth_guarantee,
            }
        })
        .collect()
}

fn statistics_shown(tr: Tr, view: &WaitingStatisticsView) -> StatisticsShown {
    match &view.statistics {
        Some(s) => StatisticsShown {
            started: s.started,
            median: days_text(tr, s.median_days),
            p90: days_text(tr, s.p90_days),
            share: s.share_within_target.map(|x| format!("{:.0} %", x * 100.0)).unwrap_or_else(|| "–".into()),
            suppressed: false,
        },
        None => StatisticsShown {
            started: 0,
            median: "–".into(),
            p90: "–".into(),
            share: "–".into(),
            suppressed: view.suppressed,
        },
    }
}

async fn render_waiting(
    state: &AppState,
    ctx: &RequestContext,
    session: &SessionInfo,
    layout: Layout,
    service: ServiceId,
    query: PeriodQuery,
    setting: Option<(Values, FormErrors)>,
) -> Response {
    let tr = layout.tr;
    let actor = match actor_of(session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let found = match state.app.service(service).await {
        Ok(found) => found,
        Err(error) => return failure(tr, &error),
    };
    let today = state.app.local_today();
    let list = state.app.waiting_list(ctx, &actor, service).await;
    let mut period = Values::default();
    period.set("from", query.from.unwrap_or_else(|| today.saturating_sub(jiff::Span::new().years(1)).to_string()));
    period.set("to", query.to.unwrap_or_else(|| today.to_string()));
    period.set("target_days", query.target_days.unwrap_or_else(|| DEFAULT_TARGET_DAYS.to_string()));
    let stats = state
        .app
        .waiting_statistics(ctx, &actor, service, &period.get("from"), &period.get("to"), &period.get("target_days"))
        .await;
    let (statistics, show_statistics, period_errors) = match stats {
        Ok(view) => (Some(statistics_shown(tr, &view)), true, FormErrors::default()),
        Err(Error::Forbidden) => (None, false, FormErrors::default()),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => (None, true, errors),
            None => return failure(tr, &error),
        },
    };
    let (rows, hidden, follow_up_days) = match list {
        Ok(list) => (Some(waiting_rows(tr, &list)), list.hidden, list.follow_up_days),
        // An analyst sees the statistics of their organisation's services, never the names.
        Err(Error::Forbidden) if show_statistics => (None, 0, 0),
        Err(error) => return failure(tr, &error),
    };
    let can_manage = policy::authorize(&actor, Action::ManageService { provider: found.provider }).is_ok();
    let (setting, setting_errors) = setting.unwrap_or_else(|| {
        let mut values = Values::default();
        values.set("follow_up_days", follow_up_days.to_string());
        (values, FormErrors::default())
    });
    let status = if setting_errors.is_empty() && period_errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        crate::pages::INVALID
    };
    let page = WaitingPage {
        id: service.to_string(),
        name: found.description.name,
        today: today.to_string(),
        follow_up_days,
        rows,
        hidden,
        statistics,
        show_statistics,
        period,
        period_errors,
        can_manage,
        setting,
        setting_errors,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

async fn waiting_list_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/municipalities");
    let service = match service_id(&id, layout.tr) {
        Ok(service) => service,
        Err(response) => return response,
    };
    render_waiting(&state, &ctx, &session, layout, service, query, None).await
}

async fn follow_up_save(
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
    let raw = values.get("follow_up_days");
    let result = match raw.trim().parse::<i64>() {
        Ok(days) => state.app.set_follow_up_days(&ctx, &actor, service, days).await,
        Err(_) if raw.trim().is_empty() => Err(Error::invalid("follow_up_days", los_core::Reason::Required)),
        Err(_) => Err(Error::invalid("follow_up_days", los_core::Reason::InvalidFormat)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/services/{service}/waiting-list")).into_response(),
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                render_waiting(&state, &ctx, &session, layout, service, PeriodQuery::default(), Some((values, errors)))
                    .await
            }
            None => failure(tr, &error),
        },
    }
}
