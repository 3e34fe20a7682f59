//! Housing units and stays (design item 10).
//!
//! Units describe a service and are changed under the grant to manage that service. A stay is
//! a person's data: every function that reads or changes stays of a person takes a
//! [`PersonGrant`] for the housing category and reads the person from it. The functions behind
//! vacancies and dashboards return periods without persons, under the role-level [`Grant`].

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::episode::{EndReason, Period};
use los_core::housing::{StayPeriod, UnitDescription, UnitType};
use los_core::ids::{EpisodeId, HousingUnitId, OrganizationId, PersonId, ServiceId, StayId};
use los_core::policy::{Action, Grant, PersonGrant};
use sqlx::any::AnyRow;

use crate::persons::{changes, date_text, opt_date, parse_date, reads, require};
use crate::util::{corrupt, get, micros, parse, placeholders, timestamp};
use crate::{Tx, map_sqlx};

/// A unit with its service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: HousingUnitId,
    pub service: ServiceId,
    pub service_name: String,
    pub provider: OrganizationId,
    pub description: UnitDescription,
    pub version: i64,
    pub updated_at: Timestamp,
}

/// A stored stay with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub id: StayId,
    pub person: PersonId,
    pub unit: HousingUnitId,
    pub unit_name: String,
    pub unit_type: UnitType,
    pub service: ServiceId,
    pub service_name: String,
    pub provider: OrganizationId,
    pub period: StayPeriod,
    /// The episode the stay opened (and ends with it).
    pub episode: Option<EpisodeId>,
    pub version: i64,
    pub created_at: Timestamp,
}

/// Who a stay is about and where: facts for deciding who may act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayParties {
    pub id: StayId,
    pub person: PersonId,
    pub unit: HousingUnitId,
    pub provider: OrganizationId,
}

fn require_action(grant: &Grant, allowed: impl Fn(Action) -> bool) -> Result<(), Error> {
    if allowed(grant.action()) { Ok(()) } else { Err(Error::Forbidden) }
}

fn unit_type_from(code: &str) -> Result<UnitType, Error> {
    UnitType::from_code(code).ok_or_else(|| corrupt("unit type"))
}

fn capacity_from(raw: i64) -> Result<u32, Error> {
    u32::try_from(raw).map_err(|_| corrupt("capacity"))
}

const UNIT_SELECT: &str = "SELECT u.id, u.service_id, s.name AS service_name, s.provider_organization_id, \
    u.name, u.unit_type, u.capacity, u.version, u.updated_at \
    FROM housing_units u JOIN services s ON s.id = u.service_id";

fn unit_from_row(row: &AnyRow) -> Result<Unit, Error> {
    Ok(Unit {
        id: parse(&get::<String>(row, "id")?, "unit id")?,
        service: parse(&get::<String>(row, "service_id")?, "service id")?,
        service_name: get(row, "service_name")?,
        provider: parse(&get::<String>(row, "provider_organization_id")?, "organization id")?,
        description: UnitDescription {
            name: get(row, "name")?,
            unit_type: unit_type_from(&get::<String>(row, "unit_type")?)?,
            capacity: capacity_from(get(row, "capacity")?)?,
        },
        version: get(row, "version")?,
        updated_at: timestamp(get(row, "updated_at")?)?,
    })
}

pub async fn unit_by_id(tx: &mut Tx, id: HousingUnitId) -> Result<Option<Unit>, Error> {
    let row = sqlx::query(&format!("{UNIT_SELECT} WHERE u.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.as_ref().map(unit_from_row).transpose()
}

/// The units of the given services, by service and name.
pub async fn units_of_services(tx: &mut Tx, services: &[ServiceId]) -> Result<Vec<Unit>, Error> {
    let mut out = Vec::new();
    for service in services {
        let rows = sqlx::query(&format!("{UNIT_SELECT} WHERE u.service_id = $1 ORDER BY u.name, u.id"))
            .bind(service.to_string())
            .fetch_all(&mut **tx)
            .await
            .map_err(map_sqlx)?;
        for row in &rows {
            out.push(unit_from_row(row)?);
        }
    }
    Ok(out)
}

/// Whether another unit of the service already has this name.
pub async fn name_taken(
    tx: &mut Tx,
    service: ServiceId,
    name: &str,
    except: Option<HousingUnitId>,
) -> Result<bool, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM housing_units WHERE service_id = $1 AND name = $2 AND id <> $3")
        .bind(service.to_string())
        .bind(name)
        .bind(except.map(|id| id.to_string()).unwrap_or_default())
        .fetch_one(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(get::<i64>(&row, "n")? > 0)
}

/// Adds a unit to a service; needs the grant to manage that service.
pub async fn insert_unit(
    tx: &mut Tx,
    grant: &Grant,
    id: HousingUnitId,
    service: ServiceId,
    provider: OrganizationId,
    unit: &UnitDescription,
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::ManageService { provider })?;
    sqlx::query(
        "INSERT INTO housing_units (id, service_id, name, unit_type, capacity, version, created_at, updated_at, \
         updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7)",
    )
    .bind(id.to_string())
    .bind(service.to_string())
    .bind(&unit.name)
    .bind(unit.unit_type.code())
    .bind(i64::from(unit.capacity))
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Changes a unit if it is still at `expected_version`.
pub async fn update_unit(
    tx: &mut Tx,
    grant: &Grant,
    id: HousingUnitId,
    provider: OrganizationId,
    expected_version: i64,
    unit: &UnitDescription,
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, |action| action == Action::ManageService { provider })?;
    let done = sqlx::query(
        "UPDATE housing_units SET name = $1, unit_type = $2, capacity = $3, version = version + 1, updated_at = $4, \
         updated_by = $5 WHERE id = $6 AND version = $7",
    )
    .bind(&unit.name)
    .bind(unit.unit_type.code())
    .bind(i64::from(unit.capacity))
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "housing unit" });
    }
    Ok(())
}

fn period_from_row(row: &AnyRow) -> Result<StayPeriod, Error> {
    Ok(StayPeriod { from: parse_date(&get::<String>(row, "from_date")?)?, to: opt_date(get(row, "to_date")?)? })
}

/// The periods of the stays in a unit (no person), leaving out `except`: what a new stay or a
/// capacity change is checked against.
pub async fn periods_at_unit(
    tx: &mut Tx,
    unit: HousingUnitId,
    except: Option<StayId>,
) -> Result<Vec<StayPeriod>, Error> {
    let rows = sqlx::query("SELECT from_date, to_date FROM stays WHERE unit_id = $1 AND id <> $2")
        .bind(unit.to_string())
        .bind(except.map(|id| id.to_string()).unwrap_or_default())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(period_from_row).collect()
}

/// The stay periods (no person) of the given units, for vacancies and dashboards.
pub async fn periods_of_units(
    tx: &mut Tx,
    grant: &Grant,
    units: &[HousingUnitId],
) -> Result<Vec<(HousingUnitId, StayPeriod)>, Error> {
    require_action(grant, |action| {
        matches!(action, Action::ReadVacancies { .. } | Action::ReadServiceDashboard { .. } | Action::ReadAreaDashboard)
    })?;
    let mut out = Vec::new();
    // A region's units in a few statements rather than one per unit.
    for chunk in units.chunks(500) {
        let sql = format!(
            "SELECT unit_id, from_date, to_date FROM stays WHERE unit_id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for unit in chunk {
            query = query.bind(unit.to_string());
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            out.push((parse(&get::<String>(&row, "unit_id")?, "housing unit id")?, period_from_row(&row)?));
        }
    }
    Ok(out)
}

/// The periods of the grant's person's stays anywhere, leaving out `except`.
pub async fn periods_of_person(
    tx: &mut Tx,
    grant: &PersonGrant,
    except: Option<StayId>,
) -> Result<Vec<StayPeriod>, Error> {
    require(grant, reads(DataCategory::Housing))?;
    let rows = sqlx::query("SELECT from_date, to_date FROM stays WHERE person_id = $1 AND id <> $2")
        .bind(grant.person().to_string())
        .bind(except.map(|id| id.to_string()).unwrap_or_default())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(period_from_row).collect()
}

/// The grant's person's episodes at a service (id, period, version): what a new stay keeps in
/// step with.
pub async fn episodes_at_service(
    tx: &mut Tx,
    grant: &PersonGrant,
    service: ServiceId,
) -> Result<Vec<(EpisodeId, Period, i64)>, Error> {
    require(grant, reads(DataCategory::Housing))?;
    let rows =
        sqlx::query("SELECT id, start_date, end_date, version FROM episodes WHERE person_id = $1 AND service_id = $2")
            .bind(grant.person().to_string())
            .bind(service.to_string())
            .fetch_all(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok((
                parse(&get::<String>(row, "id")?, "episode id")?,
                Period {
                    start: parse_date(&get::<String>(row, "start_date")?)?,
                    end: opt_date(get(row, "end_date")?)?,
                },
                get(row, "version")?,
            ))
        })
        .collect()
}

/// Opens the episode a stay keeps in step: at the unit's service from the day the person moved
/// in, ended the day they moved out when that is known.
pub async fn open_stay_episode(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: EpisodeId,
    service: ServiceId,
    period: &StayPeriod,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Housing))?;
    let account = grant.actor().account.to_string();
    sqlx::query(
        "INSERT INTO episodes (id, person_id, service_id, start_date, end_date, end_reason, created_at, created_by, \
         ended_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(service.to_string())
    .bind(date_text(period.from))
    .bind(period.to.map(date_text))
    .bind(period.to.map(|_| EndReason::Completed.code().to_string()))
    .bind(micros(at))
    .bind(&account)
    .bind(period.to.map(|_| account.clone()))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Ends the episode a stay opened, on the day the person moved out. An episode someone already
/// ended stays as it is.
pub async fn end_stay_episode(tx: &mut Tx, grant: &PersonGrant, episode: EpisodeId, end: Date) -> Result<bool, Error> {
    require(grant, changes(DataCategory::Housing))?;
    let done = sqlx::query(
        "UPDATE episodes SET end_date = $1, end_reason = $2, ended_by = $3, version = version + 1 \
         WHERE id = $4 AND person_id = $5 AND end_date IS NULL AND start_date <= $1",
    )
    .bind(date_text(end))
    .bind(EndReason::Completed.code())
    .bind(grant.actor().account.to_string())
    .bind(episode.to_string())
    .bind(grant.person().to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(done.rows_affected() > 0)
}

/// Stores a stay of the grant's person.
pub async fn insert_stay(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: StayId,
    unit: HousingUnitId,
    period: &StayPeriod,
    episode: Option<EpisodeId>,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Housing))?;
    let account = grant.actor().account.to_string();
    sqlx::query(
        "INSERT INTO stays (id, unit_id, person_id, from_date, to_date, episode_id, version, created_at, created_by, \
         ended_by) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(unit.to_string())
    .bind(grant.person().to_string())
    .bind(date_text(period.from))
    .bind(period.to.map(date_text))
    .bind(episode.map(|e| e.to_string()))
    .bind(micros(at))
    .bind(&account)
    .bind(period.to.map(|_| account.clone()))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Records the day the person moved out, if the stay is still open at `expected_version`.
pub async fn end_stay(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: StayId,
    expected_version: i64,
    to: Date,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::Housing))?;
    let done = sqlx::query(
        "UPDATE stays SET to_date = $1, ended_by = $2, version = version + 1 \
         WHERE id = $3 AND person_id = $4 AND version = $5 AND to_date IS NULL",
    )
    .bind(date_text(to))
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "stay" });
    }
    Ok(())
}

/// Who a stay is about and which organisation provides its unit; `None` if there is no such stay.
pub async fn stay_parties(tx: &mut Tx, id: StayId) -> Result<Option<StayParties>, Error> {
    let row = sqlx::query(
        "SELECT st.person_id, st.unit_id, s.provider_organization_id FROM stays st \
         JOIN housing_units u ON u.id = st.unit_id JOIN services s ON s.id = u.service_id WHERE st.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(StayParties {
        id,
        person: parse(&get::<String>(&row, "person_id")?, "person id")?,
        unit: parse(&get::<String>(&row, "unit_id")?, "unit id")?,
        provider: parse(&get::<String>(&row, "provider_organization_id")?, "organization id")?,
    }))
}

const STAY_SELECT: &str = "SELECT st.id, st.person_id, st.unit_id, u.name AS unit_name, u.unit_type, u.service_id, \
    s.name AS service_name, s.provider_organization_id, st.from_date, st.to_date, st.episode_id, st.version, \
    st.created_at FROM stays st JOIN housing_units u ON u.id = st.unit_id JOIN services s ON s.id = u.service_id";

fn stay_from_row(row: &AnyRow) -> Result<Stay, Error> {
    Ok(Stay {
        id: parse(&get::<String>(row, "id")?, "stay id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        unit: parse(&get::<String>(row, "unit_id")?, "unit id")?,
        unit_name: get(row, "unit_name")?,
        unit_type: unit_type_from(&get::<String>(row, "unit_type")?)?,
        service: parse(&get::<String>(row, "service_id")?, "service id")?,
        service_name: get(row, "service_name")?,
        provider: parse(&get::<String>(row, "provider_organization_id")?, "organization id")?,
        period: period_from_row(row)?,
        episode: get::<Option<String>>(row, "episode_id")?.map(|raw| parse(&raw, "episode id")).transpose()?,
        version: get(row, "version")?,
        created_at: timestamp(get(row, "created_at")?)?,
    })
}

/// One stay of the grant's person.
pub async fn stay(tx: &mut Tx, grant: &PersonGrant, id: StayId) -> Result<Stay, Error> {
    require(grant, reads(DataCategory::Housing))?;
    let row = sqlx::query(&format!("{STAY_SELECT} WHERE st.id = $1 AND st.person_id = $2"))
        .bind(id.to_string())
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "stay" })?;
    stay_from_row(&row)
}

/// The grant's person's stays, newest first.
pub async fn stays_of_person(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Stay>, Error> {
    require(grant, reads(DataCategory::Housing))?;
    let rows = sqlx::query(&format!("{STAY_SELECT} WHERE st.person_id = $1 ORDER BY st.from_date DESC, st.id DESC"))
        .bind(grant.person().to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(stay_from_row).collect()
}

/// Takes the unit's row lock for the rest of the transaction, so that two stays recorded at
/// once on PostgreSQL are checked against the capacity one after the other (SQLite has a single
/// writer already).
pub async fn lock_unit(tx: &mut Tx, unit: HousingUnitId) -> Result<(), Error> {
    sqlx::query("UPDATE housing_units SET version = version WHERE id = $1")
        .bind(unit.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}
