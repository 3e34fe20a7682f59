//! Local deadline rules made by administrators, and the calendar option for the days customarily
//! off in Norway. Not personal data, but every write needs the policy's grant for
//! [`Action::ManageDeadlineRules`].

use jiff::Timestamp;
use los_core::Error;
use los_core::deadline::DeadlineRule;
use los_core::ids::AccountId;
use los_core::policy::{Action, Grant};
use sqlx::any::AnyRow;

use crate::util::{corrupt, get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

/// The settings key of the Norwegian customary days off (Christmas Eve, New Year's Eve).
pub const CUSTOMARY_DAYS_OFF_KEY: &str = "calendar.no.customary_days_off";

/// A stored local rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    pub rule: DeadlineRule,
    pub created_at: Timestamp,
    pub created_by: Option<AccountId>,
    pub updated_at: Timestamp,
    pub updated_by: Option<AccountId>,
    pub version: i64,
}

fn require(grant: &Grant) -> Result<(), Error> {
    if grant.action() == Action::ManageDeadlineRules { Ok(()) } else { Err(Error::Forbidden) }
}

fn rule_json(rule: &DeadlineRule) -> Result<(String, String), Error> {
    let code = rule.code.clone().ok_or(Error::Internal)?;
    let json = serde_json::to_string(rule).map_err(|_| Error::Internal)?;
    Ok((code, json))
}

fn account(raw: Option<String>) -> Result<Option<AccountId>, Error> {
    raw.map(|id| parse(&id, "account id")).transpose()
}

const SELECT: &str =
    "SELECT code, rule, created_at, created_by, updated_at, updated_by, version FROM local_deadline_rules";

fn from_row(row: &AnyRow) -> Result<StoredRule, Error> {
    let code: String = get(row, "code")?;
    let rule: DeadlineRule =
        serde_json::from_str(&get::<String>(row, "rule")?).map_err(|_| corrupt("deadline rule"))?;
    if rule.code.as_deref() != Some(code.as_str()) {
        return Err(corrupt("deadline rule code"));
    }
    Ok(StoredRule {
        rule,
        created_at: timestamp(get(row, "created_at")?)?,
        created_by: account(get(row, "created_by")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        updated_by: account(get(row, "updated_by")?)?,
        version: get(row, "version")?,
    })
}

/// Every stored local rule, by code.
pub async fn list(tx: &mut Tx) -> Result<Vec<StoredRule>, Error> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY code")).fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<StoredRule>, Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE code = $1"))
        .bind(code)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

/// Stores a new local rule at version 1; `Conflict` when the code is taken.
pub async fn insert(tx: &mut Tx, grant: &Grant, rule: &DeadlineRule, at: Timestamp) -> Result<i64, Error> {
    require(grant)?;
    let (code, json) = rule_json(rule)?;
    let by = grant.actor().account.to_string();
    sqlx::query(
        "INSERT INTO local_deadline_rules (code, rule, created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $3, $4, 1)",
    )
    .bind(code)
    .bind(json)
    .bind(micros(at))
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(|error| match map_sqlx(error) {
        Error::Conflict { .. } => Error::Conflict { what: "deadline rule" },
        other => other,
    })?;
    Ok(1)
}

/// Replaces a stored rule if its version is still `expected_version`; otherwise `Conflict`
/// (or `NotFound` when there is no such row). Returns the new version.
pub async fn update(
    tx: &mut Tx,
    grant: &Grant,
    rule: &DeadlineRule,
    expected_version: i64,
    at: Timestamp,
) -> Result<i64, Error> {
    require(grant)?;
    let (code, json) = rule_json(rule)?;
    let done = sqlx::query(
        "UPDATE local_deadline_rules SET rule = $1, updated_at = $2, updated_by = $3, version = version + 1 \
         WHERE code = $4 AND version = $5",
    )
    .bind(json)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(&code)
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() != 1 {
        return match by_code(tx, &code).await? {
            Some(_) => Err(Error::Conflict { what: "deadline rule" }),
            None => Err(Error::NotFound { what: "deadline rule" }),
        };
    }
    Ok(expected_version + 1)
}

/// Whether Christmas Eve and New Year's Eve are days off in Norwegian deadline calendars.
pub async fn customary_days_off(tx: &mut Tx) -> Result<bool, Error> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(CUSTOMARY_DAYS_OFF_KEY)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    match row {
        None => Ok(false),
        Some(row) => match get::<String>(&row, "value")?.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(corrupt("calendar option")),
        },
    }
}

pub async fn set_customary_days_off(tx: &mut Tx, grant: &Grant, on: bool) -> Result<(), Error> {
    require(grant)?;
    let value = if on { "true" } else { "false" };
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
        .bind(CUSTOMARY_DAYS_OFF_KEY)
        .bind(value)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}
