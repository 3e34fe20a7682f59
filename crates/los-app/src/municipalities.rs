//! Municipalities and regions: listed for everyone signed in, changed by administrators.

use los_core::audit::{AuditAction, AuditOutcome};
use los_core::error::Validator;
use los_core::ids::{MunicipalityId, RegionId};
use los_core::municipality::{
    self, MUNICIPALITY_NAME_MAX, MunicipalityNumber, REGION_NAME_MAX, default_time_zone, parse_populations,
};
use los_core::organization::Country;
use los_core::policy::Action;
use los_core::{Error, Reason, account};
use los_store::municipalities::{self as store, Municipality, MunicipalityFields, Region};
use los_store::{audit, map_sqlx};

use crate::accounts::Operator;
use crate::{App, RequestContext};

#[derive(Debug, Clone, Default)]
pub struct MunicipalityInput {
    pub country: String,
    pub number: String,
    pub name: String,
    /// IANA name; the country's zone when empty.
    pub time_zone: String,
    /// Lines of `year: inhabitants`.
    pub populations: String,
}

#[derive(Debug, Clone, Default)]
pub struct RegionInput {
    pub name: String,
    pub host: String,
    pub members: Vec<String>,
}

struct ValidMunicipality {
    country: Country,
    number: MunicipalityNumber,
    name: String,
    time_zone: String,
    populations: Vec<municipality::Population>,
}

fn validate_municipality(input: &MunicipalityInput) -> Result<ValidMunicipality, Error> {
    let mut v = Validator::new();
    let country = v.check(Country::parse("country", &input.country));
    let number = v.check(MunicipalityNumber::parse("number", &input.number));
    let name = v.check(account::parse_display_name("name", &input.name, MUNICIPALITY_NAME_MAX));
    let populations = v.check(parse_populations("populations", &input.populations));
    let time_zone = match (input.time_zone.trim(), country) {
        ("", Some(country)) => Some(default_time_zone(country).to_string()),
        ("", None) => None,
        (zone, _) if jiff::tz::TimeZone::get(zone).is_ok() => Some(zone.to_string()),
        _ => {
            v.add("time_zone", Reason::UnknownValue);
            None
        }
    };
    v.finish()?;
    match (country, number, name, time_zone, populations) {
        (Some(country), Some(number), Some(name), Some(time_zone), Some(populations)) => {
            Ok(ValidMunicipality { country, number, name, time_zone, populations })
        }
        _ => Err(Error::Internal),
    }
}

impl App {
    pub async fn list_municipalities(&self) -> Result<Vec<Municipality>, Error> {
        let mut tx = self.store.read().await?;
        store::list(&mut tx).await
    }

    pub async fn municipality(&self, id: MunicipalityId) -> Result<Municipality, Error> {
        let mut tx = self.store.read().await?;
        store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "municipality" })
    }

    /// Creates a municipality, or updates one when `existing` names it and its version.
    pub async fn save_municipality(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        existing: Option<(MunicipalityId, i64)>,
        input: &MunicipalityInput,
    ) -> Result<Municipality, Error> {
        self.authorize(ctx, operator, Action::ManageOrganizations).await?;
        let valid = validate_municipality(input)?;
        let fields = MunicipalityFields {
            country: valid.country,
            number: valid.number.as_str(),
            name: &valid.name,
            time_zone: &valid.time_zone,
            populations: &valid.populations,
        };
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (id, action) = match existing {
            None => {
                let id = MunicipalityId::generate();
                store::insert(&mut tx, id, &fields, now).await?;
                (id, AuditAction::MunicipalityCreated)
            }
            Some((id, version)) => {
                store::update(&mut tx, id, version, &fields, now).await?;
                (id, AuditAction::MunicipalityUpdated)
            }
        };
        let mut event = ctx.event(now, operator.actor(), action, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let saved = store::by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(saved)
    }

    pub async fn list_regions(&self) -> Result<Vec<Region>, Error> {
        let mut tx = self.store.read().await?;
        store::regions(&mut tx).await
    }

    pub async fn region(&self, id: RegionId) -> Result<Region, Error> {
        let mut tx = self.store.read().await?;
        store::region_by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "region" })
    }

    /// Creates a region, or updates one when `existing` names it and its version. The host is
    /// always a member; a region has at least two members.
    pub async fn save_region(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        existing: Option<(RegionId, i64)>,
        input: &RegionInput,
    ) -> Result<Region, Error> {
        self.authorize(ctx, operator, Action::ManageOrganizations).await?;
        let mut v = Validator::new();
        let name = v.check(account::parse_display_name("name", &input.name, REGION_NAME_MAX));
        let known: Vec<MunicipalityId> = self.list_municipalities().await?.into_iter().map(|m| m.id).collect();
        let parse_known = |raw: &str| raw.trim().parse::<MunicipalityId>().ok().filter(|id| known.contains(id));
        let host = parse_known(&input.host);
        if host.is_none() {
            v.add("host", if input.host.trim().is_empty() { Reason::Required } else { Reason::Unknown });
        }
        let mut members: Vec<MunicipalityId> = Vec::new();
        let mut unknown_member = false;
        for raw in input.members.iter().filter(|raw| !raw.trim().is_empty()) {
            match parse_known(raw) {
                Some(id) if !members.contains(&id) => members.push(id),
                Some(_) => {}
                None => unknown_member = true,
            }
        }
        if unknown_member {
            v.add("members", Reason::Unknown);
        }
        if let Some(host) = host
            && !members.contains(&host)
        {
            members.push(host);
        }
        // Counting members only makes sense once they are all known.
        if members.len() < 2 && !unknown_member && host.is_some() {
            v.add("members", Reason::TooFew { min: 2 });
        }
        v.finish()?;
        let (Some(name), Some(host)) = (name, host) else { return Err(Error::Internal) };
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (id, action) = match existing {
            None => {
                let id = RegionId::generate();
                store::insert_region(&mut tx, id, &name, host, &members, now).await?;
                (id, AuditAction::RegionCreated)
            }
            Some((id, version)) => {
                store::update_region(&mut tx, id, version, &name, host, &members, now).await?;
                (id, AuditAction::RegionUpdated)
            }
        };
        let mut event = ctx.event(now, operator.actor(), action, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let saved = store::region_by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(saved)
    }
}
