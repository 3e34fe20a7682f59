//! Personal access tokens for API clients. Only a hash of the token is stored.

use jiff::Timestamp;
use los_core::Error;
use los_core::account::Role;
use los_core::ids::{AccountId, OrganizationId, TokenId};
use sqlx::any::AnyRow;

use crate::util::{corrupt, get, micros, opt_timestamp, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub account_id: AccountId,
    pub organization_id: OrganizationId,
    pub role: Role,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, account_id, organization_id, role, name, created_at, expires_at, last_used_at, revoked_at";

fn from_row(row: &AnyRow) -> Result<ApiToken, Error> {
    let role: String = get(row, "role")?;
    Ok(ApiToken {
        id: parse(&get::<String>(row, "id")?, "token id")?,
        account_id: parse(&get::<String>(row, "account_id")?, "account id")?,
        organization_id: parse(&get::<String>(row, "organization_id")?, "organization id")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role"))?,
        name: get(row, "name")?,
        created_at: timestamp(get(row, "created_at")?)?,
        expires_at: opt_timestamp(get(row, "expires_at")?)?,
        last_used_at: opt_timestamp(get(row, "last_used_at")?)?,
        revoked_at: opt_timestamp(get(row, "revoked_at")?)?,
    })
}

pub async fn insert(tx: &mut Tx, token: &ApiToken, token_hash: &str) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO api_tokens (id, account_id, organization_id, role, name, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token.id.to_string())
    .bind(token.account_id.to_string())
    .bind(token.organization_id.to_string())
    .bind(token.role.code())
    .bind(&token.name)
    .bind(token_hash)
    .bind(micros(token.created_at))
    .bind(token.expires_at.map(micros))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

pub async fn by_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<ApiToken>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1"))
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn for_account(tx: &mut Tx, account: AccountId) -> Result<Vec<ApiToken>, Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC"))
        .bind(account.to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

/// Revokes one of the account's own tokens; false when there was no such live token.
pub async fn revoke(tx: &mut Tx, account: AccountId, id: TokenId, at: Timestamp) -> Result<bool, Error> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
            .bind(micros(at))
            .bind(id.to_string())
            .bind(account.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_used(tx: &mut Tx, id: TokenId, at: Timestamp) -> Result<(), Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(micros(at))
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}
