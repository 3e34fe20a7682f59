//! The national-scale synthetic installation (`los demo --scale national`, issue 7): the size a
//! whole country would give Los, to measure it at that size. 356 municipalities in regions,
//! about 40 services each, 200,000 persons, a million referrals, two million decisions, plans
//! for 80,000 persons and five million audit events, on top of the ordinary demo (whose logins
//! keep working). Deterministic for a seed; synthetic numbers only (Norwegian month + 80).
//!
//! It writes in bulk (many rows per statement, a batch of persons per transaction) through
//! `los_store::bulk`, which also extends the audit chain so that `los audit verify` holds.

use std::collections::HashSet;
use std::time::Instant;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::audit::{AuditAction, AuditRecord};
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, EpisodeId, MunicipalityId, OrganizationId, PersonId, PlanId, RegionId, ServiceId};
use los_core::person::duplicate_key;
use los_core::plan::{
    Goal, GoalStatus, LifeArea, Measure, MeasureStatus, PlanContents, PlanDocument, PlanHeader, PlanKind, PlanSnapshot,
};
use los_core::service::Phase;
use los_store::Tx;
use los_store::audit::append_records;
use los_store::bulk::{Value, insert_rows};
use uuid::Uuid;

use crate::App;
use crate::demo_rng::{DemoRng, plus_days};

/// How big the national installation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NationalScale {
    pub municipalities: usize,
    pub municipalities_per_region: usize,
    pub services_per_municipality: usize,
    pub persons: usize,
    pub referrals_per_person: usize,
    pub decisions_per_person: usize,
    /// Persons with a plan, in per cent.
    pub plan_percent: u64,
    pub audit_events_per_person: usize,
    /// Persons written per transaction.
    pub batch: usize,
}

impl NationalScale {
    /// The size the issue asks for.
    pub const NATIONAL: NationalScale = NationalScale {
        municipalities: 356,
        municipalities_per_region: 10,
        services_per_municipality: 40,
        persons: 200_000,
        referrals_per_person: 5,
        decisions_per_person: 10,
        plan_percent: 40,
        audit_events_per_person: 25,
        batch: 2_000,
    };

    /// The same shape, small enough for a test.
    pub const SMALL: NationalScale = NationalScale {
        municipalities: 12,
        municipalities_per_region: 5,
        services_per_municipality: 10,
        persons: 600,
        referrals_per_person: 5,
        decisions_per_person: 10,
        plan_percent: 40,
        audit_events_per_person: 25,
        batch: 250,
    };
}

/// What was written, and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NationalFigures {
    pub regions: usize,
    pub municipalities: usize,
    pub organizations: usize,
    pub services: usize,
    pub accounts: usize,
    pub persons: usize,
    pub episodes: usize,
    pub referrals: usize,
    pub referral_steps: usize,
    pub decisions: usize,
    pub plans: usize,
    pub audit_events: usize,
    pub housing_units: usize,
    pub stays: usize,
    pub tally_entries: usize,
    pub seconds: u64,
}

/// Marks an installation that already holds the national data.
const MARKER_ORGANIZATION: &str = "Nasjonal skala – region 001 helseforetak";

const SERVICE_NAMES: [&str; 10] = [
    "Oppfølgingsteam rus",
    "Lavterskel helse",
    "Boligoppfølging",
    "Dagsenter",
    "Arbeid og aktivitet",
    "Økonomisk rådgivning",
    "Natthjem",
    "ROP-bolig",
    "Ettervern",
    "Pårørendetilbud",
];
const CATEGORIES: [&str; 5] = ["follow_up", "health", "housing", "activity_work", "economy"];
const GIVEN: [&str; 16] = [
    "Kari", "Ola", "Ingrid", "Per", "Marit", "Jon", "Liv", "Knut", "Anne", "Lars", "Siri", "Odd", "Hilde", "Geir",
    "Tone", "Rune",
];
const FAMILY: [&str; 16] = [
    "Berg", "Dahl", "Lie", "Haugen", "Bakke", "Moen", "Lund", "Strand", "Vik", "Nygård", "Eide", "Holm", "Aas",
    "Sæther", "Brekke", "Fjeld",
];
const PLACES: [&str; 12] = ["Nord", "Sør", "Øst", "Vest", "Fjell", "Dal", "Strand", "Vik", "Haug", "Li", "Mo", "Nes"];
const LEGAL_BASES: [&str; 4] = ["no.hol.3-2", "no.hol.7-2", "no.hol.3-1", "no.boligsosl.6"];
const OUTCOMES: [&str; 3] = ["granted", "partly_granted", "denied"];
const VIEW_ACTIONS: [AuditAction; 3] =
    [AuditAction::PersonViewed, AuditAction::DecisionViewed, AuditAction::PlanViewed];

/// A synthetic number for `birth_date` that no one has yet: the next free individual number of
/// the right parity (odd for men), the next day when a day is full.
fn unused_number(used: &mut HashSet<String>, birth_date: Date, female: bool) -> Result<String, Error> {
    let mut day = birth_date;
    for _ in 0..366 {
        for step in 0..500_u16 {
            let individual = step * 2 + u16::from(!female);
            if let Some(number) = norwegian_number_from(day, individual, IdentifierKind::NoSynthetic)
                && used.insert(number.clone())
            {
                return Ok(number);
            }
        }
        day = plus_days(day, 1);
    }
    Err(Error::Internal)
}

fn id() -> String {
    Uuid::now_v7().to_string()
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn date(day: Date) -> Value {
    Value::Text(day.to_string())
}

/// One municipality's part of the catalogue, as the person batches need it.
struct Municipality {
    organization: OrganizationId,
    coordinator: AccountId,
    services: Vec<ServiceId>,
}

impl App {
    /// Builds the national-scale installation on top of the ordinary demo. An installation
    /// that already has it only gets what it lacks of the year of housing and tallies (a later
    /// addition); one that has everything is refused.
    pub async fn load_national_demo(&self, scale: NationalScale, seed: u64) -> Result<NationalFigures, Error> {
        let started = Instant::now();
        self.load_demo().await?;
        let already = {
            let mut tx = self.store.read().await?;
            los_store::organizations::by_name(&mut tx, MARKER_ORGANIZATION).await?.is_some()
        };
        if already {
            let housing = self.national_housing_and_tallies(self.now()).await?;
            if housing == Default::default() {
                return Err(Error::Conflict { what: "national demo" });
            }
            los_store::bulk::refresh_statistics(&self.store).await?;
            return Ok(NationalFigures {
                housing_units: housing.units,
                stays: housing.stays,
                tally_entries: housing.tally_entries,
                seconds: started.elapsed().as_secs(),
                ..NationalFigures::default()
            });
        }
        let mut figures = NationalFigures::default();
        let now = self.now();
        let today = self.local_today();
        let mut rng = DemoRng(seed);
        let password_hash = crate::secrets::hash_password(crate::demo::DEMO_PASSWORD)?;
        let municipalities = self.national_catalogue(&scale, &mut rng, &password_hash, now, &mut figures).await?;
        let mut used: HashSet<String> = {
            let mut tx = self.store.read().await?;
            los_store::bulk::person_identifiers(&mut tx).await?.into_iter().collect()
        };
        let mut first_person = 0;
        let mut events_written: i64 = 0;
        let total_events = (scale.persons * scale.audit_events_per_person) as i64;
        while first_person < scale.persons {
            let count = scale.batch.min(scale.persons - first_person);
            let mut tx = self.store.write().await?;
            let events = self
                .national_persons(
                    &mut tx,
                    &scale,
                    &municipalities,
                    first_person,
                    count,
                    today,
                    now,
                    (events_written, total_events),
                    &mut used,
                    &mut figures,
                )
                .await?;
            events_written += events as i64;
            tx.commit().await.map_err(los_store::map_sqlx)?;
            first_person += count;
            if first_person % (scale.batch * 10) == 0 || first_person == scale.persons {
                tracing::info!(persons = first_person, seconds = started.elapsed().as_secs(), "national demo");
            }
        }
        let housing = self.national_housing_and_tallies(now).await?;
        los_store::bulk::refresh_statistics(&self.store).await?;
        figures.housing_units = housing.units;
        figures.stays = housing.stays;
        figures.tally_entries = housing.tally_entries;
        figures.seconds = started.elapsed().as_secs();
        Ok(figures)
    }

    async fn national_catalogue(
        &self,
        scale: &NationalScale,
        rng: &mut DemoRng,
        password_hash: &str,
        now: Timestamp,
        figures: &mut NationalFigures,
    ) -> Result<Vec<Municipality>, Error> {
        let at = now.as_microsecond();
        let mut tx = self.store.write().await?;
        let mut municipality_rows = Vec::new();
        let mut population_rows = Vec::new();
        let mut region_rows = Vec::new();
        let mut member_rows = Vec::new();
        let mut organization_rows = Vec::new();
        let mut account_rows = Vec::new();
        let mut membership_rows = Vec::new();
        let mut service_rows = Vec::new();
        let mut municipalities = Vec::new();
        let mut region: Option<RegionId> = None;
        let year = i64::from(now.to_zoned(jiff::tz::TimeZone::UTC).year());
        for m in 0..scale.municipalities {
            let municipality = MunicipalityId::generate();
            let number = format!("{:04}", 9001 + m);
            let name = format!(
                "{}{} {}",
                PLACES[m % PLACES.len()],
                PLACES[(m / PLACES.len()) % PLACES.len()].to_lowercase(),
                number
            );
            municipality_rows.push(vec![
                text(municipality.to_string()),
                text("NO"),
                text(number.clone()),
                text(format!("{name} kommune")),
                text("Europe/Oslo"),
                Value::Int(at),
                Value::Int(at),
                Value::Int(1),
            ]);
            population_rows.push(vec![
                text(municipality.to_string()),
                Value::Int(year),
                Value::Int(2_000 + rng.between(0, 60_000)),
            ]);
            if m % scale.municipalities_per_region == 0 {
                let id = RegionId::generate();
                let r = m / scale.municipalities_per_region + 1;
                region_rows.push(vec![
                    text(id.to_string()),
                    text(format!("Nasjonal skala – region {r:03}")),
                    text(municipality.to_string()),
                    Value::Int(at),
                    Value::Int(at),
                    Value::Int(1),
                ]);
                for (kind, label) in [("hospital_trust", "helseforetak"), ("ngo", "frivillig organisasjon")] {
                    organization_rows.push(vec![
                        text(OrganizationId::generate().to_string()),
                        text(format!("Nasjonal skala – region {r:03} {label}")),
                        text(kind),
                        text("NO"),
                        Value::Int(at),
                        Value::Int(at),
                        Value::Int(1),
                    ]);
                }
                region = Some(id);
            }
            if let Some(region) = region {
                member_rows.push(vec![text(region.to_string()), text(municipality.to_string())]);
            }
            let unit = OrganizationId::generate();
            organization_rows.push(vec![
                text(unit.to_string()),
                text(format!("Rus og psykisk helse – {name}")),
                text("municipal_unit"),
                text("NO"),
                Value::Int(at),
                Value::Int(at),
                Value::Int(1),
            ]);
            organization_rows.push(vec![
                text(OrganizationId::generate().to_string()),
                text(format!("NAV {name}")),
                text("nav"),
                text("NO"),
                Value::Int(at),
                Value::Int(at),
                Value::Int(1),
            ]);
            let coordinator = AccountId::generate();
            for (account, username, display, role) in [
                (coordinator, format!("koordinator-{number}"), format!("Koordinator {name}"), "caseworker"),
                (AccountId::generate(), format!("leder-{number}"), format!("Leder {name}"), "leader"),
            ] {
                account_rows.push(vec![
                    text(account.to_string()),
                    text(username),
                    text(display),
                    text(password_hash),
                    text("nb"),
                    Value::Int(at),
                    Value::Int(at),
                    Value::Int(1),
                ]);
                membership_rows.push(vec![
                    text(account.to_string()),
                    text(unit.to_string()),
                    text(role),
                    Value::Int(at),
                ]);
            }
            let mut services = Vec::new();
            for s in 0..scale.services_per_municipality {
                let service = ServiceId::generate();
                let phases = match s % 3 {
                    0 => r#"["pre_treatment","treatment","aftercare"]"#,
                    1 => r#"["pre_treatment","aftercare"]"#,
                    _ => r#"["aftercare"]"#,
                };
                service_rows.push(vec![
                    text(service.to_string()),
                    text(format!(
                        "{} {} {}",
                        SERVICE_NAMES[s % SERVICE_NAMES.len()],
                        s / SERVICE_NAMES.len() + 1,
                        name
                    )),
                    text(unit.to_string()),
                    text(municipality.to_string()),
                    Value::NullText,
                    text(CATEGORIES[s % CATEGORIES.len()]),
                    text(phases),
                    text("Personer med rusproblemer"),
                    text("Mestring og stabil bolig"),
                    text(r#"["no.hol.3-2"]"#),
                    Value::Int(5 + (s as i64 % 20)),
                    text("places"),
                    text("Hverdager 08–16"),
                    text("[]"),
                    Value::Int(at),
                    Value::Int(at),
                    Value::Int(1),
                ]);
                services.push(service);
            }
            municipalities.push(Municipality { organization: unit, coordinator, services });
        }
        let common = ["created_at", "updated_at", "version"];
        let with = |columns: &[&'static str]| -> Vec<&'static str> { columns.iter().chain(&common).copied().collect() };
        insert_rows(
            &mut tx,
            "municipalities",
            &with(&["id", "country", "number", "name", "time_zone"]),
            &municipality_rows,
        )
        .await?;
        insert_rows(&mut tx, "municipality_populations", &["municipality_id", "year", "inhabitants"], &population_rows)
            .await?;
        insert_rows(&mut tx, "regions", &with(&["id", "name", "host_municipality_id"]), &region_rows).await?;
        insert_rows(&mut tx, "region_members", &["region_id", "municipality_id"], &member_rows).await?;
        insert_rows(&mut tx, "organizations", &with(&["id", "name", "kind", "country"]), &organization_rows).await?;
        insert_rows(
            &mut tx,
            "accounts",
            &with(&["id", "username", "display_name", "password_hash", "locale"]),
            &account_rows,
        )
        .await?;
        insert_rows(&mut tx, "memberships", &["account_id", "organization_id", "role", "created_at"], &membership_rows)
            .await?;
        insert_rows(
            &mut tx,
            "services",
            &with(&[
                "id",
                "name",
                "provider_organization_id",
                "municipality_id",
                "region_id",
                "category",
                "phases",
                "target_group",
                "goals",
                "legal_bases",
                "capacity",
                "capacity_unit",
                "opening_hours",
                "focus_areas",
            ]),
            &service_rows,
        )
        .await?;
        tx.commit().await.map_err(los_store::map_sqlx)?;
        figures.regions = region_rows.len();
        figures.municipalities = municipality_rows.len();
        figures.organizations = organization_rows.len();
        figures.services = service_rows.len();
        figures.accounts = account_rows.len();
        Ok(municipalities)
    }

    /// Writes persons `first..first + count` with everything that hangs on them; returns the
    /// number of audit events written.
    #[allow(clippy::too_many_arguments)]
    async fn national_persons(
        &self,
        tx: &mut Tx,
        scale: &NationalScale,
        municipalities: &[Municipality],
        first: usize,
        count: usize,
        today: Date,
        now: Timestamp,
        (events_before, total_events): (i64, i64),
        used: &mut HashSet<String>,
        figures: &mut NationalFigures,
    ) -> Result<usize, Error> {
        let at = now.as_microsecond();
        // Each batch draws from its own stream, so a batch is the same whatever ran before it.
        let mut rng = DemoRng(0x4c6f_735f_6e61_7469 ^ first as u64);
        let mut persons = Vec::with_capacity(count);
        let mut episodes = Vec::with_capacity(count);
        let mut referrals = Vec::with_capacity(count * scale.referrals_per_person);
        let mut steps = Vec::with_capacity(count * scale.referrals_per_person * 2);
        let mut decisions = Vec::with_capacity(count * scale.decisions_per_person);
        let mut plans = Vec::new();
        let mut versions = Vec::new();
        let mut members = Vec::new();
        let mut events = Vec::with_capacity(count * scale.audit_events_per_person);
        let micros_per_event = (365 * 86_400 * 1_000_000_i64) / total_events.max(1);
        let start_micros = at - 365 * 86_400 * 1_000_000_i64;
        for p in first..first + count {
            let municipality = municipalities.get(p % municipalities.len()).ok_or(Error::Internal)?;
            let person = PersonId::generate();
            let female = p % 2 == 0;
            let birth_date = plus_days(Date::new(1955, 1, 1).map_err(|_| Error::Internal)?, (p as i64 * 37) % 18_000);
            let identifier = unused_number(used, birth_date, female)?;
            let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
            let family = FAMILY[rng.below(FAMILY.len() as u64) as usize];
            persons.push(vec![
                text(person.to_string()),
                text("identified"),
                text("NO"),
                text(identifier),
                text(IdentifierKind::NoSynthetic.code()),
                text(given),
                text(family),
                date(birth_date),
                Value::Int(i64::from(birth_date.year())),
                text(if female { "female" } else { "male" }),
                Value::NullText,
                text(""),
                text(""),
                text(""),
                text("nb"),
                text(duplicate_key(given, family, birth_date)),
                text(format!("{} {}", given.to_lowercase(), family.to_lowercase())),
                Value::Int(at),
                text(municipality.coordinator.to_string()),
                Value::Int(at),
                Value::Int(1),
            ]);
            let services = &municipality.services;
            let episode_service = services.get(p % services.len()).ok_or(Error::Internal)?;
            let episode_start = rng.day_between(plus_days(today, -700), today);
            episodes.push(vec![
                text(EpisodeId::generate().to_string()),
                text(person.to_string()),
                text(episode_service.to_string()),
                date(episode_start),
                Value::Int(at),
                text(municipality.coordinator.to_string()),
                Value::Int(1),
            ]);
            for r in 0..scale.referrals_per_person {
                // Distinct services per person: one open referral per person and service.
                let service = services.get((p * 7 + r * 11) % services.len()).ok_or(Error::Internal)?;
                let referral = id();
                let sent = rng.day_between(plus_days(today, -900), plus_days(today, -1));
                let received = plus_days(sent, rng.between(0, 5)).min(today);
                let roll = rng.below(100);
                let (status, received_on, started_on, declined) = match roll {
                    0..10 => ("sent", None, None, false),
                    10..20 => ("received", Some(received), None, false),
                    20..35 => ("accepted", Some(received), None, false),
                    35..40 => ("offered", Some(received), None, false),
                    40..85 => {
                        ("started", Some(received), Some(plus_days(received, rng.between(5, 90)).min(today)), false)
                    }
                    85..95 => ("declined", Some(received), None, true),
                    _ => ("withdrawn", None, None, false),
                };
                let assessed = received_on.map(|d| plus_days(d, rng.between(1, 10)).min(today));
                referrals.push(vec![
                    text(referral.clone()),
                    text(person.to_string()),
                    text(municipality.organization.to_string()),
                    Value::NullText,
                    text(service.to_string()),
                    text("Behov for oppfølging"),
                    text(if roll.is_multiple_of(7) { "high" } else { "normal" }),
                    Value::Int(0),
                    text(status),
                    date(sent),
                    received_on.map(|d| d.to_string()).into(),
                    (if matches!(status, "accepted" | "offered" | "started" | "declined") { assessed } else { None })
                        .map(|d| d.to_string())
                        .into(),
                    Value::Int(i64::from(matches!(status, "accepted" | "offered" | "started"))),
                    Value::NullText,
                    (if declined { Some("Ikke rett målgruppe".to_string()) } else { None }).into(),
                    Value::NullText,
                    started_on.map(|d| d.to_string()).into(),
                    (if status == "withdrawn" { Some(sent.to_string()) } else { None }).into(),
                    (if status == "withdrawn" { Some("Trukket av henviser".to_string()) } else { None }).into(),
                    Value::NullText,
                    Value::Int(1),
                    Value::Int(at),
                    text(municipality.coordinator.to_string()),
                ]);
                steps.push(vec![
                    text(id()),
                    text(referral.clone()),
                    text("sent"),
                    date(sent),
                    text(""),
                    text(municipality.coordinator.to_string()),
                    text(municipality.organization.to_string()),
                    Value::Int(at),
                ]);
                if status != "sent" {
                    let on = started_on.or(assessed).or(received_on).unwrap_or(sent);
                    steps.push(vec![
                        text(id()),
                        text(referral),
                        text(status),
                        date(on),
                        text(""),
                        text(municipality.coordinator.to_string()),
                        text(municipality.organization.to_string()),
                        Value::Int(at + 1),
                    ]);
                }
            }
            for _ in 0..scale.decisions_per_person {
                let service = services.get(rng.below(services.len() as u64) as usize).ok_or(Error::Internal)?;
                let valid_from = rng.day_between(plus_days(today, -1_000), today);
                let valid_to = plus_days(valid_from, rng.between(90, 720));
                let notice = plus_days(valid_from, -rng.between(0, 10));
                decisions.push(vec![
                    text(id()),
                    text(person.to_string()),
                    text(municipality.organization.to_string()),
                    text(service.to_string()),
                    text(LEGAL_BASES[rng.below(LEGAL_BASES.len() as u64) as usize]),
                    text(OUTCOMES[rng.below(OUTCOMES.len() as u64) as usize]),
                    text("Etter vurdering"),
                    date(valid_from),
                    date(valid_to),
                    date(plus_days(valid_from, rng.between(60, 360))),
                    text("Vurdert etter søknad og samtale."),
                    date(notice),
                    Value::Int(1),
                    Value::Int(at),
                    text(municipality.coordinator.to_string()),
                    Value::Int(at),
                    text(municipality.coordinator.to_string()),
                ]);
            }
            if rng.below(100) < scale.plan_percent {
                let plan = PlanId::generate();
                let period_from = rng.day_between(plus_days(today, -500), today);
                let header = PlanHeader {
                    kind: PlanKind::Ip,
                    coordinator: municipality.coordinator,
                    phase: Phase::ALL[p % 3],
                    period_from,
                    period_to: plus_days(period_from, 730),
                    next_revision: plus_days(period_from, rng.between(120, 540)),
                    consent_given_on: Some(period_from),
                    consent_to_sharing: true,
                };
                let goal = Goal {
                    id: id(),
                    area: LifeArea::ALL[p % LifeArea::ALL.len()],
                    own_words: "Få det bedre til hverdags".into(),
                    professional: "Stabil livssituasjon".into(),
                    status: GoalStatus::InProgress,
                };
                let measure = Measure {
                    id: id(),
                    description: "Samtaler hver uke".into(),
                    goal: Some(goal.id.clone()),
                    service: Some(*episode_service),
                    organization: Some(municipality.organization),
                    owner: "Koordinator".into(),
                    extent: "1 time i uka".into(),
                    from: period_from,
                    to: None,
                    status: MeasureStatus::Active,
                    meeting: None,
                };
                let document = PlanDocument {
                    contents: PlanContents {
                        resources_and_needs: "Trenger bolig og fast oppfølging.".into(),
                        ..PlanContents::default()
                    },
                    goals: vec![goal],
                    measures: vec![measure],
                };
                let json = serde_json::to_string(&document).map_err(|_| Error::Internal)?;
                let member = los_core::plan::MemberSnapshot {
                    id: id(),
                    account: municipality.coordinator,
                    name: "Koordinator".into(),
                    organization: municipality.organization,
                    organization_name: String::new(),
                    role: crate::plans::COORDINATOR_ROLE.into(),
                    from: period_from,
                    to: None,
                };
                let snapshot = PlanSnapshot {
                    header: header.clone(),
                    document,
                    members: vec![member.clone()],
                    transitions: vec![],
                };
                plans.push(vec![
                    text(plan.to_string()),
                    text(person.to_string()),
                    text(header.kind.code()),
                    text(header.coordinator.to_string()),
                    text(municipality.organization.to_string()),
                    text(header.phase.code()),
                    date(header.period_from),
                    date(header.period_to),
                    date(header.next_revision),
                    date(period_from),
                    Value::Int(1),
                    text(json),
                    Value::Int(1),
                    Value::Int(at),
                    text(header.coordinator.to_string()),
                    Value::Int(at),
                    text(header.coordinator.to_string()),
                ]);
                versions.push(vec![
                    text(plan.to_string()),
                    Value::Int(1),
                    Value::Int(at),
                    text(header.coordinator.to_string()),
                    text(serde_json::to_string(&snapshot).map_err(|_| Error::Internal)?),
                ]);
                members.push(vec![
                    text(member.id),
                    text(person.to_string()),
                    text(municipality.coordinator.to_string()),
                    text(municipality.organization.to_string()),
                    text(crate::plans::COORDINATOR_ROLE),
                    date(period_from),
                ]);
            }
            for e in 0..scale.audit_events_per_person {
                let index = events_before + events.len() as i64;
                let action = match e {
                    0 => AuditAction::PersonRegistered,
                    e if e <= scale.referrals_per_person => AuditAction::ReferralSent,
                    e if e <= scale.referrals_per_person + scale.decisions_per_person => AuditAction::DecisionRecorded,
                    _ => VIEW_ACTIONS[e % VIEW_ACTIONS.len()],
                };
                events.push(AuditRecord {
                    at_micros: start_micros + index * micros_per_event,
                    action: action.code().into(),
                    outcome: "success".into(),
                    actor_account: Some(municipality.coordinator.to_string()),
                    actor_organization: Some(municipality.organization.to_string()),
                    actor_role: Some("caseworker".into()),
                    person: Some(person.to_string()),
                    subject: None,
                    reason: Some("read:identity_contact (episode)".into()),
                    request_id: Some("national-demo".into()),
                    client_address: None,
                });
            }
        }
        insert_rows(
            tx,
            "persons",
            &[
                "id",
                "kind",
                "country",
                "identifier",
                "identifier_kind",
                "given_name",
                "family_name",
                "birth_date",
                "birth_year",
                "sex",
                "pseudonym",
                "phone",
                "email",
                "address",
                "language",
                "duplicate_key",
                "search_name",
                "created_at",
                "created_by",
                "updated_at",
                "version",
            ],
            &persons,
        )
        .await?;
        insert_rows(
            tx,
            "episodes",
            &["id", "person_id", "service_id", "start_date", "created_at", "created_by", "version"],
            &episodes,
        )
        .await?;
        insert_rows(
            tx,
            "referrals",
            &[
                "id",
                "person_id",
                "from_organization_id",
                "from_service_id",
                "to_service_id",
                "reason",
                "priority",
                "youth_guarantee",
                "status",
                "sent_on",
                "received_on",
                "assessed_on",
                "right_to_care",
                "start_deadline",
                "decline_reason",
                "offered_date",
                "started_on",
                "withdrawn_on",
                "withdraw_reason",
                "episode_id",
                "version",
                "created_at",
                "created_by",
            ],
            &referrals,
        )
        .await?;
        insert_rows(
            tx,
            "referral_steps",
            &["id", "referral_id", "status", "step_on", "reason", "account_id", "organization_id", "recorded_at"],
            &steps,
        )
        .await?;
        insert_rows(
            tx,
            "decisions",
            &[
                "id",
                "person_id",
                "organization_id",
                "service_id",
                "legal_basis",
                "outcome",
                "extent",
                "valid_from",
                "valid_to",
                "review_on",
                "grounds",
                "notice_on",
                "version",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
            ],
            &decisions,
        )
        .await?;
        insert_rows(
            tx,
            "plans",
            &[
                "id",
                "person_id",
                "kind",
                "coordinator_account_id",
                "organization_id",
                "phase",
                "period_from",
                "period_to",
                "next_revision",
                "consent_given_on",
                "consent_to_sharing",
                "document",
                "version",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
            ],
            &plans,
        )
        .await?;
        insert_rows(tx, "plan_versions", &["plan_id", "version", "changed_at", "changed_by", "snapshot"], &versions)
            .await?;
        insert_rows(
            tx,
            "care_team_members",
            &["id", "person_id", "account_id", "organization_id", "role_in_team", "from_date"],
            &members,
        )
        .await?;
        append_records(tx, &events).await?;
        figures.persons += persons.len();
        figures.episodes += episodes.len();
        figures.referrals += referrals.len();
        figures.referral_steps += steps.len();
        figures.decisions += decisions.len();
        figures.plans += plans.len();
        figures.audit_events += events.len();
        Ok(events.len())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use los_core::ManualClock;
    use los_store::{DatabaseUrl, Store, StoreOptions};

    use super::*;
    use crate::AuthSettings;

    #[tokio::test]
    async fn the_small_national_shape_loads_and_its_chain_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("los.db").display())).unwrap();
        let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
        store.migrate().await.unwrap();
        let now: Timestamp = "2026-12-03T09:00:00Z".parse().unwrap();
        let app =
            App::new(store, Arc::new(ManualClock::new(now)), AuthSettings { demo: true, ..AuthSettings::default() });
        let figures = app.load_national_demo(NationalScale::SMALL, 3).await.unwrap();
        assert_eq!(figures.persons, NationalScale::SMALL.persons);
        assert_eq!(figures.audit_events, NationalScale::SMALL.persons * NationalScale::SMALL.audit_events_per_person);
        let verified = app.verify_audit_chain().await.unwrap();
        assert!(verified >= figures.audit_events as i64);
        // Every municipality has a night shelter, a shared house and flats, and a year of tallies at
        // two services; a second run adds nothing and is refused.
        let municipalities = NationalScale::SMALL.municipalities;
        assert_eq!(figures.housing_units, municipalities * 3);
        assert_eq!(figures.tally_entries, municipalities * 2 * 365);
        // Ten beds over a year of stays of at most 14 nights with at most 3 nights between them.
        const SHELTER_STAYS_AT_LEAST: usize = 10 * 365 / 17;
        assert!(figures.stays > municipalities * SHELTER_STAYS_AT_LEAST, "{}", figures.stays);
        assert!(matches!(
            app.load_national_demo(NationalScale::SMALL, 3).await,
            Err(Error::Conflict { what: "national demo" })
        ));
    }
}
