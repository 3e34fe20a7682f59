//! Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a
//! copy of the database does not yield live sessions.

use jiff::Timestamp;
use los_core::Error;
use los_core::account::Role;
use los_core::ids::{AccountId, OrganizationId};
use std::sync::LazyLock;

use sqlx::any::AnyRow;

use crate::accounts::{self, Account, Membership};
use crate::util::{corrupt, get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

/// How far a login has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Password accepted; the second factor is still to be given.
    SecondFactor,
    /// Password accepted; the account has no second factor yet and must enrol one.
    Enrolment,
    /// Fully signed in.
    Active,
}

impl SessionStage {
    pub fn code(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Enrolment => "enrolment",
            SessionStage::Active => "active",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [SessionStage::SecondFactor, SessionStage::Enrolment, SessionStage::Active]
            .into_iter()
            .find(|stage| stage.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub account_id: AccountId,
    pub stage: SessionStage,
    pub organization_id: Option<OrganizationId>,
    pub role: Option<Role>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// The session's columns, named apart from an account's so the two can share a row.
const COLUMNS: &str = "s.id_hash AS session_id_hash, s.account_id AS session_account, s.stage AS session_stage, \
                       s.organization_id AS session_organization, s.role AS session_role, \
                       s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at";

fn from_row(row: &AnyRow) -> Result<Session, Error> {
    let stage: String = get(row, "session_stage")?;
    let organization: Option<String> = get(row, "session_organization")?;
    let role: Option<String> = get(row, "session_role")?;
    Ok(Session {
        id_hash: get(row, "session_id_hash")?,
        account_id: parse(&get::<String>(row, "session_account")?, "account id")?,
        stage: SessionStage::parse(&stage).ok_or_else(|| corrupt("session stage"))?,
        organization_id: organization.map(|id| parse(&id, "organization id")).transpose()?,
        role: role.map(|code| Role::from_code(&code).ok_or_else(|| corrupt("role"))).transpose()?,
        created_at: timestamp(get(row, "session_created_at")?)?,
        last_seen_at: timestamp(get(row, "session_last_seen_at")?)?,
    })
}

pub async fn insert(tx: &mut Tx, session: &Session) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, stage, organization_id, role, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&session.id_hash)
    .bind(session.account_id.to_string())
    .bind(session.stage.code())
    .bind(session.organization_id.map(|id| id.to_string()))
    .bind(session.role.map(|role| role.code()))
    .bind(micros(session.created_at))
    .bind(micros(session.last_seen_at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

pub async fn by_hash(tx: &mut Tx, id_hash: &str) -> Result<Option<Session>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sessions s WHERE s.id_hash = $1"))
        .bind(id_hash)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

/// A session with its account and the account's memberships, as every signed-in request needs
/// them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: Session,
    pub account: Account,
    pub memberships: Vec<Membership>,
}

/// The session behind `id_hash` with its account and memberships, in one statement: the
/// lookup runs on every signed-in request, and each statement is a round trip.
pub async fn signed_in(tx: &mut Tx, id_hash: &str) -> Result<Option<SignedIn>, Error> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let account: Vec<String> = accounts::COLUMNS.split(',').map(|column| format!("a.{}", column.trim())).collect();
        format!(
            "SELECT {COLUMNS}, {}, m.organization_id AS membership_organization, \
             o.name AS membership_organization_name, m.role AS membership_role \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             LEFT JOIN memberships m ON m.account_id = a.id LEFT JOIN organizations o ON o.id = m.organization_id \
             WHERE s.id_hash = $1 ORDER BY o.name, m.role",
            account.join(", ")
        )
    });
    let rows = sqlx::query(&SQL).bind(id_hash).fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    let Some(first) = rows.first() else { return Ok(None) };
    let mut memberships = Vec::with_capacity(rows.len());
    for row in &rows {
        // An account without memberships gives one row whose membership columns are NULL.
        if get::<Option<String>>(row, "membership_organization")?.is_some() {
            memberships.push(accounts::membership_from_row(row)?);
        }
    }
    Ok(Some(SignedIn { session: from_row(first)?, account: accounts::from_row(first)?, memberships }))
}

pub async fn touch(tx: &mut Tx, id_hash: &str, at: Timestamp) -> Result<(), Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(micros(at))
        .bind(id_hash)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}

/// Switches the organisation and role the session acts in.
pub async fn set_membership(tx: &mut Tx, id_hash: &str, organization: OrganizationId, role: Role) -> Result<(), Error> {
    sqlx::query("UPDATE sessions SET organization_id = $1, role = $2 WHERE id_hash = $3")
        .bind(organization.to_string())
        .bind(role.code())
        .bind(id_hash)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete_for_account(tx: &mut Tx, account: AccountId) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(done.rows_affected())
}

/// Removes sessions idle since before `idle_before` or started before `started_before`.
pub async fn delete_expired(tx: &mut Tx, idle_before: Timestamp, started_before: Timestamp) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(micros(idle_before))
        .bind(micros(started_before))
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(done.rows_affected())
}
