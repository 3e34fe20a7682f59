//! The individual plan (design items 4–6): *individuell plan* (IP) in Norwegian municipalities,
//! *samordnad individuell plan* (SIP) in Swedish ones. One living plan per person, holding the
//! nine contents the regulations ask for, goals per life area in the person's own words beside
//! the professional wording, measures with owner, extent and period, the phase in the chain and
//! planned transitions (release, discharge) with a checklist.
//!
//! The plan is saved as a whole: every change is a new version with a snapshot, so the history
//! can say what changed and by whom ([`diff`]), and a stale edit is a conflict, never a lost
//! update.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Reason, Result, Validator};
use crate::ids::{AccountId, OrganizationId, RelativeId, ServiceId};
use crate::organization::Country;
use crate::person::{parse_date, text};
pub use crate::service::Phase;

/// The longest free text of one plan field.
pub const TEXT_MAX: usize = 4000;
/// The longest short text (a role, an owner, an extent, a place).
pub const SHORT_MAX: usize = 200;
/// The longest a plan period may run before it must be renewed with the person.
pub const MAX_PERIOD_YEARS: i16 = 5;
/// The longest meeting.
pub const MAX_MEETING_MINUTES: i64 = 8 * 60;

macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.code() == code)
            }

            /// Parses a required code typed in a form field.
            pub fn parse(field: &str, raw: &str) -> std::result::Result<$name, FieldError> {
                match raw.trim() {
                    "" => Err(FieldError::new(field, Reason::Required)),
                    code => $name::from_code(code).ok_or_else(|| FieldError::new(field, Reason::UnknownValue)),
                }
            }
        }
    };
}

coded_enum!(
    /// IP in Norway, SIP in Sweden: decided by the country of the coordinating organisation.
    PlanKind { Ip => "ip", Sip => "sip" }
);

impl PlanKind {
    pub fn of(country: Country) -> PlanKind {
        match country {
            Country::Norway => PlanKind::Ip,
            Country::Sweden => PlanKind::Sip,
        }
    }
}

coded_enum!(
    /// The life areas a goal belongs to (the plan guidance and the Brukerplan mapping).
    LifeArea {
        Housing => "housing",
        WorkActivity => "work_activity",
        Education => "education",
        Leisure => "leisure",
        SocialSkills => "social_skills",
        FamilyNetwork => "family_network",
        PhysicalHealth => "physical_health",
        MentalHealth => "mental_health",
        SubstanceUse => "substance_use",
        Economy => "economy",
        Parenting => "parenting",
    }
);

coded_enum!(
    GoalStatus {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Achieved => "achieved",
        Paused => "paused",
        Dropped => "dropped",
    }
);

coded_enum!(
    MeasureStatus { Planned => "planned", Active => "active", Completed => "completed", Stopped => "stopped" }
);

coded_enum!(
    /// A planned transition where people fall out of care.
    TransitionKind { ReleaseFromPrison => "release_from_prison", DischargeFromInstitution => "discharge_from_institution" }
);

coded_enum!(
    /// What must be in place by the transition's due date.
    ChecklistItem {
        Housing => "housing",
        Income => "income",
        GeneralPractitioner => "general_practitioner",
        Medication => "medication",
        FirstMunicipalContact => "first_municipal_contact",
    }
);

coded_enum!(
    MeetingStatus { Planned => "planned", Held => "held", Cancelled => "cancelled" }
);

/// The plan's header: what the store also keeps in columns to find plans by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    pub kind: PlanKind,
    pub coordinator: AccountId,
    pub phase: Phase,
    pub period_from: Date,
    pub period_to: Date,
    pub next_revision: Date,
    /// When the person consented to the plan (required contents 8).
    pub consent_given_on: Option<Date>,
    /// The person consents to the plan being shared with the care team's organisations.
    pub consent_to_sharing: bool,
}

/// The text parts of the nine required contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContents {
    /// Goals, resources and service needs in the person's situation as a whole.
    pub resources_and_needs: String,
    /// What the person contributes.
    pub person_contribution: String,
    /// What the relatives contribute.
    pub relatives_contribution: String,
    /// What the services contribute.
    pub services_contribution: String,
    /// How the measures are carried out.
    pub how_carried_out: String,
    /// Cooperation with other agencies, institutions and services.
    pub cooperation: String,
    /// SIP: the body with overall responsibility (*huvudman*).
    pub overall_responsible: Option<OrganizationId>,
    /// The person takes part in the responsibility group.
    pub person_takes_part: bool,
    /// Relatives who take part in the responsibility group.
    pub relatives_taking_part: Vec<RelativeId>,
}

/// A goal in one life area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub area: LifeArea,
    /// The person's own words, as they said them.
    pub own_words: String,
    /// The professional wording.
    pub professional: String,
    pub status: GoalStatus,
}

/// A measure (*tiltak*) of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: String,
    pub description: String,
    /// The goal the measure serves, if any.
    pub goal: Option<String>,
    /// The service of the catalogue that delivers it, if any.
    pub service: Option<ServiceId>,
    /// The organisation responsible (the service's provider when a service is given).
    pub organization: Option<OrganizationId>,
    /// Who is responsible, as a name or role.
    pub owner: String,
    /// How much: hours a week, visits, a bed.
    pub extent: String,
    pub from: Date,
    pub to: Option<Date>,
    pub status: MeasureStatus,
    /// The meeting whose decision made this measure.
    pub meeting: Option<String>,
}

/// The versioned body of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDocument {
    pub contents: PlanContents,
    pub goals: Vec<Goal>,
    pub measures: Vec<Measure>,
}

/// One item's state on a transition checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemState {
    pub done: bool,
    pub note: String,
}

/// A planned transition (release from prison, discharge from an institution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub id: String,
    pub kind: TransitionKind,
    pub due_on: Date,
    /// The prison or institution, as named.
    pub institution: String,
    /// The agreed date of the first contact with the municipality: sets the last checklist item.
    pub first_contact_on: Option<Date>,
    pub items: BTreeMap<ChecklistItem, ItemState>,
}

impl Transition {
    pub fn is_done(&self, item: ChecklistItem) -> bool {
        match item {
            ChecklistItem::FirstMunicipalContact => self.first_contact_on.is_some(),
            other => self.items.get(&other).is_some_and(|state| state.done),
        }
    }

    pub fn open_items(&self) -> Vec<ChecklistItem> {
        ChecklistItem::ALL.iter().copied().filter(|item| !self.is_done(*item)).collect()
    }

    /// Open items turn overdue on the day after the due date.
    pub fn overdue_items(&self, today: Date) -> Vec<ChecklistItem> {
        if today > self.due_on { self.open_items() } else { Vec::new() }
    }
}

/// A care-team member as the snapshot records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSnapshot {
    pub id: String,
    pub account: AccountId,
    pub name: String,
    pub organization: OrganizationId,
    pub organization_name: String,
    pub role: String,
    pub from: Date,
    pub to: Option<Date>,
}

/// All of a plan at one version: what the history compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSnapshot {
    pub header: PlanHeader,
    pub document: PlanDocument,
    pub members: Vec<MemberSnapshot>,
    pub transitions: Vec<Transition>,
}

/// The plan's header and contents as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanFields {
    pub phase: String,
    pub period_from: String,
    pub period_to: String,
    pub next_revision: String,
    pub consent_given_on: String,
    pub consent_to_sharing: bool,
    pub resources_and_needs: String,
    pub person_contribution: String,
    pub relatives_contribution: String,
    pub services_contribution: String,
    pub how_carried_out: String,
    pub cooperation: String,
    pub person_takes_part: bool,
}

/// The validated header fields and contents (the coordinator, kind, overall responsible body and
/// relatives are checked by the caller, who can see accounts and organisations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlanFields {
    pub phase: Phase,
    pub period_from: Date,
    pub period_to: Date,
    pub next_revision: Date,
    pub consent_given_on: Option<Date>,
    pub consent_to_sharing: bool,
    pub contents: PlanContents,
}

fn required_date(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    match parse_date(field, raw) {
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            v.add(field, Reason::Required);
            None
        }
        Err(error) => {
            v.add(error.field, error.reason);
            None
        }
    }
}

fn optional_date(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    v.check(parse_date(field, raw)).flatten()
}

pub fn validate_plan(fields: &PlanFields, today: Date) -> Result<ValidPlanFields> {
    let mut v = Validator::new();
    let phase = v.check(Phase::parse("phase", &fields.phase));
    let period_from = required_date(&mut v, "period_from", &fields.period_from);
    let period_to = required_date(&mut v, "period_to", &fields.period_to);
    let next_revision = required_date(&mut v, "next_revision", &fields.next_revision);
    let consent_given_on = optional_date(&mut v, "consent_given_on", &fields.consent_given_on);
    if let (Some(from), Some(to)) = (period_from, period_to) {
        if to < from {
            v.add("period_to", Reason::EndsBeforeStart);
        } else if let Ok(latest) = from.checked_add(jiff::Span::new().years(MAX_PERIOD_YEARS))
            && to > latest
        {
            v.add("period_to", Reason::LaterThan { latest });
        }
    }
    if let (Some(from), Some(revision)) = (period_from, next_revision)
        && revision < from
    {
        v.add("next_revision", Reason::EndsBeforeStart);
    }
    if let (Some(to), Some(revision)) = (period_to, next_revision)
        && revision > to
        && period_from.is_some_and(|from| from <= to)
    {
        v.add("next_revision", Reason::LaterThan { latest: to });
    }
    if consent_given_on.is_some_and(|on| on > today) {
        v.add("consent_given_on", Reason::InFuture);
    }
    if fields.consent_to_sharing && consent_given_on.is_none() && fields.consent_given_on.trim().is_empty() {
        // Sharing rests on the consent to the plan: record when it was given.
        v.add("consent_given_on", Reason::Required);
    }
    let contents = PlanContents {
        resources_and_needs: text(&mut v, "resources_and_needs", &fields.resources_and_needs, TEXT_MAX),
        person_contribution: text(&mut v, "person_contribution", &fields.person_contribution, TEXT_MAX),
        relatives_contribution: text(&mut v, "relatives_contribution", &fields.relatives_contribution, TEXT_MAX),
        services_contribution: text(&mut v, "services_contribution", &fields.services_contribution, TEXT_MAX),
        how_carried_out: text(&mut v, "how_carried_out", &fields.how_carried_out, TEXT_MAX),
        cooperation: text(&mut v, "cooperation", &fields.cooperation, TEXT_MAX),
        overall_responsible: None,
        person_takes_part: fields.person_takes_part,
        relatives_taking_part: Vec::new(),
    };
    v.finish()?;
    match (phase, period_from, period_to, next_revision) {
        (Some(phase), Some(period_from), Some(period_to), Some(next_revision)) => Ok(ValidPlanFields {
            phase,
            period_from,
            period_to,
            next_revision,
            consent_given_on,
            consent_to_sharing: fields.consent_to_sharing,
            contents,
        }),
        _ => Err(crate::Error::Internal),
    }
}

/// A goal as typed.
#[derive(Debug, Clone, Default)]
pub struct GoalFields {
    pub area: String,
    pub own_words: String,
    pub professional: String,
    pub status: String,
}

/// Validates a goal; `id` is kept (a new goal gets a fresh one from the caller).
pub fn validate_goal(fields: &GoalFields, id: String) -> Result<Goal> {
    let mut v = Validator::new();
    let area = v.check(LifeArea::parse("area", &fields.area));
    let own_words = text(&mut v, "own_words", &fields.own_words, TEXT_MAX);
    let professional = text(&mut v, "professional", &fields.professional, TEXT_MAX);
    if own_words.is_empty() && professional.is_empty() {
        v.add("own_words", Reason::Required);
    }
    let status = if fields.status.trim().is_empty() {
        Some(GoalStatus::NotStarted)
    } else {
        v.check(GoalStatus::parse("status", &fields.status))
    };
    v.finish()?;
    match (area, status) {
        (Some(area), Some(status)) => Ok(Goal { id, area, own_words, professional, status }),
        _ => Err(crate::Error::Internal),
    }
}

/// A measure as typed. The service and organisation are resolved by the caller.
#[derive(Debug, Clone, Default)]
pub struct MeasureFields {
    pub description: String,
    pub goal: String,
    pub service: String,
    pub organization: String,
    pub owner: String,
    pub extent: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub meeting: String,
}

/// Validates a measure's own fields against the plan's goals; the caller fills in the service
/// and organisation after checking them.
pub fn validate_measure(fields: &MeasureFields, id: String, goals: &[Goal]) -> Result<Measure> {
    let mut v = Validator::new();
    let description = text(&mut v, "description", &fields.description, TEXT_MAX);
    if description.is_empty() {
        v.add("description", Reason::Required);
    }
    let goal = match fields.goal.trim() {
        "" => None,
        raw if goals.iter().any(|g| g.id == raw) => Some(raw.to_string()),
        _ => {
            v.add("goal", Reason::Unknown);
            None
        }
    };
    let owner = text(&mut v, "owner", &fields.owner, SHORT_MAX);
    if owner.is_empty() {
        v.add("owner", Reason::Required);
    }
    let extent = text(&mut v, "extent", &fields.extent, SHORT_MAX);
    let from = required_date(&mut v, "from", &fields.from);
    let to = optional_date(&mut v, "to", &fields.to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        v.add("to", Reason::EndsBeforeStart);
    }
    let status = if fields.status.trim().is_empty() {
        Some(MeasureStatus::Planned)
    } else {
        v.check(MeasureStatus::parse("status", &fields.status))
    };
    let meeting = match fields.meeting.trim() {
        "" => None,
        raw => Some(raw.to_string()),
    };
    v.finish()?;
    match (from, status) {
        (Some(from), Some(status)) => Ok(Measure {
            id,
            description,
            goal,
            service: None,
            organization: None,
            owner,
            extent,
            from,
            to,
            status,
            meeting,
        }),
        _ => Err(crate::Error::Internal),
    }
}

/// A transition as typed.
#[derive(Debug, Clone, Default)]
pub struct TransitionFields {
    pub kind: String,
    pub due_on: String,
    pub institution: String,
    pub first_contact_on: String,
    /// Codes of the checklist items that are done.
    pub done: Vec<String>,
    /// Notes per item code.
    pub notes: BTreeMap<String, String>,
}

pub fn validate_transition(fields: &TransitionFields, id: String) -> Result<Transition> {
    let mut v = Validator::new();
    let kind = v.check(TransitionKind::parse("kind", &fields.kind));
    let due_on = required_date(&mut v, "due_on", &fields.due_on);
    let institution = text(&mut v, "institution", &fields.institution, SHORT_MAX);
    let first_contact_on = optional_date(&mut v, "first_contact_on", &fields.first_contact_on);
    let mut items = BTreeMap::new();
    for code in &fields.done {
        match ChecklistItem::from_code(code.trim()) {
            Some(ChecklistItem::FirstMunicipalContact) | None => v.add("done", Reason::UnknownValue),
            Some(item) => {
                items.entry(item).or_insert_with(ItemState::default).done = true;
            }
        }
    }
    for (code, note) in &fields.notes {
        let field = format!("note_{code}");
        match ChecklistItem::from_code(code.trim()) {
            None => v.add(field, Reason::UnknownValue),
            Some(item) => {
                let note = text(&mut v, &field, note, SHORT_MAX);
                if !note.is_empty() {
                    items.entry(item).or_insert_with(ItemState::default).note = note;
                }
            }
        }
    }
    v.finish()?;
    match (kind, due_on) {
        (Some(kind), Some(due_on)) => Ok(Transition { id, kind, due_on, institution, first_contact_on, items }),
        _ => Err(crate::Error::Internal),
    }
}

/// A care-team member as typed (the account is resolved by the caller).
#[derive(Debug, Clone, Default)]
pub struct MemberFields {
    pub account: String,
    pub role: String,
    pub from: String,
}

/// The role in the plan and the start date of a member.
pub fn validate_member(fields: &MemberFields, today: Date) -> Result<(String, Date)> {
    let mut v = Validator::new();
    let role = text(&mut v, "role", &fields.role, SHORT_MAX);
    if role.is_empty() {
        v.add("role", Reason::Required);
    }
    let from = if fields.from.trim().is_empty() { Some(today) } else { required_date(&mut v, "from", &fields.from) };
    if fields.account.trim().is_empty() {
        v.add("account", Reason::Required);
    }
    v.finish()?;
    from.map(|from| (role, from)).ok_or(crate::Error::Internal)
}

/// A meeting as typed: local date and time in the municipality's time zone.
#[derive(Debug, Clone, Default)]
pub struct MeetingFields {
    pub date: String,
    pub time: String,
    pub duration_minutes: String,
    pub place: String,
    pub agenda: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMeeting {
    pub starts: jiff::civil::DateTime,
    pub duration_minutes: i64,
    pub place: String,
    pub agenda: String,
}

pub fn validate_meeting(fields: &MeetingFields) -> Result<ValidMeeting> {
    let mut v = Validator::new();
    let date = required_date(&mut v, "date", &fields.date);
    let time = match fields.time.trim() {
        "" => {
            v.add("time", Reason::Required);
            None
        }
        raw => match raw.parse::<jiff::civil::Time>() {
            Ok(time) if raw.len() == 5 || raw.len() == 8 => Some(time),
            _ => {
                v.add("time", Reason::InvalidFormat);
                None
            }
        },
    };
    let duration_minutes = match fields.duration_minutes.trim() {
        "" => Some(60),
        raw => match raw.parse::<i64>() {
            Ok(minutes) if (15..=MAX_MEETING_MINUTES).contains(&minutes) => Some(minutes),
            Ok(_) => {
                v.add("duration_minutes", Reason::UnknownValue);
                None
            }
            Err(_) => {
                v.add("duration_minutes", Reason::InvalidFormat);
                None
            }
        },
    };
    let place = text(&mut v, "place", &fields.place, SHORT_MAX);
    if place.is_empty() {
        v.add("place", Reason::Required);
    }
    let agenda = text(&mut v, "agenda", &fields.agenda, TEXT_MAX);
    v.finish()?;
    match (date, time, duration_minutes) {
        (Some(date), Some(time), Some(duration_minutes)) => {
            Ok(ValidMeeting { starts: date.to_datetime(time), duration_minutes, place, agenda })
        }
        _ => Err(crate::Error::Internal),
    }
}

/// What changed between two versions of a plan, for the history. User text is carried as it
/// was typed; the kinds are translated by the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Created,
    Field { field: &'static str, before: String, after: String },
    GoalAdded { area: LifeArea, text: String },
    GoalChanged { area: LifeArea, text: String },
    GoalRemoved { area: LifeArea, text: String },
    MeasureAdded { text: String },
    MeasureChanged { text: String },
    MeasureRemoved { text: String },
    MemberAdded { name: String, role: String },
    MemberEnded { name: String },
    TransitionAdded { kind: TransitionKind, due_on: Date },
    TransitionChanged { kind: TransitionKind, due_on: Date },
}

impl Change {
    pub fn code(&self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Field { .. } => "field",
            Change::GoalAdded { .. } => "goal_added",
            Change::GoalChanged { .. } => "goal_changed",
            Change::GoalRemoved { .. } => "goal_removed",
            Change::MeasureAdded { .. } => "measure_added",
            Change::MeasureChanged { .. } => "measure_changed",
            Change::MeasureRemoved { .. } => "measure_removed",
            Change::MemberAdded { .. } => "member_added",
            Change::MemberEnded { .. } => "member_ended",
            Change::TransitionAdded { .. } => "transition_added",
            Change::TransitionChanged { .. } => "transition_changed",
        }
    }
}

fn goal_text(goal: &Goal) -> String {
    if goal.own_words.is_empty() { goal.professional.clone() } else { goal.own_words.clone() }
}

fn date_or_empty(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// Lists the changes from `before` (none for a new plan) to `after`.
pub fn diff(before: Option<&PlanSnapshot>, after: &PlanSnapshot) -> Vec<Change> {
    let Some(before) = before else { return vec![Change::Created] };
    let mut changes = Vec::new();
    let mut field = |name: &'static str, old: String, new: String| {
        if old != new {
            changes.push(Change::Field { field: name, before: old, after: new });
        }
    };
    let (b, a) = (&before.header, &after.header);
    field("coordinator", b.coordinator.to_string(), a.coordinator.to_string());
    field("phase", b.phase.code().into(), a.phase.code().into());
    field("period_from", b.period_from.to_string(), a.period_from.to_string());
    field("period_to", b.period_to.to_string(), a.period_to.to_string());
    field("next_revision", b.next_revision.to_string(), a.next_revision.to_string());
    field("consent_given_on", date_or_empty(b.consent_given_on), date_or_empty(a.consent_given_on));
    field("consent_to_sharing", b.consent_to_sharing.to_string(), a.consent_to_sharing.to_string());
    let (b, a) = (&before.document.contents, &after.document.contents);
    field("resources_and_needs", b.resources_and_needs.clone(), a.resources_and_needs.clone());
    field("person_contribution", b.person_contribution.clone(), a.person_contribution.clone());
    field("relatives_contribution", b.relatives_contribution.clone(), a.relatives_contribution.clone());
    field("services_contribution", b.services_contribution.clone(), a.services_contribution.clone());
    field("how_carried_out", b.how_carried_out.clone(), a.how_carried_out.clone());
    field("cooperation", b.cooperation.clone(), a.cooperation.clone());
    field(
        "overall_responsible",
        b.overall_responsible.map(|o| o.to_string()).unwrap_or_default(),
        a.overall_responsible.map(|o| o.to_string()).unwrap_or_default(),
    );
    field("person_takes_part", b.person_takes_part.to_string(), a.person_takes_part.to_string());
    field(
        "relatives_taking_part",
        b.relatives_taking_part.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        a.relatives_taking_part.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
    );
    for goal in &after.document.goals {
        match before.document.goals.iter().find(|g| g.id == goal.id) {
            None => changes.push(Change::GoalAdded { area: goal.area, text: goal_text(goal) }),
            Some(old) if old != goal => changes.push(Change::GoalChanged { area: goal.area, text: goal_text(goal) }),
            Some(_) => {}
        }
    }
    for goal in &before.document.goals {
        if !after.document.goals.iter().any(|g| g.id == goal.id) {
            changes.push(Change::GoalRemoved { area: goal.area, text: goal_text(goal) });
        }
    }
    for measure in &after.document.measures {
        match before.document.measures.iter().find(|m| m.id == measure.id) {
            None => changes.push(Change::MeasureAdded { text: measure.description.clone() }),
            Some(old) if old != measure => changes.push(Change::MeasureChanged { text: measure.description.clone() }),
            Some(_) => {}
        }
    }
    for measure in &before.document.measures {
        if !after.document.measures.iter().any(|m| m.id == measure.id) {
            changes.push(Change::MeasureRemoved { text: measure.description.clone() });
        }
    }
    for member in &after.members {
        match before.members.iter().find(|m| m.id == member.id) {
            None => changes.push(Change::MemberAdded { name: member.name.clone(), role: member.role.clone() }),
            Some(old) if old.to.is_none() && member.to.is_some() => {
                changes.push(Change::MemberEnded { name: member.name.clone() })
            }
            Some(_) => {}
        }
    }
    for transition in &after.transitions {
        match before.transitions.iter().find(|t| t.id == transition.id) {
            None => changes.push(Change::TransitionAdded { kind: transition.kind, due_on: transition.due_on }),
            Some(old) if old != transition => {
                changes.push(Change::TransitionChanged { kind: transition.kind, due_on: transition.due_on })
            }
            Some(_) => {}
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn plan_fields() -> PlanFields {
        PlanFields {
            phase: "pre_treatment".into(),
            period_from: "2026-01-01".into(),
            period_to: "2026-12-31".into(),
            next_revision: "2026-06-30".into(),
            consent_given_on: "2026-01-01".into(),
            consent_to_sharing: true,
            ..PlanFields::default()
        }
    }

    fn codes(error: crate::Error) -> Vec<(String, &'static str)> {
        match error {
            crate::Error::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.reason.code())).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_plan_needs_a_period_that_does_not_end_before_it_starts() {
        let mut fields = plan_fields();
        fields.period_to = "2025-12-31".into();
        assert!(
            codes(validate_plan(&fields, date("2026-02-01")).unwrap_err())
                .contains(&("period_to".into(), "ends-before-start"))
        );
        let mut fields = plan_fields();
        fields.period_to = "2032-01-01".into();
        assert!(
            codes(validate_plan(&fields, date("2026-02-01")).unwrap_err())
                .contains(&("period_to".into(), "later-than"))
        );
        assert!(validate_plan(&plan_fields(), date("2026-02-01")).is_ok());
    }

    #[test]
    fn the_revision_lies_within_the_period_and_consent_is_not_in_the_future() {
        let mut fields = plan_fields();
        fields.next_revision = "2027-02-01".into();
        fields.consent_given_on = "2026-03-01".into();
        let errors = codes(validate_plan(&fields, date("2026-02-01")).unwrap_err());
        assert!(errors.contains(&("next_revision".into(), "later-than")));
        assert!(errors.contains(&("consent_given_on".into(), "in-future")));
    }

    #[test]
    fn sharing_needs_the_date_of_consent() {
        let mut fields = plan_fields();
        fields.consent_given_on = String::new();
        assert_eq!(
            codes(validate_plan(&fields, date("2026-02-01")).unwrap_err()),
            vec![("consent_given_on".into(), "required")]
        );
        fields.consent_to_sharing = false;
        assert!(validate_plan(&fields, date("2026-02-01")).is_ok());
    }

    #[test]
    fn a_goal_needs_an_area_and_words() {
        let fields = GoalFields { area: "housing".into(), own_words: "Egen leilighet".into(), ..GoalFields::default() };
        let goal = validate_goal(&fields, "g1".into()).unwrap();
        assert_eq!((goal.area, goal.status), (LifeArea::Housing, GoalStatus::NotStarted));
        let errors =
            codes(validate_goal(&GoalFields { area: "moon".into(), ..GoalFields::default() }, "g".into()).unwrap_err());
        assert_eq!(errors, vec![("area".into(), "unknown-value"), ("own_words".into(), "required")]);
    }

    #[test]
    fn a_measure_may_not_end_before_it_starts() {
        let fields = MeasureFields {
            description: "Bolig med oppfølging".into(),
            owner: "Boligkontoret".into(),
            from: "2026-03-01".into(),
            to: "2026-02-01".into(),
            ..MeasureFields::default()
        };
        assert_eq!(
            codes(validate_measure(&fields, "m".into(), &[]).unwrap_err()),
            vec![("to".into(), "ends-before-start")]
        );
        let fields = MeasureFields { to: "2026-03-01".into(), goal: "nope".into(), ..fields };
        assert_eq!(codes(validate_measure(&fields, "m".into(), &[]).unwrap_err()), vec![("goal".into(), "unknown")]);
    }

    #[test]
    fn checklist_items_turn_overdue_the_day_after_the_due_date() {
        let fields = TransitionFields {
            kind: "release_from_prison".into(),
            due_on: "2026-05-10".into(),
            done: vec!["housing".into()],
            ..TransitionFields::default()
        };
        let transition = validate_transition(&fields, "t".into()).unwrap();
        assert!(transition.overdue_items(date("2026-05-10")).is_empty());
        assert_eq!(
            transition.overdue_items(date("2026-05-11")),
            vec![
                ChecklistItem::Income,
                ChecklistItem::GeneralPractitioner,
                ChecklistItem::Medication,
                ChecklistItem::FirstMunicipalContact
            ]
        );
        let done = Transition { first_contact_on: Some(date("2026-05-11")), ..transition };
        assert!(!done.overdue_items(date("2026-05-11")).contains(&ChecklistItem::FirstMunicipalContact));
    }

    #[test]
    fn meetings_need_a_time_a_place_and_a_sensible_length() {
        let fields = MeetingFields {
            date: "2026-05-10".into(),
            time: "25:00".into(),
            duration_minutes: "5".into(),
            ..MeetingFields::default()
        };
        assert_eq!(
            codes(validate_meeting(&fields).unwrap_err()),
            vec![
                ("time".into(), "invalid-format"),
                ("duration_minutes".into(), "unknown-value"),
                ("place".into(), "required")
            ]
        );
        let fields =
            MeetingFields {
                time: "09:30".into(), duration_minutes: String::new(), place: "Rådhuset".into(), ..fields
            };
        let meeting = validate_meeting(&fields).unwrap();
        assert_eq!((meeting.starts.to_string().as_str(), meeting.duration_minutes), ("2026-05-10T09:30:00", 60));
    }

    #[test]
    fn the_history_says_what_changed() {
        let header = PlanHeader {
            kind: PlanKind::Ip,
            coordinator: AccountId::generate(),
            phase: Phase::PreTreatment,
            period_from: date("2026-01-01"),
            period_to: date("2026-12-31"),
            next_revision: date("2026-06-30"),
            consent_given_on: None,
            consent_to_sharing: false,
        };
        let before = PlanSnapshot { header, document: PlanDocument::default(), members: vec![], transitions: vec![] };
        assert_eq!(diff(None, &before), vec![Change::Created]);
        let mut after = before.clone();
        after.header.phase = Phase::Treatment;
        after.document.goals.push(
            validate_goal(
                &GoalFields { area: "economy".into(), own_words: "Betale regninger".into(), ..GoalFields::default() },
                "g".into(),
            )
            .unwrap(),
        );
        let changes = diff(Some(&before), &after);
        assert_eq!(
            changes,
            vec![
                Change::Field { field: "phase", before: "pre_treatment".into(), after: "treatment".into() },
                Change::GoalAdded { area: LifeArea::Economy, text: "Betale regninger".into() },
            ]
        );
    }

    #[test]
    fn snapshots_survive_json() {
        let transition = validate_transition(
            &TransitionFields {
                kind: "discharge_from_institution".into(),
                due_on: "2026-05-10".into(),
                done: vec!["income".into()],
                ..TransitionFields::default()
            },
            "t".into(),
        )
        .unwrap();
        let json = serde_json::to_string(&transition).unwrap();
        assert_eq!(serde_json::from_str::<Transition>(&json).unwrap(), transition);
    }
}
