//! Staff accounts, their organisation memberships and recovery codes.

use jiff::Timestamp;
use los_core::Error;
use los_core::account::{Role, Username};
use los_core::ids::{AccountId, OrganizationId};
use los_core::locale::Locale;
use sqlx::any::AnyRow;

use crate::util::{corrupt, get, micros, opt_timestamp, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Clone)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: Locale,
    pub totp_secret: Option<String>,
    pub totp_enrolled_at: Option<Timestamp>,
    pub totp_last_step: Option<i64>,
    pub disabled_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

// Secrets stay out of logs: Debug shows neither the password hash nor the TOTP secret.
impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("second_factor", &self.totp_enrolled_at.is_some())
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

impl Account {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    pub fn has_second_factor(&self) -> bool {
        self.totp_enrolled_at.is_some() && self.totp_secret.is_some()
    }
}

pub(crate) const COLUMNS: &str = "id, username, display_name, password_hash, locale, totp_secret, totp_enrolled_at, \
                       totp_last_step, disabled_at, created_at, updated_at, version";

pub(crate) fn from_row(row: &AnyRow) -> Result<Account, Error> {
    let locale: String = get(row, "locale")?;
    Ok(Account {
        id: parse(&get::<String>(row, "id")?, "account id")?,
        username: get(row, "username")?,
        display_name: get(row, "display_name")?,
        password_hash: get(row, "password_hash")?,
        locale: Locale::from_tag(&locale).ok_or_else(|| corrupt("locale"))?,
        totp_secret: get(row, "totp_secret")?,
        totp_enrolled_at: opt_timestamp(get(row, "totp_enrolled_at")?)?,
        totp_last_step: get(row, "totp_last_step")?,
        disabled_at: opt_timestamp(get(row, "disabled_at")?)?,
        created_at: timestamp(get(row, "created_at")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        version: get(row, "version")?,
    })
}

pub struct NewAccount<'a> {
    pub id: AccountId,
    pub username: &'a Username,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub locale: Locale,
    pub at: Timestamp,
}

/// Inserts an account; a taken username is an `Invalid(username, AlreadyExists)`.
pub async fn insert(tx: &mut Tx, account: &NewAccount<'_>) -> Result<(), Error> {
    let result = sqlx::query(
        "INSERT INTO accounts (id, username, display_name, password_hash, locale, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
    )
    .bind(account.id.to_string())
    .bind(account.username.as_str())
    .bind(account.display_name)
    .bind(account.password_hash)
    .bind(account.locale.tag())
    .bind(micros(account.at))
    .execute(&mut **tx)
    .await;
    match result.map_err(map_sqlx) {
        Err(Error::Conflict { .. }) => Err(Error::invalid("username", los_core::Reason::AlreadyExists)),
        other => other.map(|_| ()),
    }
}

pub async fn by_username(tx: &mut Tx, username: &str) -> Result<Option<Account>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE username = $1"))
        .bind(username)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(tx: &mut Tx, id: AccountId) -> Result<Option<Account>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Account>, Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts ORDER BY username"))
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

async fn touch(tx: &mut Tx, id: AccountId, at: Timestamp) -> Result<(), Error> {
    let done = sqlx::query("UPDATE accounts SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(micros(at))
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    if done.rows_affected() == 0 { Err(Error::NotFound { what: "account" }) } else { Ok(()) }
}

/// Disables or enables an account. Disabling also ends all its sessions in the same transaction.
pub async fn set_disabled(
    tx: &mut Tx,
    id: AccountId,
    disabled_at: Option<Timestamp>,
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2")
        .bind(disabled_at.map(micros))
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    if disabled_at.is_some() {
        crate::sessions::delete_for_account(tx, id).await?;
    }
    touch(tx, id, at).await
}

pub async fn set_password_hash(tx: &mut Tx, id: AccountId, hash: &str, at: Timestamp) -> Result<(), Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    touch(tx, id, at).await
}

pub async fn set_locale(tx: &mut Tx, id: AccountId, locale: Locale, at: Timestamp) -> Result<(), Error> {
    sqlx::query("UPDATE accounts SET locale = $1 WHERE id = $2")
        .bind(locale.tag())
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    touch(tx, id, at).await
}

/// Records an enrolled second factor (or clears it with `None`, which also removes the
/// recovery codes).
pub async fn set_second_factor(
    tx: &mut Tx,
    id: AccountId,
    secret: Option<&str>,
    last_step: Option<i64>,
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query("UPDATE accounts SET totp_secret = $1, totp_enrolled_at = $2, totp_last_step = $3 WHERE id = $4")
        .bind(secret)
        .bind(secret.map(|_| micros(at)))
        .bind(last_step)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    if secret.is_none() {
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    touch(tx, id, at).await
}

/// Moves the last accepted TOTP time step forward; false when `step` is not newer, which
/// means the code was already used (replay).
pub async fn advance_totp_step(tx: &mut Tx, id: AccountId, step: i64) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(done.rows_affected() == 1)
}

/// Replaces all recovery codes of an account with new ones (stored hashed).
pub async fn replace_recovery_codes(tx: &mut Tx, id: AccountId, hashes: &[String], at: Timestamp) -> Result<(), Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(hash)
            .bind(micros(at))
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

/// Uses a recovery code once; false when it does not exist or was used before.
pub async fn use_recovery_code(tx: &mut Tx, id: AccountId, hash: &str, at: Timestamp) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(micros(at))
    .bind(id.to_string())
    .bind(hash)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(done.rows_affected() == 1)
}

pub async fn unused_recovery_codes(tx: &mut Tx, id: AccountId) -> Result<i64, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL")
        .bind(id.to_string())
        .fetch_one(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    get(&row, "n")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub role: Role,
}

pub async fn memberships(tx: &mut Tx, id: AccountId) -> Result<Vec<Membership>, Error> {
    let rows = sqlx::query(
        "SELECT m.organization_id AS membership_organization, o.name AS membership_organization_name, \
         m.role AS membership_role FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.account_id = $1 ORDER BY o.name, m.role",
    )
    .bind(id.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(membership_from_row).collect()
}

/// A membership from the columns `membership_organization`, `membership_organization_name` and
/// `membership_role`, as [`memberships`] and the session lookup name them.
pub(crate) fn membership_from_row(row: &AnyRow) -> Result<Membership, Error> {
    let role: String = get(row, "membership_role")?;
    Ok(Membership {
        organization_id: parse(&get::<String>(row, "membership_organization")?, "organization id")?,
        organization_name: get(row, "membership_organization_name")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role"))?,
    })
}

/// Grants a role; false when the account already had it.
pub async fn grant_role(
    tx: &mut Tx,
    id: AccountId,
    organization: OrganizationId,
    role: Role,
    at: Timestamp,
) -> Result<bool, Error> {
    let exists =
        sqlx::query("SELECT 1 AS one FROM memberships WHERE account_id = $1 AND organization_id = $2 AND role = $3")
            .bind(id.to_string())
            .bind(organization.to_string())
            .bind(role.code())
            .fetch_optional(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    if exists.is_some() {
        return Ok(false);
    }
    sqlx::query("INSERT INTO memberships (account_id, organization_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id.to_string())
        .bind(organization.to_string())
        .bind(role.code())
        .bind(micros(at))
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    touch(tx, id, at).await?;
    Ok(true)
}

/// Revokes a role and ends sessions and tokens acting in it; false when it was not held.
pub async fn revoke_role(
    tx: &mut Tx,
    id: AccountId,
    organization: OrganizationId,
    role: Role,
    at: Timestamp,
) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM memberships WHERE account_id = $1 AND organization_id = $2 AND role = $3")
        .bind(id.to_string())
        .bind(organization.to_string())
        .bind(role.code())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND organization_id = $2 AND role = $3")
        .bind(id.to_string())
        .bind(organization.to_string())
        .bind(role.code())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND organization_id = $3 AND role = $4 \
         AND revoked_at IS NULL",
    )
    .bind(micros(at))
    .bind(id.to_string())
    .bind(organization.to_string())
    .bind(role.code())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    touch(tx, id, at).await?;
    Ok(true)
}

pub async fn count(tx: &mut Tx) -> Result<i64, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts").fetch_one(&mut **tx).await.map_err(map_sqlx)?;
    get(&row, "n")
}
