//! Demo data: organisations from the planning documents and one account per role. Idempotent:
//! running it again leaves an installation that already has the data as it is.

use los_core::Error;
use los_core::account::Role;
use los_store::organizations;

use crate::accounts::{NewAccountInput, Operator};
use crate::municipalities::{MunicipalityInput, RegionInput};
use crate::organizations::OrganizationInput;
use crate::services::ServiceInput;
use crate::{App, RequestContext};
use los_core::service::{ServiceFields, ServiceYear};

/// The password of every demo account. Printed at start; demo installations only.
pub const DEMO_PASSWORD: &str = "Demo-Los-2026";

/// A login printed when a demo installation starts.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub organization: String,
}

struct DemoOrganization {
    name: &'static str,
    kind: &'static str,
    country: &'static str,
}

const ORGANIZATIONS: [DemoOrganization; 6] = [
    DemoOrganization { name: "Porsgrunn kommune – Rustjenesten", kind: "municipal_unit", country: "NO" },
    DemoOrganization { name: "Porsgrunn kommune – Lavterskel helse", kind: "municipal_unit", country: "NO" },
    DemoOrganization {
        name: "Helseforetaket – Avdeling for rus og avhengighet (TSB)",
        kind: "hospital_trust",
        country: "NO",
    },
    DemoOrganization { name: "NAV Porsgrunn", kind: "nav", country: "NO" },
    DemoOrganization { name: "Kirkens Bymisjon – Natthjemmet", kind: "ngo", country: "NO" },
    DemoOrganization { name: "Kriminalvården – Frivården Region Öst", kind: "prison_probation", country: "SE" },
];

struct DemoAccount {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    organization: usize,
    locale: &'static str,
}

// Invented names, obviously not real people.
const ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        username: "admin",
        display_name: "Ada Administrator (demo)",
        role: Role::Admin,
        organization: 0,
        locale: "nb",
    },
    DemoAccount {
        username: "leder",
        display_name: "Lea Leder (demo)",
        role: Role::Leader,
        organization: 0,
        locale: "nb",
    },
    DemoAccount {
        username: "koordinator",
        display_name: "Kim Koordinator (demo)",
        role: Role::Caseworker,
        organization: 0,
        locale: "nb",
    },
    DemoAccount {
        username: "analytiker",
        display_name: "Ane Analytiker (demo)",
        role: Role::Analyst,
        organization: 0,
        locale: "nb",
    },
    DemoAccount {
        username: "tsb",
        display_name: "Tore Terapeut (demo)",
        role: Role::Caseworker,
        organization: 2,
        locale: "nb",
    },
    DemoAccount {
        username: "frivarden",
        display_name: "Sara Handläggare (demo)",
        role: Role::Caseworker,
        organization: 5,
        locale: "sv",
    },
];

struct DemoMunicipality {
    country: &'static str,
    number: &'static str,
    name: &'static str,
    populations: &'static str,
}

// Official numbers; populations rounded from the national statistics offices.
const MUNICIPALITIES: [DemoMunicipality; 6] = [
    DemoMunicipality { country: "NO", number: "4001", name: "Porsgrunn", populations: "2024: 37 300\n2025: 37 500" },
    DemoMunicipality { country: "NO", number: "4003", name: "Skien", populations: "2024: 56 000\n2025: 56 300" },
    DemoMunicipality { country: "NO", number: "4012", name: "Bamble", populations: "2024: 14 100\n2025: 14 100" },
    DemoMunicipality { country: "NO", number: "4010", name: "Siljan", populations: "2024: 2 300\n2025: 2 300" },
    DemoMunicipality { country: "SE", number: "0581", name: "Norrköping", populations: "2024: 145 000" },
    DemoMunicipality { country: "SE", number: "0580", name: "Linköping", populations: "2024: 166 000" },
];

/// A demo service: (owner: 0 Porsgrunn, 1 Grenland region, 2 Östergötland region), provider
/// index into ORGANIZATIONS, and its description.
struct DemoService {
    owner: usize,
    provider: usize,
    name: &'static str,
    category: &'static str,
    phases: &'static [&'static str],
    target_group: &'static str,
    goals: &'static str,
    legal_bases: &'static [&'static str],
    capacity: Option<(u32, &'static str)>,
    opening_hours: &'static str,
    focus_areas: &'static [&'static str],
    budget: i64,
    fte_hundredths: i64,
}

// The Porsgrunn service chain of the 2009 substance-use plan, a regional housing-and-treatment
// service with the hospital trust, and the Swedish collaboration with the prison service.
const SERVICES: [DemoService; 11] = [
    DemoService {
        owner: 0,
        provider: 0,
        name: "Rusteamet – oppfølging og LAR i kommunen",
        category: "follow_up",
        phases: &["pre_treatment", "treatment", "aftercare"],
        target_group: "Voksne med rusmiddelproblemer, også personer i LAR (om lag 160 personer, av dem om lag 75 i LAR).",
        goals: "Oppfølging før, under og etter behandling.\nIndividuell plan og koordinator til alle som trenger det.",
        legal_bases: &["no.hol.3-2", "no.hol.7-1"],
        capacity: Some((160, "places")),
        opening_hours: "Man–fre 08–15.30",
        focus_areas: &["LAR", "Individuell plan"],
        budget: 18_000_000,
        fte_hundredths: 1600,
    },
    DemoService {
        owner: 0,
        provider: 1,
        name: "Lavterskel helsetilbud",
        category: "health",
        phases: &["pre_treatment", "aftercare"],
        target_group: "Personer som bruker rusmidler, uten krav til henvisning (om lag 120 aktive brukere).",
        goals: "Skadereduksjon: sprøyteutdeling og -innlevering, sårstell, vaksiner og helsesamtaler.",
        legal_bases: &["no.hol.3-2"],
        capacity: None,
        opening_hours: "Man–fre 09–15",
        focus_areas: &["Skadereduksjon", "Sprøyteutdeling"],
        budget: 6_500_000,
        fte_hundredths: 550,
    },
    DemoService {
        owner: 0,
        provider: 1,
        name: "Dagsenter",
        category: "activity_work",
        phases: &["pre_treatment", "aftercare"],
        target_group: "Personer med rusmiddelproblemer som trenger et sted å være og noe å gjøre (25–30 besøk om dagen).",
        goals: "Måltider, aktivitet og kontakt med hjelpeapparatet.",
        legal_bases: &["no.sotjl.17"],
        capacity: None,
        opening_hours: "Man–fre 10–15",
        focus_areas: &["Aktivitet"],
        budget: 3_200_000,
        fte_hundredths: 300,
    },
    DemoService {
        owner: 0,
        provider: 0,
        name: "Boligoppfølgingsteamet",
        category: "housing",
        phases: &["aftercare"],
        target_group: "Personer med rusmiddelproblemer i egen bolig som trenger oppfølging (om lag 70 personer).",
        goals: "Beholde boligen: bolig først, ikke bolig som belønning.",
        legal_bases: &["no.hol.3-2", "no.sotjl.15"],
        capacity: Some((70, "places")),
        opening_hours: "Man–fre 08–15.30",
        focus_areas: &["Bolig først"],
        budget: 7_000_000,
        fte_hundredths: 700,
    },
    DemoService {
        owner: 0,
        provider: 4,
        name: "Natthjem",
        category: "housing",
        phases: &["pre_treatment"],
        target_group: "Bostedsløse over 18 år.",
        goals: "Ingen skal sove ute. Videre til varig bolig innen tre måneder.",
        legal_bases: &["no.sotjl.27"],
        capacity: Some((8, "beds")),
        opening_hours: "Alle dager 21–09",
        focus_areas: &["Bostedsløshet"],
        budget: 4_000_000,
        fte_hundredths: 650,
    },
    DemoService {
        owner: 0,
        provider: 0,
        name: "Lavterskelboliger",
        category: "housing",
        phases: &["pre_treatment", "aftercare"],
        target_group: "Personer i aktiv rus som ikke kan bo i ordinær bolig.",
        goals: "Stabil bolig med tett oppfølging.",
        legal_bases: &["no.sotjl.15"],
        capacity: Some((6, "places")),
        opening_hours: "",
        focus_areas: &[],
        budget: 1_800_000,
        fte_hundredths: 150,
    },
    DemoService {
        owner: 0,
        provider: 0,
        name: "ROP-boliger",
        category: "housing",
        phases: &["treatment", "aftercare"],
        target_group: "Personer med samtidig rusmiddelproblem og psykisk lidelse (ROP).",
        goals: "Bolig med døgnbemanning og samordnet behandling.",
        legal_bases: &["no.hol.3-2"],
        capacity: Some((8, "places")),
        opening_hours: "Døgnbemannet",
        focus_areas: &["ROP"],
        budget: 9_500_000,
        fte_hundredths: 1100,
    },
    DemoService {
        owner: 0,
        provider: 0,
        name: "Bofellesskap med bemanning",
        category: "housing",
        phases: &["aftercare"],
        target_group: "Personer som trenger fellesskap og bemanning for å bo (7 + 4 plasser).",
        goals: "Trygg bolig og hverdagsmestring.",
        legal_bases: &["no.hol.3-2"],
        capacity: Some((11, "places")),
        opening_hours: "Bemannet dag og kveld",
        focus_areas: &[],
        budget: 8_000_000,
        fte_hundredths: 900,
    },
    DemoService {
        owner: 0,
        provider: 3,
        name: "Økonomisk rådgivning og sosialhjelp",
        category: "economy",
        phases: &["pre_treatment", "treatment", "aftercare"],
        target_group: "Personer som ikke kan sørge for sitt livsopphold.",
        goals: "Stønad til livsopphold og hjelp til å få orden på økonomien.",
        legal_bases: &["no.sotjl.18", "no.sotjl.17"],
        capacity: None,
        opening_hours: "Man–fre 09–15",
        focus_areas: &[],
        budget: 0,
        fte_hundredths: 0,
    },
    DemoService {
        owner: 1,
        provider: 2,
        name: "Bolig og behandling Grenland",
        category: "health",
        phases: &["treatment"],
        target_group: "Personer med rusmiddelavhengighet i Grenland-kommunene som trenger bolig og behandling samtidig.",
        goals: "Behandling i bolig, drevet sammen med helseforetaket og en frivillig organisasjon.",
        legal_bases: &["no.sphlsl.2-1a", "no.hol.3-2"],
        capacity: Some((12, "places")),
        opening_hours: "Døgnbemannet",
        focus_areas: &["Interkommunalt"],
        budget: 14_000_000,
        fte_hundredths: 1400,
    },
    DemoService {
        owner: 2,
        provider: 5,
        name: "Frivården – utslussning och eftervård",
        category: "follow_up",
        phases: &["aftercare"],
        target_group: "Personer som friges från anstalt med missbruksproblem.",
        goals: "Planerad frigivning: bostad, försörjning, läkare, läkemedel och första kontakt med kommunen.",
        legal_bases: &["se.sol2001.2-7", "se.hsl.16-4"],
        capacity: None,
        opening_hours: "Mån–fre 08–16",
        focus_areas: &["Frigivning"],
        budget: 5_000_000,
        fte_hundredths: 500,
    },
];

impl App {
    async fn load_demo_services(
        &self,
        ctx: &RequestContext,
        organizations: &[los_core::ids::OrganizationId],
    ) -> Result<(), Error> {
        let municipalities = self.list_municipalities().await?;
        let regions = self.list_regions().await?;
        let porsgrunn = municipalities.iter().find(|m| m.number == "4001").map(|m| m.id).ok_or(Error::Internal)?;
        let grenland = regions.iter().find(|r| r.host == porsgrunn).map(|r| r.id).ok_or(Error::Internal)?;
        let ostergotland = regions.iter().find(|r| r.host != porsgrunn).map(|r| r.id).ok_or(Error::Internal)?;
        let existing: Vec<String> =
            self.municipality_chain(porsgrunn).await?.into_iter().map(|s| s.description.name).collect();
        let swedish: Vec<String> =
            self.region_chain(ostergotland).await?.into_iter().map(|s| s.description.name).collect();
        for service in &SERVICES {
            if existing.iter().chain(swedish.iter()).any(|name| name == service.name) {
                continue;
            }
            let (municipality, region) = match service.owner {
                0 => (porsgrunn.to_string(), String::new()),
                1 => (String::new(), grenland.to_string()),
                _ => (String::new(), ostergotland.to_string()),
            };
            let (capacity, capacity_unit) =
                service.capacity.map(|(n, u)| (n.to_string(), u.to_string())).unwrap_or_default();
            let years = [2025, 2026]
                .into_iter()
                .map(|year| ServiceYear {
                    year,
                    // The next year's budget is last year's plus a modest rise.
                    budget: Some(service.budget + (year - 2025) as i64 * service.budget / 25).filter(|b| *b > 0),
                    fte_hundredths: Some(service.fte_hundredths).filter(|f| *f > 0),
                })
                .collect();
            let input = ServiceInput {
                municipality,
                region,
                provider: organizations.get(service.provider).ok_or(Error::Internal)?.to_string(),
                fields: ServiceFields {
                    name: service.name.into(),
                    category: service.category.into(),
                    phases: service.phases.iter().map(|p| p.to_string()).collect(),
                    target_group: service.target_group.into(),
                    goals: service.goals.into(),
                    legal_bases: service.legal_bases.iter().map(|c| c.to_string()).collect(),
                    capacity,
                    capacity_unit,
                    opening_hours: service.opening_hours.into(),
                    focus_areas: service.focus_areas.iter().map(|f| f.to_string()).collect(),
                    years,
                },
            };
            self.save_service(ctx, Operator::CommandLine, None, &input).await?;
        }
        Ok(())
    }

    /// The demo municipalities and two regions: Grenland (hosted by Porsgrunn) and a Swedish
    /// one with the prison and probation service.
    async fn load_demo_municipalities(&self, ctx: &RequestContext) -> Result<(), Error> {
        let existing = self.list_municipalities().await?;
        let mut ids = Vec::new();
        for m in &MUNICIPALITIES {
            let id = match existing.iter().find(|e| e.country.code() == m.country && e.number == m.number) {
                Some(found) => found.id,
                None => {
                    let input = MunicipalityInput {
                        country: m.country.into(),
                        number: m.number.into(),
                        name: m.name.into(),
                        time_zone: String::new(),
                        populations: m.populations.into(),
                    };
                    self.save_municipality(ctx, Operator::CommandLine, None, &input).await?.id
                }
            };
            ids.push(id.to_string());
        }
        let regions = self.list_regions().await?;
        for (name, host, members) in [
            ("Grenland – interkommunalt rus- og boligsamarbeid", 0, &ids[0..4]),
            ("Östergötland – samverkan med Kriminalvården", 4, &ids[4..6]),
        ] {
            if regions.iter().any(|r| r.name == name) {
                continue;
            }
            let input = RegionInput { name: name.into(), host: ids[host].clone(), members: members.to_vec() };
            self.save_region(ctx, Operator::CommandLine, None, &input).await?;
        }
        Ok(())
    }

    pub async fn load_demo(&self) -> Result<Vec<DemoLogin>, Error> {
        let ctx = RequestContext { request_id: Some("demo".into()), client_address: None };
        self.load_demo_municipalities(&ctx).await?;
        let mut organization_ids = Vec::new();
        for organization in &ORGANIZATIONS {
            let existing = {
                let mut tx = self.store.read().await?;
                organizations::by_name(&mut tx, organization.name).await?
            };
            let id = match existing {
                Some(found) => found.id,
                None => {
                    let input = OrganizationInput {
                        name: organization.name.into(),
                        kind: organization.kind.into(),
                        country: organization.country.into(),
                    };
                    self.create_organization(&ctx, Operator::CommandLine, &input).await?.id
                }
            };
            organization_ids.push(id);
        }
        self.load_demo_services(&ctx, &organization_ids).await?;
        let mut logins = Vec::new();
        for account in &ACCOUNTS {
            let organization = organization_ids.get(account.organization).copied().ok_or(Error::Internal)?;
            let exists = {
                let mut tx = self.store.read().await?;
                los_store::accounts::by_username(&mut tx, account.username).await?.is_some()
            };
            if !exists {
                let input = NewAccountInput {
                    username: account.username.into(),
                    display_name: account.display_name.into(),
                    password: DEMO_PASSWORD.into(),
                    locale: Some(account.locale.into()),
                    organization: organization.to_string(),
                    role: account.role.code().into(),
                };
                self.create_account(&ctx, Operator::CommandLine, &input).await?;
            }
            logins.push(DemoLogin {
                username: account.username.into(),
                role: account.role,
                organization: ORGANIZATIONS.get(account.organization).map(|o| o.name.to_string()).unwrap_or_default(),
            });
        }
        logins.extend(self.load_demo_persons(&ctx, &organization_ids).await?);
        self.load_demo_referrals(&ctx, &organization_ids).await?;
        self.load_demo_decisions(&ctx, &organization_ids).await?;
        self.load_demo_plans(&ctx, &organization_ids).await?;
        self.load_demo_housing(&ctx, &organization_ids).await?;
        Ok(logins)
    }
}

/// The demo loaded into a temporary SQLite database at a fixed moment, for the demo tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::Arc;

    use los_core::ManualClock;
    use los_core::ids::OrganizationId;
    use los_store::{DatabaseUrl, Store, StoreOptions, organizations};

    use super::{DemoLogin, ORGANIZATIONS};
    use crate::{App, AuthSettings};

    pub(crate) struct LoadedDemo {
        /// Keeps the database file alive.
        pub _dir: tempfile::TempDir,
        pub app: App,
        pub logins: Vec<DemoLogin>,
        /// The demo organisations in the order of `ORGANIZATIONS`.
        pub organizations: Vec<OrganizationId>,
    }

    pub(crate) async fn loaded_demo() -> LoadedDemo {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("los.db").display())).unwrap();
        let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
        store.migrate().await.unwrap();
        let now: jiff::Timestamp = "2026-12-03T09:00:00Z".parse().unwrap();
        let app =
            App::new(store, Arc::new(ManualClock::new(now)), AuthSettings { demo: true, ..AuthSettings::default() });
        let started = std::time::Instant::now();
        let logins = app.load_demo().await.unwrap();
        eprintln!("load_demo: {} ms", started.elapsed().as_millis());
        let mut tx = app.store.read().await.unwrap();
        let mut ids = Vec::new();
        for organization in &ORGANIZATIONS {
            ids.push(organizations::by_name(&mut tx, organization.name).await.unwrap().unwrap().id);
        }
        drop(tx);
        LoadedDemo { _dir: dir, app, logins, organizations: ids }
    }
}
