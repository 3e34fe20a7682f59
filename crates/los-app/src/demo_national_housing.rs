//! The national installation's year of housing and low-threshold tallies (issue 7, item 1): in
//! every national municipality a night shelter with ten beds in nightly use, a shared house for
//! persons with co-occurring disorders, municipal flats with housing follow-up, and a year of
//! daily tallies at the low-threshold health service and the day centre.
//!
//! Written in bulk, one municipality per transaction. A municipality that already has its night
//! shelter is skipped, so the phase can be added to a national installation built before it
//! existed, and a run that was cut off can be resumed.

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_store::bulk::{self, Value};
use uuid::Uuid;

use crate::App;
use crate::demo_rng::{DemoRng, plus_days};

/// The units' names; the first a municipality has marks it as done.
const SHELTER_NAME: &str = "Natthjem – senger";
const SHARED_HOUSE_NAME: &str = "ROP-bolig – plasser";
const FLATS_NAME: &str = "Kommunale boliger";
const SHELTER_BEDS: usize = 10;
/// Guests per bed over the year: each bed is used in turn by the same few persons, so no person
/// is ever in two places on the same night.
const GUESTS_PER_BED: usize = 3;
const SHARED_HOUSE_PLACES: usize = 6;
const MUNICIPAL_FLATS: usize = 8;
const DAYS: i64 = 365;

/// What the phase wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HousingFigures {
    pub units: usize,
    pub stays: usize,
    pub tally_entries: usize,
}

/// A national municipality's services that the phase uses, found by the catalogue's names.
#[derive(Debug, Default)]
struct Services {
    all: Vec<String>,
    shelter: Option<String>,
    shared_house: Option<String>,
    follow_up: Option<String>,
    health: Option<String>,
    day_centre: Option<String>,
}

/// A counter and the range its daily count is drawn from.
type DailyCount = (&'static str, i64, i64);

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn day_value(day: Date) -> Value {
    Value::Text(day.to_string())
}

fn id() -> String {
    Uuid::now_v7().to_string()
}

/// Noon on `day` (UTC) in microseconds: when the day's tally is recorded.
fn noon_micros(day: Date) -> i64 {
    day.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp().as_microsecond()).unwrap_or(0)
}

impl App {
    /// Adds the year of housing and tallies to every national municipality that lacks it.
    pub(crate) async fn national_housing_and_tallies(&self, now: Timestamp) -> Result<HousingFigures, Error> {
        let today = self.local_today();
        let at = now.as_microsecond();
        let services = {
            let mut tx = self.store.read().await?;
            bulk::national_services(&mut tx).await?
        };
        let mut by_municipality: std::collections::BTreeMap<String, Services> = std::collections::BTreeMap::new();
        for (service, name, municipality) in services {
            let entry = by_municipality.entry(municipality).or_default();
            let slot = if name.starts_with("Natthjem 1 ") {
                Some(&mut entry.shelter)
            } else if name.starts_with("ROP-bolig 1 ") {
                Some(&mut entry.shared_house)
            } else if name.starts_with("Boligoppfølging 1 ") {
                Some(&mut entry.follow_up)
            } else if name.starts_with("Lavterskel helse 1 ") {
                Some(&mut entry.health)
            } else if name.starts_with("Dagsenter 1 ") {
                Some(&mut entry.day_centre)
            } else {
                None
            };
            if let Some(slot) = slot {
                *slot = Some(service.clone());
            }
            entry.all.push(service);
        }
        let mut figures = HousingFigures::default();
        for (n, (municipality, services)) in by_municipality.iter().enumerate() {
            let mut tx = self.store.write().await?;
            let first_unit = [
                (&services.shelter, SHELTER_NAME),
                (&services.shared_house, SHARED_HOUSE_NAME),
                (&services.follow_up, FLATS_NAME),
            ]
            .into_iter()
            .find_map(|(service, name)| service.as_ref().map(|service| (service, name)));
            if let Some((service, name)) = first_unit
                && bulk::unit_exists(&mut tx, service, name).await?
            {
                continue;
            }
            let persons = bulk::persons_with_episode_at(
                &mut tx,
                &services.all,
                (SHELTER_BEDS * GUESTS_PER_BED + SHARED_HOUSE_PLACES + MUNICIPAL_FLATS) as i64,
            )
            .await?;
            // Each municipality draws from its own stream, so it is the same whatever ran before.
            let mut rng = DemoRng(0x626f_6c69_6700_0000 ^ n as u64);
            let mut units = Vec::new();
            let mut stays = Vec::new();
            let mut guests = persons.iter();
            let first_day = plus_days(today, -DAYS);
            if let Some(shelter) = &services.shelter {
                let unit = id();
                units.push(unit_row(&unit, shelter, SHELTER_NAME, "night_shelter", SHELTER_BEDS, at));
                for _ in 0..SHELTER_BEDS {
                    let bed_guests: Vec<&String> = guests.by_ref().take(GUESTS_PER_BED).collect();
                    if bed_guests.is_empty() {
                        break;
                    }
                    let mut day = plus_days(first_day, rng.between(0, 3));
                    let mut turn = 0;
                    loop {
                        let nights = rng.between(1, 14);
                        let out = plus_days(day, nights);
                        if out > today {
                            break;
                        }
                        let guest = bed_guests[turn % bed_guests.len()];
                        stays.push(stay_row(&unit, guest, day, Some(out), at));
                        turn += 1;
                        day = plus_days(out, rng.between(0, 3));
                    }
                }
            }
            for (service, name, unit_type, places, ended_percent) in [
                (&services.shared_house, SHARED_HOUSE_NAME, "dual_diagnosis_flat", SHARED_HOUSE_PLACES, 0),
                (&services.follow_up, FLATS_NAME, "municipal_flat", MUNICIPAL_FLATS, 25),
            ] {
                let Some(service) = service else { continue };
                let unit = id();
                units.push(unit_row(&unit, service, name, unit_type, places, at));
                for guest in guests.by_ref().take(places) {
                    let from = plus_days(first_day, rng.between(-DAYS, DAYS - 30));
                    let to = rng
                        .chance(ended_percent)
                        .then(|| plus_days(from, rng.between(30, 300)))
                        .filter(|to| *to < today);
                    stays.push(stay_row(&unit, guest, from, to, at));
                }
            }
            let mut counters = Vec::new();
            let mut entries = Vec::new();
            let mut counts = Vec::new();
            let tallied: [(&Option<String>, &[DailyCount]); 2] = [
                (
                    &services.health,
                    &[
                        ("syringes_out", 20, 90),
                        ("syringes_returned", 10, 70),
                        ("visits", 8, 30),
                        ("nurse_conversations", 2, 10),
                    ],
                ),
                (&services.day_centre, &[("visits", 15, 45), ("meals", 10, 40)]),
            ];
            for (service, service_counters) in tallied {
                let Some(service) = service else { continue };
                for (counter, _, _) in service_counters.iter() {
                    counters.push(vec![text(service.clone()), text(*counter)]);
                }
                for offset in 1..=DAYS {
                    let day = plus_days(today, -offset);
                    let entry = id();
                    entries.push(vec![
                        text(entry.clone()),
                        text(service.clone()),
                        day_value(day),
                        Value::NullText,
                        text(""),
                        Value::Int(noon_micros(day)),
                        Value::NullText,
                    ]);
                    for (counter, low, high) in service_counters.iter() {
                        counts.push(vec![text(entry.clone()), text(*counter), Value::Int(rng.between(*low, *high))]);
                    }
                }
            }
            bulk::insert_rows(
                &mut tx,
                "housing_units",
                &[
                    "id",
                    "service_id",
                    "name",
                    "unit_type",
                    "capacity",
                    "version",
                    "created_at",
                    "updated_at",
                    "updated_by",
                ],
                &units,
            )
            .await?;
            bulk::insert_rows(
                &mut tx,
                "stays",
                &[
                    "id",
                    "unit_id",
                    "person_id",
                    "from_date",
                    "to_date",
                    "episode_id",
                    "version",
                    "created_at",
                    "created_by",
                    "ended_by",
                ],
                &stays,
            )
            .await?;
            bulk::insert_rows(&mut tx, "tally_counters", &["service_id", "counter"], &counters).await?;
            bulk::insert_rows(
                &mut tx,
                "tally_entries",
                &["id", "service_id", "day", "person_id", "note", "recorded_at", "recorded_by"],
                &entries,
            )
            .await?;
            bulk::insert_rows(&mut tx, "tally_counts", &["entry_id", "counter", "count"], &counts).await?;
            tx.commit().await.map_err(los_store::map_sqlx)?;
            figures.units += units.len();
            figures.stays += stays.len();
            figures.tally_entries += entries.len();
            if (n + 1) % 50 == 0 {
                tracing::info!(municipality = %municipality, done = n + 1, "national housing and tallies");
            }
        }
        Ok(figures)
    }
}

fn unit_row(unit: &str, service: &str, name: &str, unit_type: &str, capacity: usize, at: i64) -> Vec<Value> {
    vec![
        text(unit),
        text(service),
        text(name),
        text(unit_type),
        Value::Int(capacity as i64),
        Value::Int(1),
        Value::Int(at),
        Value::Int(at),
        Value::NullText,
    ]
}

fn stay_row(unit: &str, person: &str, from: Date, to: Option<Date>, at: i64) -> Vec<Value> {
    vec![
        text(id()),
        text(unit),
        text(person),
        day_value(from),
        to.map_or(Value::NullText, day_value),
        Value::NullText,
        Value::Int(1),
        Value::Int(at),
        Value::NullText,
        Value::NullText,
    ]
}
