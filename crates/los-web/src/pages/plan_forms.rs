//! The forms of the individual plan: the plan's header and contents, goals, measures, care-team
//! members, transitions with their checklist and scheduling a meeting. Each is one plain HTML
//! form (no script needed) carrying the plan's `version`; the use cases in `los_app::plans` ask
//! the policy, validate and save a new version. Bad input shows the form again with each
//! field's reason (422), a stale version the conflict message (409) with everything the user
//! typed kept.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::RequestContext;
use los_app::plans::{PlanInput, PlanView};
use los_core::Error;
use los_core::ids::PersonId;
use los_core::plan::{
    ChecklistItem, GoalFields, GoalStatus, LifeArea, MeasureFields, MeasureStatus, MeetingFields, MemberFields,
    PlanFields, TransitionFields, TransitionKind,
};
use los_core::policy::Actor;
use los_core::service::Phase;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, Values, actor_of, options, person_id};
use crate::pages::plans::{Notice, plan_path, render_plan};
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/plan/edit", get(edit_plan_form).post(edit_plan_save))
        .route("/persons/{id}/plan/goals/new", get(new_goal_form).post(new_goal_save))
        .route("/persons/{id}/plan/goals/{item}", get(goal_form).post(goal_save))
        .route("/persons/{id}/plan/goals/{item}/remove", post(goal_remove))
        .route("/persons/{id}/plan/measures/new", get(new_measure_form).post(new_measure_save))
        .route("/persons/{id}/plan/measures/{item}", get(measure_form).post(measure_save))
        .route("/persons/{id}/plan/measures/{item}/remove", post(measure_remove))
        .route("/persons/{id}/plan/members/new", get(new_member_form).post(new_member_save))
        .route("/persons/{id}/plan/members/{item}/end", post(member_end))
        .route("/persons/{id}/plan/transitions/new", get(new_transition_form).post(new_transition_save))
        .route("/persons/{id}/plan/transitions/{item}", get(transition_form).post(transition_save))
        .route("/persons/{id}/plan/meetings/new", get(new_meeting_form).post(new_meeting_save))
}

// ---------------------------------------------------------------------------------------------
// A form described as data, rendered by `plan_form_body.html`.

/// One input of a form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// `text`, `date`, `time`, `number`, `textarea`, `select`, `checkbox` or `checkboxes`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<SelectOption>,
    pub error: Option<String>,
    pub hint: String,
}

/// A group of inputs, under a legend when it has a heading.
#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    pub fields: Vec<Field>,
}

/// A whole form: where it posts, the version it is based on, its inputs and its errors.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub version: Option<i64>,
    pub hidden: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub errors: FormErrors,
    pub conflict: bool,
    pub submit: String,
    pub cancel: String,
}

impl Form {
    pub fn status(&self) -> axum::http::StatusCode {
        self.errors.status(self.conflict)
    }
}

/// Builds fields from the values typed (or saved) and the errors of a refused submission.
pub struct Builder<'a> {
    pub tr: Tr,
    pub values: &'a Values,
    pub errors: &'a FormErrors,
    pub labels: &'a [(&'a str, &'a str)],
}

impl Builder<'_> {
    fn label(&self, name: &str) -> String {
        self.labels.iter().find(|(field, _)| *field == name).map(|(_, key)| self.tr.t(key)).unwrap_or_default()
    }

    pub fn field(&self, name: &str, kind: &'static str, hint: &str) -> Field {
        Field {
            name: name.to_string(),
            label: self.label(name),
            kind,
            value: self.values.get(name),
            options: Vec::new(),
            error: self.errors.get(name),
            hint: if hint.is_empty() { String::new() } else { self.tr.t(hint) },
        }
    }

    pub fn select(&self, name: &str, items: Vec<(String, String)>, empty: bool, hint: &str) -> Field {
        let empty_label = empty.then(|| self.tr.t("person-choose"));
        Field { options: options(items, &self.values.get(name), empty_label), ..self.field(name, "select", hint) }
    }

    pub fn checkbox(&self, name: &str, hint: &str) -> Field {
        let value = if self.values.has(name, "true") { "true".to_string() } else { String::new() };
        Field { value, ..self.field(name, "checkbox", hint) }
    }

    pub fn checkboxes(&self, name: &str, items: Vec<(String, String)>, hint: &str) -> Field {
        let options = items
            .into_iter()
            .map(|(value, label)| SelectOption { selected: self.values.has(name, &value), value, label })
            .collect();
        Field { options, ..self.field(name, "checkboxes", hint) }
    }
}

pub fn section(heading: String, fields: Vec<Field>) -> Section {
    Section { heading, fields }
}

#[derive(Template)]
#[template(path = "plan_form.html")]
struct FormPage {
    layout: Layout,
    title: String,
    person: String,
    name: String,
    intro: String,
    form: Form,
}

// ---------------------------------------------------------------------------------------------
// Labels (field name → key) per form, for the inputs and the error summary.

pub const PLAN_LABELS: [(&str, &str); 16] = [
    ("coordinator", "field-plan-coordinator"),
    ("phase", "field-plan-phase"),
    ("period_from", "field-plan-period-from"),
    ("period_to", "field-plan-period-to"),
    ("next_revision", "field-plan-next-revision"),
    ("consent_given_on", "field-plan-consent-given-on"),
    ("consent_to_sharing", "field-plan-consent-to-sharing"),
    ("person_takes_part", "field-plan-person-takes-part"),
    ("relatives", "field-plan-relatives"),
    ("overall_responsible", "field-plan-overall-responsible"),
    ("resources_and_needs", "field-plan-resources-and-needs"),
    ("person_contribution", "field-plan-person-contribution"),
    ("services_contribution", "field-plan-services-contribution"),
    ("relatives_contribution", "field-plan-relatives-contribution"),
    ("how_carried_out", "field-plan-how-carried-out"),
    ("cooperation", "field-plan-cooperation"),
];

const GOAL_LABELS: [(&str, &str); 4] = [
    ("area", "field-plan-goal-area"),
    ("own_words", "field-plan-goal-own-words"),
    ("professional", "field-plan-goal-professional"),
    ("status", "field-plan-goal-status"),
];

const MEASURE_LABELS: [(&str, &str); 10] = [
    ("description", "field-plan-measure-description"),
    ("goal", "field-plan-measure-goal"),
    ("service", "field-plan-measure-service"),
    ("organization", "field-plan-measure-organization"),
    ("owner", "field-plan-measure-owner"),
    ("extent", "field-plan-measure-extent"),
    ("from", "field-plan-measure-from"),
    ("to", "field-plan-measure-to"),
    ("status", "field-plan-measure-status"),
    ("meeting", "field-plan-measure-meeting"),
];

const MEMBER_LABELS: [(&str, &str); 4] = [
    ("account", "field-plan-member-account"),
    ("organization", "field-plan-member-organization"),
    ("role", "field-plan-member-role"),
    ("from", "field-plan-member-from"),
];

const TRANSITION_LABELS: [(&str, &str); 11] = [
    ("kind", "field-plan-transition-kind"),
    ("due_on", "field-plan-transition-due-on"),
    ("institution", "field-plan-transition-institution"),
    ("first_contact_on", "field-plan-transition-first-contact-on"),
    ("done", "field-plan-transition-done"),
    ("note_housing", "field-plan-note-housing"),
    ("note_income", "field-plan-note-income"),
    ("note_general_practitioner", "field-plan-note-general-practitioner"),
    ("note_medication", "field-plan-note-medication"),
    ("note_first_municipal_contact", "field-plan-note-first-municipal-contact"),
    ("member", "field-plan-member-account"),
];

pub const MEETING_LABELS: [(&str, &str); 10] = [
    ("date", "field-meeting-date"),
    ("time", "field-meeting-time"),
    ("duration_minutes", "field-meeting-duration"),
    ("place", "field-meeting-place"),
    ("agenda", "field-meeting-agenda"),
    ("status", "field-meeting-status"),
    ("minutes", "field-meeting-minutes"),
    ("next_date", "field-meeting-next-date"),
    ("next_time", "field-meeting-next-time"),
    ("next_duration_minutes", "field-meeting-duration"),
];

/// Reasons that say more on the plan's forms than the general text (which, for `mismatch`,
/// speaks of identity numbers): (field, reason code) → key.
const PLAN_REASONS: [(&str, &str, &str); 7] = [
    ("organization", "mismatch", "plan-reason-organization-mismatch"),
    ("account", "mismatch", "plan-reason-account-mismatch"),
    ("organization", "not-allowed", "plan-reason-sharing-needed"),
    ("member", "not-allowed", "plan-reason-coordinator-stays"),
    ("coordinator", "not-allowed", "plan-reason-not-staff"),
    ("account", "not-allowed", "plan-reason-not-staff"),
    ("person", "already-exists", "plan-reason-plan-exists"),
];

/// The field errors of `error` translated, with the plan's own wording where it has one.
pub fn plan_errors(tr: Tr, error: &Error, labels: &[(&str, &str)]) -> Option<FormErrors> {
    let mut errors = FormErrors::from_error(tr, error, labels)?;
    if let Error::Invalid(fields) = error {
        for (item, field) in errors.items.iter_mut().zip(fields) {
            let code = field.reason.code();
            if let Some((_, _, key)) = PLAN_REASONS.iter().find(|(f, c, _)| *f == field.field && *c == code) {
                item.message = tr.t(key);
            }
        }
    }
    Some(errors)
}

// ---------------------------------------------------------------------------------------------
// Translated names of the plan's codes.

pub fn phase_label(tr: Tr, phase: Phase) -> String {
    tr.t(&format!("phase-{}", phase.code()))
}

pub fn area_label(tr: Tr, area: LifeArea) -> String {
    tr.t(&format!("plan-area-{}", area.code()))
}

pub fn goal_status_label(tr: Tr, status: GoalStatus) -> String {
    tr.t(&format!("plan-goal-status-{}", status.code()))
}

pub fn measure_status_label(tr: Tr, status: MeasureStatus) -> String {
    tr.t(&format!("plan-measure-status-{}", status.code()))
}

pub fn transition_label(tr: Tr, kind: TransitionKind) -> String {
    tr.t(&format!("plan-transition-{}", kind.code()))
}

pub fn item_label(tr: Tr, item: ChecklistItem) -> String {
    tr.t(&format!("plan-item-{}", item.code()))
}

fn coded<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_string(), label(*v))).collect()
}

// ---------------------------------------------------------------------------------------------
// Loading what a form needs.

/// The plan view for a form: the policy is asked (and the read audited); the actor must be
/// allowed to change the plan, and (unless creating) there must be one.
async fn view_for_change(
    state: &AppState,
    ctx: &RequestContext,
    actor: &Actor,
    person: PersonId,
    tr: Tr,
) -> Result<PlanView, Response> {
    let view = state.app.plan_view(ctx, actor, person).await.map_err(|e| failure(tr, &e))?;
    if !view.can_change {
        return Err(failure(tr, &Error::Forbidden));
    }
    if view.plan.is_none() {
        return Err(Redirect::to(&plan_path(person)).into_response());
    }
    Ok(view)
}

/// Accounts that may coordinate or join, once each, labelled with their organisations.
pub async fn account_options(state: &AppState) -> Result<Vec<(String, String)>, Error> {
    let directory = state.app.care_team_directory().await?;
    let mut list: Vec<(String, String)> = Vec::new();
    for (account, name, _, organization) in directory {
        let id = account.to_string();
        match list.iter_mut().find(|(value, _)| *value == id) {
            Some((_, label)) => {
                label.push_str(", ");
                label.push_str(&organization);
            }
            None => list.push((id, format!("{name} – {organization}"))),
        }
    }
    Ok(list)
}

pub async fn organization_options(state: &AppState) -> Result<Vec<(String, String)>, Error> {
    let mut list: Vec<(String, String)> =
        state.app.list_organizations().await?.into_iter().map(|o| (o.id.to_string(), o.name)).collect();
    list.sort_by_key(|a| a.1.to_lowercase());
    Ok(list)
}

async fn service_options(state: &AppState) -> Result<Vec<(String, String)>, Error> {
    let mut found: Vec<(String, String)> = Vec::new();
    for organization in state.app.list_organizations().await? {
        for service in state.app.services_provided_by(organization.id).await? {
            found.push((service.id.to_string(), format!("{} – {}", service.description.name, service.provider_name)));
        }
    }
    found.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()).then_with(|| a.0.cmp(&b.0)));
    Ok(found)
}

// ---------------------------------------------------------------------------------------------
// The plan's header and contents (the create form on the plan page, and the edit form).

pub fn plan_input(values: &Values) -> PlanInput {
    PlanInput {
        fields: PlanFields {
            phase: values.get("phase"),
            period_from: values.get("period_from"),
            period_to: values.get("period_to"),
            next_revision: values.get("next_revision"),
            consent_given_on: values.get("consent_given_on"),
            consent_to_sharing: values.has("consent_to_sharing", "true"),
            resources_and_needs: values.get("resources_and_needs"),
            person_contribution: values.get("person_contribution"),
            relatives_contribution: values.get("relatives_contribution"),
            services_contribution: values.get("services_contribution"),
            how_carried_out: values.get("how_carried_out"),
            cooperation: values.get("cooperation"),
            person_takes_part: values.has("person_takes_part", "true"),
        },
        coordinator: values.get("coordinator"),
        overall_responsible: values.get("overall_responsible"),
        relatives: values.all("relatives"),
    }
}

/// Values for a new plan: the actor coordinates, a year's period, revision in six months.
pub fn new_plan_values(view: &PlanView, actor: &Actor) -> Values {
    let today = view.today;
    let mut values = Values::default();
    values.set("coordinator", actor.account.to_string());
    values.set("period_from", today.to_string());
    let year = today.checked_add(jiff::Span::new().years(1)).and_then(|d| d.yesterday()).unwrap_or(today);
    values.set("period_to", year.to_string());
    let half = today.checked_add(jiff::Span::new().months(6)).unwrap_or(today);
    values.set("next_revision", half.to_string());
    values.set("person_takes_part", "true");
    values
}

fn saved_plan_values(view: &PlanView) -> Values {
    let mut values = Values::default();
    let Some(plan) = &view.plan else { return values };
    let h = &plan.header;
    let c = &plan.document.contents;
    values.set("coordinator", h.coordinator.to_string());
    values.set("phase", h.phase.code());
    values.set("period_from", h.period_from.to_string());
    values.set("period_to", h.period_to.to_string());
    values.set("next_revision", h.next_revision.to_string());
    values.set("consent_given_on", h.consent_given_on.map(|d| d.to_string()).unwrap_or_default());
    if h.consent_to_sharing {
        values.set("consent_to_sharing", "true");
    }
    if c.person_takes_part {
        values.set("person_takes_part", "true");
    }
    values.set("overall_responsible", c.overall_responsible.map(|o| o.to_string()).unwrap_or_default());
    for relative in &c.relatives_taking_part {
        values.0.push(("relatives".into(), relative.to_string()));
    }
    values.set("resources_and_needs", c.resources_and_needs.clone());
    values.set("person_contribution", c.person_contribution.clone());
    values.set("services_contribution", c.services_contribution.clone());
    values.set("relatives_contribution", c.relatives_contribution.clone());
    values.set("how_carried_out", c.how_carried_out.clone());
    values.set("cooperation", c.cooperation.clone());
    values.set("version", plan.version.to_string());
    values
}

/// The plan form: create (`version` none) or edit.
pub async fn plan_form(
    state: &AppState,
    tr: Tr,
    view: &PlanView,
    values: &Values,
    errors: FormErrors,
    conflict: bool,
) -> Result<Form, Error> {
    let person = view.person.id;
    let b = Builder { tr, values, errors: &errors, labels: &PLAN_LABELS };
    let accounts = account_options(state).await?;
    let organizations = organization_options(state).await?;
    let phases = coded(&Phase::ALL, Phase::code, |p| phase_label(tr, p));
    let relatives: Vec<(String, String)> = view
        .relatives
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{} ({})", r.record.name, tr.t(&format!("relation-{}", r.record.relation.code()))),
            )
        })
        .collect();
    let mut team =
        vec![b.select("coordinator", accounts, false, "plan-coordinator-hint"), b.checkbox("person_takes_part", "")];
    if !relatives.is_empty() {
        team.push(b.checkboxes("relatives", relatives, "plan-relatives-hint"));
    }
    let sections = vec![
        section(
            tr.t("plan-section-period"),
            vec![
                b.select("phase", phases, true, ""),
                b.field("period_from", "date", ""),
                b.field("period_to", "date", "plan-period-hint"),
                b.field("next_revision", "date", "plan-revision-hint"),
            ],
        ),
        section(tr.t("plan-section-team"), team),
        section(
            tr.t("plan-section-consent"),
            vec![b.field("consent_given_on", "date", ""), b.checkbox("consent_to_sharing", "plan-sharing-hint")],
        ),
        section(
            tr.t("plan-section-contents"),
            vec![
                b.field("resources_and_needs", "textarea", "plan-resources-hint"),
                b.field("person_contribution", "textarea", ""),
                b.field("services_contribution", "textarea", ""),
                b.field("relatives_contribution", "textarea", ""),
                b.field("how_carried_out", "textarea", ""),
                b.field("cooperation", "textarea", ""),
                b.select("overall_responsible", organizations, true, "plan-overall-hint"),
            ],
        ),
    ];
    let version = view.plan.as_ref().map(|_| values.get("version").parse().unwrap_or(-1));
    Ok(Form {
        action: if version.is_some() { format!("{}/edit", plan_path(person)) } else { plan_path(person) },
        version,
        hidden: Vec::new(),
        sections,
        errors,
        conflict,
        submit: tr.t(if version.is_some() { "form-save" } else { "plan-create" }),
        cancel: plan_path(person),
    })
}

// ---------------------------------------------------------------------------------------------
// The generic flow of a form page.

/// Which form a page shows.
#[derive(Debug, Clone)]
enum Target {
    Plan,
    Goal(Option<String>),
    Measure(Option<String>),
    Member,
    Transition(Option<String>),
    Meeting,
}

impl Target {
    fn title_key(&self) -> &'static str {
        match self {
            Target::Plan => "plan-edit-title",
            Target::Goal(None) => "plan-goal-new",
            Target::Goal(Some(_)) => "plan-goal-edit",
            Target::Measure(None) => "plan-measure-new",
            Target::Measure(Some(_)) => "plan-measure-edit",
            Target::Member => "plan-member-new",
            Target::Transition(None) => "plan-transition-new",
            Target::Transition(Some(_)) => "plan-transition-edit",
            Target::Meeting => "plan-meeting-new",
        }
    }

    fn labels(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Target::Plan => &PLAN_LABELS,
            Target::Goal(_) => &GOAL_LABELS,
            Target::Measure(_) => &MEASURE_LABELS,
            Target::Member => &MEMBER_LABELS,
            Target::Transition(_) => &TRANSITION_LABELS,
            Target::Meeting => &MEETING_LABELS,
        }
    }

    fn action(&self, person: PersonId) -> String {
        let base = plan_path(person);
        match self {
            Target::Plan => format!("{base}/edit"),
            Target::Goal(None) => format!("{base}/goals/new"),
            Target::Goal(Some(id)) => format!("{base}/goals/{id}"),
            Target::Measure(None) => format!("{base}/measures/new"),
            Target::Measure(Some(id)) => format!("{base}/measures/{id}"),
            Target::Member => format!("{base}/members/new"),
            Target::Transition(None) => format!("{base}/transitions/new"),
            Target::Transition(Some(id)) => format!("{base}/transitions/{id}"),
            Target::Meeting => format!("{base}/meetings/new"),
        }
    }
}

/// The values a form starts with: what is saved, or sensible defaults for a new item.
fn initial_values(target: &Target, view: &PlanView, meeting: Option<&str>) -> Result<Values, Error> {
    let Some(plan) = &view.plan else { return Err(Error::NotFound { what: "plan" }) };
    let mut values = match target {
        Target::Plan => saved_plan_values(view),
        Target::Goal(None) | Target::Member | Target::Transition(None) | Target::Meeting => Values::default(),
        Target::Goal(Some(id)) => {
            let goal = plan.document.goals.iter().find(|g| &g.id == id).ok_or(Error::NotFound { what: "goal" })?;
            let mut values = Values::default();
            values.set("area", goal.area.code());
            values.set("own_words", goal.own_words.clone());
            values.set("professional", goal.professional.clone());
            values.set("status", goal.status.code());
            values
        }
        Target::Measure(None) => {
            let mut values = Values::default();
            values.set("from", view.today.to_string());
            values.set("meeting", meeting.unwrap_or_default());
            values
        }
        Target::Measure(Some(id)) => {
            let m = plan.document.measures.iter().find(|m| &m.id == id).ok_or(Error::NotFound { what: "measure" })?;
            let mut values = Values::default();
            values.set("description", m.description.clone());
            values.set("goal", m.goal.clone().unwrap_or_default());
            values.set("service", m.service.map(|s| s.to_string()).unwrap_or_default());
            values.set("organization", m.organization.map(|o| o.to_string()).unwrap_or_default());
            values.set("owner", m.owner.clone());
            values.set("extent", m.extent.clone());
            values.set("from", m.from.to_string());
            values.set("to", m.to.map(|d| d.to_string()).unwrap_or_default());
            values.set("status", m.status.code());
            values.set("meeting", m.meeting.clone().unwrap_or_default());
            values
        }
        Target::Transition(Some(id)) => {
            let t = view
                .transitions
                .iter()
                .find(|t| &t.transition.id == id)
                .ok_or(Error::NotFound { what: "transition" })?;
            let t = &t.transition;
            let mut values = Values::default();
            values.set("kind", t.kind.code());
            values.set("due_on", t.due_on.to_string());
            values.set("institution", t.institution.clone());
            values.set("first_contact_on", t.first_contact_on.map(|d| d.to_string()).unwrap_or_default());
            for (item, state) in &t.items {
                if state.done {
                    values.0.push(("done".into(), item.code().into()));
                }
                values.set(&format!("note_{}", item.code()), state.note.clone());
            }
            values
        }
    };
    if let Target::Member = target {
        values.set("from", view.today.to_string());
    }
    if let Target::Meeting = target {
        values.set("duration_minutes", "60");
    }
    values.set("version", plan.version.to_string());
    Ok(values)
}

async fn build_form(
    state: &AppState,
    tr: Tr,
    target: &Target,
    view: &PlanView,
    values: &Values,
    errors: FormErrors,
    conflict: bool,
) -> Result<Form, Error> {
    if let Target::Plan = target {
        return plan_form(state, tr, view, values, errors, conflict).await;
    }
    let person = view.person.id;
    let b = Builder { tr, values, errors: &errors, labels: target.labels() };
    let goals: Vec<(String, String)> = view
        .plan
        .as_ref()
        .map(|p| {
            p.document
                .goals
                .iter()
                .map(|g| {
                    let text = if g.own_words.is_empty() { &g.professional } else { &g.own_words };
                    (g.id.clone(), format!("{}: {}", area_label(tr, g.area), text))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut hidden = Vec::new();
    let sections = match target {
        Target::Plan => Vec::new(),
        Target::Goal(_) => vec![section(
            String::new(),
            vec![
                b.select("area", coded(LifeArea::ALL, LifeArea::code, |a| area_label(tr, a)), true, ""),
                b.field("own_words", "textarea", "plan-own-words-hint"),
                b.field("professional", "textarea", "plan-professional-hint"),
                b.select("status", coded(GoalStatus::ALL, GoalStatus::code, |s| goal_status_label(tr, s)), false, ""),
            ],
        )],
        Target::Measure(_) => {
            hidden.push(("meeting".to_string(), values.get("meeting")));
            vec![section(
                String::new(),
                vec![
                    b.field("description", "textarea", ""),
                    b.select("goal", goals, true, ""),
                    b.select("service", service_options(state).await?, true, "plan-measure-service-hint"),
                    b.select("organization", organization_options(state).await?, true, ""),
                    b.field("owner", "text", "plan-measure-owner-hint"),
                    b.field("extent", "text", "plan-measure-extent-hint"),
                    b.field("from", "date", ""),
                    b.field("to", "date", ""),
                    b.select(
                        "status",
                        coded(MeasureStatus::ALL, MeasureStatus::code, |s| measure_status_label(tr, s)),
                        false,
                        "",
                    ),
                ],
            )]
        }
        Target::Member => vec![section(
            String::new(),
            vec![
                b.select("account", account_options(state).await?, true, ""),
                b.select("organization", organization_options(state).await?, true, "plan-member-organization-hint"),
                b.field("role", "text", "plan-member-role-hint"),
                b.field("from", "date", ""),
            ],
        )],
        Target::Transition(_) => {
            let items: Vec<(String, String)> = ChecklistItem::ALL
                .iter()
                .filter(|i| **i != ChecklistItem::FirstMunicipalContact)
                .map(|i| (i.code().to_string(), item_label(tr, *i)))
                .collect();
            let notes = ChecklistItem::ALL.iter().map(|i| b.field(&format!("note_{}", i.code()), "text", "")).collect();
            vec![
                section(
                    String::new(),
                    vec![
                        b.select(
                            "kind",
                            coded(TransitionKind::ALL, TransitionKind::code, |k| transition_label(tr, k)),
                            true,
                            "",
                        ),
                        b.field("due_on", "date", "plan-transition-due-hint"),
                        b.field("institution", "text", ""),
                    ],
                ),
                section(
                    tr.t("plan-checklist"),
                    vec![
                        b.checkboxes("done", items, "plan-checklist-hint"),
                        b.field("first_contact_on", "date", "plan-first-contact-hint"),
                    ],
                ),
                section(tr.t("plan-checklist-notes"), notes),
            ]
        }
        Target::Meeting => vec![section(
            String::new(),
            vec![
                b.field("date", "date", ""),
                b.field("time", "time", "meeting-time-hint"),
                b.field("duration_minutes", "number", "meeting-duration-hint"),
                b.field("place", "text", ""),
                b.field("agenda", "textarea", ""),
            ],
        )],
    };
    Ok(Form {
        action: target.action(person),
        version: Some(values.get("version").parse().unwrap_or(-1)),
        hidden,
        sections,
        errors,
        conflict,
        submit: tr.t("form-save"),
        cancel: plan_path(person),
    })
}

async fn render_form(
    state: &AppState,
    layout: Layout,
    target: &Target,
    view: &PlanView,
    values: Values,
    errors: FormErrors,
    conflict: bool,
) -> Response {
    let tr = layout.tr;
    let form = match build_form(state, tr, target, view, &values, errors, conflict).await {
        Ok(form) => form,
        Err(error) => return failure(tr, &error),
    };
    let intro = match target {
        Target::Meeting => tr.t("plan-meeting-intro"),
        Target::Member => tr.t("plan-member-intro"),
        Target::Transition(_) => tr.t("plan-transition-intro"),
        _ => String::new(),
    };
    let page = FormPage {
        layout: layout.clone(),
        title: tr.t(target.title_key()),
        person: view.person.id.to_string(),
        name: view.person.display_name.clone(),
        intro,
        form,
    };
    let status = page.form.status();
    layout.render_with_status(status, &page)
}

#[derive(Debug, serde::Deserialize, Default)]
struct FormQuery {
    meeting: Option<String>,
}

async fn show_form(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &los_app::auth::SessionInfo,
    raw_person: &str,
    target: Target,
    meeting: Option<String>,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(session, tr), person_id(raw_person, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let view = match view_for_change(state, ctx, &actor, person, tr).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let values = match initial_values(&target, &view, meeting.as_deref()) {
        Ok(values) => values,
        Err(error) => return failure(tr, &error),
    };
    render_form(state, layout, &target, &view, values, FormErrors::default(), false).await
}

fn measure_fields(values: &Values) -> MeasureFields {
    MeasureFields {
        description: values.get("description"),
        goal: values.get("goal"),
        service: values.get("service"),
        organization: values.get("organization"),
        owner: values.get("owner"),
        extent: values.get("extent"),
        from: values.get("from"),
        to: values.get("to"),
        status: values.get("status"),
        meeting: values.get("meeting"),
    }
}

fn transition_fields(values: &Values) -> TransitionFields {
    TransitionFields {
        kind: values.get("kind"),
        due_on: values.get("due_on"),
        institution: values.get("institution"),
        first_contact_on: values.get("first_contact_on"),
        done: values.all("done"),
        notes: ChecklistItem::ALL
            .iter()
            .map(|i| (i.code().to_string(), values.get(&format!("note_{}", i.code()))))
            .filter(|(_, note)| !note.trim().is_empty())
            .collect(),
    }
}

fn meeting_fields(values: &Values) -> MeetingFields {
    MeetingFields {
        date: values.get("date"),
        time: values.get("time"),
        duration_minutes: values.get("duration_minutes"),
        place: values.get("place"),
        agenda: values.get("agenda"),
    }
}

/// Saves a form through its use case; where a new meeting goes afterwards.
async fn submit(
    state: &AppState,
    ctx: &RequestContext,
    actor: &Actor,
    person: PersonId,
    target: &Target,
    values: &Values,
) -> Result<String, Error> {
    let app = &state.app;
    let version = values.get("version").trim().parse().unwrap_or(-1);
    let back = plan_path(person);
    match target {
        Target::Plan => app.update_plan(ctx, actor, person, version, &plan_input(values)).await.map(|_| back),
        Target::Goal(id) => {
            let fields = GoalFields {
                area: values.get("area"),
                own_words: values.get("own_words"),
                professional: values.get("professional"),
                status: values.get("status"),
            };
            app.save_goal(ctx, actor, person, version, id.as_deref(), &fields).await.map(|_| format!("{back}#goals"))
        }
        Target::Measure(id) => {
            let fields = measure_fields(values);
            app.save_measure(ctx, actor, person, version, id.as_deref(), &fields).await?;
            Ok(match fields.meeting.trim() {
                "" => format!("{back}#measures"),
                meeting => format!("/meetings/{meeting}"),
            })
        }
        Target::Member => {
            let fields =
                MemberFields { account: values.get("account"), role: values.get("role"), from: values.get("from") };
            app.add_member(ctx, actor, person, version, &fields, &values.get("organization"))
                .await
                .map(|_| format!("{back}#team"))
        }
        Target::Transition(id) => app
            .save_transition(ctx, actor, person, version, id.as_deref(), &transition_fields(values))
            .await
            .map(|_| format!("{back}#transitions")),
        Target::Meeting => {
            app.schedule_meeting(ctx, actor, person, &meeting_fields(values)).await.map(|id| format!("/meetings/{id}"))
        }
    }
}

async fn save_form(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &los_app::auth::SessionInfo,
    raw_person: &str,
    target: Target,
    mut values: Values,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(session, tr), person_id(raw_person, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let (errors, conflict) = match submit(state, ctx, &actor, person, &target, &values).await {
        Ok(to) => return Redirect::to(&to).into_response(),
        Err(Error::Conflict { .. }) => (FormErrors::default(), true),
        Err(error) => match plan_errors(tr, &error, target.labels()) {
            Some(errors) => (errors, false),
            None => return failure(tr, &error),
        },
    };
    let view = match view_for_change(state, ctx, &actor, person, tr).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    // After a stale edit the form carries the current version, so saving again is a choice
    // made after reading the message; what was typed stays.
    if conflict && let Some(plan) = &view.plan {
        values.set("version", plan.version.to_string());
    }
    render_form(state, layout, &target, &view, values, errors, conflict).await
}

/// A removal or ending posted from the plan page: on a problem the plan page again with the
/// message.
async fn plan_action(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &los_app::auth::SessionInfo,
    raw_person: &str,
    values: &Values,
    action: impl AsyncFnOnce(&AppState, &Actor, PersonId, i64) -> Result<&'static str, Error>,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, person) = match (actor_of(session, tr), person_id(raw_person, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let version = values.get("version").trim().parse().unwrap_or(-1);
    match action(state, &actor, person, version).await {
        Ok(anchor) => Redirect::to(&format!("{}#{anchor}", plan_path(person))).into_response(),
        Err(Error::Conflict { .. }) => render_plan(state, ctx, layout, &actor, person, Notice::Conflict).await,
        Err(error @ Error::Invalid(_)) => {
            let message = plan_errors(tr, &error, &[])
                .map(|e| e.items.into_iter().map(|i| i.message).collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            render_plan(state, ctx, layout, &actor, person, Notice::Refused(message)).await
        }
        Err(error) => failure(tr, &error),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

macro_rules! form_handlers {
    ($show:ident, $save:ident, $target:expr) => {
        async fn $show(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path(id): Path<String>,
            Query(query): Query<FormQuery>,
        ) -> Response {
            show_form(&state, &headers, &ctx, &session, &id, $target, query.meeting).await
        }

        async fn $save(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path(id): Path<String>,
            PageForm(pairs): PageForm<Vec<(String, String)>>,
        ) -> Response {
            save_form(&state, &headers, &ctx, &session, &id, $target, Values(pairs)).await
        }
    };
    ($show:ident, $save:ident, item $target:path) => {
        async fn $show(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path((id, item)): Path<(String, String)>,
        ) -> Response {
            show_form(&state, &headers, &ctx, &session, &id, $target(Some(item)), None).await
        }

        async fn $save(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path((id, item)): Path<(String, String)>,
            PageForm(pairs): PageForm<Vec<(String, String)>>,
        ) -> Response {
            save_form(&state, &headers, &ctx, &session, &id, $target(Some(item)), Values(pairs)).await
        }
    };
}

form_handlers!(edit_plan_form, edit_plan_save, Target::Plan);
form_handlers!(new_goal_form, new_goal_save, Target::Goal(None));
form_handlers!(goal_form, goal_save, item Target::Goal);
form_handlers!(new_measure_form, new_measure_save, Target::Measure(None));
form_handlers!(measure_form, measure_save, item Target::Measure);
form_handlers!(new_member_form, new_member_save, Target::Member);
form_handlers!(new_transition_form, new_transition_save, Target::Transition(None));
form_handlers!(transition_form, transition_save, item Target::Transition);
form_handlers!(new_meeting_form, new_meeting_save, Target::Meeting);

async fn goal_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, item)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let c = ctx.clone();
    let action = async |state: &AppState, actor: &Actor, person: PersonId, version: i64| {
        state.app.remove_goal(&c, actor, person, version, &item).await.map(|_| "goals")
    };
    plan_action(&state, &headers, &ctx, &session, &id, &Values(pairs), action).await
}

async fn measure_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, item)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let c = ctx.clone();
    let action = async |state: &AppState, actor: &Actor, person: PersonId, version: i64| {
        state.app.remove_measure(&c, actor, person, version, &item).await.map(|_| "measures")
    };
    plan_action(&state, &headers, &ctx, &session, &id, &Values(pairs), action).await
}

async fn member_end(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, item)): Path<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let c = ctx.clone();
    let action = async |state: &AppState, actor: &Actor, person: PersonId, version: i64| {
        state.app.end_member(&c, actor, person, version, &item).await.map(|_| "team")
    };
    plan_action(&state, &headers, &ctx, &session, &id, &Values(pairs), action).await
}
