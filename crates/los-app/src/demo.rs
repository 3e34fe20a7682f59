//! Demo data: organisations from the planning documents and one account per role. Idempotent:
//! running it again leaves an installation that already has the data as it is.

use los_core::Error;
use los_core::account::Role;
use los_store::organizations;

use crate::accounts::{NewAccountInput, Operator};
use crate::municipalities::{MunicipalityInput, RegionInput};
use crate::organizations::OrganizationInput;
use crate::{App, RequestContext};

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

impl App {
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
        Ok(logins)
    }
}
