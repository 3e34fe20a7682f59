//! Installation-wide settings kept in the database (for example the CSRF signing key), so that
//! several app servers on one PostgreSQL database agree.

use los_core::Error;

use crate::util::get;
use crate::{Tx, map_sqlx};

pub async fn get_value(tx: &mut Tx, key: &str) -> Result<Option<String>, Error> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| get(&row, "value")).transpose()
}

/// Stores `value` unless the key already has one; returns the value in force.
pub async fn get_or_insert(tx: &mut Tx, key: &str, value: &str) -> Result<String, Error> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    get_value(tx, key).await?.ok_or(Error::Internal)
}
