//! Organisations. The service-chain capability extends them with municipalities and services.

use jiff::Timestamp;
use los_core::Error;
use los_core::ids::OrganizationId;
use los_core::organization::{Country, OrganizationKind};
use sqlx::any::AnyRow;

use crate::util::{get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub kind: OrganizationKind,
    pub country: Country,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

fn from_row(row: &AnyRow) -> Result<Organization, Error> {
    let kind: String = get(row, "kind")?;
    let country: String = get(row, "country")?;
    Ok(Organization {
        id: parse(&get::<String>(row, "id")?, "organization id")?,
        name: get(row, "name")?,
        kind: OrganizationKind::parse("kind", &kind).map_err(|_| crate::util::corrupt("organization kind"))?,
        country: Country::parse("country", &country).map_err(|_| crate::util::corrupt("country"))?,
        created_at: timestamp(get(row, "created_at")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        version: get(row, "version")?,
    })
}

const COLUMNS: &str = "id, name, kind, country, created_at, updated_at, version";

pub async fn insert(
    tx: &mut Tx,
    id: OrganizationId,
    name: &str,
    kind: OrganizationKind,
    country: Country,
    at: Timestamp,
) -> Result<(), Error> {
    let result = sqlx::query(
        "INSERT INTO organizations (id, name, kind, country, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $5, 1)",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(kind.code())
    .bind(country.code())
    .bind(micros(at))
    .execute(&mut **tx)
    .await;
    match result.map_err(map_sqlx) {
        Err(Error::Conflict { .. }) => Err(Error::invalid("name", los_core::Reason::AlreadyExists)),
        other => other.map(|_| ()),
    }
}

/// Updates an organisation if it still has `expected_version`; otherwise `Conflict`.
pub async fn update(
    tx: &mut Tx,
    id: OrganizationId,
    expected_version: i64,
    name: &str,
    kind: OrganizationKind,
    country: Country,
    at: Timestamp,
) -> Result<i64, Error> {
    let result = sqlx::query(
        "UPDATE organizations SET name = $1, kind = $2, country = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6",
    )
    .bind(name)
    .bind(kind.code())
    .bind(country.code())
    .bind(micros(at))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await;
    let done = match result.map_err(map_sqlx) {
        Err(Error::Conflict { .. }) => return Err(Error::invalid("name", los_core::Reason::AlreadyExists)),
        other => other?,
    };
    if done.rows_affected() == 1 {
        return Ok(expected_version + 1);
    }
    match by_id(tx, id).await? {
        Some(_) => Err(Error::Conflict { what: "organization" }),
        None => Err(Error::NotFound { what: "organization" }),
    }
}

pub async fn by_id(tx: &mut Tx, id: OrganizationId) -> Result<Option<Organization>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM organizations WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_name(tx: &mut Tx, name: &str) -> Result<Option<Organization>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM organizations WHERE name = $1"))
        .bind(name)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Organization>, Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM organizations ORDER BY name"))
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(from_row).collect()
}
