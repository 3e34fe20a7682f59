//! The service catalogue.

use jiff::Timestamp;
use los_core::Error;
use los_core::ids::{MunicipalityId, OrganizationId, RegionId, ServiceId};
use los_core::service::{Capacity, CapacityUnit, Phase, ServiceCategory, ServiceDescription, ServiceYear};
use sqlx::any::AnyRow;

use crate::util::{corrupt, get, micros, parse, placeholders, timestamp};
use crate::{Tx, map_sqlx};

/// Whose chain a service belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceOwner {
    Municipality(MunicipalityId),
    Region(RegionId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub owner: ServiceOwner,
    pub provider: OrganizationId,
    pub provider_name: String,
    pub description: ServiceDescription,
    pub updated_at: Timestamp,
    pub version: i64,
}

fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

fn parse_list(raw: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(raw).map_err(|_| corrupt("list"))
}

async fn write_years(tx: &mut Tx, id: ServiceId, years: &[ServiceYear]) -> Result<(), Error> {
    sqlx::query("DELETE FROM service_years WHERE service_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    for year in years {
        sqlx::query("INSERT INTO service_years (service_id, year, budget, fte_hundredths) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(i64::from(year.year))
            .bind(year.budget)
            .bind(year.fte_hundredths)
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    Ok(())
}

fn owner_ids(owner: ServiceOwner) -> (Option<String>, Option<String>) {
    match owner {
        ServiceOwner::Municipality(id) => (Some(id.to_string()), None),
        ServiceOwner::Region(id) => (None, Some(id.to_string())),
    }
}

pub async fn insert(
    tx: &mut Tx,
    id: ServiceId,
    owner: ServiceOwner,
    provider: OrganizationId,
    d: &ServiceDescription,
    at: Timestamp,
) -> Result<(), Error> {
    let (municipality, region) = owner_ids(owner);
    let phases: Vec<String> = d.phases.iter().map(|p| p.code().to_string()).collect();
    sqlx::query(
        "INSERT INTO services (id, name, provider_organization_id, municipality_id, region_id, category, phases, \
         target_group, goals, legal_bases, capacity, capacity_unit, opening_hours, focus_areas, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)",
    )
    .bind(id.to_string())
    .bind(&d.name)
    .bind(provider.to_string())
    .bind(municipality)
    .bind(region)
    .bind(d.category.code())
    .bind(json_list(&phases))
    .bind(&d.target_group)
    .bind(&d.goals)
    .bind(json_list(&d.legal_bases))
    .bind(d.capacity.map(|c| i64::from(c.amount)))
    .bind(d.capacity.map(|c| c.unit.code()))
    .bind(&d.opening_hours)
    .bind(json_list(&d.focus_areas))
    .bind(micros(at))
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    write_years(tx, id, &d.years).await
}

/// Updates if the stored version is still `expected_version`; otherwise `Conflict`.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    tx: &mut Tx,
    id: ServiceId,
    expected_version: i64,
    owner: ServiceOwner,
    provider: OrganizationId,
    d: &ServiceDescription,
    at: Timestamp,
) -> Result<i64, Error> {
    let (municipality, region) = owner_ids(owner);
    let phases: Vec<String> = d.phases.iter().map(|p| p.code().to_string()).collect();
    let done = sqlx::query(
        "UPDATE services SET name = $1, provider_organization_id = $2, municipality_id = $3, region_id = $4, \
         category = $5, phases = $6, target_group = $7, goals = $8, legal_bases = $9, capacity = $10, \
         capacity_unit = $11, opening_hours = $12, focus_areas = $13, updated_at = $14, version = version + 1 \
         WHERE id = $15 AND version = $16",
    )
    .bind(&d.name)
    .bind(provider.to_string())
    .bind(municipality)
    .bind(region)
    .bind(d.category.code())
    .bind(json_list(&phases))
    .bind(&d.target_group)
    .bind(&d.goals)
    .bind(json_list(&d.legal_bases))
    .bind(d.capacity.map(|c| i64::from(c.amount)))
    .bind(d.capacity.map(|c| c.unit.code()))
    .bind(&d.opening_hours)
    .bind(json_list(&d.focus_areas))
    .bind(micros(at))
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() != 1 {
        return match by_id(tx, id).await? {
            Some(_) => Err(Error::Conflict { what: "service" }),
            None => Err(Error::NotFound { what: "service" }),
        };
    }
    write_years(tx, id, &d.years).await?;
    Ok(expected_version + 1)
}

const SELECT: &str = "SELECT s.id, s.name, s.provider_organization_id, o.name AS provider_name, s.municipality_id, \
     s.region_id, s.category, s.phases, s.target_group, s.goals, s.legal_bases, s.capacity, s.capacity_unit, \
     s.opening_hours, s.focus_areas, s.updated_at, s.version FROM services s \
     JOIN organizations o ON o.id = s.provider_organization_id";

fn from_row(row: &AnyRow) -> Result<Service, Error> {
    let municipality: Option<String> = get(row, "municipality_id")?;
    let region: Option<String> = get(row, "region_id")?;
    let owner = match (municipality, region) {
        (Some(m), None) => ServiceOwner::Municipality(parse(&m, "municipality id")?),
        (None, Some(r)) => ServiceOwner::Region(parse(&r, "region id")?),
        _ => return Err(corrupt("service owner")),
    };
    let category: String = get(row, "category")?;
    let phases = parse_list(&get::<String>(row, "phases")?)?
        .iter()
        .map(|code| Phase::parse("phases", code).map_err(|_| corrupt("phase")))
        .collect::<Result<Vec<_>, _>>()?;
    let amount: Option<i64> = get(row, "capacity")?;
    let unit: Option<String> = get(row, "capacity_unit")?;
    let capacity = match (amount, unit) {
        (Some(amount), Some(unit)) => Some(Capacity {
            amount: u32::try_from(amount).map_err(|_| corrupt("capacity"))?,
            unit: CapacityUnit::parse("capacity_unit", &unit).map_err(|_| corrupt("capacity unit"))?,
        }),
        _ => None,
    };
    Ok(Service {
        id: parse(&get::<String>(row, "id")?, "service id")?,
        owner,
        provider: parse(&get::<String>(row, "provider_organization_id")?, "organization id")?,
        provider_name: get(row, "provider_name")?,
        description: ServiceDescription {
            name: get(row, "name")?,
            category: ServiceCategory::parse("category", &category).map_err(|_| corrupt("category"))?,
            phases,
            target_group: get(row, "target_group")?,
            goals: get(row, "goals")?,
            legal_bases: parse_list(&get::<String>(row, "legal_bases")?)?,
            capacity,
            opening_hours: get(row, "opening_hours")?,
            focus_areas: parse_list(&get::<String>(row, "focus_areas")?)?,
            years: Vec::new(),
        },
        updated_at: timestamp(get(row, "updated_at")?)?,
        version: get(row, "version")?,
    })
}

/// Fills in each service's budget years: one statement per 500 services rather than one each
/// (a region's chain is hundreds of services).
async fn with_years(tx: &mut Tx, mut services: Vec<Service>) -> Result<Vec<Service>, Error> {
    let mut years: std::collections::HashMap<String, Vec<ServiceYear>> = std::collections::HashMap::new();
    for chunk in services.chunks(500) {
        let sql = format!(
            "SELECT service_id, year, budget, fte_hundredths FROM service_years WHERE service_id IN ({}) \
             ORDER BY service_id, year",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for service in chunk {
            query = query.bind(service.id.to_string());
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let year: i64 = get(&row, "year")?;
            years.entry(get(&row, "service_id")?).or_default().push(ServiceYear {
                year: i32::try_from(year).map_err(|_| corrupt("year"))?,
                budget: get(&row, "budget")?,
                fte_hundredths: get(&row, "fte_hundredths")?,
            });
        }
    }
    for service in &mut services {
        service.description.years = years.remove(&service.id.to_string()).unwrap_or_default();
    }
    Ok(services)
}

pub async fn by_id(tx: &mut Tx, id: ServiceId) -> Result<Option<Service>, Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    match row {
        None => Ok(None),
        Some(row) => Ok(with_years(tx, vec![from_row(&row)?]).await?.into_iter().next()),
    }
}

/// The services an organisation provides, by name.
pub async fn provided_by(tx: &mut Tx, provider: OrganizationId) -> Result<Vec<Service>, Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE s.provider_organization_id = $1 ORDER BY s.name"))
        .bind(provider.to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let list = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    with_years(tx, list).await
}

/// The services of a municipality's chain: its own and those of the regions it is a member of.
pub async fn for_municipality(tx: &mut Tx, id: MunicipalityId) -> Result<Vec<Service>, Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE s.municipality_id = $1 OR s.region_id IN \
         (SELECT region_id FROM region_members WHERE municipality_id = $1) ORDER BY s.category, s.name"
    ))
    .bind(id.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let list = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    with_years(tx, list).await
}

/// The services of a region's chain: its own and those of its member municipalities.
pub async fn for_region(tx: &mut Tx, id: RegionId) -> Result<Vec<Service>, Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE s.region_id = $1 OR s.municipality_id IN \
         (SELECT municipality_id FROM region_members WHERE region_id = $1) ORDER BY s.category, s.name"
    ))
    .bind(id.to_string())
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    let list = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    with_years(tx, list).await
}
