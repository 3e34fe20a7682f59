//! The one place that decides access. Store functions that need authorisation take a
//! [`Grant`] or a [`PersonGrant`], and both can only be made here, so no code path can skip the
//! decision.
//!
//! [`authorize`] decides administrative actions from the actor's role. [`authorize_person`]
//! decides access to one person's data from the facts the store gathered about the actor's
//! relation to that person ([`PersonRelations`]): work need (care team, an active episode or an
//! open referral at the actor's organisation), consent for the actor's organisation and the data
//! category, blocks, and emergency access.

use std::collections::BTreeSet;

use crate::account::Role;
use crate::consent::DataCategory;
use crate::ids::{AccountId, OrganizationId, PersonId};

/// Who is asking: an authenticated account acting in one organisation with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    pub organization: OrganizationId,
    pub role: Role,
}

/// Things an actor may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create, disable and change accounts, roles and second factors.
    ManageAccounts,
    /// Create and edit organisations.
    ManageOrganizations,
    /// List and filter the audit log (it names who touched which record).
    ReadAuditLog,
    /// Describe a service in the catalogue provided by this organisation.
    ManageService { provider: OrganizationId },
    /// Register a new person (who is then enrolled with one of the actor's services).
    RegisterPerson,
    /// Search persons; each hit is then decided by [`authorize_person`].
    SearchPersons,
    /// Open emergency access to a person the actor has no other ground to see.
    RequestEmergencyAccess,
    /// See and mark reviewed the emergency accesses made in an organisation.
    ReviewEmergencyAccess { organization: OrganizationId },
    /// See the waiting list (names, waiting time, follow-up) of a service provided by this
    /// organisation. Each person on it is then decided by [`authorize_person`].
    ReadWaitingList { provider: OrganizationId },
    /// See the waiting-time figures (median, 90th percentile, share within target) of a
    /// service provided by this organisation: aggregates, no person.
    ReadWaitingStatistics { provider: OrganizationId },
    /// List the deadlines (assessments, starts, reviews, coercion limits) of the organisation's
    /// cases; `all` for the whole organisation (service leaders), otherwise the actor's own.
    ListDeadlines { organization: OrganizationId, all: bool },
    /// Create and edit the local deadline rules and the calendar options of the installation.
    ManageDeadlineRules,
    /// List the plans the actor coordinates or is in the care team of, with their meetings,
    /// revisions and transitions; each person is then decided by [`authorize_person`].
    ListOwnPlans,
    /// See how many persons in a municipality's substance-use services have a plan and a
    /// coordinator: aggregates, no person (small counts suppressed for analysts by the caller).
    ReadPlanCoverage,
    // Housing, tallies and dashboards (issue 6).
    /// See the units of a service provided by this organisation with how many beds are taken
    /// and free tonight: counts, no person.
    ReadVacancies { provider: OrganizationId },
    /// Record and correct the daily tallies of a service provided by this organisation.
    RecordTallies { provider: OrganizationId },
    /// See the daily tallies and their history of a service provided by this organisation.
    ReadTallies { provider: OrganizationId },
    /// See the dashboard of a service provided by this organisation: aggregates only; analysts
    /// get them with small counts suppressed.
    ReadServiceDashboard { provider: OrganizationId },
    /// See the dashboard of a municipality or a region: aggregates across organisations,
    /// always published with small counts suppressed.
    ReadAreaDashboard,
}

/// Why access was refused; recorded in the audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    RoleLacksAction,
    /// Analysts work with aggregates and never see a person.
    AnalystsSeeAggregatesOnly,
    /// A block against the actor's organisation or account.
    Blocked,
    /// No care-team membership, episode, referral, consent or emergency access.
    NoWorkNeed,
    /// A consent exists for the organisation but does not cover this data category.
    CategoryNotConsented,
    /// The action needs ordinary work need; consent or emergency access is not enough.
    NeedsOrdinaryAccess,
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::RoleLacksAction => "role_lacks_action",
            Denial::AnalystsSeeAggregatesOnly => "analysts_see_aggregates_only",
            Denial::Blocked => "blocked",
            Denial::NoWorkNeed => "no_work_need",
            Denial::CategoryNotConsented => "category_not_consented",
            Denial::NeedsOrdinaryAccess => "needs_ordinary_access",
        }
    }
}

/// Proof that the policy allowed `action` for `actor`. Cannot be built outside this module.
#[derive(Debug, Clone)]
pub struct Grant {
    actor: Actor,
    action: Action,
    _sealed: Sealed,
}

#[derive(Debug, Clone)]
struct Sealed;

impl Grant {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn action(&self) -> Action {
        self.action
    }
}

pub fn authorize(actor: &Actor, action: Action) -> Result<Grant, Denial> {
    let allowed = match action {
        Action::ManageAccounts | Action::ManageOrganizations | Action::ReadAuditLog => actor.role == Role::Admin,
        // A service leader describes the services of their own organisation.
        Action::ManageService { provider } => {
            actor.role == Role::Admin || (actor.role == Role::Leader && actor.organization == provider)
        }
        Action::RegisterPerson | Action::SearchPersons | Action::RequestEmergencyAccess => {
            if actor.role == Role::Analyst {
                return Err(Denial::AnalystsSeeAggregatesOnly);
            }
            true
        }
        Action::ReviewEmergencyAccess { organization } => {
            actor.role == Role::Admin || (actor.role == Role::Leader && actor.organization == organization)
        }
        // The staff of the providing organisation run its queue; analysts never see names.
        Action::ReadWaitingList { provider } => {
            if actor.role == Role::Analyst {
                return Err(Denial::AnalystsSeeAggregatesOnly);
            }
            actor.role == Role::Admin || actor.organization == provider
        }
        // Aggregates: also the analysts of the providing organisation (small counts suppressed
        // by the caller).
        Action::ReadWaitingStatistics { provider } => actor.role == Role::Admin || actor.organization == provider,
        Action::ListDeadlines { organization, all } => {
            if actor.role == Role::Analyst {
                return Err(Denial::AnalystsSeeAggregatesOnly);
            }
            actor.organization == organization && (!all || matches!(actor.role, Role::Leader | Role::Admin))
        }
        Action::ManageDeadlineRules => actor.role == Role::Admin,
        Action::ListOwnPlans => {
            if actor.role == Role::Analyst {
                return Err(Denial::AnalystsSeeAggregatesOnly);
            }
            true
        }
        Action::ReadPlanCoverage => true,
        // Housing, tallies and dashboards (issue 6).
        Action::ReadVacancies { provider } | Action::RecordTallies { provider } | Action::ReadTallies { provider } => {
            if actor.role == Role::Analyst {
                return Err(Denial::AnalystsSeeAggregatesOnly);
            }
            actor.role == Role::Admin || actor.organization == provider
        }
        Action::ReadServiceDashboard { provider } => actor.role == Role::Admin || actor.organization == provider,
        // Planners and leaders read area figures; caseworkers work with their own service's.
        Action::ReadAreaDashboard => matches!(actor.role, Role::Admin | Role::Leader | Role::Analyst),
    };
    if allowed { Ok(Grant { actor: actor.clone(), action, _sealed: Sealed }) } else { Err(Denial::RoleLacksAction) }
}

/// What the actor asks to do with one person's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonAction {
    Read(DataCategory),
    Change(DataCategory),
    /// Record or withdraw consents, set or lift blocks, link a pseudonymous record.
    ManageConsentAndBlocks,
    /// Read who has accessed the record (to give the person their access log).
    ReadAccessLog,
}

impl PersonAction {
    /// Stable text for audit events.
    pub fn code(self) -> String {
        match self {
            PersonAction::Read(category) => format!("read:{}", category.code()),
            PersonAction::Change(category) => format!("change:{}", category.code()),
            PersonAction::ManageConsentAndBlocks => "manage_consent_and_blocks".into(),
            PersonAction::ReadAccessLog => "read_access_log".into(),
        }
    }
}

/// The actor's relation to one person, as the store found it at the moment of the request.
/// Holds no personal data, only facts the policy needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonRelations {
    /// The actor's account is a current member of the person's care team.
    pub care_team_member: bool,
    /// The person has an active episode at a service of the actor's organisation.
    pub active_episode_at_organization: bool,
    /// The person has an open referral to or from the actor's organisation.
    pub open_referral_at_organization: bool,
    /// Categories covered today by consents to the actor's organisation (withdrawn ones excluded).
    pub consented_categories: BTreeSet<DataCategory>,
    /// A block in force against the actor's organisation or account.
    pub blocked: bool,
    /// The actor's account holds emergency access to the person that has not run out.
    pub emergency_access: bool,
}

/// Why access was allowed; recorded in the audit event and shown in the person's access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessBasis {
    CareTeam,
    Episode,
    Referral,
    Consent,
    Emergency,
}

impl AccessBasis {
    pub const ALL: [AccessBasis; 5] = [
        AccessBasis::CareTeam,
        AccessBasis::Episode,
        AccessBasis::Referral,
        AccessBasis::Consent,
        AccessBasis::Emergency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AccessBasis::CareTeam => "care_team",
            AccessBasis::Episode => "episode",
            AccessBasis::Referral => "referral",
            AccessBasis::Consent => "consent",
            AccessBasis::Emergency => "emergency",
        }
    }

    pub fn from_code(code: &str) -> Option<AccessBasis> {
        AccessBasis::ALL.into_iter().find(|basis| basis.code() == code)
    }

    /// Work need within the actor's own organisation, as opposed to consent or emergency.
    pub fn is_ordinary(self) -> bool {
        matches!(self, AccessBasis::CareTeam | AccessBasis::Episode | AccessBasis::Referral)
    }
}

/// Proof that the policy allowed `action` on `person` for `actor`. Cannot be built outside this
/// module; store functions that read or change a person's data require one for that person.
#[derive(Debug, Clone)]
pub struct PersonGrant {
    actor: Actor,
    person: PersonId,
    action: PersonAction,
    basis: AccessBasis,
    _sealed: Sealed,
}

impl PersonGrant {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn person(&self) -> PersonId {
        self.person
    }

    pub fn action(&self) -> PersonAction {
        self.action
    }

    pub fn basis(&self) -> AccessBasis {
        self.basis
    }
}

/// What membership of the care team opens by itself: the plan (read and change) and who the
/// person is. Anything else a member from another organisation sees comes from their own work
/// need there or from the person's consent to that organisation (DESIGN: across organisations,
/// a consent that covers the organisation and the category).
fn opened_by_membership(action: PersonAction) -> bool {
    matches!(
        action,
        PersonAction::Read(DataCategory::Plan)
            | PersonAction::Change(DataCategory::Plan)
            | PersonAction::Read(DataCategory::IdentityContact)
    )
}

/// Decides access to one person's data.
///
/// Order matters: analysts never see persons; a block beats every ground, emergency access
/// included (it is the person's explicit wish; someone else can act in an emergency); ordinary
/// work need covers every category; a consent covers its categories; emergency access lets the
/// actor read, not change.
pub fn authorize_person(
    actor: &Actor,
    person: PersonId,
    action: PersonAction,
    relations: &PersonRelations,
) -> Result<PersonGrant, Denial> {
    if actor.role == Role::Analyst {
        return Err(Denial::AnalystsSeeAggregatesOnly);
    }
    if relations.blocked {
        return Err(Denial::Blocked);
    }
    let ordinary = if relations.care_team_member && opened_by_membership(action) {
        Some(AccessBasis::CareTeam)
    } else if relations.active_episode_at_organization {
        Some(AccessBasis::Episode)
    } else if relations.open_referral_at_organization {
        Some(AccessBasis::Referral)
    } else {
        None
    };
    let grant = |basis| PersonGrant { actor: actor.clone(), person, action, basis, _sealed: Sealed };
    if let Some(basis) = ordinary {
        return Ok(grant(basis));
    }
    let category = match action {
        PersonAction::Read(category) | PersonAction::Change(category) => Some(category),
        PersonAction::ManageConsentAndBlocks | PersonAction::ReadAccessLog => None,
    };
    if let Some(category) = category
        && relations.consented_categories.contains(&category)
    {
        return Ok(grant(AccessBasis::Consent));
    }
    if relations.emergency_access {
        return match action {
            PersonAction::Read(_) => Ok(grant(AccessBasis::Emergency)),
            _ => Err(Denial::NeedsOrdinaryAccess),
        };
    }
    if category.is_none() && !relations.consented_categories.is_empty() {
        return Err(Denial::NeedsOrdinaryAccess);
    }
    if !relations.consented_categories.is_empty() {
        return Err(Denial::CategoryNotConsented);
    }
    Err(Denial::NoWorkNeed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { account: AccountId::generate(), organization: OrganizationId::generate(), role }
    }

    #[test]
    fn only_admins_administer() {
        for action in [Action::ManageAccounts, Action::ManageOrganizations, Action::ReadAuditLog] {
            assert!(authorize(&actor(Role::Admin), action).is_ok());
            for role in [Role::Leader, Role::Caseworker, Role::Analyst] {
                assert_eq!(authorize(&actor(role), action).unwrap_err(), Denial::RoleLacksAction);
            }
        }
    }

    #[test]
    fn only_admins_manage_deadline_rules() {
        assert!(authorize(&actor(Role::Admin), Action::ManageDeadlineRules).is_ok());
        for role in [Role::Leader, Role::Caseworker, Role::Analyst] {
            assert_eq!(authorize(&actor(role), Action::ManageDeadlineRules).unwrap_err(), Denial::RoleLacksAction);
        }
    }

    #[test]
    fn leaders_describe_their_own_services_only() {
        let leader = actor(Role::Leader);
        let own = Action::ManageService { provider: leader.organization };
        let other = Action::ManageService { provider: OrganizationId::generate() };
        assert!(authorize(&leader, own).is_ok());
        assert!(authorize(&leader, other).is_err());
        assert!(authorize(&actor(Role::Admin), other).is_ok());
        for role in [Role::Caseworker, Role::Analyst] {
            let someone = actor(role);
            assert!(authorize(&someone, Action::ManageService { provider: someone.organization }).is_err());
        }
    }

    fn relations() -> PersonRelations {
        PersonRelations::default()
    }

    fn decide(role: Role, action: PersonAction, relations: &PersonRelations) -> Result<AccessBasis, Denial> {
        authorize_person(&actor(role), PersonId::generate(), action, relations).map(|grant| grant.basis())
    }

    const READ_PLAN: PersonAction = PersonAction::Read(DataCategory::Plan);
    const CHANGE_PLAN: PersonAction = PersonAction::Change(DataCategory::Plan);

    #[test]
    fn work_need_in_the_own_organisation_opens_every_category() {
        let with_episode = PersonRelations { active_episode_at_organization: true, ..relations() };
        for role in [Role::Admin, Role::Leader, Role::Caseworker] {
            for category in DataCategory::ALL {
                assert_eq!(decide(role, PersonAction::Read(category), &with_episode), Ok(AccessBasis::Episode));
                assert_eq!(decide(role, PersonAction::Change(category), &with_episode), Ok(AccessBasis::Episode));
            }
            assert_eq!(decide(role, PersonAction::ManageConsentAndBlocks, &with_episode), Ok(AccessBasis::Episode));
        }
        let in_team = PersonRelations { care_team_member: true, active_episode_at_organization: true, ..relations() };
        assert_eq!(decide(Role::Caseworker, READ_PLAN, &in_team), Ok(AccessBasis::CareTeam));
        let referred = PersonRelations { open_referral_at_organization: true, ..relations() };
        assert_eq!(decide(Role::Caseworker, READ_PLAN, &referred), Ok(AccessBasis::Referral));
    }

    #[test]
    fn the_care_team_opens_the_plan_and_identity_only() {
        let member = PersonRelations { care_team_member: true, ..relations() };
        assert_eq!(decide(Role::Caseworker, READ_PLAN, &member), Ok(AccessBasis::CareTeam));
        assert_eq!(decide(Role::Caseworker, CHANGE_PLAN, &member), Ok(AccessBasis::CareTeam));
        assert_eq!(
            decide(Role::Caseworker, PersonAction::Read(DataCategory::IdentityContact), &member),
            Ok(AccessBasis::CareTeam)
        );
        for action in [
            PersonAction::Read(DataCategory::Notes),
            PersonAction::Change(DataCategory::IdentityContact),
            PersonAction::Read(DataCategory::ReferralsDecisions),
            PersonAction::ManageConsentAndBlocks,
        ] {
            assert_eq!(decide(Role::Caseworker, action, &member), Err(Denial::NoWorkNeed), "{action:?}");
        }
        let consented = PersonRelations { consented_categories: BTreeSet::from([DataCategory::Housing]), ..member };
        assert_eq!(
            decide(Role::Caseworker, PersonAction::Read(DataCategory::Housing), &consented),
            Ok(AccessBasis::Consent)
        );
    }

    #[test]
    fn without_work_need_nothing_is_open() {
        for role in [Role::Admin, Role::Leader, Role::Caseworker] {
            assert_eq!(decide(role, READ_PLAN, &relations()), Err(Denial::NoWorkNeed));
            assert_eq!(decide(role, PersonAction::ReadAccessLog, &relations()), Err(Denial::NoWorkNeed));
        }
    }

    #[test]
    fn consent_opens_its_categories_only() {
        let consented = PersonRelations { consented_categories: BTreeSet::from([DataCategory::Plan]), ..relations() };
        assert_eq!(decide(Role::Caseworker, READ_PLAN, &consented), Ok(AccessBasis::Consent));
        assert_eq!(decide(Role::Caseworker, CHANGE_PLAN, &consented), Ok(AccessBasis::Consent));
        assert_eq!(
            decide(Role::Caseworker, PersonAction::Read(DataCategory::Notes), &consented),
            Err(Denial::CategoryNotConsented)
        );
        assert_eq!(
            decide(Role::Caseworker, PersonAction::ManageConsentAndBlocks, &consented),
            Err(Denial::NeedsOrdinaryAccess)
        );
    }

    #[test]
    fn a_block_beats_every_ground() {
        let everything = PersonRelations {
            care_team_member: true,
            active_episode_at_organization: true,
            open_referral_at_organization: true,
            consented_categories: DataCategory::ALL.into_iter().collect(),
            blocked: true,
            emergency_access: true,
        };
        for action in [READ_PLAN, CHANGE_PLAN, PersonAction::ManageConsentAndBlocks, PersonAction::ReadAccessLog] {
            assert_eq!(decide(Role::Leader, action, &everything), Err(Denial::Blocked));
        }
    }

    #[test]
    fn emergency_access_reads_but_does_not_change() {
        let emergency = PersonRelations { emergency_access: true, ..relations() };
        assert_eq!(decide(Role::Caseworker, READ_PLAN, &emergency), Ok(AccessBasis::Emergency));
        assert_eq!(decide(Role::Caseworker, CHANGE_PLAN, &emergency), Err(Denial::NeedsOrdinaryAccess));
        assert_eq!(decide(Role::Caseworker, PersonAction::ReadAccessLog, &emergency), Err(Denial::NeedsOrdinaryAccess));
    }

    #[test]
    fn analysts_never_see_a_person() {
        let everything = PersonRelations {
            care_team_member: true,
            active_episode_at_organization: true,
            consented_categories: DataCategory::ALL.into_iter().collect(),
            emergency_access: true,
            ..relations()
        };
        for category in DataCategory::ALL {
            assert_eq!(
                decide(Role::Analyst, PersonAction::Read(category), &everything),
                Err(Denial::AnalystsSeeAggregatesOnly)
            );
        }
        for action in [Action::RegisterPerson, Action::SearchPersons, Action::RequestEmergencyAccess] {
            assert_eq!(authorize(&actor(Role::Analyst), action).unwrap_err(), Denial::AnalystsSeeAggregatesOnly);
            assert!(authorize(&actor(Role::Caseworker), action).is_ok());
        }
    }

    #[test]
    fn deadlines_are_listed_in_the_own_organisation_and_all_of_them_by_leaders() {
        let caseworker = actor(Role::Caseworker);
        let own = |all| Action::ListDeadlines { organization: caseworker.organization, all };
        assert!(authorize(&caseworker, own(false)).is_ok());
        assert_eq!(authorize(&caseworker, own(true)).unwrap_err(), Denial::RoleLacksAction);
        let leader = actor(Role::Leader);
        assert!(authorize(&leader, Action::ListDeadlines { organization: leader.organization, all: true }).is_ok());
        let elsewhere = Action::ListDeadlines { organization: OrganizationId::generate(), all: false };
        assert!(authorize(&leader, elsewhere).is_err());
        let analyst = actor(Role::Analyst);
        let analysts_own = Action::ListDeadlines { organization: analyst.organization, all: false };
        assert_eq!(authorize(&analyst, analysts_own).unwrap_err(), Denial::AnalystsSeeAggregatesOnly);
    }

    #[test]
    fn leaders_review_emergency_access_in_their_own_organisation() {
        let leader = actor(Role::Leader);
        assert!(authorize(&leader, Action::ReviewEmergencyAccess { organization: leader.organization }).is_ok());
        let elsewhere = Action::ReviewEmergencyAccess { organization: OrganizationId::generate() };
        assert!(authorize(&leader, elsewhere).is_err());
        assert!(authorize(&actor(Role::Caseworker), elsewhere).is_err());
        assert!(authorize(&actor(Role::Admin), elsewhere).is_ok());
    }

    #[test]
    fn the_providing_organisation_sees_its_waiting_list_and_analysts_never_see_names() {
        let provider = OrganizationId::generate();
        let list = Action::ReadWaitingList { provider };
        let statistics = Action::ReadWaitingStatistics { provider };
        for role in [Role::Leader, Role::Caseworker] {
            let own = Actor { organization: provider, ..actor(role) };
            assert!(authorize(&own, list).is_ok());
            assert!(authorize(&own, statistics).is_ok());
            assert_eq!(authorize(&actor(role), list).unwrap_err(), Denial::RoleLacksAction);
            assert_eq!(authorize(&actor(role), statistics).unwrap_err(), Denial::RoleLacksAction);
        }
        assert!(authorize(&actor(Role::Admin), list).is_ok());
        assert!(authorize(&actor(Role::Admin), statistics).is_ok());
        let own_analyst = Actor { organization: provider, ..actor(Role::Analyst) };
        assert_eq!(authorize(&own_analyst, list).unwrap_err(), Denial::AnalystsSeeAggregatesOnly);
        assert!(authorize(&own_analyst, statistics).is_ok());
        assert_eq!(authorize(&actor(Role::Analyst), statistics).unwrap_err(), Denial::RoleLacksAction);
    }

    #[test]
    fn person_grants_name_their_person_and_basis() {
        let caseworker = actor(Role::Caseworker);
        let person = PersonId::generate();
        let relations = PersonRelations { active_episode_at_organization: true, ..relations() };
        let grant = authorize_person(&caseworker, person, READ_PLAN, &relations).unwrap();
        assert_eq!((grant.person(), grant.action(), grant.actor()), (person, READ_PLAN, &caseworker));
        assert_eq!(READ_PLAN.code(), "read:plan");
    }

    #[test]
    fn tallies_and_vacancies_belong_to_the_providing_organisation_and_dashboards_to_planners_too() {
        let provider = OrganizationId::generate();
        let own = |role| Actor { organization: provider, ..actor(role) };
        for action in
            [Action::ReadVacancies { provider }, Action::RecordTallies { provider }, Action::ReadTallies { provider }]
        {
            assert!(authorize(&own(Role::Caseworker), action).is_ok());
            assert!(authorize(&own(Role::Leader), action).is_ok());
            assert!(authorize(&actor(Role::Admin), action).is_ok());
            assert_eq!(authorize(&actor(Role::Caseworker), action).unwrap_err(), Denial::RoleLacksAction);
            assert_eq!(authorize(&own(Role::Analyst), action).unwrap_err(), Denial::AnalystsSeeAggregatesOnly);
        }
        let dashboard = Action::ReadServiceDashboard { provider };
        assert!(authorize(&own(Role::Analyst), dashboard).is_ok());
        assert!(authorize(&own(Role::Caseworker), dashboard).is_ok());
        assert_eq!(authorize(&actor(Role::Leader), dashboard).unwrap_err(), Denial::RoleLacksAction);
        for role in [Role::Admin, Role::Leader, Role::Analyst] {
            assert!(authorize(&actor(role), Action::ReadAreaDashboard).is_ok());
        }
        assert_eq!(
            authorize(&actor(Role::Caseworker), Action::ReadAreaDashboard).unwrap_err(),
            Denial::RoleLacksAction
        );
    }

    #[test]
    fn grant_remembers_what_it_allows() {
        let admin = actor(Role::Admin);
        let grant = authorize(&admin, Action::ReadAuditLog).unwrap();
        assert_eq!(grant.actor(), &admin);
        assert_eq!(grant.action(), Action::ReadAuditLog);
    }
}
