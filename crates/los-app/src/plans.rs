//! The individual plan (IP / SIP), its care team, transitions and meetings (design items 4–6).
//!
//! Every change to a plan — its contents, a goal, a measure, a member, a transition — is saved
//! as a new version of the whole plan with a snapshot, inside one transaction with its audit
//! event. Each change carries the version it was based on; a stale one is a conflict. Members
//! of the care team are what the access policy reads: adding one opens the plan to them,
//! ending the membership closes it on the next request.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::consent::DataCategory;
use los_core::error::Validator;
use los_core::ids::{AccountId, MeetingId, MunicipalityId, OrganizationId, PersonId, PlanId, RelativeId, ServiceId};
use los_core::plan::{
    self, Change, ChecklistItem, GoalFields, MeasureFields, MeetingFields, MeetingStatus, MemberFields, MemberSnapshot,
    PlanDocument, PlanFields, PlanHeader, PlanKind, PlanSnapshot, Transition, TransitionFields,
};
use los_core::policy::{self, AccessBasis, Action, Actor, PersonAction, PersonGrant, PersonRelations};
use los_core::{Error, Reason};
use los_store::persons::{self as person_store, PersonSummary};
use los_store::plans::{self as store, Coverage, Meeting, MeetingRecord, Plan, PlanVersion};
use los_store::{AuditedRead, Tx, accounts, episodes, map_sqlx, organizations, services};
use uuid::Uuid;

use crate::{App, RequestContext};

/// Meetings and revisions this many days ahead show on the coordinator's start page.
pub const HORIZON_DAYS: i64 = 30;
/// Counts below this are hidden from analysts.
pub const SMALL_CELL: i64 = 5;
/// Meetings are typed and shown in this time zone.
const LOCAL_TIME_ZONE: &str = "Europe/Oslo";
/// The role a plan's coordinator has in the care team.
pub const COORDINATOR_ROLE: &str = "koordinator";

/// The plan's header and contents as typed, with the parts checked against the directory.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub fields: PlanFields,
    /// The coordinator's account id; empty means the actor.
    pub coordinator: String,
    /// SIP: the organisation with overall responsibility; optional.
    pub overall_responsible: String,
    /// Relatives (ids) who take part in the care team.
    pub relatives: Vec<String>,
}

/// A transition with what is overdue today.
#[derive(Debug, Clone)]
pub struct TransitionView {
    pub transition: Transition,
    pub open_items: Vec<ChecklistItem>,
    pub overdue_items: Vec<ChecklistItem>,
}

/// A person's plan as far as the actor may see it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub person: PersonSummary,
    /// The person's language, for the printed plan.
    pub person_language: los_core::locale::Locale,
    pub plan: Option<Plan>,
    pub members: Vec<MemberSnapshot>,
    pub relatives: Vec<los_store::episodes::Relative>,
    pub transitions: Vec<TransitionView>,
    pub meetings: Vec<Meeting>,
    /// Names of the services and organisations measures point at.
    pub service_names: BTreeMap<ServiceId, String>,
    pub organization_names: BTreeMap<OrganizationId, String>,
    pub basis: AccessBasis,
    pub can_change: bool,
    pub revision_overdue: bool,
    pub today: Date,
}

/// One version in the history, with what changed from the one before.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub version: PlanVersion,
    pub changes: Vec<Change>,
}

/// A meeting with whose it is.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub meeting: Meeting,
    pub person: PersonSummary,
    pub plan: Plan,
    /// Measures the meeting decided.
    pub decided: Vec<plan::Measure>,
    pub can_change: bool,
}

/// A meeting's changes: new details, minutes, status, and optionally the next meeting.
#[derive(Debug, Clone, Default)]
pub struct MeetingUpdate {
    pub fields: MeetingFields,
    pub minutes: String,
    pub status: String,
    /// When given, the next meeting is scheduled with the same place and an empty agenda.
    pub next: Option<MeetingFields>,
}

/// A line of the coordinator's start page.
#[derive(Debug, Clone)]
pub struct OwnPlanLine {
    pub person: PersonId,
    pub person_name: String,
    pub next_revision: Date,
    pub phase: los_core::service::Phase,
    pub revision_overdue: bool,
    pub revision_due_soon: bool,
}

#[derive(Debug, Clone)]
pub struct OwnMeetingLine {
    pub meeting: MeetingId,
    pub person: PersonId,
    pub person_name: String,
    pub starts_at: Timestamp,
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct OwnTransitionLine {
    pub person: PersonId,
    pub person_name: String,
    pub transition: Transition,
    pub overdue_items: Vec<ChecklistItem>,
}

/// The coordinator's start page: my persons, next meetings, revisions and transitions.
#[derive(Debug, Clone)]
pub struct OwnPlans {
    pub plans: Vec<OwnPlanLine>,
    pub meetings: Vec<OwnMeetingLine>,
    pub transitions: Vec<OwnTransitionLine>,
    /// Lines about persons the policy does not open to the actor today (e.g. blocked).
    pub hidden: usize,
    pub today: Date,
}

/// Coverage for a municipality; counts are `None` when suppressed for an analyst.
#[derive(Debug, Clone, Copy)]
pub struct CoverageView {
    pub with_active_episode: Option<i64>,
    pub with_plan: Option<i64>,
    pub with_coordinator: Option<i64>,
    pub suppressed: bool,
}

impl CoverageView {
    /// The share of persons with an active episode who have a plan, in per cent.
    pub fn plan_share_percent(&self) -> Option<i64> {
        match (self.with_plan, self.with_active_episode) {
            (Some(plans), Some(active)) if active > 0 => Some((plans * 100 + active / 2) / active),
            _ => None,
        }
    }
}

/// What the next version of a plan holds and how it is audited.
struct NextVersion {
    /// The organisation responsible for the plan (the coordinator's, as resolved).
    organization: OrganizationId,
    header: PlanHeader,
    document: PlanDocument,
    action: AuditAction,
    subject: Option<String>,
}

impl NextVersion {
    /// The plan's header and document unchanged (a member or transition changed).
    fn same(plan: &Plan, action: AuditAction, subject: String) -> NextVersion {
        NextVersion {
            organization: plan.organization,
            header: plan.header.clone(),
            document: plan.document.clone(),
            action,
            subject: Some(subject),
        }
    }
}

fn new_id() -> String {
    Uuid::now_v7().to_string()
}

fn merge<T>(v: &mut Validator, result: Result<T, Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Error::Invalid(errors)) => {
            errors.into_iter().for_each(|e| v.add(e.field, e.reason));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

fn local_zone() -> TimeZone {
    TimeZone::get(LOCAL_TIME_ZONE).unwrap_or(TimeZone::UTC)
}

fn days_until(from: Date, to: Date) -> i64 {
    from.until(to).map(|span| i64::from(span.get_days())).unwrap_or(0)
}

/// Parses the id of an account that may coordinate or join a care team: it must exist, be
/// enabled and hold a role that sees persons (not only analyst).
async fn staff_member(
    tx: &mut Tx,
    raw: &str,
    field: &str,
    v: &mut Validator,
) -> Result<Option<(AccountId, String, Vec<accounts::Membership>)>, Error> {
    let Ok(id) = raw.trim().parse::<AccountId>() else {
        v.add(field, if raw.trim().is_empty() { Reason::Required } else { Reason::Unknown });
        return Ok(None);
    };
    let Some(account) = accounts::by_id(tx, id).await? else {
        v.add(field, Reason::Unknown);
        return Ok(None);
    };
    if account.is_disabled() {
        v.add(field, Reason::NotAllowed);
        return Ok(None);
    }
    let memberships: Vec<_> = accounts::memberships(tx, id)
        .await?
        .into_iter()
        .filter(|m| m.role != los_core::account::Role::Analyst)
        .collect();
    if memberships.is_empty() {
        v.add(field, Reason::NotAllowed);
        return Ok(None);
    }
    Ok(Some((id, account.display_name, memberships)))
}

impl App {
    /// Opens a write transaction for a person's plan (unknown person → `NotFound`; refusal audited
    /// and committed → `Forbidden`).
    async fn begin_plan(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        change: bool,
    ) -> Result<(Tx, PersonGrant), Error> {
        let action =
            if change { PersonAction::Change(DataCategory::Plan) } else { PersonAction::Read(DataCategory::Plan) };
        self.begin_person(ctx, actor, person, action).await
    }

    /// Reads the plan, members and transitions as they are in `tx` into a snapshot.
    async fn snapshot(
        &self,
        tx: &mut Tx,
        grant: &PersonGrant,
        header: &PlanHeader,
        document: &PlanDocument,
    ) -> Result<PlanSnapshot, Error> {
        Ok(PlanSnapshot {
            header: header.clone(),
            document: document.clone(),
            members: store::members(tx, grant).await?,
            transitions: store::transitions(tx, grant).await?,
        })
    }

    /// Saves the next version of `plan` (which must still be at `expected`) with its snapshot
    /// and audit event, and commits.
    async fn save_plan_version(
        &self,
        mut tx: Tx,
        ctx: &RequestContext,
        grant: &PersonGrant,
        plan: &Plan,
        expected: i64,
        next: NextVersion,
    ) -> Result<i64, Error> {
        let NextVersion { organization, header, document, action, subject } = next;
        let now = self.now();
        let version = store::update(&mut tx, grant, expected, organization, &header, &document, now).await?;
        let snapshot = self.snapshot(&mut tx, grant, &header, &document).await?;
        store::save_version(&mut tx, grant, plan.id, version, &snapshot, now).await?;
        self.record(&mut tx, ctx, grant, action, subject.or(Some(plan.id.to_string()))).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(version)
    }

    /// The plan in `tx`, or `NotFound` when the person has none yet.
    async fn existing_plan(tx: &mut Tx, grant: &PersonGrant) -> Result<Plan, Error> {
        store::read(tx, grant).await?.ok_or(Error::NotFound { what: "plan" })
    }

    /// Checks the directory parts of a plan input: coordinator, overall responsible body and
    /// relatives of this person.
    async fn resolve_plan_input(
        &self,
        tx: &mut Tx,
        grant: &PersonGrant,
        input: &PlanInput,
        actor: &Actor,
        home: OrganizationId,
        v: &mut Validator,
    ) -> Result<(Option<(AccountId, OrganizationId, PlanKind)>, Option<OrganizationId>, Vec<RelativeId>), Error> {
        let coordinator_raw =
            if input.coordinator.trim().is_empty() { actor.account.to_string() } else { input.coordinator.clone() };
        let coordinator = match staff_member(tx, &coordinator_raw, "coordinator", v).await? {
            Some((id, _, memberships)) => {
                // The coordinator joins the care team for their organisation. One outside the
                // plan's own organisation (`home`) shares the plan with it: that needs the
                // person's consent to sharing, as for any other member.
                let in_home = memberships.iter().find(|m| m.organization_id == home);
                if in_home.is_none() && !input.fields.consent_to_sharing {
                    v.add("coordinator", Reason::NotAllowed);
                }
                let organization = in_home.or(memberships.first()).map(|m| m.organization_id);
                match organization {
                    Some(organization) => {
                        let country = organizations::by_id(tx, organization).await?.map(|o| o.country);
                        country.map(|country| (id, organization, PlanKind::of(country)))
                    }
                    None => None,
                }
            }
            None => None,
        };
        let overall = match input.overall_responsible.trim() {
            "" => None,
            raw => match raw.parse::<OrganizationId>() {
                Ok(id) if organizations::by_id(tx, id).await?.is_some() => Some(id),
                _ => {
                    v.add("overall_responsible", Reason::Unknown);
                    None
                }
            },
        };
        let identity = policy::authorize_person(
            grant.actor(),
            grant.person(),
            PersonAction::Read(DataCategory::IdentityContact),
            &person_store::relations(
                tx,
                grant.person(),
                grant.actor().account,
                grant.actor().organization,
                self.local_today(),
                self.now(),
            )
            .await?,
        );
        let known_relatives: Vec<RelativeId> = match &identity {
            Ok(identity) => episodes::relatives(tx, identity).await?.into_iter().map(|r| r.id).collect(),
            Err(_) => Vec::new(),
        };
        let mut relatives = Vec::new();
        for raw in input.relatives.iter().filter(|r| !r.trim().is_empty()) {
            match raw.trim().parse::<RelativeId>() {
                Ok(id) if known_relatives.contains(&id) => relatives.push(id),
                _ => v.add("relatives", Reason::Unknown),
            }
        }
        Ok((coordinator, overall, relatives))
    }

    /// The person's plan with its team, transitions and meetings; audited as one view.
    pub async fn plan_view(&self, ctx: &RequestContext, actor: &Actor, person: PersonId) -> Result<PlanView, Error> {
        self.plan_view_as(ctx, actor, person, AuditAction::PlanViewed).await
    }

    /// The plan for printing (page or PDF); audited as printed.
    pub async fn plan_for_print(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<PlanView, Error> {
        let view = self.plan_view_as(ctx, actor, person, AuditAction::PlanPrinted).await?;
        if view.plan.is_none() {
            return Err(Error::NotFound { what: "plan" });
        }
        Ok(view)
    }

    async fn plan_view_as(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        action: AuditAction,
    ) -> Result<PlanView, Error> {
        let (mut read, grant, identity, relations) = self.begin_plan_read(ctx, actor, person).await?;
        let today = self.local_today();
        let can_change =
            policy::authorize_person(actor, person, PersonAction::Change(DataCategory::Plan), &relations).is_ok();
        let summary = person_store::summary(read.tx(), &identity).await?;
        let person_record = person_store::read(read.tx(), &identity).await?;
        let relatives = episodes::relatives(read.tx(), &identity).await?;
        let plan = store::read(read.tx(), &grant).await?;
        let members = store::members(read.tx(), &grant).await?;
        let transitions = store::transitions(read.tx(), &grant)
            .await?
            .into_iter()
            .map(|transition| TransitionView {
                open_items: transition.open_items(),
                overdue_items: transition.overdue_items(today),
                transition,
            })
            .collect();
        let meetings = store::meetings(read.tx(), &grant).await?;
        let mut service_names = BTreeMap::new();
        let mut organization_names = BTreeMap::new();
        if let Some(plan) = &plan {
            for measure in &plan.document.measures {
                if let Some(service) = measure.service
                    && let Some(found) = services::by_id(read.tx(), service).await?
                {
                    service_names.insert(service, found.description.name);
                }
                let organizations = measure.organization.into_iter().chain(plan.document.contents.overall_responsible);
                for organization in organizations {
                    if let Some(found) = organizations::by_id(read.tx(), organization).await? {
                        organization_names.insert(organization, found.name);
                    }
                }
            }
            if let Some(organization) = plan.document.contents.overall_responsible
                && let Some(found) = organizations::by_id(read.tx(), organization).await?
            {
                organization_names.insert(organization, found.name);
            }
        }
        let subject = plan.as_ref().map(|p| p.id.to_string());
        read.record(self.access_event(ctx, &grant, action, subject));
        read.finish(&self.store).await?;
        let revision_overdue = plan.as_ref().is_some_and(|p| p.header.next_revision < today);
        Ok(PlanView {
            person: summary,
            person_language: person_record.record.language,
            plan,
            members,
            relatives,
            transitions,
            meetings,
            service_names,
            organization_names,
            basis: grant.basis(),
            can_change,
            revision_overdue,
            today,
        })
    }

    /// Creates the person's plan; the coordinator joins the care team. One plan per person: a
    /// second is refused on `person`.
    pub async fn create_plan(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        input: &PlanInput,
    ) -> Result<Plan, Error> {
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let today = self.local_today();
        let mut v = Validator::new();
        let fields = merge(&mut v, plan::validate_plan(&input.fields, today))?;
        let (coordinator, overall, relatives) =
            self.resolve_plan_input(&mut tx, &grant, input, actor, actor.organization, &mut v).await?;
        if store::read(&mut tx, &grant).await?.is_some() {
            v.add("person", Reason::AlreadyExists);
        }
        v.finish()?;
        let (Some(fields), Some((coordinator, organization, kind))) = (fields, coordinator) else {
            return Err(Error::Internal);
        };
        let header = PlanHeader {
            kind,
            coordinator,
            phase: fields.phase,
            period_from: fields.period_from,
            period_to: fields.period_to,
            next_revision: fields.next_revision,
            consent_given_on: fields.consent_given_on,
            consent_to_sharing: fields.consent_to_sharing,
        };
        let mut contents = fields.contents;
        contents.overall_responsible = overall;
        contents.relatives_taking_part = relatives;
        let document = PlanDocument { contents, goals: Vec::new(), measures: Vec::new() };
        let id = PlanId::generate();
        let now = self.now();
        store::insert(&mut tx, &grant, id, organization, &header, &document, now).await?;
        self.ensure_member(&mut tx, &grant, coordinator, organization, today).await?;
        let snapshot = self.snapshot(&mut tx, &grant, &header, &document).await?;
        store::save_version(&mut tx, &grant, id, 1, &snapshot, now).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::PlanCreated, Some(id.to_string())).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        tx.commit().await.map_err(|e| match map_sqlx(e) {
            Error::Conflict { .. } => Error::invalid("person", Reason::AlreadyExists),
            other => other,
        })?;
        Ok(plan)
    }

    /// Makes the coordinator a current member of the care team if they are not one.
    async fn ensure_member(
        &self,
        tx: &mut Tx,
        grant: &PersonGrant,
        account: AccountId,
        organization: OrganizationId,
        today: Date,
    ) -> Result<(), Error> {
        let members = store::members(tx, grant).await?;
        if !members.iter().any(|m| m.account == account && m.to.is_none()) {
            store::add_member(tx, grant, &new_id(), account, organization, COORDINATOR_ROLE, today).await?;
        }
        Ok(())
    }

    /// Changes the plan's header and contents.
    pub async fn update_plan(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        input: &PlanInput,
    ) -> Result<i64, Error> {
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let today = self.local_today();
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        let mut v = Validator::new();
        let fields = merge(&mut v, plan::validate_plan(&input.fields, today))?;
        let mut input = input.clone();
        if input.coordinator.trim().is_empty() {
            input.coordinator = plan.header.coordinator.to_string();
        }
        let (coordinator, overall, relatives) =
            self.resolve_plan_input(&mut tx, &grant, &input, actor, plan.organization, &mut v).await?;
        v.finish()?;
        if plan.version != version {
            return Err(Error::Conflict { what: "plan" });
        }
        let (Some(fields), Some((coordinator, organization, kind))) = (fields, coordinator) else {
            return Err(Error::Internal);
        };
        let header = PlanHeader {
            kind: if coordinator == plan.header.coordinator { plan.header.kind } else { kind },
            coordinator,
            phase: fields.phase,
            period_from: fields.period_from,
            period_to: fields.period_to,
            next_revision: fields.next_revision,
            consent_given_on: fields.consent_given_on,
            consent_to_sharing: fields.consent_to_sharing,
        };
        let mut document = plan.document.clone();
        let mut contents = fields.contents;
        contents.overall_responsible = overall;
        contents.relatives_taking_part = relatives;
        document.contents = contents;
        if coordinator != plan.header.coordinator {
            self.ensure_member(&mut tx, &grant, coordinator, organization, today).await?;
        }
        if plan.header.consent_to_sharing && !header.consent_to_sharing {
            // The person no longer lets the plan be shared: members from other organisations
            // leave the team now, and with it their access (the person's wish acts at once).
            let last_day = today.yesterday().unwrap_or(today);
            for member in store::members(&mut tx, &grant).await? {
                if member.to.is_none() && member.organization != organization && member.account != coordinator {
                    store::end_member(&mut tx, &grant, &member.id, last_day).await?;
                }
            }
        }
        let organization = if coordinator == plan.header.coordinator { plan.organization } else { organization };
        let next = NextVersion { organization, header, document, action: AuditAction::PlanUpdated, subject: None };
        self.save_plan_version(tx, ctx, &grant, &plan, version, next).await
    }

    /// Opens the plan for a change of its document. (Two halves rather than one function taking
    /// an async closure: the future of an `AsyncFnOnce` cannot be shown to be `Send`, which axum
    /// handlers need.)
    async fn open_document(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<(Tx, PersonGrant, Plan), Error> {
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        Ok((tx, grant, plan))
    }

    /// Saves the changed document as a new version if the plan is still at `version`.
    #[allow(clippy::too_many_arguments)]
    async fn save_document(
        &self,
        tx: Tx,
        ctx: &RequestContext,
        grant: &PersonGrant,
        plan: &Plan,
        version: i64,
        document: PlanDocument,
        subject: String,
    ) -> Result<i64, Error> {
        if plan.version != version {
            return Err(Error::Conflict { what: "plan" });
        }
        let header = plan.header.clone();
        let next = NextVersion {
            organization: plan.organization,
            header,
            document,
            action: AuditAction::PlanUpdated,
            subject: Some(subject),
        };
        self.save_plan_version(tx, ctx, grant, plan, version, next).await
    }

    /// Adds a goal (`goal` empty) or changes one.
    pub async fn save_goal(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        goal: Option<&str>,
        fields: &GoalFields,
    ) -> Result<i64, Error> {
        let (tx, grant, plan) = self.open_document(ctx, actor, person).await?;
        let mut document = plan.document.clone();
        let subject = match goal {
            None => {
                let goal = plan::validate_goal(fields, new_id())?;
                let id = goal.id.clone();
                document.goals.push(goal);
                id
            }
            Some(id) => {
                let slot = document.goals.iter_mut().find(|g| g.id == id).ok_or(Error::NotFound { what: "goal" })?;
                *slot = plan::validate_goal(fields, id.to_string())?;
                id.to_string()
            }
        };
        self.save_document(tx, ctx, &grant, &plan, version, document, subject).await
    }

    /// Removes a goal; measures that served it keep going without a goal.
    pub async fn remove_goal(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        goal: &str,
    ) -> Result<i64, Error> {
        let (tx, grant, plan) = self.open_document(ctx, actor, person).await?;
        let mut document = plan.document.clone();
        let before = document.goals.len();
        document.goals.retain(|g| g.id != goal);
        if document.goals.len() == before {
            return Err(Error::NotFound { what: "goal" });
        }
        for measure in document.measures.iter_mut().filter(|m| m.goal.as_deref() == Some(goal)) {
            measure.goal = None;
        }
        self.save_document(tx, ctx, &grant, &plan, version, document, goal.to_string()).await
    }

    /// Adds a measure (`measure` empty) or changes one. A service must exist in the catalogue
    /// (its provider becomes the responsible organisation); an organisation must exist.
    pub async fn save_measure(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        measure: Option<&str>,
        fields: &MeasureFields,
    ) -> Result<i64, Error> {
        let (mut tx, grant, plan) = self.open_document(ctx, actor, person).await?;
        let mut document = plan.document.clone();
        let mut v = Validator::new();
        let id = measure.map(str::to_string).unwrap_or_else(new_id);
        if let Some(existing) = measure
            && !document.measures.iter().any(|m| m.id == existing)
        {
            return Err(Error::NotFound { what: "measure" });
        }
        let validated = merge(&mut v, plan::validate_measure(fields, id.clone(), &document.goals))?;
        let (service, organization) = self.resolve_measure_owner(&mut tx, fields, &mut v).await?;
        if let Some(meeting) = fields.meeting.trim().parse::<MeetingId>().ok()
            && store::person_of_meeting(&mut tx, meeting).await? != Some(grant.person())
        {
            v.add("meeting", Reason::Unknown);
        } else if !fields.meeting.trim().is_empty() && fields.meeting.trim().parse::<MeetingId>().is_err() {
            v.add("meeting", Reason::Unknown);
        }
        v.finish()?;
        let Some(mut validated) = validated else { return Err(Error::Internal) };
        validated.service = service;
        validated.organization = organization;
        match document.measures.iter_mut().find(|m| m.id == id) {
            Some(slot) => *slot = validated,
            None => document.measures.push(validated),
        }
        self.save_document(tx, ctx, &grant, &plan, version, document, id).await
    }

    async fn resolve_measure_owner(
        &self,
        tx: &mut Tx,
        fields: &MeasureFields,
        v: &mut Validator,
    ) -> Result<(Option<ServiceId>, Option<OrganizationId>), Error> {
        let service = match fields.service.trim() {
            "" => None,
            raw => match raw.parse::<ServiceId>() {
                Ok(id) => match services::by_id(tx, id).await? {
                    Some(found) => Some((found.id, found.provider)),
                    None => {
                        v.add("service", Reason::Unknown);
                        None
                    }
                },
                Err(_) => {
                    v.add("service", Reason::Unknown);
                    None
                }
            },
        };
        let organization = match fields.organization.trim() {
            "" => None,
            raw => match raw.parse::<OrganizationId>() {
                Ok(id) if organizations::by_id(tx, id).await?.is_some() => Some(id),
                _ => {
                    v.add("organization", Reason::Unknown);
                    None
                }
            },
        };
        if let (Some((_, provider)), Some(organization)) = (service, organization)
            && provider != organization
        {
            v.add("organization", Reason::Mismatch);
        }
        Ok((service.map(|s| s.0), organization.or(service.map(|s| s.1))))
    }

    pub async fn remove_measure(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        measure: &str,
    ) -> Result<i64, Error> {
        let (tx, grant, plan) = self.open_document(ctx, actor, person).await?;
        let mut document = plan.document.clone();
        let before = document.measures.len();
        document.measures.retain(|m| m.id != measure);
        if document.measures.len() == before {
            return Err(Error::NotFound { what: "measure" });
        }
        self.save_document(tx, ctx, &grant, &plan, version, document, measure.to_string()).await
    }

    /// Adds a member to the care team. The account must belong to the organisation given; a
    /// member from another organisation than the plan's needs the person's consent to sharing.
    pub async fn add_member(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        fields: &MemberFields,
        organization: &str,
    ) -> Result<i64, Error> {
        let today = self.local_today();
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        let mut v = Validator::new();
        let valid = merge(&mut v, plan::validate_member(fields, today))?;
        let organization = match organization.trim().parse::<OrganizationId>() {
            Ok(id) if organizations::by_id(&mut tx, id).await?.is_some() => Some(id),
            _ => {
                v.add("organization", if organization.trim().is_empty() { Reason::Required } else { Reason::Unknown });
                None
            }
        };
        let account = if fields.account.trim().is_empty() {
            None
        } else {
            staff_member(&mut tx, &fields.account, "account", &mut v).await?
        };
        if let (Some((_, _, memberships)), Some(organization)) = (&account, organization) {
            if !memberships.iter().any(|m| m.organization_id == organization) {
                v.add("account", Reason::Mismatch);
            } else if organization != plan.organization && !plan.header.consent_to_sharing {
                // Sharing the plan across organisations rests on the person's consent.
                v.add("organization", Reason::NotAllowed);
            }
        }
        if let Some((id, _, _)) = &account {
            let members = store::members(&mut tx, &grant).await?;
            if members.iter().any(|m| m.account == *id && m.to.is_none()) {
                v.add("account", Reason::AlreadyExists);
            }
        }
        v.finish()?;
        if plan.version != version {
            return Err(Error::Conflict { what: "plan" });
        }
        let (Some((role, from)), Some(organization), Some((account, _, _))) = (valid, organization, account) else {
            return Err(Error::Internal);
        };
        let member = new_id();
        store::add_member(&mut tx, &grant, &member, account, organization, &role, from).await?;
        let next = NextVersion::same(&plan, AuditAction::CareTeamMemberAdded, member);
        self.save_plan_version(tx, ctx, &grant, &plan, version, next).await
    }

    /// Ends a membership today; the member loses access with it. The coordinator cannot be
    /// ended while they coordinate: choose another coordinator first.
    pub async fn end_member(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        member: &str,
    ) -> Result<i64, Error> {
        let today = self.local_today();
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        let members = store::members(&mut tx, &grant).await?;
        let found =
            members.iter().find(|m| m.id == member && m.to.is_none()).ok_or(Error::NotFound { what: "member" })?;
        if found.account == plan.header.coordinator {
            return Err(Error::invalid("member", Reason::NotAllowed));
        }
        if plan.version != version {
            return Err(Error::Conflict { what: "plan" });
        }
        // The last day of a membership counts as a day in the team (the policy reads `to` as
        // inclusive): ending it "today" with access gone at once makes yesterday the last day.
        let last_day = today.yesterday().unwrap_or(today);
        store::end_member(&mut tx, &grant, member, last_day).await?;
        let header = plan.header.clone();
        let document = plan.document.clone();
        let next = NextVersion {
            organization: plan.organization,
            header,
            document,
            action: AuditAction::CareTeamMemberEnded,
            subject: Some(member.to_string()),
        };
        self.save_plan_version(tx, ctx, &grant, &plan, version, next).await
    }

    /// Plans a transition (`transition` empty) or updates one and its checklist.
    pub async fn save_transition(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        version: i64,
        transition: Option<&str>,
        fields: &TransitionFields,
    ) -> Result<i64, Error> {
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        let existing = store::transitions(&mut tx, &grant).await?;
        let id = match transition {
            Some(id) if existing.iter().any(|t| t.id == id) => id.to_string(),
            Some(_) => return Err(Error::NotFound { what: "transition" }),
            None => new_id(),
        };
        let valid = plan::validate_transition(fields, id)?;
        if plan.version != version {
            return Err(Error::Conflict { what: "plan" });
        }
        store::save_transition(&mut tx, &grant, plan.id, &valid, self.now()).await?;
        let next = NextVersion::same(&plan, AuditAction::PlanUpdated, valid.id);
        self.save_plan_version(tx, ctx, &grant, &plan, version, next).await
    }

    /// Every version of the plan with what changed; audited.
    pub async fn plan_history(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<(PersonSummary, Vec<HistoryEntry>), Error> {
        let (mut read, grant, identity, _) = self.begin_plan_read(ctx, actor, person).await?;
        let summary = person_store::summary(read.tx(), &identity).await?;
        let versions = store::versions(read.tx(), &grant).await?;
        if versions.is_empty() {
            return Err(Error::NotFound { what: "plan" });
        }
        read.record(self.access_event(ctx, &grant, AuditAction::PlanHistoryViewed, None));
        read.finish(&self.store).await?;
        let mut entries = Vec::with_capacity(versions.len());
        let mut previous: Option<PlanSnapshot> = None;
        for version in versions {
            let changes = plan::diff(previous.as_ref(), &version.snapshot);
            previous = Some(version.snapshot.clone());
            entries.push(HistoryEntry { version, changes });
        }
        entries.reverse();
        Ok((summary, entries))
    }

    /// Opens an audited read of a person's plan together with who the person is (both must be
    /// open to the actor; a refusal, e.g. a consent that covers the plan but not identity, is
    /// audited and committed before `Forbidden`). Returns the plan grant, the identity grant and
    /// the actor's relations to the person.
    async fn begin_plan_read(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<(AuditedRead, PersonGrant, PersonGrant, PersonRelations), Error> {
        let (mut read, grant, relations) =
            self.begin_person_read(ctx, actor, person, PersonAction::Read(DataCategory::Plan)).await?;
        match self.judge(ctx, actor, person, PersonAction::Read(DataCategory::IdentityContact), &relations) {
            Ok(identity) => Ok((read, grant, identity, relations)),
            Err(denial) => {
                read.record(*denial);
                read.finish(&self.store).await?;
                Err(Error::Forbidden)
            }
        }
    }

    /// Schedules a care-team meeting; the current members are invited.
    pub async fn schedule_meeting(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        fields: &MeetingFields,
    ) -> Result<MeetingId, Error> {
        let valid = plan::validate_meeting(fields);
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let plan = Self::existing_plan(&mut tx, &grant).await?;
        let valid = valid?;
        let starts_at =
            valid.starts.to_zoned(local_zone()).map_err(|_| Error::invalid("time", Reason::InvalidFormat))?.timestamp();
        let invited: Vec<(AccountId, String)> = store::members(&mut tx, &grant)
            .await?
            .into_iter()
            .filter(|m| m.to.is_none())
            .map(|m| (m.account, m.name))
            .collect();
        let record = MeetingRecord {
            starts_at,
            duration_minutes: valid.duration_minutes,
            place: valid.place,
            agenda: valid.agenda,
            minutes: String::new(),
            status: MeetingStatus::Planned,
        };
        let id = MeetingId::generate();
        store::insert_meeting(&mut tx, &grant, id, plan.id, &record, &invited, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::MeetingScheduled, Some(id.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(id)
    }

    /// The person a meeting belongs to, or `NotFound`.
    async fn meeting_person(&self, id: MeetingId) -> Result<PersonId, Error> {
        let mut tx = self.store.read().await?;
        store::person_of_meeting(&mut tx, id).await?.ok_or(Error::NotFound { what: "meeting" })
    }

    /// One meeting with the plan it belongs to; audited.
    pub async fn meeting_view(&self, ctx: &RequestContext, actor: &Actor, id: MeetingId) -> Result<MeetingView, Error> {
        let person = self.meeting_person(id).await?;
        let (mut read, grant, identity, relations) = self.begin_plan_read(ctx, actor, person).await?;
        let summary = person_store::summary(read.tx(), &identity).await?;
        let meeting = store::meeting(read.tx(), &grant, id).await?;
        let plan = Self::existing_plan(read.tx(), &grant).await?;
        let can_change =
            policy::authorize_person(actor, person, PersonAction::Change(DataCategory::Plan), &relations).is_ok();
        let id_text = id.to_string();
        let decided =
            plan.document.measures.iter().filter(|m| m.meeting.as_deref() == Some(id_text.as_str())).cloned().collect();
        read.record(self.access_event(ctx, &grant, AuditAction::MeetingViewed, Some(id_text)));
        read.finish(&self.store).await?;
        Ok(MeetingView { meeting, person: summary, plan, decided, can_change })
    }

    /// Changes a meeting (details, minutes, status) and optionally schedules the next one.
    pub async fn update_meeting(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: MeetingId,
        version: i64,
        update: &MeetingUpdate,
    ) -> Result<Option<MeetingId>, Error> {
        let person = self.meeting_person(id).await?;
        let (mut tx, grant) = self.begin_plan(ctx, actor, person, true).await?;
        let current = store::meeting(&mut tx, &grant, id).await?;
        let mut v = Validator::new();
        let valid = merge(&mut v, plan::validate_meeting(&update.fields))?;
        let status = if update.status.trim().is_empty() {
            Some(current.status)
        } else {
            v.check(MeetingStatus::parse("status", &update.status))
        };
        let mut minutes_validator = Validator::new();
        let minutes = los_core::person::text(&mut minutes_validator, "minutes", &update.minutes, plan::TEXT_MAX);
        if let Err(Error::Invalid(errors)) = minutes_validator.finish() {
            errors.into_iter().for_each(|e| v.add(e.field, e.reason));
        }
        let next = match &update.next {
            Some(next) => match plan::validate_meeting(next) {
                Ok(valid) => Some(valid),
                Err(Error::Invalid(errors)) => {
                    errors.into_iter().for_each(|e| v.add(format!("next_{}", e.field), e.reason));
                    None
                }
                Err(other) => return Err(other),
            },
            None => None,
        };
        v.finish()?;
        if current.version != version {
            return Err(Error::Conflict { what: "meeting" });
        }
        let (Some(valid), Some(status)) = (valid, status) else { return Err(Error::Internal) };
        let zone = local_zone();
        let starts_at =
            valid.starts.to_zoned(zone.clone()).map_err(|_| Error::invalid("time", Reason::InvalidFormat))?.timestamp();
        let record = MeetingRecord {
            starts_at,
            duration_minutes: valid.duration_minutes,
            place: valid.place,
            agenda: valid.agenda,
            minutes,
            status,
        };
        let now = self.now();
        store::update_meeting(&mut tx, &grant, id, version, &record, now).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::MeetingUpdated, Some(id.to_string())).await?;
        let mut next_id = None;
        if let Some(next) = next {
            let starts_at =
                next.starts.to_zoned(zone).map_err(|_| Error::invalid("next_time", Reason::InvalidFormat))?.timestamp();
            if starts_at <= record.starts_at {
                return Err(Error::invalid("next_date", Reason::EndsBeforeStart));
            }
            let invited: Vec<(AccountId, String)> = store::members(&mut tx, &grant)
                .await?
                .into_iter()
                .filter(|m| m.to.is_none())
                .map(|m| (m.account, m.name))
                .collect();
            let next_record = MeetingRecord {
                starts_at,
                duration_minutes: next.duration_minutes,
                place: next.place,
                agenda: next.agenda,
                minutes: String::new(),
                status: MeetingStatus::Planned,
            };
            let new = MeetingId::generate();
            store::insert_meeting(&mut tx, &grant, new, current.plan, &next_record, &invited, now).await?;
            self.record(&mut tx, ctx, &grant, AuditAction::MeetingScheduled, Some(new.to_string())).await?;
            next_id = Some(new);
        }
        tx.commit().await.map_err(map_sqlx)?;
        Ok(next_id)
    }

    /// The coordinator's start page: the plans they coordinate, meetings of the care teams they
    /// are in, and transitions due. Each person shown is decided by the policy and audited.
    pub async fn own_plans(&self, ctx: &RequestContext, actor: &Actor) -> Result<OwnPlans, Error> {
        let grant = self.grant(ctx, actor, Action::ListOwnPlans).await?;
        let today = self.local_today();
        let now = self.now();
        let horizon = today.checked_add(jiff::Span::new().days(HORIZON_DAYS)).unwrap_or(today);
        let mut read = self.store.audited_read().await?;
        let plans = store::coordinated_by(read.tx(), &grant).await?;
        let meetings = store::meetings_for(
            read.tx(),
            &grant,
            now,
            now.saturating_add(SignedDuration::from_hours(24 * HORIZON_DAYS)).unwrap_or(now),
            today,
        )
        .await?;
        let transitions = store::transitions_due(read.tx(), &grant, horizon).await?;
        let mut names: BTreeMap<PersonId, Option<String>> = BTreeMap::new();
        let mut people: Vec<PersonId> = plans.iter().map(|p| p.person).collect();
        people.extend(meetings.iter().map(|m| m.person));
        people.extend(transitions.iter().map(|t| t.person));
        people.sort_unstable();
        people.dedup();
        let all_relations =
            person_store::relations_of_many(read.tx(), &people, actor.account, actor.organization, today, now).await?;
        let mut shown = Vec::new();
        for person in people {
            let Some(relations) = all_relations.get(&person) else { continue };
            let plan_grant = policy::authorize_person(actor, person, PersonAction::Read(DataCategory::Plan), relations);
            let identity =
                policy::authorize_person(actor, person, PersonAction::Read(DataCategory::IdentityContact), relations);
            if let (Ok(plan_grant), Ok(identity)) = (plan_grant, identity) {
                let mut event = ctx.event(now, Some(actor), AuditAction::PlansOverviewViewed, AuditOutcome::Success);
                event.person = Some(person);
                event.reason = Some(format!("read:plan ({})", plan_grant.basis().code()));
                read.record(event);
                shown.push(identity);
            }
        }
        for summary in person_store::summaries(read.tx(), &shown).await? {
            names.insert(summary.id, Some(summary.display_name));
        }
        read.finish(&self.store).await?;
        let mut hidden = 0;
        let mut name_of = |person: PersonId| match names.get(&person) {
            Some(Some(name)) => Some(name.clone()),
            _ => {
                hidden += 1;
                None
            }
        };
        let plan_lines: Vec<OwnPlanLine> = plans
            .into_iter()
            .filter_map(|p| {
                let person_name = name_of(p.person)?;
                Some(OwnPlanLine {
                    person: p.person,
                    person_name,
                    next_revision: p.next_revision,
                    phase: p.phase,
                    revision_overdue: p.next_revision < today,
                    revision_due_soon: p.next_revision >= today && days_until(today, p.next_revision) <= HORIZON_DAYS,
                })
            })
            .collect();
        let meeting_lines: Vec<OwnMeetingLine> = meetings
            .into_iter()
            .filter_map(|m| {
                let person_name = name_of(m.person)?;
                Some(OwnMeetingLine {
                    meeting: m.meeting,
                    person: m.person,
                    person_name,
                    starts_at: m.starts_at,
                    place: m.place,
                })
            })
            .collect();
        let transition_lines: Vec<OwnTransitionLine> = transitions
            .into_iter()
            .filter_map(|t| {
                let person_name = name_of(t.person)?;
                Some(OwnTransitionLine {
                    person: t.person,
                    person_name,
                    overdue_items: t.transition.overdue_items(today),
                    transition: t.transition,
                })
            })
            .collect();
        Ok(OwnPlans { plans: plan_lines, meetings: meeting_lines, transitions: transition_lines, hidden, today })
    }

    /// How many persons with an active episode at the municipality's services have a plan and a
    /// coordinator. Staff of organisations providing services there and administrators get exact
    /// counts; analysts and everyone else get counts under [`SMALL_CELL`] suppressed, with the
    /// share hidden when either count is (so the hidden one cannot be worked out).
    pub async fn plan_coverage(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        municipality: MunicipalityId,
    ) -> Result<CoverageView, Error> {
        let grant = self.grant(ctx, actor, Action::ReadPlanCoverage).await?;
        let mut tx = self.store.read().await?;
        let Coverage { with_active_episode, with_plan, with_coordinator } =
            store::coverage(&mut tx, &grant, municipality, self.local_today()).await?;
        // Exact figures for those who work in the municipality's services (and administrators);
        // everyone else sees an area figure, published with small counts suppressed.
        let works_there = match actor.role {
            los_core::account::Role::Admin => true,
            los_core::account::Role::Analyst => false,
            _ => store::provides_service_in(&mut tx, &grant, municipality).await?,
        };
        if works_there {
            return Ok(CoverageView {
                with_active_episode: Some(with_active_episode),
                with_plan: Some(with_plan),
                with_coordinator: Some(with_coordinator),
                suppressed: false,
            });
        }
        let small = |n: i64| n > 0 && n < SMALL_CELL;
        // The persons without a plan are the difference of two shown counts: hide it too.
        let without_plan = with_active_episode - with_plan;
        let without_coordinator = with_plan - with_coordinator;
        let hide_plan = small(with_plan) || small(without_plan) || small(with_active_episode);
        let hide_coordinator = hide_plan || small(with_coordinator) || small(without_coordinator);
        Ok(CoverageView {
            with_active_episode: (!small(with_active_episode)).then_some(with_active_episode),
            with_plan: (!hide_plan).then_some(with_plan),
            with_coordinator: (!hide_coordinator).then_some(with_coordinator),
            suppressed: hide_plan || hide_coordinator || small(with_active_episode),
        })
    }

    /// Accounts that may join a care team or coordinate, with their organisations, for the
    /// member form. Staff names are not personal data about a person.
    pub async fn care_team_directory(&self) -> Result<Vec<(AccountId, String, OrganizationId, String)>, Error> {
        let mut tx = self.store.read().await?;
        let mut list = Vec::new();
        for account in accounts::list(&mut tx).await?.into_iter().filter(|a| !a.is_disabled()) {
            for membership in accounts::memberships(&mut tx, account.id).await? {
                if membership.role != los_core::account::Role::Analyst {
                    list.push((
                        account.id,
                        account.display_name.clone(),
                        membership.organization_id,
                        membership.organization_name,
                    ));
                }
            }
        }
        list.sort_by(|a, b| (&a.1, &a.3).cmp(&(&b.1, &b.3)));
        list.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
        Ok(list)
    }
}
