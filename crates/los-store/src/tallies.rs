//! Low-threshold tallies (design item 11): the counters a service keeps and the daily entries.
//!
//! Entries are append-only (triggers refuse UPDATE and DELETE): a correction is a new entry for
//! the same service, day and person, and the latest recorded entry wins. Anonymous entries are
//! recorded under the role-level [`Grant`] to record the service's tallies; an entry linked to a
//! person under that person's [`PersonGrant`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::ids::{OrganizationId, PersonId, ServiceId, TallyEntryId};
use los_core::policy::{Action, Grant, PersonGrant};
use los_core::tally::{Counter, TallyEntry};

use crate::persons::{changes, date_text, parse_date, require};
use crate::util::{corrupt, get, micros, parse, placeholders, timestamp};
use crate::{Tx, map_sqlx};

/// One stored entry with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    pub id: TallyEntryId,
    pub day: Date,
    pub person: Option<PersonId>,
    pub counts: BTreeMap<Counter, i64>,
    pub note: String,
    pub recorded_at: Timestamp,
    pub recorded_by: Option<String>,
    pub recorded_by_name: Option<String>,
}

fn require_action(grant: &Grant, allowed: impl Fn(Action) -> bool) -> Result<(), Error> {
    if allowed(grant.action()) { Ok(()) } else { Err(Error::Forbidden) }
}

fn counter_from(code: &str) -> Result<Counter, Error> {
    Counter::from_code(code).ok_or_else(|| corrupt("tally counter"))
}

/// The counters a service keeps, in their fixed order; empty when it keeps none.
pub async fn counters(tx: &mut Tx, service: ServiceId) -> Result<Vec<Counter>, Error> {
    let rows = sqlx::query("SELECT counter FROM tally_counters WHERE service_id = $1")
        .bind(service.to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let mut list =
        rows.iter().map(|row| counter_from(&get::<String>(row, "counter")?)).collect::<Result<Vec<_>, _>>()?;
    list.sort();
    Ok(list)
}

/// Sets the counters a service keeps; needs the grant to manage that service. Entries already
/// recorded keep their counts.
pub async fn set_counters(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
    list: &[Counter],
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::ManageService { provider })?;
    sqlx::query("DELETE FROM tally_counters WHERE service_id = $1")
        .bind(service.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    for counter in list {
        sqlx::query("INSERT INTO tally_counters (service_id, counter) VALUES ($1, $2)")
            .bind(service.to_string())
            .bind(counter.code())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

async fn insert(
    tx: &mut Tx,
    id: TallyEntryId,
    service: ServiceId,
    person: Option<PersonId>,
    entry: &TallyEntry,
    account: String,
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tally_entries (id, service_id, day, person_id, note, recorded_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(service.to_string())
    .bind(date_text(entry.day))
    .bind(person.map(|p| p.to_string()))
    .bind(&entry.note)
    .bind(micros(at))
    .bind(account)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    for (counter, count) in &entry.counts {
        sqlx::query("INSERT INTO tally_counts (entry_id, counter, count) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(counter.code())
            .bind(*count)
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

/// Records a day's anonymous counts (or their correction) at a service of the grant's
/// organisation.
pub async fn insert_anonymous(
    tx: &mut Tx,
    grant: &Grant,
    id: TallyEntryId,
    service: ServiceId,
    provider: OrganizationId,
    entry: &TallyEntry,
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::RecordTallies { provider })?;
    insert(tx, id, service, None, entry, grant.actor().account.to_string(), at).await
}

/// Records a day's counts for the grant's (pseudonymous) person.
pub async fn insert_for_person(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: TallyEntryId,
    service: ServiceId,
    entry: &TallyEntry,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Notes))?;
    insert(tx, id, service, Some(grant.person()), entry, grant.actor().account.to_string(), at).await
}

/// Many days of anonymous counts at once (the demo year), in the caller's transaction.
pub async fn insert_anonymous_days(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
    entries: &[TallyEntry],
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::RecordTallies { provider })?;
    for entry in entries {
        insert(tx, TallyEntryId::generate(), service, None, entry, grant.actor().account.to_string(), at).await?;
    }
    Ok(())
}

/// Every anonymous entry of one day at a service, newest first: the first is in force, the
/// others are its history.
pub async fn day_history(
    tx: &mut Tx,
    grant: &Grant,
    service: ServiceId,
    provider: OrganizationId,
    day: Date,
) -> Result<Vec<EntryRecord>, Error> {
    require_action(
        grant,
        |action| matches!(action, Action::ReadTallies { provider: p } | Action::RecordTallies { provider: p } if p == provider),
    )?;
    let rows = sqlx::query(
        "SELECT e.id, e.day, e.person_id, e.note, e.recorded_at, e.recorded_by, a.display_name \
         FROM tally_entries e LEFT JOIN accounts a ON a.id = e.recorded_by \
         WHERE e.service_id = $1 AND e.day = $2 AND e.person_id IS NULL ORDER BY e.recorded_at DESC, e.id DESC",
    )
    .bind(service.to_string())
    .bind(date_text(day))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = get(row, "id")?;
        let mut counts = BTreeMap::new();
        for count in sqlx::query("SELECT counter, count FROM tally_counts WHERE entry_id = $1")
            .bind(&id)
            .fetch_all(&mut **tx)
            .await
            .map_err(map_sqlx)?
        {
            counts.insert(counter_from(&get::<String>(&count, "counter")?)?, get::<i64>(&count, "count")?);
        }
        out.push(EntryRecord {
            id: parse(&id, "tally entry id")?,
            day: parse_date(&get::<String>(row, "day")?)?,
            person: get::<Option<String>>(row, "person_id")?.map(|p| parse(&p, "person id")).transpose()?,
            counts,
            note: get(row, "note")?,
            recorded_at: timestamp(get(row, "recorded_at")?)?,
            recorded_by: get(row, "recorded_by")?,
            recorded_by_name: get(row, "display_name")?,
        });
    }
    Ok(out)
}

/// The counts in force per day and counter at `services` over `first..=last`, summed over the
/// services: for each service and day, the latest entry of each person (and of the anonymous
/// line). One query however many services a dashboard covers.
pub async fn daily_totals(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
    first: Date,
    last: Date,
) -> Result<BTreeMap<(Date, Counter), i64>, Error> {
    require_action(grant, |action| {
        matches!(
            action,
            Action::ReadTallies { .. }
                | Action::RecordTallies { .. }
                | Action::ReadServiceDashboard { .. }
                | Action::ReadAreaDashboard
        )
    })?;
    if services.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        // The latest entry per service, day and person by a window rather than a NOT EXISTS
        // over later entries: PostgreSQL planned that as a scan of every tally entry (175 ms
        // against 4 ms for a municipality at national scale).
        "SELECT e.day, c.counter, CAST(SUM(c.count) AS BIGINT) AS total FROM \
         (SELECT id, day, ROW_NUMBER() OVER (PARTITION BY service_id, day, COALESCE(person_id, '') \
              ORDER BY recorded_at DESC, id DESC) AS latest \
          FROM tally_entries WHERE service_id IN ({}) AND day >= $1 AND day <= $2) e \
         JOIN tally_counts c ON c.entry_id = e.id WHERE e.latest = 1 \
         GROUP BY e.day, c.counter",
        placeholders(3, services.len())
    );
    let mut query = sqlx::query(&sql).bind(date_text(first)).bind(date_text(last));
    for service in services {
        query = query.bind(service.to_string());
    }
    let rows = query.fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    let mut out = BTreeMap::new();
    for row in &rows {
        let day = parse_date(&get::<String>(row, "day")?)?;
        let counter = counter_from(&get::<String>(row, "counter")?)?;
        out.insert((day, counter), get::<i64>(row, "total")?);
    }
    Ok(out)
}
