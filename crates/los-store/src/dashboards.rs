//! The aggregates behind the service and area dashboards (design item 13): counts and dates
//! without persons, under the role-level [`Grant`] to read a dashboard.

use jiff::civil::Date;
use los_core::Error;
use los_core::ids::ServiceId;
use los_core::policy::{Action, Grant};

use crate::persons::{date_text, opt_date};
use crate::util::{corrupt, get};
use crate::{Tx, map_sqlx};

fn require_dashboard(grant: &Grant) -> Result<(), Error> {
    if matches!(grant.action(), Action::ReadServiceDashboard { .. } | Action::ReadAreaDashboard) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// `$first, $first + 1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// Persons with an episode at any of `services` on some day of `first..=last`, and how many of
/// them also had an episode at a LAR service (one whose focus areas name "LAR") in that period.
pub async fn persons_served(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
    first: Date,
    last: Date,
) -> Result<(i64, i64), Error> {
    require_dashboard(grant)?;
    if services.is_empty() {
        return Ok((0, 0));
    }
    let list = placeholders(3, services.len());
    let overlapping = "start_date <= $2 AND (end_date IS NULL OR end_date >= $1)";
    let served_sql =
        format!("SELECT COUNT(DISTINCT person_id) AS n FROM episodes WHERE service_id IN ({list}) AND {overlapping}");
    let lar_sql = format!(
        "SELECT COUNT(DISTINCT e.person_id) AS n FROM episodes e WHERE e.service_id IN ({list}) \
         AND e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $1) \
         AND EXISTS (SELECT 1 FROM episodes l JOIN services ls ON ls.id = l.service_id \
             WHERE l.person_id = e.person_id AND ls.focus_areas LIKE '%\"LAR\"%' \
             AND l.start_date <= $2 AND (l.end_date IS NULL OR l.end_date >= $1))"
    );
    let mut counts = Vec::new();
    for sql in [served_sql, lar_sql] {
        let mut query = sqlx::query(&sql).bind(date_text(first)).bind(date_text(last));
        for service in services {
            query = query.bind(service.to_string());
        }
        let row = query.fetch_one(&mut **tx).await.map_err(map_sqlx)?;
        counts.push(get::<i64>(&row, "n")?);
    }
    Ok((counts.first().copied().unwrap_or(0), counts.get(1).copied().unwrap_or(0)))
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
