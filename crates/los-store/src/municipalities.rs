//! Municipalities with populations, and regions with members.

use jiff::Timestamp;
use los_core::Error;
use los_core::ids::{MunicipalityId, RegionId};
use los_core::municipality::Population;
use los_core::organization::Country;
use sqlx::any::AnyRow;

use crate::util::{corrupt, get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub country: Country,
    pub number: String,
    pub name: String,
    pub time_zone: String,
    pub populations: Vec<Population>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// The fields an edit sets.
#[derive(Debug, Clone)]
pub struct MunicipalityFields<'a> {
    pub country: Country,
    pub number: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub populations: &'a [Population],
}

fn municipality_from_row(row: &AnyRow) -> Result<Municipality, Error> {
    let country: String = get(row, "country")?;
    Ok(Municipality {
        id: parse(&get::<String>(row, "id")?, "municipality id")?,
        country: Country::parse("country", &country).map_err(|_| corrupt("country"))?,
        number: get(row, "number")?,
        name: get(row, "name")?,
        time_zone: get(row, "time_zone")?,
        populations: Vec::new(),
        created_at: timestamp(get(row, "created_at")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        version: get(row, "version")?,
    })
}

fn taken(error: Error, field: &str) -> Error {
    match error {
        Error::Conflict { .. } => Error::invalid(field, los_core::Reason::AlreadyExists),
        other => other,
    }
}

async fn replace_populations(tx: &mut Tx, id: MunicipalityId, populations: &[Population]) -> Result<(), Error> {
    sqlx::query("DELETE FROM municipality_populations WHERE municipality_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    for population in populations {
        sqlx::query("INSERT INTO municipality_populations (municipality_id, year, inhabitants) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(i64::from(population.year))
            .bind(population.inhabitants)
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

async fn populations(tx: &mut Tx, id: MunicipalityId) -> Result<Vec<Population>, Error> {
    let rows =
        sqlx::query("SELECT year, inhabitants FROM municipality_populations WHERE municipality_id = $1 ORDER BY year")
            .bind(id.to_string())
            .fetch_all(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            let year: i64 = get(row, "year")?;
            Ok(Population {
                year: i32::try_from(year).map_err(|_| corrupt("year"))?,
                inhabitants: get(row, "inhabitants")?,
            })
        })
        .collect()
}

pub async fn insert(
    tx: &mut Tx,
    id: MunicipalityId,
    fields: &MunicipalityFields<'_>,
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO municipalities (id, country, number, name, time_zone, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, 1)",
    )
    .bind(id.to_string())
    .bind(fields.country.code())
    .bind(fields.number)
    .bind(fields.name)
    .bind(fields.time_zone)
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(|e| taken(map_sqlx(e), "number"))?;
    replace_populations(tx, id, fields.populations).await
}

/// Updates if the stored version is still `expected_version`; otherwise `Conflict`.
pub async fn update(
    tx: &mut Tx,
    id: MunicipalityId,
    expected_version: i64,
    fields: &MunicipalityFields<'_>,
    at: Timestamp,
) -> Result<i64, Error> {
    let done = sqlx::query(
        "UPDATE municipalities SET country = $1, number = $2, name = $3, time_zone = $4, updated_at = $5, \
         version = version + 1 WHERE id = $6 AND version = $7",
    )
    .bind(fields.country.code())
    .bind(fields.number)
    .bind(fields.name)
    .bind(fields.time_zone)
    .bind(micros(at))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(|e| taken(map_sqlx(e), "number"))?;
    if done.rows_affected() != 1 {
        return match by_id(tx, id).await? {
            Some(_) => Err(Error::Conflict { what: "municipality" }),
            None => Err(Error::NotFound { what: "municipality" }),
        };
    }
    replace_populations(tx, id, fields.populations).await?;
    Ok(expected_version + 1)
}

const COLUMNS: &str = "id, country, number, name, time_zone, created_at, updated_at, version";

pub async fn by_id(tx: &mut Tx, id: MunicipalityId) -> Result<Option<Municipality>, Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM municipalities WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let Some(row) = row else { return Ok(None) };
    let mut municipality = municipality_from_row(&row)?;
    municipality.populations = populations(tx, id).await?;
    Ok(Some(municipality))
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Municipality>, Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM municipalities ORDER BY country, name"))
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let mut list: Vec<Municipality> = rows.iter().map(municipality_from_row).collect::<Result<_, _>>()?;
    for municipality in &mut list {
        municipality.populations = populations(tx, municipality.id).await?;
    }
    Ok(list)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    pub host: MunicipalityId,
    /// Members, the host included, by name.
    pub members: Vec<MunicipalityId>,
    pub version: i64,
}

async fn set_members(tx: &mut Tx, id: RegionId, members: &[MunicipalityId]) -> Result<(), Error> {
    sqlx::query("DELETE FROM region_members WHERE region_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    for member in members {
        sqlx::query("INSERT INTO region_members (region_id, municipality_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(member.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

pub async fn insert_region(
    tx: &mut Tx,
    id: RegionId,
    name: &str,
    host: MunicipalityId,
    members: &[MunicipalityId],
    at: Timestamp,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO regions (id, name, host_municipality_id, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $4, 1)",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(host.to_string())
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(|e| taken(map_sqlx(e), "name"))?;
    set_members(tx, id, members).await
}

pub async fn update_region(
    tx: &mut Tx,
    id: RegionId,
    expected_version: i64,
    name: &str,
    host: MunicipalityId,
    members: &[MunicipalityId],
    at: Timestamp,
) -> Result<i64, Error> {
    let done = sqlx::query(
        "UPDATE regions SET name = $1, host_municipality_id = $2, updated_at = $3, version = version + 1 \
         WHERE id = $4 AND version = $5",
    )
    .bind(name)
    .bind(host.to_string())
    .bind(micros(at))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(|e| taken(map_sqlx(e), "name"))?;
    if done.rows_affected() != 1 {
        return match region_by_id(tx, id).await? {
            Some(_) => Err(Error::Conflict { what: "region" }),
            None => Err(Error::NotFound { what: "region" }),
        };
    }
    set_members(tx, id, members).await?;
    Ok(expected_version + 1)
}

fn region_from_row(row: &AnyRow) -> Result<Region, Error> {
    Ok(Region {
        id: parse(&get::<String>(row, "id")?, "region id")?,
        name: get(row, "name")?,
        host: parse(&get::<String>(row, "host_municipality_id")?, "municipality id")?,
        members: Vec::new(),
        version: get(row, "version")?,
    })
}

async fn members(tx: &mut Tx, id: RegionId) -> Result<Vec<MunicipalityId>, Error> {
    let rows = sqlx::query(
        "SELECT m.id FROM region_members r JOIN municipalities m ON m.id = r.municipality_id WHERE r.region_id = $1 \
         ORDER BY m.name",
    )
    .bind(id.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(|row| parse(&get::<String>(row, "id")?, "municipality id")).collect()
}

pub async fn region_by_id(tx: &mut Tx, id: RegionId) -> Result<Option<Region>, Error> {
    let row = sqlx::query("SELECT id, name, host_municipality_id, version FROM regions WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let Some(row) = row else { return Ok(None) };
    let mut region = region_from_row(&row)?;
    region.members = members(tx, id).await?;
    Ok(Some(region))
}

pub async fn regions(tx: &mut Tx) -> Result<Vec<Region>, Error> {
    let rows = sqlx::query("SELECT id, name, host_municipality_id, version FROM regions ORDER BY name")
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let mut list: Vec<Region> = rows.iter().map(region_from_row).collect::<Result<_, _>>()?;
    for region in &mut list {
        region.members = members(tx, region.id).await?;
    }
    Ok(list)
}
