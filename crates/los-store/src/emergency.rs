//! Emergency access (break the glass): opened with a reason, limited in time, listed for a
//! leader's review until marked reviewed.

use jiff::Timestamp;
use los_core::Error;
use los_core::account::Role;
use los_core::ids::{EmergencyAccessId, OrganizationId, PersonId};
use los_core::policy::{Action, Grant};

use crate::util::{corrupt, get, micros, opt_timestamp, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyAccess {
    pub id: EmergencyAccessId,
    pub person: PersonId,
    pub account_name: String,
    pub role: Role,
    pub organization_name: String,
    pub reason: String,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    pub reviewed_at: Option<Timestamp>,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
}

pub async fn open(
    tx: &mut Tx,
    grant: &Grant,
    id: EmergencyAccessId,
    person: PersonId,
    reason: &str,
    opened_at: Timestamp,
    expires_at: Timestamp,
) -> Result<(), Error> {
    if grant.action() != Action::RequestEmergencyAccess {
        return Err(Error::Forbidden);
    }
    let actor = grant.actor();
    sqlx::query(
        "INSERT INTO emergency_accesses (id, person_id, account_id, organization_id, role, reason, opened_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .bind(actor.account.to_string())
    .bind(actor.organization.to_string())
    .bind(actor.role.code())
    .bind(reason)
    .bind(micros(opened_at))
    .bind(micros(expires_at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

const SELECT: &str = "SELECT x.id, x.person_id, a.display_name AS account_name, x.role, o.name AS organization_name, \
    x.reason, x.opened_at, x.expires_at, x.reviewed_at, r.display_name AS reviewed_by, x.review_note \
    FROM emergency_accesses x JOIN accounts a ON a.id = x.account_id \
    JOIN organizations o ON o.id = x.organization_id LEFT JOIN accounts r ON r.id = x.reviewed_by";

fn organization_of(grant: &Grant) -> Result<OrganizationId, Error> {
    match grant.action() {
        Action::ReviewEmergencyAccess { organization } => Ok(organization),
        _ => Err(Error::Forbidden),
    }
}

/// The emergency accesses made by accounts acting in the organisation, unreviewed first.
pub async fn for_review(tx: &mut Tx, grant: &Grant, include_reviewed: bool) -> Result<Vec<EmergencyAccess>, Error> {
    let organization = organization_of(grant)?;
    let filter = if include_reviewed { "" } else { " AND x.reviewed_at IS NULL" };
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE x.organization_id = $1{filter} ORDER BY CASE WHEN x.reviewed_at IS NULL THEN 0 ELSE 1 END, \
         x.opened_at DESC LIMIT 500"
    ))
    .bind(organization.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

pub async fn mark_reviewed(
    tx: &mut Tx,
    grant: &Grant,
    id: EmergencyAccessId,
    note: &str,
    at: Timestamp,
) -> Result<PersonId, Error> {
    let organization = organization_of(grant)?;
    let row = sqlx::query(
        "UPDATE emergency_accesses SET reviewed_at = $1, reviewed_by = $2, review_note = $3 \
         WHERE id = $4 AND organization_id = $5 AND reviewed_at IS NULL RETURNING person_id",
    )
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(note)
    .bind(id.to_string())
    .bind(organization.to_string())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_sqlx)?
    .ok_or(Error::NotFound { what: "emergency access" })?;
    parse(&get::<String>(&row, "person_id")?, "person id")
}

/// When the account's emergency access to the person, acting in the organisation, runs out.
pub async fn active_until(
    tx: &mut Tx,
    person: PersonId,
    account: los_core::ids::AccountId,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<Option<Timestamp>, Error> {
    let row = sqlx::query(
        "SELECT MAX(expires_at) AS until FROM emergency_accesses WHERE person_id = $1 AND account_id = $2 \
         AND organization_id = $3 AND expires_at > $4",
    )
    .bind(person.to_string())
    .bind(account.to_string())
    .bind(organization.to_string())
    .bind(micros(now))
    .fetch_one(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    opt_timestamp(get(&row, "until")?)
}

/// The reasons given for emergency accesses to one person, for the person's access log.
pub async fn for_person(tx: &mut Tx, grant: &los_core::policy::PersonGrant) -> Result<Vec<EmergencyAccess>, Error> {
    if grant.action() != los_core::policy::PersonAction::ReadAccessLog {
        return Err(Error::Forbidden);
    }
    let rows = sqlx::query(&format!("{SELECT} WHERE x.person_id = $1 ORDER BY x.opened_at DESC"))
        .bind(grant.person().to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<EmergencyAccess, Error> {
    let role: String = get(row, "role")?;
    Ok(EmergencyAccess {
        id: parse(&get::<String>(row, "id")?, "emergency access id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        account_name: get(row, "account_name")?,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role"))?,
        organization_name: get(row, "organization_name")?,
        reason: get(row, "reason")?,
        opened_at: timestamp(get(row, "opened_at")?)?,
        expires_at: timestamp(get(row, "expires_at")?)?,
        reviewed_at: opt_timestamp(get(row, "reviewed_at")?)?,
        reviewed_by: get(row, "reviewed_by")?,
        review_note: get(row, "review_note")?,
    })
}
