//! Individual plans, their versions, the care team, transitions and meetings.
//!
//! Every function that returns or changes a person's plan takes a [`PersonGrant`] for the plan
//! category and reads the person id from the grant. The functions behind the start page and
//! the coverage figures take the role-level [`Grant`] and return ids, dates and counts only; the
//! caller asks the policy about each person before showing anything about them.

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::ids::{AccountId, MeetingId, MunicipalityId, OrganizationId, PersonId, PlanId};
use los_core::plan::{MeetingStatus, MemberSnapshot, PlanDocument, PlanHeader, PlanKind, PlanSnapshot, Transition};
use los_core::policy::{Action, Grant, PersonGrant};
use los_core::service::Phase;
use sqlx::any::AnyRow;

use crate::persons::{changes, date_text, opt_date, parse_date, reads, require};
use crate::util::{corrupt, get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

/// A stored plan with the names the pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: PlanId,
    pub person: PersonId,
    pub header: PlanHeader,
    pub coordinator_name: String,
    pub organization: OrganizationId,
    pub organization_name: String,
    pub document: PlanDocument,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by_name: Option<String>,
}

/// One saved version of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub version: i64,
    pub changed_at: Timestamp,
    pub changed_by: Option<AccountId>,
    pub changed_by_name: Option<String>,
    pub snapshot: PlanSnapshot,
}

/// A responsibility-group meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub plan: PlanId,
    pub person: PersonId,
    pub starts_at: Timestamp,
    pub duration_minutes: i64,
    pub place: String,
    pub agenda: String,
    pub minutes: String,
    pub status: MeetingStatus,
    /// The care-team members invited, as (account, name).
    pub invited: Vec<(AccountId, String)>,
    pub version: i64,
    pub created_at: Timestamp,
}

/// A meeting's editable part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub starts_at: Timestamp,
    pub duration_minutes: i64,
    pub place: String,
    pub agenda: String,
    pub minutes: String,
    pub status: MeetingStatus,
}

/// A plan the start page lists: facts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    pub plan: PlanId,
    pub person: PersonId,
    pub coordinator: AccountId,
    pub next_revision: Date,
    pub phase: Phase,
}

/// A meeting the start page lists: facts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFacts {
    pub meeting: MeetingId,
    pub person: PersonId,
    pub starts_at: Timestamp,
    pub place: String,
}

/// A transition with open checklist items due by a date: facts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionFacts {
    pub person: PersonId,
    pub transition: Transition,
}

/// How many persons with an active episode at a municipality's services have a plan with a
/// coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub with_active_episode: i64,
    pub with_plan: i64,
    /// Plans whose coordinator account is enabled (a coordinator who has left is no coordinator).
    pub with_coordinator: i64,
}

fn plan_from_row(row: &AnyRow) -> Result<Plan, Error> {
    let document: PlanDocument =
        serde_json::from_str(&get::<String>(row, "document")?).map_err(|_| corrupt("plan document"))?;
    Ok(Plan {
        id: parse(&get::<String>(row, "id")?, "plan id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        header: PlanHeader {
            kind: PlanKind::from_code(&get::<String>(row, "kind")?).ok_or_else(|| corrupt("plan kind"))?,
            coordinator: parse(&get::<String>(row, "coordinator_account_id")?, "account id")?,
            phase: Phase::ALL
                .into_iter()
                .find(|p| p.code() == get::<String>(row, "phase").unwrap_or_default())
                .ok_or_else(|| corrupt("phase"))?,
            period_from: parse_date(&get::<String>(row, "period_from")?)?,
            period_to: parse_date(&get::<String>(row, "period_to")?)?,
            next_revision: parse_date(&get::<String>(row, "next_revision")?)?,
            consent_given_on: opt_date(get(row, "consent_given_on")?)?,
            consent_to_sharing: get::<i64>(row, "consent_to_sharing")? != 0,
        },
        coordinator_name: get(row, "coordinator_name")?,
        organization: parse(&get::<String>(row, "organization_id")?, "organization id")?,
        organization_name: get(row, "organization_name")?,
        document,
        version: get(row, "version")?,
        created_at: timestamp(get(row, "created_at")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        updated_by_name: get(row, "updated_by_name")?,
    })
}

const SELECT_PLAN: &str = "SELECT p.id, p.person_id, p.kind, p.coordinator_account_id, c.display_name AS coordinator_name, \
    p.organization_id, o.name AS organization_name, p.phase, p.period_from, p.period_to, p.next_revision, \
    p.consent_given_on, p.consent_to_sharing, p.document, p.version, p.created_at, p.updated_at, \
    u.display_name AS updated_by_name \
    FROM plans p JOIN accounts c ON c.id = p.coordinator_account_id \
    JOIN organizations o ON o.id = p.organization_id \
    LEFT JOIN accounts u ON u.id = p.updated_by";

/// The person a plan belongs to; `None` if there is no such plan. Facts only.
pub async fn person_of_plan(tx: &mut Tx, id: PlanId) -> Result<Option<PersonId>, Error> {
    let row = sqlx::query("SELECT person_id FROM plans WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| parse(&get::<String>(&row, "person_id")?, "person id")).transpose()
}

/// The person and plan a meeting belongs to; `None` if there is no such meeting. Facts only.
pub async fn person_of_meeting(tx: &mut Tx, id: MeetingId) -> Result<Option<PersonId>, Error> {
    let row = sqlx::query("SELECT person_id FROM plan_meetings WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| parse(&get::<String>(&row, "person_id")?, "person id")).transpose()
}

/// The grant's person's plan, if there is one.
pub async fn read(tx: &mut Tx, grant: &PersonGrant) -> Result<Option<Plan>, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let row = sqlx::query(&format!("{SELECT_PLAN} WHERE p.person_id = $1"))
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(plan_from_row).transpose()
}

/// Stores a new plan (version 1) for the grant's person. A second plan for the same person is
/// a conflict (one living plan per person).
pub async fn insert(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: PlanId,
    organization: OrganizationId,
    header: &PlanHeader,
    document: &PlanDocument,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let document = serde_json::to_string(document).map_err(|_| Error::Internal)?;
    let actor = grant.actor().account.to_string();
    sqlx::query(
        "INSERT INTO plans (id, person_id, kind, coordinator_account_id, organization_id, phase, period_from, \
         period_to, next_revision, consent_given_on, consent_to_sharing, document, version, created_at, created_by, \
         updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $13, $14)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(header.kind.code())
    .bind(header.coordinator.to_string())
    .bind(organization.to_string())
    .bind(header.phase.code())
    .bind(date_text(header.period_from))
    .bind(date_text(header.period_to))
    .bind(date_text(header.next_revision))
    .bind(header.consent_given_on.map(date_text))
    .bind(i64::from(header.consent_to_sharing))
    .bind(document)
    .bind(micros(at))
    .bind(actor)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Saves the plan's header and document if it is still at `expected_version`, and returns the
/// new version. Any other version means someone saved in between: a conflict.
pub async fn update(
    tx: &mut Tx,
    grant: &PersonGrant,
    expected_version: i64,
    organization: OrganizationId,
    header: &PlanHeader,
    document: &PlanDocument,
    at: Timestamp,
) -> Result<i64, Error> {
    require(grant, changes(DataCategory::Plan))?;
    let document = serde_json::to_string(document).map_err(|_| Error::Internal)?;
    let done = sqlx::query(
        "UPDATE plans SET kind = $1, coordinator_account_id = $2, organization_id = $3, phase = $4, period_from = $5, \
         period_to = $6, next_revision = $7, consent_given_on = $8, consent_to_sharing = $9, document = $10, \
         version = version + 1, updated_at = $11, updated_by = $12 WHERE person_id = $13 AND version = $14",
    )
    .bind(header.kind.code())
    .bind(header.coordinator.to_string())
    .bind(organization.to_string())
    .bind(header.phase.code())
    .bind(date_text(header.period_from))
    .bind(date_text(header.period_to))
    .bind(date_text(header.next_revision))
    .bind(header.consent_given_on.map(date_text))
    .bind(i64::from(header.consent_to_sharing))
    .bind(document)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "plan" });
    }
    Ok(expected_version + 1)
}

/// Records the snapshot of a saved version.
pub async fn save_version(
    tx: &mut Tx,
    grant: &PersonGrant,
    plan: PlanId,
    version: i64,
    snapshot: &PlanSnapshot,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let snapshot = serde_json::to_string(snapshot).map_err(|_| Error::Internal)?;
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, version, changed_at, changed_by, snapshot) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(plan.to_string())
    .bind(version)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(snapshot)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Every saved version of the grant's person's plan, oldest first.
pub async fn versions(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<PlanVersion>, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let rows = sqlx::query(
        "SELECT v.version, v.changed_at, v.changed_by, a.display_name, v.snapshot FROM plan_versions v \
         JOIN plans p ON p.id = v.plan_id LEFT JOIN accounts a ON a.id = v.changed_by \
         WHERE p.person_id = $1 ORDER BY v.version",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(PlanVersion {
                version: get(row, "version")?,
                changed_at: timestamp(get(row, "changed_at")?)?,
                changed_by: get::<Option<String>>(row, "changed_by")?
                    .map(|raw| parse(&raw, "account id"))
                    .transpose()?,
                changed_by_name: get(row, "display_name")?,
                snapshot: serde_json::from_str(&get::<String>(row, "snapshot")?)
                    .map_err(|_| corrupt("plan snapshot"))?,
            })
        })
        .collect()
}

/// The grant's person's care team, current and past members, in the order they joined.
pub async fn members(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<MemberSnapshot>, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let rows = sqlx::query(
        "SELECT m.id, m.account_id, a.display_name, m.organization_id, o.name, m.role_in_team, m.from_date, m.to_date \
         FROM care_team_members m JOIN accounts a ON a.id = m.account_id \
         JOIN organizations o ON o.id = m.organization_id WHERE m.person_id = $1 ORDER BY m.from_date, m.id",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(MemberSnapshot {
                id: get(row, "id")?,
                account: parse(&get::<String>(row, "account_id")?, "account id")?,
                name: get(row, "display_name")?,
                organization: parse(&get::<String>(row, "organization_id")?, "organization id")?,
                organization_name: get(row, "name")?,
                role: get(row, "role_in_team")?,
                from: parse_date(&get::<String>(row, "from_date")?)?,
                to: opt_date(get(row, "to_date")?)?,
            })
        })
        .collect()
}

/// Adds a member to the grant's person's care team.
pub async fn add_member(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: &str,
    account: AccountId,
    organization: OrganizationId,
    role: &str,
    from: Date,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    sqlx::query(
        "INSERT INTO care_team_members (id, person_id, account_id, organization_id, role_in_team, from_date) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(grant.person().to_string())
    .bind(account.to_string())
    .bind(organization.to_string())
    .bind(role)
    .bind(date_text(from))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Ends a current membership on `to` (the member's access ends with it). `NotFound` when the
/// grant's person has no such current member.
pub async fn end_member(tx: &mut Tx, grant: &PersonGrant, id: &str, to: Date) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let done =
        sqlx::query("UPDATE care_team_members SET to_date = $1 WHERE id = $2 AND person_id = $3 AND to_date IS NULL")
            .bind(date_text(to))
            .bind(id)
            .bind(grant.person().to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { what: "member" });
    }
    Ok(())
}

fn transition_from_row(row: &AnyRow) -> Result<Transition, Error> {
    Ok(Transition {
        id: get(row, "id")?,
        kind: los_core::plan::TransitionKind::from_code(&get::<String>(row, "kind")?)
            .ok_or_else(|| corrupt("transition kind"))?,
        due_on: parse_date(&get::<String>(row, "due_on")?)?,
        institution: get(row, "institution")?,
        first_contact_on: opt_date(get(row, "first_contact_on")?)?,
        items: serde_json::from_str(&get::<String>(row, "checklist")?).map_err(|_| corrupt("checklist"))?,
    })
}

/// The grant's person's planned transitions, by due date.
pub async fn transitions(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Transition>, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let rows = sqlx::query(
        "SELECT id, kind, due_on, institution, first_contact_on, checklist FROM plan_transitions \
         WHERE person_id = $1 ORDER BY due_on, id",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(transition_from_row).collect()
}

/// Stores a new transition or replaces one of the grant's person's.
pub async fn save_transition(
    tx: &mut Tx,
    grant: &PersonGrant,
    plan: PlanId,
    transition: &Transition,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let checklist = serde_json::to_string(&transition.items).map_err(|_| Error::Internal)?;
    let open = i64::try_from(transition.open_items().len()).map_err(|_| Error::Internal)?;
    let updated = sqlx::query(
        "UPDATE plan_transitions SET kind = $1, due_on = $2, institution = $3, first_contact_on = $4, checklist = $5, \
         open_items = $6 WHERE id = $7 AND person_id = $8",
    )
    .bind(transition.kind.code())
    .bind(date_text(transition.due_on))
    .bind(&transition.institution)
    .bind(transition.first_contact_on.map(date_text))
    .bind(&checklist)
    .bind(open)
    .bind(&transition.id)
    .bind(grant.person().to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if updated.rows_affected() > 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO plan_transitions (id, plan_id, person_id, kind, due_on, institution, first_contact_on, checklist, \
         open_items, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&transition.id)
    .bind(plan.to_string())
    .bind(grant.person().to_string())
    .bind(transition.kind.code())
    .bind(date_text(transition.due_on))
    .bind(&transition.institution)
    .bind(transition.first_contact_on.map(date_text))
    .bind(&checklist)
    .bind(open)
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

const SELECT_MEETING: &str = "SELECT id, plan_id, person_id, starts_at, duration_minutes, place, agenda, minutes, \
    status, invited, version, created_at FROM plan_meetings";

fn meeting_from_row(row: &AnyRow) -> Result<Meeting, Error> {
    let invited: Vec<(AccountId, String)> =
        serde_json::from_str(&get::<String>(row, "invited")?).map_err(|_| corrupt("invited"))?;
    Ok(Meeting {
        id: parse(&get::<String>(row, "id")?, "meeting id")?,
        plan: parse(&get::<String>(row, "plan_id")?, "plan id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        starts_at: timestamp(get(row, "starts_at")?)?,
        duration_minutes: get(row, "duration_minutes")?,
        place: get(row, "place")?,
        agenda: get(row, "agenda")?,
        minutes: get(row, "minutes")?,
        status: MeetingStatus::from_code(&get::<String>(row, "status")?).ok_or_else(|| corrupt("meeting status"))?,
        invited,
        version: get(row, "version")?,
        created_at: timestamp(get(row, "created_at")?)?,
    })
}

/// The grant's person's meetings, by time.
pub async fn meetings(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Meeting>, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let rows = sqlx::query(&format!("{SELECT_MEETING} WHERE person_id = $1 ORDER BY starts_at, id"))
        .bind(grant.person().to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(meeting_from_row).collect()
}

/// One of the grant's person's meetings.
pub async fn meeting(tx: &mut Tx, grant: &PersonGrant, id: MeetingId) -> Result<Meeting, Error> {
    require(grant, reads(DataCategory::Plan))?;
    let row = sqlx::query(&format!("{SELECT_MEETING} WHERE id = $1 AND person_id = $2"))
        .bind(id.to_string())
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "meeting" })?;
    meeting_from_row(&row)
}

/// Schedules a meeting of the grant's person's care team.
pub async fn insert_meeting(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: MeetingId,
    plan: PlanId,
    record: &MeetingRecord,
    invited: &[(AccountId, String)],
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let invited = serde_json::to_string(invited).map_err(|_| Error::Internal)?;
    sqlx::query(
        "INSERT INTO plan_meetings (id, plan_id, person_id, starts_at, duration_minutes, place, agenda, minutes, status, \
         invited, version, created_at, created_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $11)",
    )
    .bind(id.to_string())
    .bind(plan.to_string())
    .bind(grant.person().to_string())
    .bind(micros(record.starts_at))
    .bind(record.duration_minutes)
    .bind(&record.place)
    .bind(&record.agenda)
    .bind(&record.minutes)
    .bind(record.status.code())
    .bind(invited)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Saves a meeting if it is still at `expected_version`; otherwise a conflict.
pub async fn update_meeting(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: MeetingId,
    expected_version: i64,
    record: &MeetingRecord,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Plan))?;
    let done = sqlx::query(
        "UPDATE plan_meetings SET starts_at = $1, duration_minutes = $2, place = $3, agenda = $4, minutes = $5, \
         status = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND person_id = $9 AND version = $10",
    )
    .bind(micros(record.starts_at))
    .bind(record.duration_minutes)
    .bind(&record.place)
    .bind(&record.agenda)
    .bind(&record.minutes)
    .bind(record.status.code())
    .bind(micros(at))
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "meeting" });
    }
    Ok(())
}

fn require_action(grant: &Grant, action: Action) -> Result<(), Error> {
    if grant.action() == action { Ok(()) } else { Err(Error::Forbidden) }
}

/// The plans the grant's actor coordinates, by next revision.
pub async fn coordinated_by(tx: &mut Tx, grant: &Grant) -> Result<Vec<PlanFacts>, Error> {
    require_action(grant, Action::ListOwnPlans)?;
    let rows = sqlx::query(
        "SELECT id, person_id, coordinator_account_id, next_revision, phase FROM plans \
         WHERE coordinator_account_id = $1 ORDER BY next_revision, id",
    )
    .bind(grant.actor().account.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(PlanFacts {
                plan: parse(&get::<String>(row, "id")?, "plan id")?,
                person: parse(&get::<String>(row, "person_id")?, "person id")?,
                coordinator: parse(&get::<String>(row, "coordinator_account_id")?, "account id")?,
                next_revision: parse_date(&get::<String>(row, "next_revision")?)?,
                phase: Phase::ALL
                    .into_iter()
                    .find(|p| p.code() == get::<String>(row, "phase").unwrap_or_default())
                    .ok_or_else(|| corrupt("phase"))?,
            })
        })
        .collect()
}

/// Planned meetings between `from` and `to` of persons whose care team the grant's actor is in
/// on `today`, or whose plan they coordinate.
pub async fn meetings_for(
    tx: &mut Tx,
    grant: &Grant,
    from: Timestamp,
    to: Timestamp,
    today: Date,
) -> Result<Vec<MeetingFacts>, Error> {
    require_action(grant, Action::ListOwnPlans)?;
    let rows = sqlx::query(
        "SELECT m.id, m.person_id, m.starts_at, m.place FROM plan_meetings m JOIN plans p ON p.id = m.plan_id \
         WHERE m.status = 'planned' AND m.starts_at >= $1 AND m.starts_at < $2 AND (p.coordinator_account_id = $3 \
         OR EXISTS (SELECT 1 FROM care_team_members c WHERE c.person_id = m.person_id AND c.account_id = $3 \
         AND c.from_date <= $4 AND (c.to_date IS NULL OR c.to_date >= $4))) ORDER BY m.starts_at, m.id",
    )
    .bind(micros(from))
    .bind(micros(to))
    .bind(grant.actor().account.to_string())
    .bind(date_text(today))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(MeetingFacts {
                meeting: parse(&get::<String>(row, "id")?, "meeting id")?,
                person: parse(&get::<String>(row, "person_id")?, "person id")?,
                starts_at: timestamp(get(row, "starts_at")?)?,
                place: get(row, "place")?,
            })
        })
        .collect()
}

/// Transitions with open checklist items due on or before `until`, of the plans the grant's
/// actor coordinates.
pub async fn transitions_due(tx: &mut Tx, grant: &Grant, until: Date) -> Result<Vec<TransitionFacts>, Error> {
    require_action(grant, Action::ListOwnPlans)?;
    let rows = sqlx::query(
        "SELECT t.id, t.person_id, t.kind, t.due_on, t.institution, t.first_contact_on, t.checklist \
         FROM plan_transitions t JOIN plans p ON p.id = t.plan_id \
         WHERE p.coordinator_account_id = $1 AND t.open_items > 0 AND t.due_on <= $2 ORDER BY t.due_on, t.id",
    )
    .bind(grant.actor().account.to_string())
    .bind(date_text(until))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(TransitionFacts {
                person: parse(&get::<String>(row, "person_id")?, "person id")?,
                transition: transition_from_row(row)?,
            })
        })
        .collect()
}

/// Coverage in a municipality on `today`: distinct persons with an active episode at a service
/// of the municipality, and how many of them have a plan (with an enabled coordinator).
pub async fn coverage(
    tx: &mut Tx,
    grant: &Grant,
    municipality: MunicipalityId,
    today: Date,
) -> Result<Coverage, Error> {
    require_action(grant, Action::ReadPlanCoverage)?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS active, COUNT(p.id) AS with_plan, \
         COUNT(CASE WHEN p.id IS NOT NULL AND a.disabled_at IS NULL THEN 1 END) AS with_coordinator \
         FROM (SELECT DISTINCT e.person_id FROM episodes e JOIN services s ON s.id = e.service_id \
               WHERE s.municipality_id = $1 AND e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $2)) x \
         LEFT JOIN plans p ON p.person_id = x.person_id \
         LEFT JOIN accounts a ON a.id = p.coordinator_account_id",
    )
    .bind(municipality.to_string())
    .bind(date_text(today))
    .fetch_one(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(Coverage {
        with_active_episode: get(&row, "active")?,
        with_plan: get(&row, "with_plan")?,
        with_coordinator: get(&row, "with_coordinator")?,
    })
}

/// Whether the grant's actor's organisation provides a service in the municipality.
pub async fn provides_service_in(tx: &mut Tx, grant: &Grant, municipality: MunicipalityId) -> Result<bool, Error> {
    require_action(grant, Action::ReadPlanCoverage)?;
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM services WHERE municipality_id = $1 AND provider_organization_id = $2")
            .bind(municipality.to_string())
            .bind(grant.actor().organization.to_string())
            .fetch_one(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    Ok(get::<i64>(&row, "n")? > 0)
}
