//! Individual plans (IP / SIP), the care team, transitions and meetings. The handlers
//! authenticate and translate; every access decision and its audit event is made in
//! `los_app::plans`. Each change to a plan carries the plan's version (`If-Match` or `version`)
//! and answers with the new one; a stale version is 409.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use los_app::plans::{CoverageView, HistoryEntry, MeetingUpdate, MeetingView, OwnPlans, PlanInput, PlanView};
use los_core::ids::{MeetingId, MunicipalityId, PersonId};
use los_core::plan::{
    ChecklistItem, GoalFields, MeasureFields, MeetingFields, MeetingStatus, MemberFields, PlanFields, TransitionFields,
};
use los_core::{Error, Reason};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiJson, ApiQuery, if_match_or_body, path_id, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Bodies

/// A new plan for a person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlanIn {
    /// The person (id) the plan is for.
    pub person: String,
    /// The coordinator's account id; the caller when empty.
    #[serde(default)]
    pub coordinator: String,
    /// pre_treatment, treatment or aftercare
    pub phase: String,
    /// `YYYY-MM-DD`
    pub period_from: String,
    /// `YYYY-MM-DD`, at most five years after `period_from`.
    pub period_to: String,
    /// `YYYY-MM-DD`, within the period.
    pub next_revision: String,
    /// `YYYY-MM-DD`, not in the future; required with `consent_to_sharing`.
    #[serde(default)]
    pub consent_given_on: String,
    /// The person consents to the plan being shared with the care team's organisations.
    #[serde(default)]
    pub consent_to_sharing: bool,
    #[serde(default)]
    pub resources_and_needs: String,
    #[serde(default)]
    pub person_contribution: String,
    #[serde(default)]
    pub relatives_contribution: String,
    #[serde(default)]
    pub services_contribution: String,
    #[serde(default)]
    pub how_carried_out: String,
    #[serde(default)]
    pub cooperation: String,
    #[serde(default)]
    pub person_takes_part: bool,
    /// SIP: the organisation (id) with overall responsibility.
    #[serde(default)]
    pub overall_responsible: String,
    /// Relatives (ids) of the person who take part in the care team.
    #[serde(default)]
    pub relatives: Vec<String>,
}

/// A plan's header and contents, replaced as a whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIn {
    /// The coordinator's account id; unchanged when empty.
    #[serde(default)]
    pub coordinator: String,
    pub phase: String,
    pub period_from: String,
    pub period_to: String,
    pub next_revision: String,
    #[serde(default)]
    pub consent_given_on: String,
    #[serde(default)]
    pub consent_to_sharing: bool,
    #[serde(default)]
    pub resources_and_needs: String,
    #[serde(default)]
    pub person_contribution: String,
    #[serde(default)]
    pub relatives_contribution: String,
    #[serde(default)]
    pub services_contribution: String,
    #[serde(default)]
    pub how_carried_out: String,
    #[serde(default)]
    pub cooperation: String,
    #[serde(default)]
    pub person_takes_part: bool,
    #[serde(default)]
    pub overall_responsible: String,
    #[serde(default)]
    pub relatives: Vec<String>,
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A goal in one life area.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalIn {
    /// housing, work_activity, education, leisure, social_skills, family_network, physical_health,
    /// mental_health, substance_use, economy or parenting
    pub area: String,
    /// The person's own words.
    #[serde(default)]
    pub own_words: String,
    /// The professional wording (one of the two is required).
    #[serde(default)]
    pub professional: String,
    /// not_started (default), in_progress, achieved, paused or dropped
    #[serde(default)]
    pub status: String,
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A measure of the plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureIn {
    pub description: String,
    /// The goal (id) the measure serves.
    #[serde(default)]
    pub goal: String,
    /// A service (id) of the catalogue; its provider becomes the organisation.
    #[serde(default)]
    pub service: String,
    /// The responsible organisation (id).
    #[serde(default)]
    pub organization: String,
    /// Who is responsible, as a name or role.
    pub owner: String,
    /// How much, e.g. "2 timer per uke".
    #[serde(default)]
    pub extent: String,
    /// `YYYY-MM-DD`
    pub from: String,
    /// `YYYY-MM-DD`, not before `from`.
    #[serde(default)]
    pub to: String,
    /// planned (default), active, completed or stopped
    #[serde(default)]
    pub status: String,
    /// The meeting (id) whose decision made this measure.
    #[serde(default)]
    pub meeting: String,
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A new member of the care team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberIn {
    /// The member's account (id).
    pub account: String,
    /// The organisation (id) the member takes part for; one of the account's. Another
    /// organisation than the plan's needs the person's consent to sharing.
    pub organization: String,
    /// The role in the plan, e.g. "kontaktperson NAV".
    pub role: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub from: String,
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A planned transition and its checklist.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionIn {
    /// release_from_prison or discharge_from_institution
    pub kind: String,
    /// `YYYY-MM-DD`: open checklist items are overdue from the day after.
    pub due_on: String,
    /// The prison or institution.
    #[serde(default)]
    pub institution: String,
    /// `YYYY-MM-DD`: the agreed first contact with the municipality (ticks that item).
    #[serde(default)]
    pub first_contact_on: String,
    /// Items done: housing, income, general_practitioner, medication.
    #[serde(default)]
    pub done: Vec<String>,
    /// Notes per item code.
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A care-team meeting, in the municipality's local time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingIn {
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`, local time.
    pub time: String,
    /// 15–480; 60 when absent.
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    pub place: String,
    #[serde(default)]
    pub agenda: String,
}

impl MeetingIn {
    fn fields(self) -> MeetingFields {
        MeetingFields {
            date: self.date,
            time: self.time,
            duration_minutes: self.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            place: self.place,
            agenda: self.agenda,
        }
    }
}

/// A meeting's changes: details, minutes, status and optionally the next meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingUpdateIn {
    pub date: String,
    pub time: String,
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    pub place: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub minutes: String,
    /// planned, held or cancelled; unchanged when empty.
    #[serde(default)]
    pub status: String,
    /// Schedules the next meeting (same care team).
    #[serde(default)]
    pub next: Option<MeetingIn>,
    /// The meeting's version; or send `If-Match` with its ETag.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The plan's version for a removal, when not sent as `If-Match`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// The plan's version; or send `If-Match` with its ETag.
    #[serde(default)]
    version: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Responses

/// The plan's new version after a change (also the `ETag`).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContentsOut {
    pub resources_and_needs: String,
    pub person_contribution: String,
    pub relatives_contribution: String,
    pub services_contribution: String,
    pub how_carried_out: String,
    pub cooperation: String,
    pub overall_responsible_id: Option<String>,
    pub overall_responsible_name: Option<String>,
    pub person_takes_part: bool,
    /// Relatives (id) taking part in the care team.
    pub relatives_taking_part: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GoalOut {
    pub id: String,
    pub area: String,
    pub own_words: String,
    pub professional: String,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureOut {
    pub id: String,
    pub description: String,
    pub goal_id: Option<String>,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub owner: String,
    pub extent: String,
    pub from: String,
    pub to: Option<String>,
    pub status: String,
    pub meeting_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub organization_id: String,
    pub organization_name: String,
    pub role: String,
    pub from: String,
    /// The last day of the membership; absent while it lasts.
    pub to: Option<String>,
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistItemOut {
    pub item: String,
    pub done: bool,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOut {
    pub id: String,
    pub kind: String,
    pub due_on: String,
    pub institution: String,
    pub first_contact_on: Option<String>,
    pub checklist: Vec<ChecklistItemOut>,
    pub open_items: Vec<String>,
    /// Open items once the due date has passed.
    pub overdue_items: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingLineOut {
    pub id: String,
    pub starts_at: String,
    pub duration_minutes: i64,
    pub place: String,
    pub status: String,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelativeOut {
    pub id: String,
    pub name: String,
}

/// A person's plan with its care team, transitions and meetings.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    /// ip or sip
    pub kind: String,
    pub coordinator_id: String,
    pub coordinator_name: String,
    pub organization_id: String,
    pub organization_name: String,
    pub phase: String,
    pub period_from: String,
    pub period_to: String,
    pub next_revision: String,
    pub revision_overdue: bool,
    pub consent_given_on: Option<String>,
    pub consent_to_sharing: bool,
    pub contents: ContentsOut,
    pub goals: Vec<GoalOut>,
    pub measures: Vec<MeasureOut>,
    pub members: Vec<MemberOut>,
    pub relatives: Vec<RelativeOut>,
    pub transitions: Vec<TransitionOut>,
    pub meetings: Vec<MeetingLineOut>,
    /// care_team, episode, referral, consent or emergency
    pub access_basis: String,
    pub can_change: bool,
    pub today: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by_name: Option<String>,
}

fn item_codes(items: &[ChecklistItem]) -> Vec<String> {
    items.iter().map(|i| i.code().to_string()).collect()
}

fn plan_out(view: PlanView) -> Result<(PlanOut, i64), ApiError> {
    let Some(plan) = view.plan else { return Err(Error::NotFound { what: "plan" }.into()) };
    let today = view.today;
    let contents = &plan.document.contents;
    let out = PlanOut {
        id: plan.id.to_string(),
        person_id: plan.person.to_string(),
        person_name: view.person.display_name,
        kind: plan.header.kind.code().into(),
        coordinator_id: plan.header.coordinator.to_string(),
        coordinator_name: plan.coordinator_name,
        organization_id: plan.organization.to_string(),
        organization_name: plan.organization_name,
        phase: plan.header.phase.code().into(),
        period_from: plan.header.period_from.to_string(),
        period_to: plan.header.period_to.to_string(),
        next_revision: plan.header.next_revision.to_string(),
        revision_overdue: view.revision_overdue,
        consent_given_on: plan.header.consent_given_on.map(|d| d.to_string()),
        consent_to_sharing: plan.header.consent_to_sharing,
        contents: ContentsOut {
            resources_and_needs: contents.resources_and_needs.clone(),
            person_contribution: contents.person_contribution.clone(),
            relatives_contribution: contents.relatives_contribution.clone(),
            services_contribution: contents.services_contribution.clone(),
            how_carried_out: contents.how_carried_out.clone(),
            cooperation: contents.cooperation.clone(),
            overall_responsible_id: contents.overall_responsible.map(|o| o.to_string()),
            overall_responsible_name: contents
                .overall_responsible
                .and_then(|o| view.organization_names.get(&o).cloned()),
            person_takes_part: contents.person_takes_part,
            relatives_taking_part: contents.relatives_taking_part.iter().map(ToString::to_string).collect(),
        },
        goals: plan
            .document
            .goals
            .iter()
            .map(|g| GoalOut {
                id: g.id.clone(),
                area: g.area.code().into(),
                own_words: g.own_words.clone(),
                professional: g.professional.clone(),
                status: g.status.code().into(),
            })
            .collect(),
        measures: plan
            .document
            .measures
            .iter()
            .map(|m| MeasureOut {
                id: m.id.clone(),
                description: m.description.clone(),
                goal_id: m.goal.clone(),
                service_id: m.service.map(|s| s.to_string()),
                service_name: m.service.and_then(|s| view.service_names.get(&s).cloned()),
                organization_id: m.organization.map(|o| o.to_string()),
                organization_name: m.organization.and_then(|o| view.organization_names.get(&o).cloned()),
                owner: m.owner.clone(),
                extent: m.extent.clone(),
                from: m.from.to_string(),
                to: m.to.map(|d| d.to_string()),
                status: m.status.code().into(),
                meeting_id: m.meeting.clone(),
            })
            .collect(),
        members: view
            .members
            .into_iter()
            .map(|m| MemberOut {
                current: m.from <= today && m.to.is_none_or(|to| to >= today),
                id: m.id,
                account_id: m.account.to_string(),
                name: m.name,
                organization_id: m.organization.to_string(),
                organization_name: m.organization_name,
                role: m.role,
                from: m.from.to_string(),
                to: m.to.map(|d| d.to_string()),
            })
            .collect(),
        relatives: view
            .relatives
            .into_iter()
            .map(|r| RelativeOut { id: r.id.to_string(), name: r.record.name })
            .collect(),
        transitions: view
            .transitions
            .into_iter()
            .map(|t| {
                let checklist = ChecklistItem::ALL
                    .iter()
                    .map(|item| ChecklistItemOut {
                        item: item.code().into(),
                        done: t.transition.is_done(*item),
                        note: t.transition.items.get(item).map(|s| s.note.clone()).unwrap_or_default(),
                    })
                    .collect();
                TransitionOut {
                    id: t.transition.id.clone(),
                    kind: t.transition.kind.code().into(),
                    due_on: t.transition.due_on.to_string(),
                    institution: t.transition.institution.clone(),
                    first_contact_on: t.transition.first_contact_on.map(|d| d.to_string()),
                    checklist,
                    open_items: item_codes(&t.open_items),
                    overdue_items: item_codes(&t.overdue_items),
                }
            })
            .collect(),
        meetings: view
            .meetings
            .into_iter()
            .map(|m| MeetingLineOut {
                id: m.id.to_string(),
                starts_at: m.starts_at.to_string(),
                duration_minutes: m.duration_minutes,
                place: m.place,
                status: m.status.code().into(),
                version: m.version,
            })
            .collect(),
        access_basis: view.basis.code().into(),
        can_change: view.can_change,
        today: today.to_string(),
        version: plan.version,
        created_at: plan.created_at.to_string(),
        updated_at: plan.updated_at.to_string(),
        updated_by_name: plan.updated_by_name,
    };
    Ok((out, plan.version))
}

/// One version of the plan and what changed from the one before.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryOut {
    pub version: i64,
    pub changed_at: String,
    pub changed_by_id: Option<String>,
    pub changed_by_name: Option<String>,
    /// Each change as `{"change": "<kind>", …}`: created, field (field, before, after), goal_added,
    /// goal_changed, goal_removed (area, text), measure_added, measure_changed, measure_removed
    /// (text), member_added (name, role), member_ended (name), transition_added,
    /// transition_changed (kind, due_on).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryOut {
    pub person_id: String,
    pub person_name: String,
    /// Newest first.
    pub items: Vec<HistoryEntryOut>,
}

impl From<HistoryEntry> for HistoryEntryOut {
    fn from(entry: HistoryEntry) -> Self {
        Self {
            version: entry.version.version,
            changed_at: entry.version.changed_at.to_string(),
            changed_by_id: entry.version.changed_by.map(|a| a.to_string()),
            changed_by_name: entry.version.changed_by_name,
            changes: entry.changes.iter().filter_map(|c| serde_json::to_value(c).ok()).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteeOut {
    pub account_id: String,
    pub name: String,
}

/// A care-team meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: String,
    pub plan_id: String,
    pub person_id: String,
    pub person_name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub duration_minutes: i64,
    pub place: String,
    pub agenda: String,
    pub minutes: String,
    /// planned, held or cancelled
    pub status: String,
    pub invited: Vec<InviteeOut>,
    /// Measures of the plan this meeting decided.
    pub decided_measures: Vec<MeasureOut>,
    pub can_change: bool,
    pub version: i64,
    /// The next meeting scheduled with this change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_meeting_id: Option<String>,
}

fn ends_at(view: &MeetingView) -> jiff::Timestamp {
    view.meeting
        .starts_at
        .saturating_add(jiff::SignedDuration::from_mins(view.meeting.duration_minutes))
        .unwrap_or(view.meeting.starts_at)
}

fn meeting_out(view: MeetingView, next: Option<MeetingId>) -> MeetingOut {
    let ends = ends_at(&view);
    let m = view.meeting;
    MeetingOut {
        id: m.id.to_string(),
        plan_id: m.plan.to_string(),
        person_id: m.person.to_string(),
        person_name: view.person.display_name,
        starts_at: m.starts_at.to_string(),
        ends_at: ends.to_string(),
        duration_minutes: m.duration_minutes,
        place: m.place,
        agenda: m.agenda,
        minutes: m.minutes,
        status: m.status.code().into(),
        invited: m.invited.into_iter().map(|(id, name)| InviteeOut { account_id: id.to_string(), name }).collect(),
        decided_measures: view
            .decided
            .into_iter()
            .map(|d| MeasureOut {
                id: d.id,
                description: d.description,
                goal_id: d.goal,
                service_id: d.service.map(|s| s.to_string()),
                service_name: None,
                organization_id: d.organization.map(|o| o.to_string()),
                organization_name: None,
                owner: d.owner,
                extent: d.extent,
                from: d.from.to_string(),
                to: d.to.map(|t| t.to_string()),
                status: d.status.code().into(),
                meeting_id: d.meeting,
            })
            .collect(),
        can_change: view.can_change,
        version: m.version,
        next_meeting_id: next.map(|n| n.to_string()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnPlanOut {
    pub person_id: String,
    pub person_name: String,
    pub next_revision: String,
    pub phase: String,
    pub revision_overdue: bool,
    pub revision_due_soon: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnMeetingOut {
    pub meeting_id: String,
    pub person_id: String,
    pub person_name: String,
    pub starts_at: String,
    pub place: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnTransitionOut {
    pub person_id: String,
    pub person_name: String,
    pub transition_id: String,
    pub kind: String,
    pub due_on: String,
    pub open_items: Vec<String>,
    pub overdue_items: Vec<String>,
}

/// The coordinator's overview: plans coordinated, the next meetings of the care teams the
/// caller is in, and transitions due within 30 days or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnPlansOut {
    pub plans: Vec<OwnPlanOut>,
    pub meetings: Vec<OwnMeetingOut>,
    pub transitions: Vec<OwnTransitionOut>,
    /// Lines about persons the caller may not see today, only counted.
    pub hidden: usize,
    pub today: String,
}

impl From<OwnPlans> for OwnPlansOut {
    fn from(own: OwnPlans) -> Self {
        Self {
            plans: own
                .plans
                .into_iter()
                .map(|p| OwnPlanOut {
                    person_id: p.person.to_string(),
                    person_name: p.person_name,
                    next_revision: p.next_revision.to_string(),
                    phase: p.phase.code().into(),
                    revision_overdue: p.revision_overdue,
                    revision_due_soon: p.revision_due_soon,
                })
                .collect(),
            meetings: own
                .meetings
                .into_iter()
                .map(|m| OwnMeetingOut {
                    meeting_id: m.meeting.to_string(),
                    person_id: m.person.to_string(),
                    person_name: m.person_name,
                    starts_at: m.starts_at.to_string(),
                    place: m.place,
                })
                .collect(),
            transitions: own
                .transitions
                .into_iter()
                .map(|t| OwnTransitionOut {
                    person_id: t.person.to_string(),
                    person_name: t.person_name,
                    transition_id: t.transition.id.clone(),
                    kind: t.transition.kind.code().into(),
                    due_on: t.transition.due_on.to_string(),
                    open_items: item_codes(&t.transition.open_items()),
                    overdue_items: item_codes(&t.overdue_items),
                })
                .collect(),
            hidden: own.hidden,
            today: own.today.to_string(),
        }
    }
}

/// Plan coverage in a municipality; counts are null when suppressed (analysts, 1–4).
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageOut {
    pub municipality_id: String,
    /// Persons with an active episode at the municipality's services.
    pub with_active_episode: Option<i64>,
    /// … of whom have a plan.
    pub with_plan: Option<i64>,
    /// … of whom have a plan with an active coordinator.
    pub with_coordinator: Option<i64>,
    /// with_plan / with_active_episode, rounded per cent.
    pub plan_share_percent: Option<i64>,
    pub suppressed: bool,
}

fn coverage_out(municipality: MunicipalityId, view: CoverageView) -> CoverageOut {
    CoverageOut {
        municipality_id: municipality.to_string(),
        with_active_episode: view.with_active_episode,
        with_plan: view.with_plan,
        with_coordinator: view.with_coordinator,
        plan_share_percent: view.plan_share_percent(),
        suppressed: view.suppressed,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn version_response(version: i64, status: StatusCode) -> Response {
    with_etag(VersionOut { version }, version, status)
}

fn person_of(id: &str) -> Result<PersonId, ApiError> {
    path_id::<PersonId>(id, "person")
}

fn plan_fields(
    phase: String,
    period_from: String,
    period_to: String,
    next_revision: String,
    consent_given_on: String,
    consent_to_sharing: bool,
) -> PlanFields {
    PlanFields {
        phase,
        period_from,
        period_to,
        next_revision,
        consent_given_on,
        consent_to_sharing,
        ..Default::default()
    }
}

impl NewPlanIn {
    fn into_input(self) -> PlanInput {
        let mut fields = plan_fields(
            self.phase,
            self.period_from,
            self.period_to,
            self.next_revision,
            self.consent_given_on,
            self.consent_to_sharing,
        );
        fields.resources_and_needs = self.resources_and_needs;
        fields.person_contribution = self.person_contribution;
        fields.relatives_contribution = self.relatives_contribution;
        fields.services_contribution = self.services_contribution;
        fields.how_carried_out = self.how_carried_out;
        fields.cooperation = self.cooperation;
        fields.person_takes_part = self.person_takes_part;
        PlanInput {
            fields,
            coordinator: self.coordinator,
            overall_responsible: self.overall_responsible,
            relatives: self.relatives,
        }
    }
}

impl PlanIn {
    fn into_input(self) -> PlanInput {
        let mut fields = plan_fields(
            self.phase,
            self.period_from,
            self.period_to,
            self.next_revision,
            self.consent_given_on,
            self.consent_to_sharing,
        );
        fields.resources_and_needs = self.resources_and_needs;
        fields.person_contribution = self.person_contribution;
        fields.relatives_contribution = self.relatives_contribution;
        fields.services_contribution = self.services_contribution;
        fields.how_carried_out = self.how_carried_out;
        fields.cooperation = self.cooperation;
        fields.person_takes_part = self.person_takes_part;
        PlanInput {
            fields,
            coordinator: self.coordinator,
            overall_responsible: self.overall_responsible,
            relatives: self.relatives,
        }
    }
}

impl MeasureIn {
    fn fields(&self) -> MeasureFields {
        MeasureFields {
            description: self.description.clone(),
            goal: self.goal.clone(),
            service: self.service.clone(),
            organization: self.organization.clone(),
            owner: self.owner.clone(),
            extent: self.extent.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            status: self.status.clone(),
            meeting: self.meeting.clone(),
        }
    }
}

impl TransitionIn {
    fn fields(self) -> TransitionFields {
        TransitionFields {
            kind: self.kind,
            due_on: self.due_on,
            institution: self.institution,
            first_contact_on: self.first_contact_on,
            done: self.done,
            notes: self.notes,
        }
    }
}

fn goal_fields(body: &GoalIn) -> GoalFields {
    GoalFields {
        area: body.area.clone(),
        own_words: body.own_words.clone(),
        professional: body.professional.clone(),
        status: body.status.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers: the plan

/// The person's plan with its care team, transitions (open and overdue checklist items) and
/// meetings; its `ETag` is the plan's version. 404 `plan` when the person has none.
#[utoipa::path(get, path = "/api/v1/persons/{id}/plan", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PlanOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_plan(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.plan_view(&ctx, &caller.actor, person_of(&id)?).await?;
    let (out, version) = plan_out(view)?;
    Ok(with_etag(out, version, StatusCode::OK))
}

/// Creates the person's plan; the coordinator joins the care team. The person is a field of
/// the body: an unknown one is `person`/`unknown`, one the caller may not see is
/// `person`/`not-allowed` (and audited as a denied access), a second plan `person`/`already-exists`.
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])),
    request_body = NewPlanIn,
    responses((status = 201, body = PlanOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_plan(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewPlanIn>,
) -> Result<Response, ApiError> {
    let Ok(person) = body.person.trim().parse::<PersonId>() else {
        let reason = if body.person.trim().is_empty() { Reason::Required } else { Reason::Unknown };
        return Err(Error::invalid("person", reason).into());
    };
    let input = body.into_input();
    match state.app.create_plan(&ctx, &caller.actor, person, &input).await {
        Ok(_) => {}
        Err(Error::NotFound { what: "person" }) => return Err(Error::invalid("person", Reason::Unknown).into()),
        Err(Error::Forbidden) => return Err(Error::invalid("person", Reason::NotAllowed).into()),
        Err(other) => return Err(other.into()),
    }
    let (out, version) = plan_out(state.app.plan_view(&ctx, &caller.actor, person).await?)?;
    let mut response = with_etag(out, version, StatusCode::CREATED);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/persons/{person}/plan")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Replaces the plan's header and contents. Needs the version (`If-Match` or `version`); a stale
/// one gets 409.
#[utoipa::path(put, path = "/api/v1/persons/{id}/plan", tag = "plans", security(("bearer" = [])),
    request_body = PlanIn,
    params(("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET (or send `version`)")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_plan(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PlanIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let input = body.into_input();
    let version = state.app.update_plan(&ctx, &caller.actor, person, version, &input).await?;
    Ok(version_response(version, StatusCode::OK))
}

/// Every version of the plan, newest first, with who saved it and what changed.
#[utoipa::path(get, path = "/api/v1/persons/{id}/plan/history", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = HistoryOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn history(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<HistoryOut>, ApiError> {
    let (person, entries) = state.app.plan_history(&ctx, &caller.actor, person_of(&id)?).await?;
    Ok(Json(HistoryOut {
        person_id: person.id.to_string(),
        person_name: person.display_name,
        items: entries.into_iter().map(HistoryEntryOut::from).collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Handlers: goals and measures

/// Adds a goal; answers with the plan's new version.
#[utoipa::path(post, path = "/api/v1/persons/{id}/plan/goals", tag = "plans", security(("bearer" = [])),
    request_body = GoalIn,
    params(("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 201, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_goal(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<GoalIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let version = state.app.save_goal(&ctx, &caller.actor, person, version, None, &goal_fields(&body)).await?;
    Ok(version_response(version, StatusCode::CREATED))
}

/// Changes a goal.
#[utoipa::path(put, path = "/api/v1/persons/{id}/plan/goals/{goal}", tag = "plans", security(("bearer" = [])),
    request_body = GoalIn,
    params(("id" = String, Path, description = "Person id"), ("goal" = String, Path, description = "Goal id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_goal(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, goal)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<GoalIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let version =
        state.app.save_goal(&ctx, &caller.actor, person, version, Some(goal.as_str()), &goal_fields(&body)).await?;
    Ok(version_response(version, StatusCode::OK))
}

/// Removes a goal; measures that served it keep going without a goal.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/plan/goals/{goal}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("goal" = String, Path, description = "Goal id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)"), VersionQuery),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_goal(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, goal)): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, query.version)?;
    let version = state.app.remove_goal(&ctx, &caller.actor, person, version, &goal).await?;
    Ok(version_response(version, StatusCode::OK))
}

/// Adds a measure. A service must exist in the catalogue (its provider becomes the
/// organisation); an organisation must exist.
#[utoipa::path(post, path = "/api/v1/persons/{id}/plan/measures", tag = "plans", security(("bearer" = [])),
    request_body = MeasureIn,
    params(("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 201, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_measure(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeasureIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let version = state.app.save_measure(&ctx, &caller.actor, person, version, None, &body.fields()).await?;
    Ok(version_response(version, StatusCode::CREATED))
}

/// Changes a measure.
#[utoipa::path(put, path = "/api/v1/persons/{id}/plan/measures/{measure}", tag = "plans", security(("bearer" = [])),
    request_body = MeasureIn,
    params(("id" = String, Path, description = "Person id"), ("measure" = String, Path, description = "Measure id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_measure(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, measure)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeasureIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let version =
        state.app.save_measure(&ctx, &caller.actor, person, version, Some(measure.as_str()), &body.fields()).await?;
    Ok(version_response(version, StatusCode::OK))
}

/// Removes a measure.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/plan/measures/{measure}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("measure" = String, Path, description = "Measure id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)"), VersionQuery),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_measure(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, measure)): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, query.version)?;
    let version = state.app.remove_measure(&ctx, &caller.actor, person, version, &measure).await?;
    Ok(version_response(version, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------------
// Handlers: care team and transitions

/// Adds a member to the care team: membership opens the plan and the person's identity to
/// them. A member from another organisation than the plan's needs the person's consent to
/// sharing (`organization`/`not-allowed` without it).
#[utoipa::path(post, path = "/api/v1/persons/{id}/plan/members", tag = "plans", security(("bearer" = [])),
    request_body = MemberIn,
    params(("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 201, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_member(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MemberIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let fields = MemberFields { account: body.account, role: body.role, from: body.from };
    let version = state.app.add_member(&ctx, &caller.actor, person, version, &fields, &body.organization).await?;
    Ok(version_response(version, StatusCode::CREATED))
}

/// Ends a membership: the member loses access to the plan at once. The coordinator cannot be
/// ended while coordinating (`member`/`not-allowed`).
#[utoipa::path(delete, path = "/api/v1/persons/{id}/plan/members/{member}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("member" = String, Path, description = "Membership id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)"), VersionQuery),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn end_member(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, member)): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, query.version)?;
    let version = state.app.end_member(&ctx, &caller.actor, person, version, &member).await?;
    Ok(version_response(version, StatusCode::OK))
}

/// Plans a transition (release from prison, discharge from an institution) with its checklist.
#[utoipa::path(post, path = "/api/v1/persons/{id}/plan/transitions", tag = "plans", security(("bearer" = [])),
    request_body = TransitionIn,
    params(("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 201, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_transition(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TransitionIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let fields = body.fields();
    let version = state.app.save_transition(&ctx, &caller.actor, person, version, None, &fields).await?;
    Ok(version_response(version, StatusCode::CREATED))
}

/// Updates a transition and its checklist.
#[utoipa::path(put, path = "/api/v1/persons/{id}/plan/transitions/{transition}", tag = "plans",
    security(("bearer" = [])), request_body = TransitionIn,
    params(("id" = String, Path, description = "Person id"),
        ("transition" = String, Path, description = "Transition id"),
        ("If-Match" = Option<String>, Header, description = "The plan's ETag (or send `version`)")),
    responses((status = 200, body = VersionOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_transition(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, transition)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TransitionIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let version = if_match_or_body(&headers, body.version)?;
    let fields = body.fields();
    let version =
        state.app.save_transition(&ctx, &caller.actor, person, version, Some(transition.as_str()), &fields).await?;
    Ok(version_response(version, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------------
// Handlers: meetings

fn meeting_response(view: MeetingView, next: Option<MeetingId>, status: StatusCode) -> Response {
    let version = view.meeting.version;
    with_etag(meeting_out(view, next), version, status)
}

/// Schedules a care-team meeting; the current members are invited. The meeting has a version
/// of its own (its `ETag`).
#[utoipa::path(post, path = "/api/v1/persons/{id}/plan/meetings", tag = "plans", security(("bearer" = [])),
    request_body = MeetingIn, params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = MeetingOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn schedule_meeting(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MeetingIn>,
) -> Result<Response, ApiError> {
    let person = person_of(&id)?;
    let meeting = state.app.schedule_meeting(&ctx, &caller.actor, person, &body.fields()).await?;
    let view = state.app.meeting_view(&ctx, &caller.actor, meeting).await?;
    let mut response = meeting_response(view, None, StatusCode::CREATED);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/meetings/{meeting}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// One meeting; its `ETag` is the meeting's version.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_meeting(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.meeting_view(&ctx, &caller.actor, path_id::<MeetingId>(&id, "meeting")?).await?;
    Ok(meeting_response(view, None, StatusCode::OK))
}

/// Changes a meeting (details, minutes, status) and optionally schedules the next one. Needs
/// the meeting's version (`If-Match` or `version`); a stale one gets 409.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "plans", security(("bearer" = [])),
    request_body = MeetingUpdateIn,
    params(("id" = String, Path, description = "Meeting id"),
        ("If-Match" = Option<String>, Header, description = "The meeting's ETag (or send `version`)")),
    responses((status = 200, body = MeetingOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_meeting(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MeetingUpdateIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<MeetingId>(&id, "meeting")?;
    let version = if_match_or_body(&headers, body.version)?;
    let update = MeetingUpdate {
        fields: MeetingIn {
            date: body.date,
            time: body.time,
            duration_minutes: body.duration_minutes,
            place: body.place,
            agenda: body.agenda,
        }
        .fields(),
        minutes: body.minutes,
        status: body.status,
        next: body.next.map(MeetingIn::fields),
    };
    let next = state.app.update_meeting(&ctx, &caller.actor, id, version, &update).await?;
    let view = state.app.meeting_view(&ctx, &caller.actor, id).await?;
    Ok(meeting_response(view, next, StatusCode::OK))
}

/// The meeting as an iCalendar file (RFC 5545): one event in UTC, the invited members as
/// attendees, cancelled meetings with `STATUS:CANCELLED`; `SEQUENCE` is the meeting's version.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/calendar.ics", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id")),
    responses((status = 200, description = "The iCalendar file", content_type = "text/calendar"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn calendar(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.meeting_view(&ctx, &caller.actor, path_id::<MeetingId>(&id, "meeting")?).await?;
    let event = los_core::ics::CalendarEvent {
        uid: view.meeting.id.to_string(),
        sequence: view.meeting.version,
        stamp: state.app.now(),
        starts_at: view.meeting.starts_at,
        ends_at: ends_at(&view),
        summary: format!("Ansvarsgruppemøte – {}", view.person.display_name),
        location: view.meeting.place.clone(),
        description: view.meeting.agenda.clone(),
        cancelled: view.meeting.status == MeetingStatus::Cancelled,
        attendees: view.meeting.invited.iter().map(|(id, name)| (id.to_string(), name.clone())).collect(),
    };
    let body = los_core::ics::calendar(&event);
    let disposition = format!("attachment; filename=\"meeting-{}.ics\"", view.meeting.id);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Handlers: overviews

/// The caller's plans: those they coordinate (revisions due or overdue), the next meetings of
/// the care teams they are in, and transitions with open checklist items due or overdue.
#[utoipa::path(get, path = "/api/v1/me/plans", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = OwnPlansOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn own_plans(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
) -> Result<Json<OwnPlansOut>, ApiError> {
    Ok(Json(OwnPlansOut::from(state.app.own_plans(&ctx, &caller.actor).await?)))
}

/// How many persons with an active episode at the municipality's services have a plan and a
/// coordinator. For analysts, counts of 1–4 (and counts they could be worked out from) are null.
#[utoipa::path(get, path = "/api/v1/municipalities/{id}/plan-coverage", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "Municipality id")),
    responses((status = 200, body = CoverageOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn coverage(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<CoverageOut>, ApiError> {
    let municipality = path_id::<MunicipalityId>(&id, "municipality")?;
    let view = state.app.plan_coverage(&ctx, &caller.actor, municipality).await?;
    Ok(Json(coverage_out(municipality, view)))
}
