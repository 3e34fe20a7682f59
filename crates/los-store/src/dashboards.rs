//! The aggregates behind the service and area dashboards (design item 13): counts and dates
//! without persons, under the role-level [`Grant`] to read a dashboard.

use jiff::civil::Date;
use los_core::Error;
use los_core::ids::ServiceId;
use los_core::policy::{Action, Grant};

use crate::persons::{date_text, opt_date};
use crate::util::{corrupt, get, placeholders};
use crate::{Tx, map_sqlx};

fn require_dashboard(grant: &Grant) -> Result<(), Error> {
    if matches!(grant.action(), Action::ReadServiceDashboard { .. } | Action::ReadAreaDashboard) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The persons served: the distinct persons with an episode at any of the services bound from
/// `$3` on (`list`) on some day of `$1..=$2`. One definition for every figure about them.
fn served_persons_sql(list: &str) -> String {
    format!(
        "SELECT DISTINCT person_id FROM episodes WHERE service_id IN ({list}) \
         AND start_date <= $2 AND (end_date IS NULL OR end_date >= $1)"
    )
}

/// The persons served in a period and what is counted about them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonsServed {
    /// Distinct persons with an episode at any of the services on some day of the period.
    pub served: i64,
    /// Those of them who also had an episode at a LAR service (one whose focus areas name
    /// "LAR") in the period.
    pub lar: i64,
    /// Those of them who have a plan (a row in `plans`; one per person). Counted in the same
    /// query as `served`, so `served - with_plan` is exactly the persons without one.
    pub with_plan: i64,
}

/// Persons with an episode at any of `services` on some day of `first..=last`, how many of them
/// have a plan, and how many also had an episode at a LAR service in that period.
pub async fn persons_served(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
    first: Date,
    last: Date,
) -> Result<PersonsServed, Error> {
    require_dashboard(grant)?;
    if services.is_empty() {
        return Ok(PersonsServed::default());
    }
    let list = placeholders(3, services.len());
    let served_sql = format!(
        "SELECT COUNT(*) AS n, COUNT(p.person_id) AS with_plan FROM ({}) x \
         LEFT JOIN plans p ON p.person_id = x.person_id",
        served_persons_sql(&list)
    );
    let lar_sql = format!(
        "SELECT COUNT(DISTINCT e.person_id) AS n FROM episodes e WHERE e.service_id IN ({list}) \
         AND e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $1) \
         AND EXISTS (SELECT 1 FROM episodes l JOIN services ls ON ls.id = l.service_id \
             WHERE l.person_id = e.person_id AND ls.focus_areas LIKE '%\"LAR\"%' \
             AND l.start_date <= $2 AND (l.end_date IS NULL OR l.end_date >= $1))"
    );
    let served = period_row(tx, &served_sql, services, first, last).await?;
    let lar = period_row(tx, &lar_sql, services, first, last).await?;
    Ok(PersonsServed { served: get(&served, "n")?, lar: get(&lar, "n")?, with_plan: get(&served, "with_plan")? })
}

/// Runs a query of one row over `$1 = first`, `$2 = last` and the services from `$3` on.
async fn period_row(
    tx: &mut Tx,
    sql: &str,
    services: &[ServiceId],
    first: Date,
    last: Date,
) -> Result<sqlx::any::AnyRow, Error> {
    let mut query = sqlx::query(sql).bind(date_text(first)).bind(date_text(last));
    for service in services {
        query = query.bind(service.to_string());
    }
    query.fetch_one(&mut **tx).await.map_err(map_sqlx)
}

/// The time each referral to `services` spent on the waiting list: from the day it was accepted
/// to the day it started or was withdrawn (`None` while it still waits).
pub async fn waiting_spells(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
) -> Result<Vec<(Date, Option<Date>)>, Error> {
    require_dashboard(grant)?;
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT assessed_on, started_on, withdrawn_on FROM referrals WHERE to_service_id IN ({}) \
         AND assessed_on IS NOT NULL AND status IN ('accepted', 'offered', 'started', 'withdrawn')",
        placeholders(1, services.len())
    );
    let mut query = sqlx::query(&sql);
    for service in services {
        query = query.bind(service.to_string());
    }
    let rows = query.fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let accepted = opt_date(get(row, "assessed_on")?)?.ok_or_else(|| corrupt("assessed date"))?;
        let ended = opt_date(get(row, "started_on")?)?.or(opt_date(get(row, "withdrawn_on")?)?);
        out.push((accepted, ended));
    }
    Ok(out)
}

/// Days from receipt to start of each referral to `services` started in `first..=last`.
pub async fn started_waits(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
    first: Date,
    last: Date,
) -> Result<Vec<i64>, Error> {
    require_dashboard(grant)?;
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT received_on, started_on FROM referrals WHERE to_service_id IN ({}) AND status = 'started' \
         AND started_on >= $1 AND started_on <= $2",
        placeholders(3, services.len())
    );
    let mut query = sqlx::query(&sql).bind(date_text(first)).bind(date_text(last));
    for service in services {
        query = query.bind(service.to_string());
    }
    let rows = query.fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    let mut waits = Vec::with_capacity(rows.len());
    for row in &rows {
        let received = opt_date(get(row, "received_on")?)?.ok_or_else(|| corrupt("received date"))?;
        let started = opt_date(get(row, "started_on")?)?.ok_or_else(|| corrupt("start date"))?;
        waits.push(i64::from(received.until(started).map_err(|_| corrupt("waiting days"))?.get_days()));
    }
    Ok(waits)
}
