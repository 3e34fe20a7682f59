//! The individual plan (IP in Norway, SIP in Sweden) as pages: the plan with its nine required
//! contents clearly headed, goals per life area in the person's own words beside the
//! professional wording, measures, the care team, transitions with their checklist and the
//! meetings; the form to create a plan when there is none; and the history of its versions.
//! Every read and change goes through `los_app::plans`, which asks the policy and writes the
//! audit log. Those who may read but not change see the plan without forms.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use los_app::RequestContext;
use los_app::plans::PlanView;
use los_core::ids::PersonId;
use los_core::plan::{Change, LifeArea, MeetingStatus, PlanKind};
use los_core::policy::Actor;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, Values, actor_of, local_time, person_id};
use crate::pages::plan_forms::{
    Form, PLAN_LABELS, area_label, goal_status_label, item_label, measure_status_label, new_plan_values, phase_label,
    plan_errors, plan_form, plan_input, transition_label,
};
use crate::pages::{FormErrors, PageForm, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/plan", get(show).post(create)).route("/persons/{id}/plan/history", get(history))
}

pub fn plan_path(person: PersonId) -> String {
    format!("/persons/{person}/plan")
}

/// What the plan page says above the plan after a refused action.
pub enum Notice {
    None,
    /// The plan changed since the page was loaded.
    Conflict,
    /// An action was refused, with the reason.
    Refused(String),
}

pub fn kind_label(tr: Tr, kind: PlanKind) -> String {
    tr.t(&format!("plan-kind-{}", kind.code()))
}

fn meeting_status_label(tr: Tr, status: MeetingStatus) -> String {
    tr.t(&format!("meeting-status-{}", status.code()))
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() { "–".into() } else { text.to_string() }
}

pub struct GoalRow {
    pub id: String,
    pub own_words: String,
    pub professional: String,
    pub status: String,
    pub status_color: &'static str,
}

pub struct AreaGroup {
    pub area: String,
    pub goals: Vec<GoalRow>,
}

pub struct MeasureRow {
    pub id: String,
    pub description: String,
    pub goal: String,
    pub owner: String,
    pub extent: String,
    pub period: String,
    pub status: String,
    pub linked: String,
}

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub role: String,
    pub period: String,
    pub coordinator: bool,
}

pub struct ItemRow {
    pub label: String,
    pub done: bool,
    pub overdue: bool,
    pub note: String,
}

pub struct TransitionRow {
    pub id: String,
    pub kind: String,
    pub due_on: String,
    pub institution: String,
    pub overdue: bool,
    pub items: Vec<ItemRow>,
}

pub struct MeetingRow {
    pub id: String,
    pub when: String,
    pub place: String,
    pub status: String,
    pub upcoming: bool,
}

/// The plan as the page and the printed plan show it, translated.
pub struct PlanBody {
    pub version: i64,
    pub kind: String,
    pub sip: bool,
    pub phase: String,
    pub coordinator: String,
    pub coordinator_organization: String,
    pub period: String,
    pub period_from: jiff::civil::Date,
    pub period_to: jiff::civil::Date,
    pub next_revision: String,
    pub next_revision_date: jiff::civil::Date,
    pub revision_overdue: bool,
    pub consent_given_on: Option<jiff::civil::Date>,
    pub consent: String,
    pub sharing: String,
    pub resources_and_needs: String,
    pub person_contribution: String,
    pub services_contribution: String,
    pub relatives_contribution: String,
    pub how_carried_out: String,
    pub cooperation: String,
    pub overall_responsible: String,
    pub person_takes_part: bool,
    pub relatives_taking_part: Vec<String>,
    pub members: Vec<MemberRow>,
    pub former_members: Vec<MemberRow>,
    pub areas: Vec<AreaGroup>,
    pub measures: Vec<MeasureRow>,
    pub transitions: Vec<TransitionRow>,
    pub meetings: Vec<MeetingRow>,
    pub updated: String,
}

fn goal_color(status: los_core::plan::GoalStatus) -> &'static str {
    use los_core::plan::GoalStatus::*;
    match status {
        Achieved => "success",
        InProgress => "info",
        Paused => "warning",
        Dropped | NotStarted => "neutral",
    }
}

/// The plan of `view` translated with `tr`; `None` when there is no plan.
pub fn plan_body(tr: Tr, view: &PlanView) -> Option<PlanBody> {
    let plan = view.plan.as_ref()?;
    let h = &plan.header;
    let c = &plan.document.contents;
    let period = |from: jiff::civil::Date, to: Option<jiff::civil::Date>| match to {
        Some(to) => format!("{from} – {to}"),
        None => format!("{from} –"),
    };
    let member_row = |m: &los_core::plan::MemberSnapshot| MemberRow {
        id: m.id.clone(),
        name: m.name.clone(),
        organization: m.organization_name.clone(),
        role: m.role.clone(),
        period: period(m.from, m.to),
        coordinator: m.account == h.coordinator && m.to.is_none(),
    };
    let goal_text: BTreeMap<&str, String> = plan
        .document
        .goals
        .iter()
        .map(|g| (g.id.as_str(), if g.own_words.is_empty() { g.professional.clone() } else { g.own_words.clone() }))
        .collect();
    let areas = LifeArea::ALL
        .iter()
        .filter_map(|area| {
            let goals: Vec<GoalRow> = plan
                .document
                .goals
                .iter()
                .filter(|g| g.area == *area)
                .map(|g| GoalRow {
                    id: g.id.clone(),
                    own_words: g.own_words.clone(),
                    professional: g.professional.clone(),
                    status: goal_status_label(tr, g.status),
                    status_color: goal_color(g.status),
                })
                .collect();
            (!goals.is_empty()).then(|| AreaGroup { area: area_label(tr, *area), goals })
        })
        .collect();
    let measures = plan
        .document
        .measures
        .iter()
        .map(|m| {
            let service = m.service.and_then(|s| view.service_names.get(&s).cloned());
            let organization = m.organization.and_then(|o| view.organization_names.get(&o).cloned());
            let linked = match (service, organization) {
                (Some(s), Some(o)) => format!("{s} – {o}"),
                (Some(s), None) => s,
                (None, Some(o)) => o,
                (None, None) => "–".into(),
            };
            MeasureRow {
                id: m.id.clone(),
                description: m.description.clone(),
                goal: m.goal.as_deref().and_then(|g| goal_text.get(g).cloned()).unwrap_or_default(),
                owner: m.owner.clone(),
                extent: or_dash(&m.extent),
                period: period(m.from, m.to),
                status: measure_status_label(tr, m.status),
                linked,
            }
        })
        .collect();
    let transitions = view
        .transitions
        .iter()
        .map(|t| {
            let tr_ = &t.transition;
            let items = los_core::plan::ChecklistItem::ALL
                .iter()
                .map(|item| ItemRow {
                    label: item_label(tr, *item),
                    done: tr_.is_done(*item),
                    overdue: t.overdue_items.contains(item),
                    note: match item {
                        los_core::plan::ChecklistItem::FirstMunicipalContact => {
                            tr_.first_contact_on.map(|d| d.to_string()).unwrap_or_default()
                        }
                        other => tr_.items.get(other).map(|s| s.note.clone()).unwrap_or_default(),
                    },
                })
                .collect();
            TransitionRow {
                id: tr_.id.clone(),
                kind: transition_label(tr, tr_.kind),
                due_on: tr_.due_on.to_string(),
                institution: tr_.institution.clone(),
                overdue: !t.overdue_items.is_empty(),
                items,
            }
        })
        .collect();
    let zone = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
    let meetings = view
        .meetings
        .iter()
        .map(|m| MeetingRow {
            id: m.id.to_string(),
            when: local_time(m.starts_at),
            place: m.place.clone(),
            status: meeting_status_label(tr, m.status),
            upcoming: m.starts_at.to_zoned(zone.clone()).date() >= view.today && m.status == MeetingStatus::Planned,
        })
        .collect();
    let relatives_taking_part = c
        .relatives_taking_part
        .iter()
        .filter_map(|id| view.relatives.iter().find(|r| r.id == *id).map(|r| r.record.name.clone()))
        .collect();
    let coordinator_organization = view
        .members
        .iter()
        .find(|m| m.account == h.coordinator && m.to.is_none())
        .map(|m| m.organization_name.clone())
        .unwrap_or_else(|| plan.organization_name.clone());
    Some(PlanBody {
        version: plan.version,
        kind: kind_label(tr, h.kind),
        sip: h.kind == PlanKind::Sip,
        phase: phase_label(tr, h.phase),
        coordinator: plan.coordinator_name.clone(),
        coordinator_organization,
        period: format!("{} – {}", h.period_from, h.period_to),
        period_from: h.period_from,
        period_to: h.period_to,
        next_revision: h.next_revision.to_string(),
        next_revision_date: h.next_revision,
        revision_overdue: view.revision_overdue,
        consent_given_on: h.consent_given_on,
        consent: match h.consent_given_on {
            Some(on) => tr.t1("plan-consent-given", "date", &on.to_string()),
            None => tr.t("plan-consent-missing"),
        },
        sharing: tr.t(if h.consent_to_sharing { "plan-sharing-yes" } else { "plan-sharing-no" }),
        resources_and_needs: c.resources_and_needs.clone(),
        person_contribution: c.person_contribution.clone(),
        services_contribution: c.services_contribution.clone(),
        relatives_contribution: c.relatives_contribution.clone(),
        how_carried_out: c.how_carried_out.clone(),
        cooperation: c.cooperation.clone(),
        overall_responsible: c
            .overall_responsible
            .and_then(|o| view.organization_names.get(&o).cloned())
            .unwrap_or_default(),
        person_takes_part: c.person_takes_part,
        relatives_taking_part,
        members: view.members.iter().filter(|m| m.to.is_none()).map(member_row).collect(),
        former_members: view.members.iter().filter(|m| m.to.is_some()).map(member_row).collect(),
        areas,
        measures,
        transitions,
        meetings,
        updated: match &plan.updated_by_name {
            Some(name) => format!("{} ({name})", local_time(plan.updated_at)),
            None => local_time(plan.updated_at),
        },
    })
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    layout: Layout,
    person: String,
    name: String,
    plan: Option<PlanBody>,
    create_form: Option<Form>,
    can_change: bool,
    conflict: bool,
    refused: String,
}

/// The plan page, with the create form filled from `values` when there is no plan.
async fn render_page(
    state: &AppState,
    layout: Layout,
    actor: &Actor,
    view: PlanView,
    notice: Notice,
    create: Option<(Values, FormErrors)>,
) -> Response {
    let tr = layout.tr;
    let body = plan_body(tr, &view);
    let create_form = if body.is_none() && view.can_change {
        let (values, errors) = create.unwrap_or_else(|| (new_plan_values(&view, actor), FormErrors::default()));
        match plan_form(state, tr, &view, &values, errors, false).await {
            Ok(form) => Some(form),
            Err(error) => return failure(tr, &error),
        }
    } else {
        None
    };
    let (conflict, refused) = match notice {
        Notice::None => (false, String::new()),
        Notice::Conflict => (true, String::new()),
        Notice::Refused(message) => (false, message),
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else if !refused.is_empty() {
        crate::pages::INVALID
    } else {
        create_form.as_ref().map(|f| f.status()).unwrap_or(StatusCode::OK)
    };
    let page = PlanPage {
        layout: layout.clone(),
        person: view.person.id.to_string(),
        name: view.person.display_name.clone(),
        plan: body,
        create_form,
        can_change: view.can_change,
        conflict,
        refused,
    };
    layout.render_with_status(status, &page)
}

/// Loads the plan and shows the page with `notice`.
pub async fn render_plan(
    state: &AppState,
    ctx: &RequestContext,
    layout: Layout,
    actor: &Actor,
    person: PersonId,
    notice: Notice,
) -> Response {
    match state.app.plan_view(ctx, actor, person).await {
        Ok(view) => render_page(state, layout, actor, view, notice, None).await,
        Err(error) => failure(layout.tr, &error),
    }
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
    let (actor, person) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(person)) => (actor, person),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    render_plan(&state, &ctx, layout, &actor, person, Notice::None).await
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
    let error = match state.app.create_plan(&ctx, &actor, person, &plan_input(&values)).await {
        Ok(_) => return Redirect::to(&plan_path(person)).into_response(),
        Err(error) => error,
    };
    let Some(errors) = plan_errors(tr, &error, &PLAN_LABELS) else { return failure(tr, &error) };
    let view = match state.app.plan_view(&ctx, &actor, person).await {
        Ok(view) => view,
        Err(error) => return failure(tr, &error),
    };
    if view.plan.is_some() {
        // Someone else created the plan meanwhile: show it with the conflict message.
        return render_page(&state, layout, &actor, view, Notice::Conflict, None).await;
    }
    render_page(&state, layout, &actor, view, Notice::None, Some((values, errors))).await
}

// ---------------------------------------------------------------------------------------------
// The history of versions.

struct HistoryRow {
    version: i64,
    when: String,
    who: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan_history.html")]
struct HistoryPage {
    layout: Layout,
    person: String,
    name: String,
    rows: Vec<HistoryRow>,
}

fn change_text(tr: Tr, change: &Change, names: &BTreeMap<String, String>) -> String {
    match change {
        Change::Created => tr.t("plan-change-created"),
        Change::Field { field, before, after } => {
            let label = PLAN_LABELS
                .iter()
                .find(|(name, _)| name == field || (*field == "relatives_taking_part" && *name == "relatives"))
                .map(|(_, key)| tr.t(key))
                .unwrap_or_else(|| field.to_string());
            let shown = |value: &str| -> String {
                match *field {
                    "phase" => los_core::service::Phase::ALL
                        .into_iter()
                        .find(|p| p.code() == value)
                        .map(|p| phase_label(tr, p))
                        .unwrap_or_else(|| or_dash(value)),
                    "consent_to_sharing" | "person_takes_part" => tr.t(if value == "true" { "yes" } else { "no" }),
                    "coordinator" | "overall_responsible" => {
                        names.get(value).cloned().unwrap_or_else(|| or_dash(value))
                    }
                    "relatives_taking_part" => String::new(),
                    _ => or_dash(value),
                }
            };
            let (before, after) = (shown(before), shown(after));
            if before.is_empty() && after.is_empty() {
                tr.t1("plan-change-field-changed", "field", &label)
            } else {
                tr.t_args("plan-change-field", &[("field", label), ("before", before), ("after", after)])
            }
        }
        Change::GoalAdded { area, text } => {
            tr.t_args("plan-change-goal-added", &[("area", area_label(tr, *area)), ("text", text.clone())])
        }
        Change::GoalChanged { area, text } => {
            tr.t_args("plan-change-goal-changed", &[("area", area_label(tr, *area)), ("text", text.clone())])
        }
        Change::GoalRemoved { area, text } => {
            tr.t_args("plan-change-goal-removed", &[("area", area_label(tr, *area)), ("text", text.clone())])
        }
        Change::MeasureAdded { text } => tr.t1("plan-change-measure-added", "text", text),
        Change::MeasureChanged { text } => tr.t1("plan-change-measure-changed", "text", text),
        Change::MeasureRemoved { text } => tr.t1("plan-change-measure-removed", "text", text),
        Change::MemberAdded { name, role } => {
            tr.t_args("plan-change-member-added", &[("name", name.clone()), ("role", role.clone())])
        }
        Change::MemberEnded { name } => tr.t1("plan-change-member-ended", "name", name),
        Change::TransitionAdded { kind, due_on } => tr.t_args(
            "plan-change-transition-added",
            &[("kind", transition_label(tr, *kind)), ("date", due_on.to_string())],
        ),
        Change::TransitionChanged { kind, due_on } => tr.t_args(
            "plan-change-transition-changed",
            &[("kind", transition_label(tr, *kind)), ("date", due_on.to_string())],
        ),
    }
}

async fn history(
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
    let (summary, entries) = match state.app.plan_history(&ctx, &actor, person).await {
        Ok(found) => found,
        Err(error) => return failure(tr, &error),
    };
    // Ids in the changes shown as names: members from the snapshots, organisations from the list.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for entry in &entries {
        for member in &entry.version.snapshot.members {
            names.insert(member.account.to_string(), member.name.clone());
        }
    }
    if let Ok(organizations) = state.app.list_organizations().await {
        for organization in organizations {
            names.insert(organization.id.to_string(), organization.name);
        }
    }
    let rows = entries
        .iter()
        .map(|entry| HistoryRow {
            version: entry.version.version,
            when: local_time(entry.version.changed_at),
            who: entry.version.changed_by_name.clone().unwrap_or_else(|| "–".into()),
            changes: entry.changes.iter().map(|c| change_text(tr, c, &names)).collect(),
        })
        .collect();
    let page = HistoryPage { layout: layout.clone(), person: person.to_string(), name: summary.display_name, rows };
    layout.render(&page)
}

#[cfg(test)]
mod tests {
    use los_core::locale::Locale;
    use los_core::plan::{ChecklistItem, GoalStatus, MeasureStatus, TransitionKind};

    use super::*;

    /// Keys built from codes are not found by the translation test's scan: check them here.
    #[test]
    fn every_code_of_the_plan_has_a_text_in_every_language() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(PlanKind::ALL.iter().map(|k| format!("plan-kind-{}", k.code())));
        keys.extend(LifeArea::ALL.iter().map(|a| format!("plan-area-{}", a.code())));
        keys.extend(GoalStatus::ALL.iter().map(|s| format!("plan-goal-status-{}", s.code())));
        keys.extend(MeasureStatus::ALL.iter().map(|s| format!("plan-measure-status-{}", s.code())));
        keys.extend(TransitionKind::ALL.iter().map(|k| format!("plan-transition-{}", k.code())));
        keys.extend(ChecklistItem::ALL.iter().map(|i| format!("plan-item-{}", i.code())));
        keys.extend(MeetingStatus::ALL.iter().map(|s| format!("meeting-status-{}", s.code())));
        keys.extend(los_core::service::Phase::ALL.iter().map(|p| format!("phase-{}", p.code())));
        for locale in Locale::ALL {
            let tr = Tr::new(locale);
            let missing: Vec<_> = keys.iter().filter(|k| !tr.has(k)).collect();
            assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
        }
    }
}
