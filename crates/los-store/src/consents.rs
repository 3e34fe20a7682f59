//! Consents to share and blocks (sperring) on a person's record.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::{ConsentTerms, DataCategory};
use los_core::ids::{AccountId, BlockId, ConsentId, OrganizationId};
use los_core::policy::{PersonAction, PersonGrant};
use sqlx::any::AnyRow;

use crate::persons::{date_text, parse_date, reads, require};
use crate::util::{corrupt, get, micros, opt_timestamp, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub organization: OrganizationId,
    pub organization_name: String,
    pub terms: ConsentTerms,
    pub given_at: Timestamp,
    pub given_by: Option<String>,
    pub withdrawn_at: Option<Timestamp>,
    pub withdrawn_by: Option<String>,
}

impl Consent {
    /// In force on `today`: not withdrawn and inside its period.
    pub fn in_force(&self, today: Date) -> bool {
        self.withdrawn_at.is_none() && self.terms.valid_from <= today && today <= self.terms.valid_to
    }
}

/// Who a block shuts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockTarget {
    Organization(OrganizationId),
    Account(AccountId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: BlockId,
    pub target: BlockTarget,
    /// The organisation's name or the account's display name.
    pub target_name: String,
    pub reason: String,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub lifted_at: Option<Timestamp>,
    pub lifted_by: Option<String>,
}

pub(crate) fn parse_categories(raw: &str) -> Result<BTreeSet<DataCategory>, Error> {
    let codes: Vec<String> = serde_json::from_str(raw).map_err(|_| corrupt("consent categories"))?;
    codes.iter().map(|code| DataCategory::from_code(code).ok_or_else(|| corrupt("consent category"))).collect()
}

fn manages(action: PersonAction) -> bool {
    action == PersonAction::ManageConsentAndBlocks
}

fn visible(action: PersonAction) -> bool {
    manages(action) || reads(DataCategory::IdentityContact)(action)
}

pub async fn give(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: ConsentId,
    organization: OrganizationId,
    terms: &ConsentTerms,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, manages)?;
    let codes: Vec<&str> = terms.categories.iter().map(|c| c.code()).collect();
    sqlx::query(
        "INSERT INTO consents (id, person_id, organization_id, categories, valid_from, valid_to, note, given_at, \
         given_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(organization.to_string())
    .bind(serde_json::to_string(&codes).map_err(|_| Error::Internal)?)
    .bind(date_text(terms.valid_from))
    .bind(date_text(terms.valid_to))
    .bind(&terms.note)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Withdraws a consent of the granted person; `NotFound` if it is not theirs or already withdrawn.
pub async fn withdraw(tx: &mut Tx, grant: &PersonGrant, id: ConsentId, at: Timestamp) -> Result<(), Error> {
    require(grant, manages)?;
    let done = sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND person_id = $4 \
         AND withdrawn_at IS NULL",
    )
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { what: "consent" });
    }
    Ok(())
}

pub async fn list(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Consent>, Error> {
    require(grant, visible)?;
    let rows = sqlx::query(
        "SELECT c.id, c.organization_id, o.name AS organization_name, c.categories, c.valid_from, c.valid_to, c.note, \
         c.given_at, g.display_name AS given_by, c.withdrawn_at, w.display_name AS withdrawn_by \
         FROM consents c JOIN organizations o ON o.id = c.organization_id \
         LEFT JOIN accounts g ON g.id = c.given_by LEFT JOIN accounts w ON w.id = c.withdrawn_by \
         WHERE c.person_id = $1 ORDER BY c.given_at DESC",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(consent_from_row).collect()
}

fn consent_from_row(row: &AnyRow) -> Result<Consent, Error> {
    Ok(Consent {
        id: parse(&get::<String>(row, "id")?, "consent id")?,
        organization: parse(&get::<String>(row, "organization_id")?, "organization id")?,
        organization_name: get(row, "organization_name")?,
        terms: ConsentTerms {
            categories: parse_categories(&get::<String>(row, "categories")?)?,
            valid_from: parse_date(&get::<String>(row, "valid_from")?)?,
            valid_to: parse_date(&get::<String>(row, "valid_to")?)?,
            note: get(row, "note")?,
        },
        given_at: timestamp(get(row, "given_at")?)?,
        given_by: get(row, "given_by")?,
        withdrawn_at: opt_timestamp(get(row, "withdrawn_at")?)?,
        withdrawn_by: get(row, "withdrawn_by")?,
    })
}

pub async fn set_block(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: BlockId,
    target: BlockTarget,
    reason: &str,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, manages)?;
    let (organization, account) = match target {
        BlockTarget::Organization(id) => (Some(id.to_string()), None),
        BlockTarget::Account(id) => (None, Some(id.to_string())),
    };
    sqlx::query(
        "INSERT INTO blocks (id, person_id, organization_id, account_id, reason, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(organization)
    .bind(account)
    .bind(reason)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

pub async fn lift_block(tx: &mut Tx, grant: &PersonGrant, id: BlockId, at: Timestamp) -> Result<(), Error> {
    require(grant, manages)?;
    let done = sqlx::query(
        "UPDATE blocks SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND person_id = $4 AND lifted_at IS NULL",
    )
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { what: "block" });
    }
    Ok(())
}

pub async fn blocks(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Block>, Error> {
    require(grant, visible)?;
    let rows = sqlx::query(
        "SELECT b.id, b.organization_id, b.account_id, COALESCE(o.name, t.display_name) AS target_name, b.reason, \
         b.created_at, c.display_name AS created_by, b.lifted_at, l.display_name AS lifted_by \
         FROM blocks b LEFT JOIN organizations o ON o.id = b.organization_id \
         LEFT JOIN accounts t ON t.id = b.account_id LEFT JOIN accounts c ON c.id = b.created_by \
         LEFT JOIN accounts l ON l.id = b.lifted_by WHERE b.person_id = $1 ORDER BY b.created_at DESC",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            let organization: Option<String> = get(row, "organization_id")?;
            let account: Option<String> = get(row, "account_id")?;
            let target = match (organization, account) {
                (Some(id), None) => BlockTarget::Organization(parse(&id, "organization id")?),
                (None, Some(id)) => BlockTarget::Account(parse(&id, "account id")?),
                _ => return Err(corrupt("block target")),
            };
            Ok(Block {
                id: parse(&get::<String>(row, "id")?, "block id")?,
                target,
                target_name: get::<Option<String>>(row, "target_name")?.unwrap_or_default(),
                reason: get(row, "reason")?,
                created_at: timestamp(get(row, "created_at")?)?,
                created_by: get(row, "created_by")?,
                lifted_at: opt_timestamp(get(row, "lifted_at")?)?,
                lifted_by: get(row, "lifted_by")?,
            })
        })
        .collect()
}
