//! Episodes (a person enrolled with a service) and relatives. Both belong to one person and
//! are read and changed under that person's grant.

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::episode::{EndReason, Period};
use los_core::ids::{EpisodeId, OrganizationId, RelativeId, ServiceId};
use los_core::policy::{Action, Grant, PersonGrant};
use los_core::relative::{Relation, RelativeRecord};

use crate::persons::{changes, date_text, opt_date, parse_date, reads, require};
use crate::util::{corrupt, get, micros, parse};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub id: EpisodeId,
    pub service: ServiceId,
    pub service_name: String,
    pub provider: OrganizationId,
    pub provider_name: String,
    pub period: Period,
    pub end_reason: Option<EndReason>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relative {
    pub id: RelativeId,
    pub record: RelativeRecord,
}

const SELECT: &str = "SELECT e.id, e.service_id, s.name AS service_name, s.provider_organization_id, \
    o.name AS provider_name, e.start_date, e.end_date, e.end_reason, e.version \
    FROM episodes e JOIN services s ON s.id = e.service_id JOIN organizations o ON o.id = s.provider_organization_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Episode, Error> {
    let end_reason = get::<Option<String>>(row, "end_reason")?
        .map(|code| EndReason::from_code(&code).ok_or_else(|| corrupt("end reason")))
        .transpose()?;
    Ok(Episode {
        id: parse(&get::<String>(row, "id")?, "episode id")?,
        service: parse(&get::<String>(row, "service_id")?, "service id")?,
        service_name: get(row, "service_name")?,
        provider: parse(&get::<String>(row, "provider_organization_id")?, "organization id")?,
        provider_name: get(row, "provider_name")?,
        period: Period {
            start: parse_date(&get::<String>(row, "start_date")?)?,
            end: opt_date(get(row, "end_date")?)?,
        },
        end_reason,
        version: get(row, "version")?,
    })
}

/// The person's episodes, running ones first, then newest first.
pub async fn list(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Episode>, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE e.person_id = $1 ORDER BY CASE WHEN e.end_date IS NULL THEN 0 ELSE 1 END, e.start_date DESC"
    ))
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}

/// Starts an episode. `grant` may be the person grant (an existing person) or, when a person
/// is registered, checked by the caller with the registration grant; see [`start_for_new`].
pub async fn start(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: EpisodeId,
    service: ServiceId,
    start: Date,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    insert(tx, id, grant.person().to_string(), service, start, at, grant.actor().account.to_string()).await
}

/// The first episode of a person being registered, in the same transaction as the registration.
pub async fn start_for_new(
    tx: &mut Tx,
    grant: &Grant,
    person: los_core::ids::PersonId,
    id: EpisodeId,
    service: ServiceId,
    start: Date,
    at: Timestamp,
) -> Result<(), Error> {
    if grant.action() != Action::RegisterPerson {
        return Err(Error::Forbidden);
    }
    insert(tx, id, person.to_string(), service, start, at, grant.actor().account.to_string()).await
}

async fn insert(
    tx: &mut Tx,
    id: EpisodeId,
    person: String,
    service: ServiceId,
    start: Date,
    at: Timestamp,
    by: String,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO episodes (id, person_id, service_id, start_date, created_at, created_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, 1)",
    )
    .bind(id.to_string())
    .bind(person)
    .bind(service.to_string())
    .bind(date_text(start))
    .bind(micros(at))
    .bind(by)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Ends a running episode if its version is still `expected_version`.
pub async fn end(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: EpisodeId,
    expected_version: i64,
    end: Date,
    reason: EndReason,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let done = sqlx::query(
        "UPDATE episodes SET end_date = $1, end_reason = $2, ended_by = $3, version = version + 1 \
         WHERE id = $4 AND person_id = $5 AND version = $6 AND end_date IS NULL",
    )
    .bind(date_text(end))
    .bind(reason.code())
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "episode" });
    }
    Ok(())
}

pub async fn relatives(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Relative>, Error> {
    require(grant, reads(DataCategory::IdentityContact))?;
    let rows = sqlx::query(
        "SELECT id, name, relation, birth_date, phone, may_be_contacted FROM relatives \
         WHERE person_id = $1 AND removed_at IS NULL ORDER BY created_at",
    )
    .bind(grant.person().to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            let relation: String = get(row, "relation")?;
            Ok(Relative {
                id: parse(&get::<String>(row, "id")?, "relative id")?,
                record: RelativeRecord {
                    name: get(row, "name")?,
                    relation: Relation::from_code(&relation).ok_or_else(|| corrupt("relation"))?,
                    birth_date: opt_date(get(row, "birth_date")?)?,
                    phone: get(row, "phone")?,
                    may_be_contacted: get::<i64>(row, "may_be_contacted")? != 0,
                },
            })
        })
        .collect()
}

pub async fn add_relative(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: RelativeId,
    record: &RelativeRecord,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::IdentityContact))?;
    sqlx::query(
        "INSERT INTO relatives (id, person_id, name, relation, birth_date, phone, may_be_contacted, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(&record.name)
    .bind(record.relation.code())
    .bind(record.birth_date.map(date_text))
    .bind(&record.phone)
    .bind(i64::from(record.may_be_contacted))
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

pub async fn remove_relative(tx: &mut Tx, grant: &PersonGrant, id: RelativeId, at: Timestamp) -> Result<(), Error> {
    require(grant, changes(DataCategory::IdentityContact))?;
    let done =
        sqlx::query("UPDATE relatives SET removed_at = $1 WHERE id = $2 AND person_id = $3 AND removed_at IS NULL")
            .bind(micros(at))
            .bind(id.to_string())
            .bind(grant.person().to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { what: "relative" });
    }
    Ok(())
}
