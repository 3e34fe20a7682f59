//! Referrals, their steps and follow-up contacts, and the waiting-list settings of a service.
//!
//! Every function that returns or changes a person's referral data takes a [`PersonGrant`] and
//! reads the person id from the grant. The functions behind a service's waiting list and its
//! statistics take the role-level [`Grant`] and return ids and day counts only; the caller asks
//! the policy about each person before showing anything about them.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::ids::{EpisodeId, OrganizationId, PersonId, ServiceId};
use los_core::policy::{Action, Grant, PersonGrant};
use los_core::referral::{NewReferral, Priority, Status, Step};
use sqlx::any::AnyRow;
use uuid::Uuid;

pub use los_core::ids::ReferralId;

use crate::persons::{changes, date_text, opt_date, parse_date, reads, require};
use crate::util::{corrupt, get, micros, parse, placeholders, timestamp};
use crate::{Tx, map_sqlx};

/// The waiting-list follow-up interval when a service has not set one.
pub const DEFAULT_FOLLOW_UP_DAYS: i64 = 14;

/// How a follow-up contact was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactKind {
    Phone,
    Meeting,
    Letter,
    Other,
}

impl ContactKind {
    pub const ALL: [ContactKind; 4] =
        [ContactKind::Phone, ContactKind::Meeting, ContactKind::Letter, ContactKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Meeting => "meeting",
            ContactKind::Letter => "letter",
            ContactKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<ContactKind> {
        ContactKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// What the store knows about a referral without reading anyone's data: whose it is and which
/// organisations are on each end. Used to decide who may act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralParties {
    pub id: ReferralId,
    pub person: PersonId,
    pub from_organization: OrganizationId,
    pub to_service: ServiceId,
    pub to_organization: OrganizationId,
}

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub status: Status,
    pub on: Date,
    pub reason: String,
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub organization: Option<OrganizationId>,
    pub recorded_at: Timestamp,
}

/// One follow-up contact while waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub id: String,
    pub on: Date,
    pub kind: ContactKind,
    pub note: String,
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub recorded_at: Timestamp,
}

/// A stored referral with its steps and contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub person: PersonId,
    pub from_organization: OrganizationId,
    pub from_organization_name: String,
    pub from_service: Option<ServiceId>,
    pub to_service: ServiceId,
    pub to_service_name: String,
    pub to_organization: OrganizationId,
    pub to_organization_name: String,
    pub reason: String,
    pub priority: Priority,
    pub youth_guarantee: bool,
    pub status: Status,
    pub sent_on: Date,
    pub received_on: Option<Date>,
    pub assessed_on: Option<Date>,
    pub right_to_care: bool,
    pub start_deadline: Option<Date>,
    pub decline_reason: Option<String>,
    pub offered_date: Option<Date>,
    pub started_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub withdraw_reason: Option<String>,
    pub episode: Option<EpisodeId>,
    pub version: i64,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub steps: Vec<StepRecord>,
    pub contacts: Vec<ContactRecord>,
}

impl Referral {
    /// The date of the latest step: no new step may come before it.
    pub fn last_step_on(&self) -> Date {
        self.steps.iter().map(|s| s.on).max().unwrap_or(self.sent_on)
    }

    /// The date of the latest follow-up contact, if any.
    pub fn last_contact_on(&self) -> Option<Date> {
        self.contacts.iter().map(|c| c.on).max()
    }
}

fn priority_from(code: &str) -> Result<Priority, Error> {
    Priority::ALL.into_iter().find(|p| p.code() == code).ok_or_else(|| corrupt("priority"))
}

fn status_from(code: &str) -> Result<Status, Error> {
    Status::from_code(code).ok_or_else(|| corrupt("referral status"))
}

fn opt_parse<T: FromStr>(raw: Option<String>, what: &'static str) -> Result<Option<T>, Error> {
    raw.map(|raw| parse(&raw, what)).transpose()
}

const SELECT: &str = "SELECT r.id, r.person_id, r.from_organization_id, fo.name AS from_organization_name, \
    r.from_service_id, r.to_service_id, s.name AS to_service_name, s.provider_organization_id, \
    o.name AS to_organization_name, r.reason, r.priority, r.youth_guarantee, r.status, r.sent_on, r.received_on, \
    r.assessed_on, r.right_to_care, r.start_deadline, r.decline_reason, r.offered_date, r.started_on, \
    r.withdrawn_on, r.withdraw_reason, r.episode_id, r.version, r.created_at, r.created_by \
    FROM referrals r JOIN services s ON s.id = r.to_service_id \
    JOIN organizations o ON o.id = s.provider_organization_id \
    JOIN organizations fo ON fo.id = r.from_organization_id";

fn from_row(row: &AnyRow) -> Result<Referral, Error> {
    Ok(Referral {
        id: parse(&get::<String>(row, "id")?, "referral id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        from_organization: parse(&get::<String>(row, "from_organization_id")?, "organization id")?,
        from_organization_name: get(row, "from_organization_name")?,
        from_service: opt_parse(get(row, "from_service_id")?, "service id")?,
        to_service: parse(&get::<String>(row, "to_service_id")?, "service id")?,
        to_service_name: get(row, "to_service_name")?,
        to_organization: parse(&get::<String>(row, "provider_organization_id")?, "organization id")?,
        to_organization_name: get(row, "to_organization_name")?,
        reason: get(row, "reason")?,
        priority: priority_from(&get::<String>(row, "priority")?)?,
        youth_guarantee: get::<i64>(row, "youth_guarantee")? != 0,
        status: status_from(&get::<String>(row, "status")?)?,
        sent_on: parse_date(&get::<String>(row, "sent_on")?)?,
        received_on: opt_date(get(row, "received_on")?)?,
        assessed_on: opt_date(get(row, "assessed_on")?)?,
        right_to_care: get::<i64>(row, "right_to_care")? != 0,
        start_deadline: opt_date(get(row, "start_deadline")?)?,
        decline_reason: get(row, "decline_reason")?,
        offered_date: opt_date(get(row, "offered_date")?)?,
        started_on: opt_date(get(row, "started_on")?)?,
        withdrawn_on: opt_date(get(row, "withdrawn_on")?)?,
        withdraw_reason: get(row, "withdraw_reason")?,
        episode: opt_parse(get(row, "episode_id")?, "episode id")?,
        version: get(row, "version")?,
        created_at: timestamp(get(row, "created_at")?)?,
        created_by: get(row, "created_by")?,
        steps: Vec::new(),
        contacts: Vec::new(),
    })
}

/// Referrals per statement when many are read at once; SQLite statements stay under 500 bind
/// parameters (decision 0008).
const REFERRALS_PER_QUERY: usize = 400;

async fn fill(tx: &mut Tx, referral: &mut Referral) -> Result<(), Error> {
    fill_many(tx, std::slice::from_mut(referral)).await
}

/// Adds the steps and follow-up contacts to each referral, with one query of each per 400.
async fn fill_many(tx: &mut Tx, referrals: &mut [Referral]) -> Result<(), Error> {
    let position: std::collections::HashMap<String, usize> =
        referrals.iter().enumerate().map(|(n, referral)| (referral.id.to_string(), n)).collect();
    let ids: Vec<String> = referrals.iter().map(|referral| referral.id.to_string()).collect();
    for chunk in ids.chunks(REFERRALS_PER_QUERY) {
        let list = placeholders(1, chunk.len());
        let sql = format!(
            "SELECT st.referral_id, st.status, st.step_on, st.reason, st.account_id, a.display_name, \
             st.organization_id, st.recorded_at \
             FROM referral_steps st LEFT JOIN accounts a ON a.id = st.account_id \
             WHERE st.referral_id IN ({list}) ORDER BY st.recorded_at, st.id"
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let Some(&n) = position.get(&get::<String>(&row, "referral_id")?) else { continue };
            referrals[n].steps.push(StepRecord {
                status: status_from(&get::<String>(&row, "status")?)?,
                on: parse_date(&get::<String>(&row, "step_on")?)?,
                reason: get(&row, "reason")?,
                account: get(&row, "account_id")?,
                account_name: get(&row, "display_name")?,
                organization: opt_parse(get(&row, "organization_id")?, "organization id")?,
                recorded_at: timestamp(get(&row, "recorded_at")?)?,
            });
        }
        let sql = format!(
            "SELECT c.referral_id, c.id, c.contact_on, c.kind, c.note, c.account_id, a.display_name, c.recorded_at \
             FROM referral_contacts c LEFT JOIN accounts a ON a.id = c.account_id \
             WHERE c.referral_id IN ({list}) ORDER BY c.contact_on, c.recorded_at"
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let Some(&n) = position.get(&get::<String>(&row, "referral_id")?) else { continue };
            referrals[n].contacts.push(ContactRecord {
                id: get(&row, "id")?,
                on: parse_date(&get::<String>(&row, "contact_on")?)?,
                kind: ContactKind::from_code(&get::<String>(&row, "kind")?).ok_or_else(|| corrupt("contact kind"))?,
                note: get(&row, "note")?,
                account: get(&row, "account_id")?,
                account_name: get(&row, "display_name")?,
                recorded_at: timestamp(get(&row, "recorded_at")?)?,
            });
        }
    }
    Ok(())
}

/// Who the referral is about and which organisations are on each end; `None` if there is no
/// such referral. Facts only, for deciding who may act.
pub async fn parties(tx: &mut Tx, id: ReferralId) -> Result<Option<ReferralParties>, Error> {
    let row = sqlx::query(
        "SELECT r.person_id, r.from_organization_id, r.to_service_id, s.provider_organization_id \
         FROM referrals r JOIN services s ON s.id = r.to_service_id WHERE r.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ReferralParties {
        id,
        person: parse(&get::<String>(&row, "person_id")?, "person id")?,
        from_organization: parse(&get::<String>(&row, "from_organization_id")?, "organization id")?,
        to_service: parse(&get::<String>(&row, "to_service_id")?, "service id")?,
        to_organization: parse(&get::<String>(&row, "provider_organization_id")?, "organization id")?,
    }))
}

/// The birth date and year of the grant's person, for the under-23 guarantee.
pub async fn birth(tx: &mut Tx, grant: &PersonGrant) -> Result<(Option<Date>, i16), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let row = sqlx::query("SELECT birth_date, birth_year FROM persons WHERE id = $1")
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "person" })?;
    let year = i16::try_from(get::<i64>(&row, "birth_year")?).map_err(|_| corrupt("birth year"))?;
    Ok((opt_date(get(&row, "birth_date")?)?, year))
}

/// Stores a new referral for the grant's person from the actor's organisation, with its first
/// step (sent).
pub async fn insert(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: ReferralId,
    from_service: Option<ServiceId>,
    to_service: ServiceId,
    referral: &NewReferral,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let actor = grant.actor();
    sqlx::query(
        "INSERT INTO referrals (id, person_id, from_organization_id, from_service_id, to_service_id, reason, priority, \
         youth_guarantee, status, sent_on, right_to_care, version, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 1, $11, $12)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(actor.organization.to_string())
    .bind(from_service.map(|s| s.to_string()))
    .bind(to_service.to_string())
    .bind(&referral.reason)
    .bind(referral.priority.code())
    .bind(i64::from(referral.youth_guarantee))
    .bind(Status::Sent.code())
    .bind(date_text(referral.sent_on))
    .bind(micros(at))
    .bind(actor.account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    insert_step(tx, grant, id, Status::Sent, referral.sent_on, "", at).await
}

async fn insert_step(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: ReferralId,
    status: Status,
    on: Date,
    reason: &str,
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO referral_steps (id, referral_id, status, step_on, reason, account_id, organization_id, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(id.to_string())
    .bind(status.code())
    .bind(date_text(on))
    .bind(reason)
    .bind(grant.actor().account.to_string())
    .bind(grant.actor().organization.to_string())
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Whether the grant's person already has an open referral (sent, received, accepted or
/// offered) to `service`.
pub async fn open_to_service(tx: &mut Tx, grant: &PersonGrant, service: ServiceId) -> Result<bool, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM referrals WHERE person_id = $1 AND to_service_id = $2 \
         AND status IN ('sent', 'received', 'accepted', 'offered')",
    )
    .bind(grant.person().to_string())
    .bind(service.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(get::<i64>(&row, "n")? > 0)
}

/// The grant's person's referrals, newest first, with steps and contacts.
pub async fn list(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Referral>, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let rows = sqlx::query(&format!("{SELECT} WHERE r.person_id = $1 ORDER BY r.sent_on DESC, r.id DESC"))
        .bind(grant.person().to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut referral = from_row(row)?;
        fill(tx, &mut referral).await?;
        out.push(referral);
    }
    Ok(out)
}

/// One referral of the grant's person.
pub async fn get_one(tx: &mut Tx, grant: &PersonGrant, id: ReferralId) -> Result<Referral, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1 AND r.person_id = $2"))
        .bind(id.to_string())
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "referral" })?;
    let mut referral = from_row(&row)?;
    fill(tx, &mut referral).await?;
    Ok(referral)
}

/// [`get_one`] for many referrals, each with the grant for its person; in the order given.
pub async fn get_many(tx: &mut Tx, wanted: &[(PersonGrant, ReferralId)]) -> Result<Vec<Referral>, Error> {
    for (grant, _) in wanted {
        require(grant, reads(DataCategory::ReferralsDecisions))?;
    }
    let mut found: std::collections::HashMap<ReferralId, Referral> = std::collections::HashMap::new();
    for chunk in wanted.chunks(REFERRALS_PER_QUERY) {
        let sql = format!("{SELECT} WHERE r.id IN ({})", placeholders(1, chunk.len()));
        let mut query = sqlx::query(&sql);
        for (_, id) in chunk {
            query = query.bind(id.to_string());
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let referral = from_row(&row)?;
            found.insert(referral.id, referral);
        }
    }
    let mut referrals = Vec::with_capacity(wanted.len());
    for (grant, id) in wanted {
        // Each referral must be about the person its grant is for.
        match found.remove(id) {
            Some(referral) if referral.person == grant.person() => referrals.push(referral),
            _ => return Err(Error::NotFound { what: "referral" }),
        }
    }
    fill_many(tx, &mut referrals).await?;
    Ok(referrals)
}

/// Records a step if the referral is still at `expected_version`; `episode` is the episode
/// opened by a start.
pub async fn apply_step(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: ReferralId,
    expected_version: i64,
    step: &Step,
    episode: Option<EpisodeId>,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let on = Some(date_text(step.on));
    let none = None::<String>;
    let reason = Some(step.reason.clone());
    // Each status fills its own columns; the others keep their value.
    let (received, assessed, declined, offered, started, withdrawn, withdraw_reason) = match step.status {
        Status::Received => (on, none.clone(), none.clone(), none.clone(), none.clone(), none.clone(), none),
        Status::Accepted => (none.clone(), on, none.clone(), none.clone(), none.clone(), none.clone(), none),
        Status::Declined => (none.clone(), on, reason, none.clone(), none.clone(), none.clone(), none),
        Status::Offered => (
            none.clone(),
            none.clone(),
            none.clone(),
            step.offered_date.map(date_text),
            none.clone(),
            none.clone(),
            none,
        ),
        Status::Started => (none.clone(), none.clone(), none.clone(), none.clone(), on, none.clone(), none),
        Status::Withdrawn => (none.clone(), none.clone(), none.clone(), none.clone(), none.clone(), on, reason),
        Status::Sent => return Err(Error::Internal),
    };
    let accepted = step.status == Status::Accepted;
    let done = sqlx::query(
        "UPDATE referrals SET status = $1, received_on = COALESCE($2, received_on), \
         assessed_on = COALESCE($3, assessed_on), decline_reason = COALESCE($4, decline_reason), \
         offered_date = COALESCE($5, offered_date), started_on = COALESCE($6, started_on), \
         withdrawn_on = COALESCE($7, withdrawn_on), withdraw_reason = COALESCE($8, withdraw_reason), \
         right_to_care = CASE WHEN $9 = 1 THEN $10 ELSE right_to_care END, \
         start_deadline = CASE WHEN $9 = 1 THEN $11 ELSE start_deadline END, \
         episode_id = COALESCE($12, episode_id), version = version + 1 \
         WHERE id = $13 AND person_id = $14 AND version = $15",
    )
    .bind(step.status.code())
    .bind(received)
    .bind(assessed)
    .bind(declined)
    .bind(offered)
    .bind(started)
    .bind(withdrawn)
    .bind(withdraw_reason)
    .bind(i64::from(accepted))
    .bind(i64::from(step.right_to_care))
    .bind(step.start_deadline.map(date_text))
    .bind(episode.map(|e| e.to_string()))
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "referral" });
    }
    insert_step(tx, grant, id, step.status, step.on, &step.reason, at).await
}

/// Logs a follow-up contact on a referral of the grant's person.
pub async fn add_contact(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: ReferralId,
    on: Date,
    kind: ContactKind,
    note: &str,
    at: Timestamp,
) -> Result<String, Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let contact = Uuid::now_v7().to_string();
    let done = sqlx::query(
        "INSERT INTO referral_contacts (id, referral_id, contact_on, kind, note, account_id, recorded_at) \
         SELECT $1, r.id, $2, $3, $4, $5, $6 FROM referrals r WHERE r.id = $7 AND r.person_id = $8",
    )
    .bind(&contact)
    .bind(date_text(on))
    .bind(kind.code())
    .bind(note)
    .bind(grant.actor().account.to_string())
    .bind(micros(at))
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { what: "referral" });
    }
    Ok(contact)
}

fn require_action(grant: &Grant, allowed: impl Fn(Action) -> bool) -> Result<(), Error> {
    if allowed(grant.action()) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The referrals waiting at a service (accepted or offered), as ids with their person, in queue
/// order: priority, then the date received. The caller decides each person with the policy.
pub async fn waiting_ids(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
) -> Result<Vec<(ReferralId, PersonId)>, Error> {
    require_action(grant, |action| action == Action::ReadWaitingList { provider })?;
    let rows = sqlx::query(
        "SELECT r.id, r.person_id FROM referrals r JOIN services s ON s.id = r.to_service_id \
         WHERE r.to_service_id = $1 AND s.provider_organization_id = $2 AND r.status IN ('accepted', 'offered') \
         ORDER BY CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, \
         COALESCE(r.received_on, r.sent_on), r.id",
    )
    .bind(service.to_string())
    .bind(provider.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok((
                parse(&get::<String>(row, "id")?, "referral id")?,
                parse(&get::<String>(row, "person_id")?, "person id")?,
            ))
        })
        .collect()
}

/// Days from receipt to start of each referral to the service started between `from` and `to`
/// (both included). Numbers only, no person.
pub async fn started_waits(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
    from: Date,
    to: Date,
) -> Result<Vec<i64>, Error> {
    require_action(grant, |action| action == Action::ReadWaitingStatistics { provider })?;
    let rows = sqlx::query(
        "SELECT r.received_on, r.started_on FROM referrals r JOIN services s ON s.id = r.to_service_id \
         WHERE r.to_service_id = $1 AND s.provider_organization_id = $2 AND r.status = 'started' \
         AND r.started_on >= $3 AND r.started_on <= $4",
    )
    .bind(service.to_string())
    .bind(provider.to_string())
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let mut waits = Vec::with_capacity(rows.len());
    for row in &rows {
        let received = opt_date(get(row, "received_on")?)?.ok_or_else(|| corrupt("received date"))?;
        let started = opt_date(get(row, "started_on")?)?.ok_or_else(|| corrupt("start date"))?;
        let days = received.until(started).map_err(|_| corrupt("waiting days"))?.get_days();
        waits.push(i64::from(days));
    }
    Ok(waits)
}

/// Days without contact after which a waiting person needs follow-up at this service.
pub async fn follow_up_days(tx: &mut Tx, service: ServiceId) -> Result<i64, Error> {
    let row = sqlx::query("SELECT follow_up_days FROM waiting_list_settings WHERE service_id = $1")
        .bind(service.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| get::<i64>(&row, "follow_up_days")).transpose().map(|d| d.unwrap_or(DEFAULT_FOLLOW_UP_DAYS))
}

/// Sets the follow-up interval of a service; needs the grant to manage that service.
pub async fn set_follow_up_days(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
    days: i64,
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::ManageService { provider })?;
    let account = grant.actor().account.to_string();
    let done = sqlx::query(
        "UPDATE waiting_list_settings SET follow_up_days = $1, updated_at = $2, updated_by = $3 WHERE service_id = $4",
    )
    .bind(days)
    .bind(micros(at))
    .bind(&account)
    .bind(service.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO waiting_list_settings (service_id, follow_up_days, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(service.to_string())
        .bind(days)
        .bind(micros(at))
        .bind(&account)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    }
    Ok(())
}
