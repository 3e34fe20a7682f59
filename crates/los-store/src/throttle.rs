//! Failed-login counters per account and per client address.

use jiff::Timestamp;
use los_core::Error;

use crate::util::{get, micros, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub failures: i64,
    pub last_failure_at: Timestamp,
}

pub async fn get_count(tx: &mut Tx, key: &str) -> Result<Option<FailureCount>, Error> {
    let row = sqlx::query("SELECT failures, last_failure_at FROM login_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| {
        Ok(FailureCount {
            failures: get(&row, "failures")?,
            last_failure_at: timestamp(get(&row, "last_failure_at")?)?,
        })
    })
    .transpose()
}

/// Counts one more failure; a count whose last failure is older than `reset_before` starts over.
pub async fn record_failure(tx: &mut Tx, key: &str, at: Timestamp, reset_before: Timestamp) -> Result<i64, Error> {
    let failures = match get_count(tx, key).await? {
        Some(count) if count.last_failure_at >= reset_before => count.failures + 1,
        _ => 1,
    };
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at",
    )
    .bind(key)
    .bind(failures)
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(failures)
}

pub async fn clear(tx: &mut Tx, key: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&mut **tx).await.map_err(map_sqlx)?;
    Ok(())
}
