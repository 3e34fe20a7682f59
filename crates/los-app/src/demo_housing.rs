//! Housing and tallies for the demo installation (design items 10 and 11), at the scale of the
//! planning documents: the night shelter's 8 beds (about 1,300–1,450 nights a year), 6
//! low-threshold flats, 8 dual-diagnosis flats and shared housing with 7 + 4 places; a year of
//! daily tallies at the low-threshold health service (about 15,000 syringes out and 10,700
//! returned) and the day centre (25–30 visits a day).
//!
//! Units, counters, persons and stays go through the use cases (so validation, the policy, the
//! episodes kept in step and the audit log all run); the year of tallies is written in one
//! transaction with one audit event. A fixed-seed generator makes it repeatable; it is loaded
//! once (the night shelter having units means it is there already).

use jiff::civil::{Date, Weekday};
use los_core::Error;
use los_core::account::Role;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::housing::{StayFields, UnitFields};
use los_core::ids::{OrganizationId, PersonId, ServiceId};
use los_core::person::PersonFields;
use los_core::policy::{self, Action, Actor};
use los_core::tally::{Counter, TallyEntry};
use los_store::persons::SearchQuery;
use los_store::{accounts, audit, housing, map_sqlx, tallies};

use crate::demo_persons::{DemoWorld, Staff, plan};
use crate::demo_rng::{DemoRng, plus_days};
use crate::persons::NewPersonInput;
use crate::{App, RequestContext};

const NIGHT_SHELTER: &str = "Natthjem";
const LOW_THRESHOLD_FLATS: &str = "Lavterskelboliger";
const DUAL_DIAGNOSIS_FLATS: &str = "ROP-boliger";
const SHARED_FLATS: &str = "Bofellesskap med bemanning";
const LOW_THRESHOLD_HEALTH: &str = "Lavterskel helsetilbud";
const DAY_CENTRE: &str = "Dagsenter";

const SHELTER_BEDS: usize = 8;
/// Persons who use the night shelter in the demo year (registered by its staff, pseudonymous).
const SHELTER_GUESTS: usize = 45;

/// The flats and shared houses: (service, unit name, type, capacity).
const FLATS: [(&str, &str, &str, u32); 16] = [
    (LOW_THRESHOLD_FLATS, "Leilighet 1", "low_threshold_flat", 1),
    (LOW_THRESHOLD_FLATS, "Leilighet 2", "low_threshold_flat", 1),
    (LOW_THRESHOLD_FLATS, "Leilighet 3", "low_threshold_flat", 1),
    (LOW_THRESHOLD_FLATS, "Leilighet 4", "low_threshold_flat", 1),
    (LOW_THRESHOLD_FLATS, "Leilighet 5", "low_threshold_flat", 1),
    (LOW_THRESHOLD_FLATS, "Leilighet 6", "low_threshold_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 1", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 2", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 3", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 4", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 5", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 6", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 7", "dual_diagnosis_flat", 1),
    (DUAL_DIAGNOSIS_FLATS, "ROP-leilighet 8", "dual_diagnosis_flat", 1),
    (SHARED_FLATS, "Bofellesskap Nord (7 plasser)", "shared_housing_with_staff", 7),
    (SHARED_FLATS, "Bofellesskap Sør (4 plasser)", "shared_housing_with_staff", 4),
];

/// One planned stay: who (an index into the guests or the tenants), where (an index into the
/// beds or the places), from and to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlannedStay {
    pub(crate) person: usize,
    pub(crate) unit: usize,
    pub(crate) from: Date,
    pub(crate) to: Option<Date>,
}

/// The night shelter's year: each night, each free bed is taken by a guest not already inside
/// with a chance that gives about 1,400 nights; most stays are a few nights, some weeks.
pub(crate) fn plan_shelter(today: Date) -> Vec<PlannedStay> {
    let mut rng = DemoRng(0x4E61_7474_686A_656D);
    let first = plus_days(today, -364);
    let mut stays: Vec<PlannedStay> = Vec::new();
    // For each bed, the night it is free again; for each guest, the day they may come back.
    let mut bed_free = [first; SHELTER_BEDS];
    let mut guest_back = [first; SHELTER_GUESTS];
    let mut day = first;
    while day <= today {
        for (bed, free) in bed_free.iter_mut().enumerate() {
            if *free > day || !rng.chance(15) {
                continue;
            }
            let candidates: Vec<usize> = (0..SHELTER_GUESTS).filter(|&g| guest_back[g] <= day).collect();
            let Some(&guest) = candidates.get(rng.below(candidates.len() as u64) as usize) else { continue };
            let nights = if rng.chance(80) { rng.between(1, 5) } else { rng.between(6, 24) };
            let out = plus_days(day, nights);
            stays.push(PlannedStay { person: guest, unit: bed, from: day, to: (out <= today).then_some(out) });
            *free = out;
            guest_back[guest] = plus_days(out, rng.between(0, 20));
        }
        day = plus_days(day, 1);
    }
    stays
}

/// Places in the flats and shared houses (one per bed of a unit of capacity more than one):
/// most held for a long time, some handed on during the year after a short vacancy.
pub(crate) fn plan_flats(today: Date) -> Vec<PlannedStay> {
    let mut rng = DemoRng(0x426F_6C69_6765_7221);
    let mut stays = Vec::new();
    let mut tenant = 0;
    let mut place = 0;
    for (_, _, _, capacity) in FLATS {
        for _ in 0..capacity {
            let from = plus_days(today, -rng.between(200, 1100));
            let earliest_out = plus_days(from, 30).max(plus_days(today, -330));
            let latest_out = plus_days(today, -40);
            if rng.chance(30) && earliest_out < latest_out {
                let out = rng.day_between(earliest_out, latest_out);
                stays.push(PlannedStay { person: tenant, unit: place, from, to: Some(out) });
                tenant += 1;
                let next = plus_days(out, rng.between(5, 30));
                stays.push(PlannedStay { person: tenant, unit: place, from: next, to: None });
            } else if rng.chance(90) {
                stays.push(PlannedStay { person: tenant, unit: place, from, to: None });
            }
            tenant += 1;
            place += 1;
        }
    }
    stays
}

/// A year of daily counts up to today at the low-threshold health service (open on weekdays)
/// and the day centre (open on weekdays).
pub(crate) fn plan_tallies(today: Date) -> (Vec<TallyEntry>, Vec<TallyEntry>) {
    let mut rng = DemoRng(0x5461_6C6C_6965_7321);
    let mut health = Vec::new();
    let mut centre = Vec::new();
    let mut day = plus_days(today, -364);
    while day <= today {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            let out = rng.between(40, 75);
            let returned = out * rng.between(60, 82) / 100;
            let visits = rng.between(18, 32);
            let counts = [
                (Counter::Visits, visits),
                (Counter::SyringesOut, out),
                (Counter::SyringesReturned, returned),
                (Counter::UrineSamples, rng.between(0, 4)),
                (Counter::DoctorConsultations, rng.between(0, 3)),
                (Counter::NurseConversations, rng.between(3, 9)),
                (Counter::WoundCare, rng.between(0, 5)),
                (Counter::Vaccinations, i64::from(rng.chance(15))),
                (Counter::OnwardReferrals, i64::from(rng.chance(20))),
            ];
            health.push(TallyEntry { day, counts: counts.into_iter().collect(), note: String::new() });
            let visits = rng.between(25, 30);
            let counts = [
                (Counter::Visits, visits),
                (Counter::Meals, visits - rng.between(2, 8)),
                (Counter::OnwardReferrals, i64::from(rng.chance(10))),
            ];
            centre.push(TallyEntry { day, counts: counts.into_iter().collect(), note: String::new() });
        }
        day = plus_days(day, 1);
    }
    (health, centre)
}

fn counters_of(entries: &[TallyEntry]) -> Vec<String> {
    let mut codes: Vec<String> =
        entries.first().map(|e| e.counts.keys().map(|c| c.code().to_string()).collect()).unwrap_or_default();
    codes.sort();
    codes
}

impl App {
    pub(crate) async fn load_demo_housing(
        &self,
        ctx: &RequestContext,
        organizations: &[OrganizationId],
    ) -> Result<(), Error> {
        let world = self.demo_world(organizations).await?;
        let shelter = world.service(NIGHT_SHELTER)?;
        let loaded = {
            let mut tx = self.store.read().await?;
            !housing::units_of_services(&mut tx, &[shelter]).await?.is_empty()
        };
        if loaded {
            return Ok(());
        }
        let admin = self.demo_admin(organizations).await?;
        let today = self.local_today();
        self.load_demo_shelter(ctx, &world, &admin, today).await?;
        self.load_demo_flats(ctx, &world, &admin, today).await?;
        self.load_demo_tallies(ctx, &world, &admin, today).await
    }

    async fn demo_admin(&self, organizations: &[OrganizationId]) -> Result<Actor, Error> {
        let mut tx = self.store.read().await?;
        let account = accounts::by_username(&mut tx, "admin").await?.ok_or(Error::NotFound { what: "demo admin" })?;
        let organization = organizations.first().copied().ok_or(Error::Internal)?;
        Ok(Actor { account: account.id, organization, role: Role::Admin })
    }

    async fn load_demo_shelter(
        &self,
        ctx: &RequestContext,
        world: &DemoWorld,
        admin: &Actor,
        today: Date,
    ) -> Result<(), Error> {
        let service = world.service(NIGHT_SHELTER)?;
        let mut beds = Vec::new();
        for bed in 1..=SHELTER_BEDS {
            let fields =
                UnitFields { name: format!("Seng {bed}"), unit_type: "night_shelter".into(), capacity: "1".into() };
            beds.push(self.create_unit(ctx, admin, service, &fields).await?.id);
        }
        let staff = world.actor(Staff::NightShelter)?;
        let stays = plan_shelter(today);
        let mut guests: Vec<Option<PersonId>> = vec![None; SHELTER_GUESTS];
        let mut rng = DemoRng(0x4775_6573_7473_2121);
        for stay in &stays {
            let guest = match guests.get(stay.person).copied().flatten() {
                Some(id) => id,
                None => {
                    // Registered the first night they come, enrolled with the shelter from then on.
                    let input = NewPersonInput {
                        fields: PersonFields {
                            kind: "pseudonymous".into(),
                            pseudonym: format!("NH-{:04}", stay.person + 1),
                            birth_year: (today.year() - 20 - rng.below(45) as i16).to_string(),
                            sex: if rng.chance(20) { "female" } else { "male" }.into(),
                            ..PersonFields::default()
                        },
                        service: service.to_string(),
                        start: stay.from.to_string(),
                        confirm_not_duplicate: true,
                    };
                    let id = self.register_person(ctx, staff, &input).await?;
                    if let Some(slot) = guests.get_mut(stay.person) {
                        *slot = Some(id);
                    }
                    id
                }
            };
            let bed = beds.get(stay.unit).ok_or(Error::Internal)?;
            let fields =
                StayFields { from: stay.from.to_string(), to: stay.to.map(|d| d.to_string()).unwrap_or_default() };
            self.record_stay(ctx, staff, guest, &bed.to_string(), &fields).await?;
        }
        Ok(())
    }

    /// Tenants for the flats: persons of the substance-use team the coordinator follows today.
    async fn demo_tenants(&self, world: &DemoWorld, count: usize) -> Result<Vec<PersonId>, Error> {
        let coordinator = world.actor(Staff::Coordinator)?;
        let grant = policy::authorize(coordinator, Action::SearchPersons).map_err(|_| Error::Forbidden)?;
        let today = self.local_today();
        let mut tenants = Vec::new();
        let mut tx = self.store.read().await?;
        for planned in plan(today).into_iter().skip(85).take(160) {
            let first = planned.episodes.first();
            if planned.fields.identifier.is_empty()
                || first.is_none_or(|e| e.end.is_some() || e.by != Staff::Coordinator)
            {
                continue;
            }
            let query = SearchQuery::Identifier(planned.fields.identifier.clone());
            if let Some(id) = los_store::persons::search_candidates(&mut tx, &grant, &query, 1).await?.first() {
                tenants.push(*id);
            }
            if tenants.len() == count {
                break;
            }
        }
        Ok(tenants)
    }

    async fn load_demo_flats(
        &self,
        ctx: &RequestContext,
        world: &DemoWorld,
        admin: &Actor,
        today: Date,
    ) -> Result<(), Error> {
        // One entry per place: the unit it belongs to.
        let mut places = Vec::new();
        for (service, name, unit_type, capacity) in FLATS {
            let fields = UnitFields { name: name.into(), unit_type: unit_type.into(), capacity: capacity.to_string() };
            let unit = self.create_unit(ctx, admin, world.service(service)?, &fields).await?.id;
            places.extend((0..capacity).map(|_| unit));
        }
        let stays = plan_flats(today);
        let tenants = self.demo_tenants(world, stays.iter().map(|s| s.person + 1).max().unwrap_or(0)).await?;
        let coordinator = world.actor(Staff::Coordinator)?;
        for stay in &stays {
            let (Some(person), Some(unit)) = (tenants.get(stay.person), places.get(stay.unit)) else { continue };
            let fields =
                StayFields { from: stay.from.to_string(), to: stay.to.map(|d| d.to_string()).unwrap_or_default() };
            self.record_stay(ctx, coordinator, *person, &unit.to_string(), &fields).await?;
        }
        Ok(())
    }

    async fn load_demo_tallies(
        &self,
        ctx: &RequestContext,
        world: &DemoWorld,
        admin: &Actor,
        today: Date,
    ) -> Result<(), Error> {
        let (health, centre) = plan_tallies(today);
        let staff = world.actor(Staff::LowThreshold)?;
        for (name, entries) in [(LOW_THRESHOLD_HEALTH, &health), (DAY_CENTRE, &centre)] {
            let service: ServiceId = world.service(name)?;
            self.set_tally_counters(ctx, admin, service, &counters_of(entries)).await?;
            let grant = policy::authorize(staff, Action::RecordTallies { provider: staff.organization })
                .map_err(|_| Error::Forbidden)?;
            let now = self.now();
            let mut tx = self.store.write().await?;
            tallies::insert_anonymous_days(&mut tx, &grant, service, staff.organization, entries, now).await?;
            let mut event = ctx.event(now, Some(staff), AuditAction::TallyRecorded, AuditOutcome::Success);
            let first = entries.first().map(|e| e.day.to_string()).unwrap_or_default();
            event.subject = Some(format!("{service}:{first}..{today}"));
            event.reason = Some(format!("demo: {} days", entries.len()));
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
        }
        Ok(())
    }
}

/// Nights of the planned stays whose night falls in the year up to today.
#[cfg(test)]
fn nights_in_year(stays: &[PlannedStay], today: Date) -> i64 {
    stays
        .iter()
        .map(|s| {
            let period = los_core::housing::StayPeriod { from: s.from, to: s.to };
            period.nights_in(plus_days(today, -364), today, today)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::Scope;
    use crate::demo::testing::loaded_demo;
    use crate::demo_rng::days_between;
    use jiff::civil::date;

    #[test]
    fn the_plans_are_deterministic_and_at_the_planning_documents_scale() {
        let today = date(2026, 12, 3);
        let shelter = plan_shelter(today);
        assert_eq!(shelter, plan_shelter(today));
        let nights = nights_in_year(&shelter, today);
        eprintln!("planned: {nights} night-shelter nights, {} stays", shelter.len());
        assert!((1_300..=1_450).contains(&nights), "{nights} night-shelter nights");
        let (health, centre) = plan_tallies(today);
        let sum = |entries: &[TallyEntry], counter: Counter| -> i64 {
            entries.iter().map(|e| e.counts.get(&counter).copied().unwrap_or(0)).sum()
        };
        let out = sum(&health, Counter::SyringesOut);
        let returned = sum(&health, Counter::SyringesReturned);
        assert!((14_000..=16_000).contains(&out), "{out} syringes out");
        assert!((10_000..=11_400).contains(&returned), "{returned} syringes returned");
        let per_day = sum(&centre, Counter::Visits) as f64 / centre.len() as f64;
        assert!((25.0..=30.0).contains(&per_day), "{per_day} visits a day");
        assert!(days_between(shelter[0].from, today) >= 360);
        let flats = plan_flats(today);
        assert!(flats.iter().all(|s| s.to.is_none_or(|to| to > s.from && to <= today)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_year_reads_back_on_the_dashboards() {
        let demo = loaded_demo().await;
        let app = &demo.app;
        let world = app.demo_world(&demo.organizations).await.unwrap();
        let admin = app.demo_admin(&demo.organizations).await.unwrap();
        let ctx = RequestContext::default();
        let shelter =
            app.dashboard(&ctx, &admin, Scope::Service(world.service(NIGHT_SHELTER).unwrap()), "", "").await.unwrap();
        let nights = shelter.current.nights.value().unwrap();
        eprintln!("night shelter: {nights} nights, occupancy {:?}", shelter.current.occupancy);
        assert!((1_300..=1_450).contains(&nights), "{nights}");
        let health = app
            .dashboard(&ctx, &admin, Scope::Service(world.service(LOW_THRESHOLD_HEALTH).unwrap()), "", "")
            .await
            .unwrap();
        let (out, returned) =
            (health.current.syringes_out.value().unwrap(), health.current.syringes_returned.value().unwrap());
        eprintln!("syringes out {out}, returned {returned}, rate {:?}", health.current.return_rate);
        assert!((14_000..=16_000).contains(&out) && (10_000..=11_400).contains(&returned));
        let centre =
            app.dashboard(&ctx, &admin, Scope::Service(world.service(DAY_CENTRE).unwrap()), "", "").await.unwrap();
        let per_day = centre.current.visits_per_day.unwrap();
        assert!((25.0..=30.0).contains(&per_day), "{per_day}");
        let follow_up = app
            .dashboard(&ctx, &admin, Scope::Service(world.service("Boligoppfølgingsteamet").unwrap()), "", "")
            .await
            .unwrap();
        eprintln!("housing follow-up team: {:?} persons served", follow_up.current.persons_served);
        for name in [LOW_THRESHOLD_FLATS, DUAL_DIAGNOSIS_FLATS, SHARED_FLATS] {
            let flats =
                app.dashboard(&ctx, &admin, Scope::Service(world.service(name).unwrap()), "", "").await.unwrap();
            let occupancy = flats.current.occupancy.unwrap();
            eprintln!("{name}: occupancy {occupancy:.2}");
            assert!((0.6..=1.0).contains(&occupancy), "{name}: {occupancy}");
        }
        // Loading again changes nothing.
        let before =
            app.dashboard(&ctx, &admin, Scope::Service(world.service(NIGHT_SHELTER).unwrap()), "", "").await.unwrap();
        app.load_demo().await.unwrap();
        let after =
            app.dashboard(&ctx, &admin, Scope::Service(world.service(NIGHT_SHELTER).unwrap()), "", "").await.unwrap();
        assert_eq!(before.current, after.current);
    }
}
