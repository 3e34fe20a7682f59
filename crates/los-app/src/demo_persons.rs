//! Synthetic persons for the demo installation: about 300 people spread over the Porsgrunn
//! service chain, with relatives, episodes (some ended), consents and a couple of blocks.
//!
//! Everything goes through the ordinary use cases, acted by the demo staff accounts, so that
//! validation runs and the audit log tells the same story as in a real installation. The data
//! is deterministic: a fixed-seed generator decides everything, and dates count back from the
//! clock's local today. Identifiers are synthetic Norwegian test numbers only (month + 80);
//! names are common Norwegian first and family names combined at random, nobody in particular.

use std::collections::HashSet;
use std::time::Instant;

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use los_core::Error;
use los_core::account::Role;
use los_core::consent::ConsentFields;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, OrganizationId, PersonId, ServiceId};
use los_core::person::PersonFields;
use los_core::policy::{self, Action, Actor};
use los_core::relative::RelativeFields;
use los_core::service::{ServiceFields, ServiceYear};
use los_store::persons::SearchQuery;
use los_store::{accounts, organizations};

use crate::accounts::{NewAccountInput, Operator};
use crate::demo::{DEMO_PASSWORD, DemoLogin};
use crate::demo_rng::{DemoRng, plus_days};
use crate::persons::NewPersonInput;
use crate::services::ServiceInput;
use crate::{App, RequestContext};

/// How many persons the demo holds.
pub(crate) const PERSONS: usize = 300;
/// The first pseudonymous person's code; its presence means the persons are already loaded.
const MARKER_PSEUDONYM: &str = "LT-0001";

const RUSTEAM: &str = "Rusteamet – oppfølging og LAR i kommunen";
const HOUSING: &str = "Boligoppfølgingsteamet";
const LOW_THRESHOLD_HEALTH: &str = "Lavterskel helsetilbud";
const DAY_CENTRE: &str = "Dagsenter";
const NIGHT_SHELTER: &str = "Natthjem";
const LOW_THRESHOLD_FLATS: &str = "Lavterskelboliger";
const DUAL_DIAGNOSIS_FLATS: &str = "ROP-boliger";
const SHARED_FLATS: &str = "Bofellesskap med bemanning";
const GRENLAND_TREATMENT: &str = "Bolig og behandling Grenland";
/// The hospital trust's LAR service, added to the Grenland region by this module.
const LAR: &str = "LAR – legemiddelassistert rehabilitering";

// Indices into the demo organisations (see `demo::ORGANIZATIONS`).
const ORG_SUBSTANCE_USE: usize = 0;
const ORG_LOW_THRESHOLD: usize = 1;
const ORG_HOSPITAL_TRUST: usize = 2;
const ORG_NAV: usize = 3;
const ORG_NGO: usize = 4;
const ORG_PROBATION: usize = 5;

/// Staff of the services that enrol persons, beyond the accounts of `demo::ACCOUNTS`.
struct ExtraAccount {
    username: &'static str,
    display_name: &'static str,
    organization: usize,
}

const EXTRA_ACCOUNTS: [ExtraAccount; 2] = [
    ExtraAccount { username: "lavterskel", display_name: "Live Lavterskel (demo)", organization: ORG_LOW_THRESHOLD },
    ExtraAccount { username: "natthjem", display_name: "Nils Natthjem (demo)", organization: ORG_NGO },
];

const FEMALE: [&str; 30] = [
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Silje", "Hilde", "Ida", "Nina", "Camilla", "Marianne",
    "Heidi", "Tone", "Randi", "Anita", "Ellen", "Berit", "Line", "Maria", "Emma", "Nora", "Sara", "Ragnhild", "Astrid",
    "Kristin", "Hanne", "Mona", "Wenche",
];
const MALE: [&str; 30] = [
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas", "Hans", "Geir", "Tor", "Morten",
    "Terje", "Odd", "Erik", "Rune", "Martin", "Andreas", "Jonas", "Kristian", "Espen", "Trond", "Stian", "Roar",
    "Frode", "Vidar", "Jostein", "Magnus",
];
const FAMILY: [&str; 40] = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Jakobsen",
    "Moen",
    "Gundersen",
    "Iversen",
    "Strand",
    "Solberg",
    "Svendsen",
    "Eide",
    "Knutsen",
    "Martinsen",
    "Paulsen",
    "Bakken",
    "Kristoffersen",
    "Mathisen",
    "Lie",
];
const CHILD_FEMALE: [&str; 10] = ["Emma", "Nora", "Sofie", "Ella", "Olivia", "Ingrid", "Leah", "Sara", "Maja", "Frida"];
const CHILD_MALE: [&str; 10] =
    ["Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lukas", "Henrik", "Aksel", "Isak"];

fn days_before(day: Date, days: i64) -> Date {
    plus_days(day, -days)
}

/// Who acts for a service in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Staff {
    Coordinator,
    HospitalTrust,
    Probation,
    LowThreshold,
    NightShelter,
}

impl Staff {
    fn username(self) -> &'static str {
        match self {
            Staff::Coordinator => "koordinator",
            Staff::HospitalTrust => "tsb",
            Staff::Probation => "frivarden",
            Staff::LowThreshold => "lavterskel",
            Staff::NightShelter => "natthjem",
        }
    }

    fn organization(self) -> usize {
        match self {
            Staff::Coordinator => ORG_SUBSTANCE_USE,
            Staff::HospitalTrust => ORG_HOSPITAL_TRUST,
            Staff::Probation => ORG_PROBATION,
            Staff::LowThreshold => ORG_LOW_THRESHOLD,
            Staff::NightShelter => ORG_NGO,
        }
    }

    const ALL: [Staff; 5] =
        [Staff::Coordinator, Staff::HospitalTrust, Staff::Probation, Staff::LowThreshold, Staff::NightShelter];
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedEpisode {
    pub(crate) by: Staff,
    pub(crate) service: &'static str,
    pub(crate) start: Date,
    pub(crate) end: Option<(Date, &'static str)>,
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedConsent {
    /// Index into the demo organisations.
    pub(crate) organization: usize,
    pub(crate) categories: &'static [&'static str],
    pub(crate) from: Date,
    pub(crate) to: Date,
    pub(crate) note: &'static str,
    pub(crate) withdrawn: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum PlannedBlock {
    Organization(usize),
    Account(Staff),
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedPerson {
    pub(crate) fields: PersonFields,
    /// The first episode comes with the registration; the registering staff manages the rest.
    pub(crate) episodes: Vec<PlannedEpisode>,
    pub(crate) relatives: Vec<RelativeFields>,
    pub(crate) consents: Vec<PlannedConsent>,
    pub(crate) block: Option<(PlannedBlock, &'static str)>,
}

impl PlannedPerson {
    fn registrar(&self) -> Staff {
        self.episodes.first().map(|e| e.by).unwrap_or(Staff::Coordinator)
    }
}

const LAR_CONSENT: &[&str] = &["identity_contact", "referrals_decisions", "plan", "assessments"];
const PROBATION_CONSENT: &[&str] = &["identity_contact", "plan", "referrals_decisions"];
const NGO_CONSENT: &[&str] = &["identity_contact", "housing"];
const TRUST_CONSENT: &[&str] = &["identity_contact", "assessments"];
const NAV_CONSENT: &[&str] = &["identity_contact", "plan"];
const TEAM_CONSENT: &[&str] = &["identity_contact", "plan", "notes"];

/// The end of a consent that starts `from`: one to three years, always still in force today.
fn consent_end(from: Date, today: Date) -> Date {
    for years in 1..=3_i16 {
        if let Ok(end) = from.checked_add(Span::new().years(years)).and_then(|d| d.checked_sub(1.day()))
            && end >= today
        {
            return end;
        }
    }
    today
}

fn consent(
    organization: usize,
    categories: &'static [&'static str],
    from: Date,
    today: Date,
    note: &'static str,
) -> PlannedConsent {
    // Consents last at most three years and must still be in force when they are recorded.
    let earliest = today.checked_sub(Span::new().years(2)).unwrap_or(today);
    let from = from.max(earliest);
    PlannedConsent { organization, categories, from, to: consent_end(from, today), note, withdrawn: false }
}

const END_REASONS: [&str; 6] = ["completed", "transferred", "moved", "lost_contact", "person_ended", "other"];

/// The whole demo population, decided before anything is stored.
pub(crate) fn plan(today: Date) -> Vec<PlannedPerson> {
    let mut rng = DemoRng(0x4C6F_7320_4465_6D6F);
    let mut used_numbers = HashSet::new();
    let mut persons = Vec::with_capacity(PERSONS);
    let four_years_ago = days_before(today, 4 * 365);
    for index in 0..PERSONS {
        // 0..40 pseudonymous and 40..85 identified at low-threshold health; 85..245 the
        // substance-use team, of whom 85..160 also in LAR; 245..285 housing follow-up only;
        // 285..292 housing and treatment in Grenland; 292..300 the night shelter.
        let pseudonymous = index < 40;
        let female = rng.chance(30);
        let age = 20 + rng.below(46) as i16;
        let birth_year = today.year() - age;
        let fields = if pseudonymous {
            PersonFields {
                kind: "pseudonymous".into(),
                pseudonym: format!("LT-{:04}", index + 1),
                birth_year: birth_year.to_string(),
                sex: if female { "female" } else { "male" }.into(),
                ..PersonFields::default()
            }
        } else {
            let birth_date = Date::new(birth_year, 1, 1)
                .ok()
                .and_then(|jan1| jan1.checked_add((rng.below(365) as i64).days()).ok())
                .unwrap_or(today);
            // The ninth digit (the last of the individual number) is odd for men.
            let mut individual = (rng.below(500) as u16) * 2 + u16::from(!female);
            let identifier = loop {
                let number =
                    norwegian_number_from(birth_date, individual, IdentifierKind::NoSynthetic).unwrap_or_default();
                if number.is_empty() || used_numbers.insert(number.clone()) {
                    break number;
                }
                individual = individual.wrapping_add(2);
            };
            PersonFields {
                kind: "identified".into(),
                identifier,
                given_name: rng.pick(if female { &FEMALE } else { &MALE }).into(),
                family_name: rng.pick(&FAMILY).into(),
                birth_date: birth_date.to_string(),
                ..PersonFields::default()
            }
        };
        let start = rng.day_between(four_years_ago, today);
        let ends = |rng: &mut DemoRng, from: Date, percent: u64| -> Option<(Date, &'static str)> {
            rng.chance(percent).then(|| (rng.day_between(from, today), rng.pick(&END_REASONS)))
        };
        let mut episodes = Vec::new();
        let mut consents = Vec::new();
        let mut block = None;
        match index {
            0..85 => {
                let end = ends(&mut rng, start, 8).map(|(day, _)| (day, "lost_contact"));
                episodes.push(PlannedEpisode { by: Staff::LowThreshold, service: LOW_THRESHOLD_HEALTH, start, end });
                if rng.chance(25) {
                    let day = rng.day_between(start, today);
                    episodes.push(PlannedEpisode {
                        by: Staff::LowThreshold,
                        service: DAY_CENTRE,
                        start: day,
                        end: None,
                    });
                }
                if !pseudonymous && index % 9 == 0 {
                    consents.push(consent(
                        ORG_SUBSTANCE_USE,
                        TEAM_CONSENT,
                        rng.day_between(start, today),
                        today,
                        "Samtykke til samarbeid med rusteamet om oppfølging.",
                    ));
                }
            }
            85..245 => {
                let lar = index < 160;
                // Only persons outside LAR leave the team; LAR needs the municipal follow-up.
                let end = if lar { None } else { ends(&mut rng, start, 14) };
                episodes.push(PlannedEpisode { by: Staff::Coordinator, service: RUSTEAM, start, end });
                if lar {
                    let lar_start = rng.day_between(start, today);
                    let lar_end = (index % 19 == 0).then(|| (rng.day_between(lar_start, today), "completed"));
                    episodes.push(PlannedEpisode {
                        by: Staff::HospitalTrust,
                        service: LAR,
                        start: lar_start,
                        end: lar_end,
                    });
                    consents.push(consent(
                        ORG_HOSPITAL_TRUST,
                        LAR_CONSENT,
                        start,
                        today,
                        "Samtykke til samarbeid med helseforetaket om LAR.",
                    ));
                }
                if end.is_none() {
                    let extra = match index % 16 {
                        0 | 1 | 8 => Some(HOUSING),
                        9 if index % 32 == 9 => Some(HOUSING),
                        4 if index % 32 == 4 => Some(DUAL_DIAGNOSIS_FLATS),
                        5 if index % 32 == 5 => Some(SHARED_FLATS),
                        12 if index % 32 == 12 => Some(LOW_THRESHOLD_FLATS),
                        _ => None,
                    };
                    if let Some(service) = extra {
                        let day = rng.day_between(start, today);
                        episodes.push(PlannedEpisode { by: Staff::Coordinator, service, start: day, end: None });
                    }
                }
                match index {
                    170..=175 => consents.push(consent(
                        ORG_PROBATION,
                        PROBATION_CONSENT,
                        rng.day_between(days_before(today, 200), today),
                        today,
                        "Samtykke til samarbeid med Kriminalvården om løslatelse og tilbakeføring.",
                    )),
                    180..=185 => consents.push(consent(
                        ORG_HOSPITAL_TRUST,
                        TRUST_CONSENT,
                        rng.day_between(days_before(today, 300), today),
                        today,
                        "Samtykke til at TSB får kartleggingen før vurdering av behandling.",
                    )),
                    190..=193 => consents.push(consent(
                        ORG_NAV,
                        NAV_CONSENT,
                        rng.day_between(days_before(today, 300), today),
                        today,
                        "Samtykke til samarbeid med NAV om økonomi og arbeid.",
                    )),
                    _ => {}
                }
                match index {
                    // Withdrawn by the person after a while.
                    175 => consents.iter_mut().for_each(|c| c.withdrawn = true),
                    // Starts in a few weeks: recorded now, not yet in force.
                    185 => {
                        if let Some(c) = consents.last_mut() {
                            c.from = today.checked_add((14 + rng.below(30) as i64).days()).unwrap_or(today);
                            c.to = consent_end(c.from, today);
                        }
                    }
                    // The person knows the therapist privately and does not want him to read.
                    100 => {
                        block = Some((
                            PlannedBlock::Account(Staff::HospitalTrust),
                            "Personen kjenner behandleren privat og ønsker ikke at han leser opplysningene.",
                        ))
                    }
                    200 => {
                        block = Some((
                            PlannedBlock::Organization(ORG_NAV),
                            "Personen ønsker ikke at NAV skal se opplysninger fra rusteamet.",
                        ))
                    }
                    _ => {}
                }
            }
            245..285 => {
                let end = ends(&mut rng, start, 10);
                episodes.push(PlannedEpisode { by: Staff::Coordinator, service: HOUSING, start, end });
                if end.is_none() && (250..=256).contains(&index) {
                    let mut c = consent(
                        ORG_NGO,
                        NGO_CONSENT,
                        rng.day_between(days_before(today, 400), today),
                        today,
                        "Samtykke til samarbeid med Kirkens Bymisjon om bolig.",
                    );
                    c.withdrawn = index == 256;
                    consents.push(c);
                }
                if end.is_none() && (260..=261).contains(&index) {
                    consents.push(consent(
                        ORG_PROBATION,
                        PROBATION_CONSENT,
                        rng.day_between(days_before(today, 200), today),
                        today,
                        "Samtykke til samarbeid med Kriminalvården om frigivning og bolig.",
                    ));
                }
            }
            285..292 => {
                let end = ends(&mut rng, start, 15);
                episodes.push(PlannedEpisode { by: Staff::HospitalTrust, service: GRENLAND_TREATMENT, start, end });
            }
            _ => {
                let start = rng.day_between(days_before(today, 90), today);
                let end = ends(&mut rng, start, 30).map(|(day, _)| (day, "transferred"));
                episodes.push(PlannedEpisode { by: Staff::NightShelter, service: NIGHT_SHELTER, start, end });
            }
        }
        let relatives =
            if pseudonymous || !rng.chance(40) { Vec::new() } else { plan_relatives(&mut rng, &fields, today) };
        persons.push(PlannedPerson { fields, episodes, relatives, consents, block });
    }
    persons
}

fn plan_relatives(rng: &mut DemoRng, fields: &PersonFields, today: Date) -> Vec<RelativeFields> {
    let Ok(born) = fields.birth_date.parse::<Date>() else { return Vec::new() };
    let family = fields.family_name.as_str();
    let mut relatives = Vec::new();
    let count = 1 + rng.below(2);
    for _ in 0..count {
        let roll = rng.below(100);
        let (relation, name, birth) = if roll < 35 {
            // A child, born when the person was 19 to 40: often still under 18.
            let birth = born
                .checked_add(Span::new().years(19 + rng.below(22) as i16).days(rng.below(365) as i64))
                .ok()
                .filter(|b| *b < today);
            let Some(birth) = birth else { continue };
            let first = if rng.chance(50) { rng.pick(&CHILD_FEMALE) } else { rng.pick(&CHILD_MALE) };
            ("child", format!("{first} {family}"), Some(birth))
        } else if roll < 60 {
            let birth = born.checked_sub(Span::new().years(20 + rng.below(16) as i16)).ok();
            let first = if rng.chance(50) { rng.pick(&FEMALE) } else { rng.pick(&MALE) };
            ("parent", format!("{first} {family}"), birth)
        } else if roll < 80 {
            let first = if rng.chance(50) { rng.pick(&FEMALE) } else { rng.pick(&MALE) };
            ("partner", format!("{first} {}", rng.pick(&FAMILY)), None)
        } else {
            let first = if rng.chance(50) { rng.pick(&FEMALE) } else { rng.pick(&MALE) };
            ("sibling", format!("{first} {family}"), None)
        };
        relatives.push(RelativeFields {
            name,
            relation: relation.into(),
            birth_date: birth.map(|b| b.to_string()).unwrap_or_default(),
            phone: String::new(),
            may_be_contacted: relation != "child" && rng.chance(70),
        });
    }
    relatives
}

/// Accounts, organisations and services the loader acts with.
pub(crate) struct DemoWorld {
    actors: Vec<(Staff, Actor)>,
    organizations: Vec<OrganizationId>,
    services: Vec<(String, ServiceId)>,
}

impl DemoWorld {
    pub(crate) fn actor(&self, staff: Staff) -> Result<&Actor, Error> {
        self.actors.iter().find(|(s, _)| *s == staff).map(|(_, a)| a).ok_or(Error::Internal)
    }

    fn organization(&self, index: usize) -> Result<OrganizationId, Error> {
        self.organizations.get(index).copied().ok_or(Error::Internal)
    }

    pub(crate) fn service(&self, name: &str) -> Result<ServiceId, Error> {
        self.services.iter().find(|(n, _)| n == name).map(|(_, id)| *id).ok_or(Error::Internal)
    }
}

impl App {
    /// Adds the staff accounts and the LAR service the persons need, then the persons unless
    /// they are there already. Returns the extra logins to print.
    pub(crate) async fn load_demo_persons(
        &self,
        ctx: &RequestContext,
        organizations: &[OrganizationId],
    ) -> Result<Vec<DemoLogin>, Error> {
        let mut logins = Vec::new();
        for extra in &EXTRA_ACCOUNTS {
            let organization = organizations.get(extra.organization).copied().ok_or(Error::Internal)?;
            let exists = {
                let mut tx = self.store.read().await?;
                accounts::by_username(&mut tx, extra.username).await?.is_some()
            };
            if !exists {
                let input = NewAccountInput {
                    username: extra.username.into(),
                    display_name: extra.display_name.into(),
                    password: DEMO_PASSWORD.into(),
                    locale: Some("nb".into()),
                    organization: organization.to_string(),
                    role: Role::Caseworker.code().into(),
                };
                self.create_account(ctx, Operator::CommandLine, &input).await?;
            }
            let name = {
                let mut tx = self.store.read().await?;
                organizations::by_id(&mut tx, organization).await?.map(|o| o.name).unwrap_or_default()
            };
            logins.push(DemoLogin { username: extra.username.into(), role: Role::Caseworker, organization: name });
        }
        self.ensure_lar_service(ctx, organizations).await?;
        let world = self.demo_world(organizations).await?;
        if self.demo_persons_loaded(&world).await? {
            return Ok(logins);
        }
        let started = Instant::now();
        let count = self.build_demo_persons(ctx, &world).await?;
        tracing::info!(persons = count, elapsed_ms = started.elapsed().as_millis() as u64, "demo persons loaded");
        Ok(logins)
    }

    /// The hospital trust's LAR service for the Grenland region.
    async fn ensure_lar_service(&self, ctx: &RequestContext, organizations: &[OrganizationId]) -> Result<(), Error> {
        let regions = self.list_regions().await?;
        let municipalities = self.list_municipalities().await?;
        let porsgrunn = municipalities.iter().find(|m| m.number == "4001").map(|m| m.id).ok_or(Error::Internal)?;
        let grenland = regions.iter().find(|r| r.host == porsgrunn).map(|r| r.id).ok_or(Error::Internal)?;
        if self.region_chain(grenland).await?.iter().any(|s| s.description.name == LAR) {
            return Ok(());
        }
        let provider = organizations.get(ORG_HOSPITAL_TRUST).ok_or(Error::Internal)?;
        let input = ServiceInput {
            municipality: String::new(),
            region: grenland.to_string(),
            provider: provider.to_string(),
            fields: ServiceFields {
                name: LAR.into(),
                category: "health".into(),
                phases: vec!["treatment".into()],
                target_group: "Personer med opioidavhengighet i Grenland-kommunene (om lag 75 fra Porsgrunn).".into(),
                goals: "Legemiddelassistert rehabilitering sammen med kommunens oppfølging.".into(),
                legal_bases: vec!["no.sphlsl.2-1a".into()],
                capacity: String::new(),
                capacity_unit: String::new(),
                opening_hours: "Man–fre 08–15".into(),
                focus_areas: vec!["LAR".into()],
                years: vec![ServiceYear { year: 2026, budget: Some(12_000_000), fte_hundredths: Some(1000) }],
            },
        };
        self.save_service(ctx, Operator::CommandLine, None, &input).await?;
        Ok(())
    }

    pub(crate) async fn demo_world(&self, organizations: &[OrganizationId]) -> Result<DemoWorld, Error> {
        let mut actors = Vec::new();
        {
            let mut tx = self.store.read().await?;
            for staff in Staff::ALL {
                let account: AccountId = accounts::by_username(&mut tx, staff.username())
                    .await?
                    .map(|a| a.id)
                    .ok_or(Error::NotFound { what: "demo account" })?;
                let organization = organizations.get(staff.organization()).copied().ok_or(Error::Internal)?;
                actors.push((staff, Actor { account, organization, role: Role::Caseworker }));
            }
        }
        let municipalities = self.list_municipalities().await?;
        let porsgrunn = municipalities.iter().find(|m| m.number == "4001").map(|m| m.id).ok_or(Error::Internal)?;
        // Porsgrunn's chain holds the Grenland region's services too.
        let services =
            self.municipality_chain(porsgrunn).await?.into_iter().map(|s| (s.description.name, s.id)).collect();
        Ok(DemoWorld { actors, organizations: organizations.to_vec(), services })
    }

    async fn demo_persons_loaded(&self, world: &DemoWorld) -> Result<bool, Error> {
        let actor = world.actor(Staff::LowThreshold)?;
        let grant = policy::authorize(actor, Action::SearchPersons).map_err(|_| Error::Forbidden)?;
        let mut tx = self.store.read().await?;
        let query = SearchQuery::Name(vec![MARKER_PSEUDONYM.to_lowercase()]);
        Ok(!los_store::persons::search_candidates(&mut tx, &grant, &query, 1).await?.is_empty())
    }

    /// Stores the planned persons through the use cases; returns how many were registered.
    async fn build_demo_persons(&self, ctx: &RequestContext, world: &DemoWorld) -> Result<usize, Error> {
        let today = self.local_today();
        let mut count = 0;
        for planned in plan(today) {
            self.store_demo_person(ctx, world, &planned).await?;
            count += 1;
        }
        Ok(count)
    }

    async fn store_demo_person(
        &self,
        ctx: &RequestContext,
        world: &DemoWorld,
        planned: &PlannedPerson,
    ) -> Result<(), Error> {
        let registrar = world.actor(planned.registrar())?;
        let first = planned.episodes.first().ok_or(Error::Internal)?;
        let input = NewPersonInput {
            fields: planned.fields.clone(),
            service: world.service(first.service)?.to_string(),
            start: first.start.to_string(),
            confirm_not_duplicate: true,
        };
        let person = self.register_person(ctx, registrar, &input).await?;
        for relative in &planned.relatives {
            self.add_relative(ctx, registrar, person, relative).await?;
        }
        let mut consents = Vec::new();
        for planned_consent in &planned.consents {
            let fields = ConsentFields {
                categories: planned_consent.categories.iter().map(|c| c.to_string()).collect(),
                valid_from: planned_consent.from.to_string(),
                valid_to: planned_consent.to.to_string(),
                note: planned_consent.note.into(),
            };
            let organization = world.organization(planned_consent.organization)?.to_string();
            let id = self.give_consent(ctx, registrar, person, &organization, &fields).await?;
            consents.push((id, planned_consent.withdrawn));
        }
        let mut episodes = vec![(first, None)];
        for episode in planned.episodes.iter().skip(1) {
            let actor = world.actor(episode.by)?;
            let service = world.service(episode.service)?.to_string();
            let id = self.start_episode(ctx, actor, person, &service, &episode.start.to_string()).await?;
            episodes.push((episode, Some(id)));
        }
        if let Some((target, reason)) = &planned.block {
            let (organization, account) = match target {
                PlannedBlock::Organization(index) => (world.organization(*index)?.to_string(), String::new()),
                PlannedBlock::Account(staff) => (String::new(), world.actor(*staff)?.account.to_string()),
            };
            self.set_block(ctx, registrar, person, &organization, &account, reason).await?;
        }
        for (id, withdrawn) in consents {
            if withdrawn {
                self.withdraw_consent(ctx, registrar, person, id).await?;
            }
        }
        // Ends last: ending takes the provider's ordinary access away. The first episode's id
        // came with the registration; find it among the person's episodes.
        for (episode, id) in episodes.into_iter().rev() {
            let Some((end, reason)) = episode.end else { continue };
            let actor = world.actor(episode.by)?;
            let id = match id {
                Some(id) => id,
                None => self.first_episode_id(actor, person, world.service(episode.service)?).await?,
            };
            self.end_episode(ctx, actor, person, id, 1, &end.to_string(), reason).await?;
        }
        Ok(())
    }

    /// The running episode at `service`, read under the actor's own grant.
    async fn first_episode_id(
        &self,
        actor: &Actor,
        person: PersonId,
        service: ServiceId,
    ) -> Result<los_core::ids::EpisodeId, Error> {
        let mut tx = self.store.read().await?;
        let relations = los_store::persons::relations(
            &mut tx,
            person,
            actor.account,
            actor.organization,
            self.local_today(),
            self.now(),
        )
        .await?;
        let grant = policy::authorize_person(
            actor,
            person,
            policy::PersonAction::Read(los_core::consent::DataCategory::ReferralsDecisions),
            &relations,
        )
        .map_err(|_| Error::Forbidden)?;
        los_store::episodes::list(&mut tx, &grant)
            .await?
            .into_iter()
            .find(|e| e.service == service && e.period.end.is_none())
            .map(|e| e.id)
            .ok_or(Error::NotFound { what: "episode" })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use los_core::consent::DataCategory;
    use los_core::identifiers::parse_identifier;
    use los_core::policy::{AccessBasis, PersonAction, PersonRelations};
    use los_store::{episodes, persons};

    use super::*;

    #[test]
    fn the_plan_is_synthetic_and_deterministic() {
        let today = jiff::civil::date(2026, 12, 3);
        let planned = plan(today);
        assert_eq!(planned.len(), PERSONS);
        let again = plan(today);
        assert!(planned.iter().zip(&again).all(|(a, b)| a.fields.identifier == b.fields.identifier));
        let mut numbers = HashSet::new();
        for person in &planned {
            let record = los_core::person::validate(&person.fields, today).expect("planned fields validate");
            if let Some(id) = record.identity.identifier() {
                assert!(id.is_synthetic(), "{} is synthetic", id.normalized());
                assert!(numbers.insert(id.normalized().to_string()), "numbers are unique");
            }
        }
        let pseudonymous = planned.iter().filter(|p| p.fields.kind == "pseudonymous").count();
        assert!((30..=45).contains(&pseudonymous), "{pseudonymous} pseudonymous");
    }

    /// A grant that sees everything, for counting what the loader stored; no actor has one.
    fn reader(person: PersonId, category: DataCategory) -> policy::PersonGrant {
        let actor =
            Actor { account: AccountId::generate(), organization: OrganizationId::generate(), role: Role::Caseworker };
        // A reader with ordinary work need in its own organisation: every category is open.
        let relations = PersonRelations {
            care_team_member: false,
            active_episode_at_organization: true,
            open_referral_at_organization: false,
            consented_categories: BTreeSet::new(),
            blocked: false,
            emergency_access: false,
        };
        policy::authorize_person(&actor, person, PersonAction::Read(category), &relations).unwrap()
    }

    /// The ids of the planned persons as stored, found by number or pseudonym.
    async fn stored_ids(app: &App, world: &DemoWorld, planned: &[PlannedPerson]) -> Vec<PersonId> {
        let actor = world.actor(Staff::Coordinator).unwrap();
        let register = policy::authorize(actor, Action::RegisterPerson).unwrap();
        let search = policy::authorize(actor, Action::SearchPersons).unwrap();
        let today = app.local_today();
        let mut tx = app.store.read().await.unwrap();
        let mut ids = Vec::new();
        for person in planned {
            let record = los_core::person::validate(&person.fields, today).unwrap();
            let found = if record.identity.is_pseudonymous() {
                let query = SearchQuery::Name(vec![person.fields.pseudonym.to_lowercase()]);
                persons::search_candidates(&mut tx, &search, &query, 2).await.unwrap()
            } else {
                persons::possible_duplicates(&mut tx, &register, &record, None).await.unwrap().0
            };
            assert_eq!(found.len(), 1, "{:?} stored once", person.fields.pseudonym);
            ids.push(found[0]);
        }
        ids
    }

    #[tokio::test]
    async fn the_demo_holds_about_300_synthetic_persons_that_the_demo_accounts_see() {
        let demo = crate::demo::testing::loaded_demo().await;
        let (app, organizations) = (&demo.app, demo.organizations.clone());
        let logins = &demo.logins;
        assert!(logins.iter().any(|l| l.username == "lavterskel") && logins.iter().any(|l| l.username == "natthjem"));
        let today = app.local_today();
        let world = app.demo_world(&organizations).await.unwrap();
        let planned = plan(today);
        let ids = stored_ids(app, &world, &planned).await;
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), PERSONS);

        let (rusteam, lar, housing) =
            (world.service(RUSTEAM).unwrap(), world.service(LAR).unwrap(), world.service(HOUSING).unwrap());
        let (mut pseudonymous, mut in_rusteam, mut in_lar, mut in_housing, mut ended, mut minors) = (0, 0, 0, 0, 0, 0);
        let mut with_relatives = 0;
        let mut tx = app.store.read().await.unwrap();
        for id in &ids {
            let person = persons::read(&mut tx, &reader(*id, DataCategory::IdentityContact)).await.unwrap();
            match person.record.identity.identifier() {
                Some(number) => {
                    let parsed = parse_identifier(number.normalized(), None, today).unwrap();
                    assert!(parsed.is_synthetic(), "{} is synthetic", number.normalized());
                }
                None => {
                    assert!(person.record.identity.is_pseudonymous(), "identified persons have numbers");
                    pseudonymous += 1;
                }
            }
            let list = episodes::list(&mut tx, &reader(*id, DataCategory::ReferralsDecisions)).await.unwrap();
            in_rusteam += usize::from(list.iter().any(|e| e.service == rusteam));
            in_lar += usize::from(list.iter().any(|e| e.service == lar));
            in_housing += usize::from(list.iter().any(|e| e.service == housing));
            ended += list.iter().filter(|e| e.end_reason.is_some()).count();
            let relatives = episodes::relatives(&mut tx, &reader(*id, DataCategory::IdentityContact)).await.unwrap();
            with_relatives += usize::from(!relatives.is_empty());
            minors += relatives.iter().filter(|r| r.record.is_minor_child(today)).count();
        }
        eprintln!(
            "persons {} pseudonymous {pseudonymous} rusteam {in_rusteam} lar {in_lar} housing {in_housing} ended \
             {ended} with relatives {with_relatives} minor children {minors}",
            ids.len()
        );
        assert!((30..=45).contains(&pseudonymous));
        assert!((150..=170).contains(&in_rusteam));
        assert!((70..=80).contains(&in_lar));
        assert!((60..=80).contains(&in_housing));
        assert!(ended >= 15);
        assert!((80..=130).contains(&with_relatives));
        assert!(minors >= 10, "children as relatives");

        // What the demo accounts see, by the same relations the policy uses.
        let seen = |staff: Staff| {
            let actor = world.actor(staff).unwrap().clone();
            let ids = ids.clone();
            let app = app.clone();
            async move {
                let mut tx = app.store.read().await.unwrap();
                let (mut episode, mut consent, mut team) = (0, 0, 0);
                for id in ids {
                    let relations =
                        persons::relations(&mut tx, id, actor.account, actor.organization, today, app.now())
                            .await
                            .unwrap();
                    let action = PersonAction::Read(DataCategory::IdentityContact);
                    match policy::authorize_person(&actor, id, action, &relations).map(|g| g.basis()) {
                        Ok(AccessBasis::Consent) => consent += 1,
                        // Care-team membership comes with the demo plans, not with episodes.
                        Ok(AccessBasis::CareTeam) => team += 1,
                        Ok(_) => episode += 1,
                        Err(_) => {}
                    }
                }
                (episode, consent, team)
            }
        };
        let coordinator = seen(Staff::Coordinator).await;
        let trust = seen(Staff::HospitalTrust).await;
        let probation = seen(Staff::Probation).await;
        let ngo = seen(Staff::NightShelter).await;
        eprintln!(
            "koordinator {coordinator:?} tsb {trust:?} frivarden {probation:?} natthjem {ngo:?} (episode, consent, care team)"
        );
        // A care-team member with an episode too is seen as a member (the narrower ground).
        assert!(coordinator.0 + coordinator.2 >= 150 && coordinator.1 >= 2);
        assert!(trust.0 + trust.2 >= 70 && trust.1 >= 5);
        // Probation has no episodes: it sees persons by their consent, or as a member of a
        // plan's care team where that consent exists.
        assert_eq!(probation.0, 0);
        assert!((3..=10).contains(&(probation.1 + probation.2)));
        assert!(ngo.1 + ngo.2 >= 3);
        drop(tx);

        // Loading again adds nothing.
        app.load_demo().await.unwrap();
        assert_eq!(stored_ids(app, &world, &planned).await.len(), PERSONS);
    }
}
