//! Housing (design item 10): units by type with a capacity, stays of persons in them, nights,
//! occupancy and length of stay against the unit type's target.
//!
//! **Nights.** A stay runs from the day the person moved in (`from`) to the day they moved out
//! (`to`, open while they live there). A night belongs to the date on which it starts: the stay
//! covers the nights of `from`, `from + 1`, …, `to − 1`, so a stay from 27 to 28 February is one
//! night, counted in February, and moving out the morning after is not another night. A stay
//! still open covers every night from `from` up to and including today (the bed is taken
//! tonight); nights after today are never counted. A period of days `first..=last` holds the
//! nights of those days.
//!
//! **Occupancy** in a period is the nights stayed divided by the nights available (capacity ×
//! nights in the period). Capacity is the unit's current capacity.
//!
//! **Capacity.** On no night may a unit hold more stays than its capacity, and a person sleeps
//! in one place: a person's stays never share a night.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::error::{FieldError, Reason, Result, Validator};
use crate::person::{parse_date, text};

pub const UNIT_NAME_MAX: usize = 120;
pub const MAX_CAPACITY: u32 = 500;

/// Kinds of housing in the chain. Codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitType {
    /// Natthjem / härbärge: a bed for the night.
    NightShelter,
    /// Lavterskelbolig: a flat for persons in active use who cannot live in an ordinary home.
    LowThresholdFlat,
    /// ROP-bolig: a flat with care for persons with substance use and mental illness.
    DualDiagnosisFlat,
    /// Bofellesskap med bemanning: shared housing with staff.
    SharedHousingWithStaff,
    /// Gjennomgangsbolig / träningslägenhet: a flat on the way to a home of one's own.
    TransitionalFlat,
    /// Kommunal utleiebolig: an ordinary municipal rented flat.
    MunicipalFlat,
}

impl UnitType {
    pub const ALL: [UnitType; 6] = [
        UnitType::NightShelter,
        UnitType::LowThresholdFlat,
        UnitType::DualDiagnosisFlat,
        UnitType::SharedHousingWithStaff,
        UnitType::TransitionalFlat,
        UnitType::MunicipalFlat,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitType::NightShelter => "night_shelter",
            UnitType::LowThresholdFlat => "low_threshold_flat",
            UnitType::DualDiagnosisFlat => "dual_diagnosis_flat",
            UnitType::SharedHousingWithStaff => "shared_housing_with_staff",
            UnitType::TransitionalFlat => "transitional_flat",
            UnitType::MunicipalFlat => "municipal_flat",
        }
    }

    pub fn from_code(code: &str) -> Option<UnitType> {
        UnitType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn parse(field: &str, code: &str) -> std::result::Result<UnitType, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, Reason::Required)),
            code => UnitType::from_code(code).ok_or_else(|| FieldError::new(field, Reason::UnknownValue)),
        }
    }

    /// The longest a stay should last before the person has moved on to a more lasting home,
    /// in nights; `None` for housing that is meant to last.
    ///
    /// - Night shelter: settled within three months (the planning documents' target), 92 nights
    ///   (the longest three calendar months).
    /// - Transitional flat: six months (183 nights), the usual term of a transitional lease.
    /// - Low-threshold flat: one year (365 nights), after which the follow-up plan should have
    ///   found a lasting home or a staffed one.
    /// - Dual-diagnosis flat and shared housing with staff: two years (730 nights), the review
    ///   interval the municipal plans use for staffed housing.
    /// - Municipal flat: no target; it is the home (housing first, not housing as a reward).
    pub fn target_nights(self) -> Option<i64> {
        match self {
            UnitType::NightShelter => Some(92),
            UnitType::TransitionalFlat => Some(183),
            UnitType::LowThresholdFlat => Some(365),
            UnitType::DualDiagnosisFlat | UnitType::SharedHousingWithStaff => Some(730),
            UnitType::MunicipalFlat => None,
        }
    }
}

/// A unit as typed.
#[derive(Debug, Clone, Default)]
pub struct UnitFields {
    pub name: String,
    pub unit_type: String,
    pub capacity: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDescription {
    pub name: String,
    pub unit_type: UnitType,
    pub capacity: u32,
}

pub fn validate_unit(fields: &UnitFields) -> Result<UnitDescription> {
    let mut v = Validator::new();
    let name = text(&mut v, "name", &fields.name, UNIT_NAME_MAX);
    if name.is_empty() {
        v.add("name", Reason::Required);
    }
    let unit_type = v.check(UnitType::parse("unit_type", &fields.unit_type));
    let capacity = match fields.capacity.trim() {
        "" => {
            v.add("capacity", Reason::Required);
            None
        }
        raw => match raw.parse::<i64>() {
            Ok(n) if n < 0 => {
                v.add("capacity", Reason::Negative);
                None
            }
            Ok(n) if n == 0 || n > i64::from(MAX_CAPACITY) => {
                v.add("capacity", Reason::NotAllowed);
                None
            }
            Ok(n) => u32::try_from(n).ok(),
            Err(_) => {
                v.add("capacity", Reason::InvalidFormat);
                None
            }
        },
    };
    v.finish()?;
    let (Some(unit_type), Some(capacity)) = (unit_type, capacity) else { return Err(crate::Error::Internal) };
    Ok(UnitDescription { name, unit_type, capacity })
}

/// The days of a stay: moved in on `from`, out on `to` (open while living there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StayPeriod {
    pub from: Date,
    pub to: Option<Date>,
}

impl StayPeriod {
    /// The last night of the stay up to and including `today`; `None` when it has no night
    /// (moved out the day they moved in, or moved in after `today`).
    pub fn last_night(&self, today: Date) -> Option<Date> {
        let last = match self.to {
            Some(to) => to.checked_sub(1.day()).ok()?.min(today),
            None => today,
        };
        (last >= self.from).then_some(last)
    }

    /// Whether the stay covers the night of `day` (an open stay covers every night from `from`).
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }

    /// Nights of the stay that fall on days `first..=last`, counting no night after `today`.
    pub fn nights_in(&self, first: Date, last: Date, today: Date) -> i64 {
        let Some(own_last) = self.last_night(today) else { return 0 };
        let start = self.from.max(first);
        let end = own_last.min(last);
        if end < start { 0 } else { days_between(start, end) + 1 }
    }

    /// Nights stayed so far (as of `today` for an open stay).
    pub fn length(&self, today: Date) -> i64 {
        self.last_night(today).map(|last| days_between(self.from, last) + 1).unwrap_or(0)
    }
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|span| i64::from(span.get_days())).unwrap_or(0)
}

/// Days in `first..=last` (zero when `last` is earlier).
pub fn days_in(first: Date, last: Date) -> i64 {
    (days_between(first, last) + 1).max(0)
}

/// A stay as typed.
#[derive(Debug, Clone, Default)]
pub struct StayFields {
    pub from: String,
    pub to: String,
}

/// What a new stay is checked against.
#[derive(Debug, Clone, Default)]
pub struct StayContext<'a> {
    pub capacity: u32,
    /// The other stays at the unit.
    pub at_unit: &'a [StayPeriod],
    /// The person's stays anywhere.
    pub of_person: &'a [StayPeriod],
}

/// A new stay: moved in no later than today; moved out (if given) not before moving in and not
/// after today; on no night more stays at the unit than its capacity; the person in no other
/// stay on any of its nights.
pub fn validate_stay(fields: &StayFields, today: Date, context: &StayContext<'_>) -> Result<StayPeriod> {
    let mut v = Validator::new();
    let from = match v.check(parse_date("from", &fields.from)) {
        Some(None) => {
            v.add("from", Reason::Required);
            None
        }
        Some(Some(day)) if day > today => {
            v.add("from", Reason::InFuture);
            None
        }
        other => other.flatten(),
    };
    let to = match v.check(parse_date("to", &fields.to)).flatten() {
        Some(day) if day > today => {
            v.add("to", Reason::InFuture);
            None
        }
        Some(day) if from.is_some_and(|from| day < from) => {
            v.add("to", Reason::EndsBeforeStart);
            None
        }
        other => other,
    };
    // The date errors alone: capacity and overlap make no sense on dates that are wrong.
    v.finish()?;
    let Some(from) = from else { return Err(crate::Error::Internal) };
    let stay = StayPeriod { from, to };
    let mut v = Validator::new();
    if context.of_person.iter().any(|other| shares_a_night(&stay, other)) {
        v.add("from", Reason::Overlaps);
    }
    if busiest_night(&stay, context.at_unit) >= u64::from(context.capacity) {
        v.add("unit", Reason::Overlaps);
    }
    v.finish()?;
    Ok(stay)
}

/// Whether two stays share a night.
pub fn shares_a_night(a: &StayPeriod, b: &StayPeriod) -> bool {
    let a_before_b = a.to.is_some_and(|to| to <= b.from);
    let b_before_a = b.to.is_some_and(|to| to <= a.from);
    let empty = a.to == Some(a.from) || b.to == Some(b.from);
    !(a_before_b || b_before_a || empty)
}

/// The most of `others` that share one night with `stay`. Occupancy only rises where a stay
/// starts, so the nights to look at are the stay's first and the first nights of the others
/// that start within it.
pub fn busiest_night(stay: &StayPeriod, others: &[StayPeriod]) -> u64 {
    if stay.to == Some(stay.from) {
        return 0;
    }
    std::iter::once(stay.from)
        .chain(others.iter().map(|o| o.from).filter(|&day| stay.covers(day)))
        .map(|night| others.iter().filter(|o| o.covers(night)).count() as u64)
        .max()
        .unwrap_or(0)
}

/// Moving out of a stay: on or after moving in, not after today.
pub fn validate_move_out(from: Date, raw: &str, today: Date) -> Result<Date> {
    let mut v = Validator::new();
    let to = match v.check(parse_date("to", raw)) {
        Some(None) => {
            v.add("to", Reason::Required);
            None
        }
        Some(Some(day)) if day > today => {
            v.add("to", Reason::InFuture);
            None
        }
        Some(Some(day)) if day < from => {
            v.add("to", Reason::EndsBeforeStart);
            None
        }
        other => other.flatten(),
    };
    v.finish()?;
    to.ok_or(crate::Error::Internal)
}

/// Nights stayed and available in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Occupancy {
    pub nights: i64,
    pub available: i64,
}

impl Occupancy {
    /// Share of available nights taken (0–1); `None` when nothing was available.
    pub fn share(&self) -> Option<f64> {
        (self.available > 0).then(|| self.nights as f64 / self.available as f64)
    }
}

/// Occupancy of a unit with `capacity` over days `first..=last` (nights after today are not
/// available yet and not counted).
pub fn occupancy(stays: &[StayPeriod], capacity: u32, first: Date, last: Date, today: Date) -> Occupancy {
    let nights = stays.iter().map(|stay| stay.nights_in(first, last, today)).sum();
    let available = i64::from(capacity) * days_in(first, last.min(today));
    Occupancy { nights, available }
}

/// Nights on each day `first..=last` (index 0 is `first`).
pub fn nightly(stays: &[StayPeriod], first: Date, last: Date, today: Date) -> Vec<i64> {
    let days = days_in(first, last);
    let mut out = vec![0_i64; usize::try_from(days).unwrap_or(0)];
    for stay in stays {
        let Some(own_last) = stay.last_night(today) else { continue };
        let start = stay.from.max(first);
        let end = own_last.min(last);
        if end < start {
            continue;
        }
        let offset = days_between(first, start);
        for i in 0..=days_between(start, end) {
            if let Some(slot) = usize::try_from(offset + i).ok().and_then(|index| out.get_mut(index)) {
                *slot += 1;
            }
        }
    }
    out
}

/// Length of stay against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthOfStay {
    pub nights: i64,
    pub target: Option<i64>,
}

impl LengthOfStay {
    pub fn new(stay: &StayPeriod, unit_type: UnitType, today: Date) -> LengthOfStay {
        LengthOfStay { nights: stay.length(today), target: unit_type.target_nights() }
    }

    /// Longer than the target (for an open stay: already longer).
    pub fn over_target(&self) -> bool {
        self.target.is_some_and(|target| self.nights > target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn codes(result: Result<impl std::fmt::Debug>) -> Vec<(String, &'static str)> {
        match result {
            Err(crate::Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.reason.code())).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn stay(from: Date, to: Option<Date>) -> StayPeriod {
        StayPeriod { from, to }
    }

    #[test]
    fn a_night_belongs_to_the_day_it_starts_across_a_leap_day() {
        let today = date(2026, 12, 3);
        let s = stay(date(2024, 2, 27), Some(date(2024, 3, 2)));
        assert_eq!(s.nights_in(date(2024, 2, 1), date(2024, 2, 29), today), 3);
        assert_eq!(s.nights_in(date(2024, 3, 1), date(2024, 3, 31), today), 1);
        assert_eq!(s.length(today), 4);
        // The same dates a year later: no 29 February, so two nights in February.
        let s = stay(date(2025, 2, 27), Some(date(2025, 3, 2)));
        assert_eq!(s.nights_in(date(2025, 2, 1), date(2025, 2, 28), today), 2);
        assert_eq!(s.nights_in(date(2025, 3, 1), date(2025, 3, 31), today), 1);
        assert_eq!(stay(date(2024, 5, 1), Some(date(2024, 5, 1))).length(today), 0);
    }

    #[test]
    fn an_open_stay_counts_tonight_and_nothing_after() {
        let today = date(2026, 12, 3);
        let s = stay(date(2026, 11, 30), None);
        assert_eq!(s.length(today), 4);
        assert_eq!(s.nights_in(date(2026, 12, 1), date(2026, 12, 31), today), 3);
        let o = occupancy(&[s], 2, date(2026, 12, 1), date(2026, 12, 31), today);
        assert_eq!(o, Occupancy { nights: 3, available: 6 });
        assert_eq!(o.share(), Some(0.5));
        assert_eq!(nightly(&[s], date(2026, 11, 29), date(2026, 12, 4), today), vec![0, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn occupancy_of_a_leap_february() {
        let today = date(2026, 12, 3);
        let stays = [stay(date(2024, 2, 27), Some(date(2024, 3, 2))), stay(date(2024, 1, 20), Some(date(2024, 2, 10)))];
        let o = occupancy(&stays, 2, date(2024, 2, 1), date(2024, 2, 29), today);
        // 3 + 9 (1–9 February) nights of 2 × 29.
        assert_eq!(o, Occupancy { nights: 12, available: 58 });
    }

    #[test]
    fn a_stay_fits_the_capacity_and_the_person_sleeps_in_one_place() {
        let today = date(2026, 12, 3);
        let fields = |from: &str, to: &str| StayFields { from: from.into(), to: to.into() };
        let others = [stay(date(2026, 11, 1), Some(date(2026, 11, 10)))];
        let single = StayContext { capacity: 1, at_unit: &others, of_person: &[] };
        assert_eq!(codes(validate_stay(&fields("2026-11-09", ""), today, &single)), vec![("unit".into(), "overlaps")]);
        // Moving in the day the other moves out is fine: the nights do not meet.
        assert!(validate_stay(&fields("2026-11-10", ""), today, &single).is_ok());
        let double = StayContext { capacity: 2, ..single.clone() };
        assert!(validate_stay(&fields("2026-11-05", "2026-11-20"), today, &double).is_ok());
        let mine = [stay(date(2026, 10, 1), None)];
        let person = StayContext { capacity: 5, at_unit: &[], of_person: &mine };
        assert_eq!(codes(validate_stay(&fields("2026-11-01", ""), today, &person)), vec![("from".into(), "overlaps")]);
        assert_eq!(
            codes(validate_stay(&fields("2026-12-04", "2026-12-01"), today, &single)),
            vec![("from".into(), "in-future")]
        );
        assert_eq!(
            codes(validate_stay(&fields("2026-11-20", "2026-11-19"), today, &single)),
            vec![("to".into(), "ends-before-start")]
        );
        assert_eq!(
            codes(validate_stay(&fields("", "2026-12-24"), today, &single)),
            vec![("from".into(), "required"), ("to".into(), "in-future")]
        );
    }

    #[test]
    fn the_busiest_night_is_found_where_a_stay_starts() {
        let others = [
            stay(date(2026, 1, 1), Some(date(2026, 1, 5))),
            stay(date(2026, 1, 3), Some(date(2026, 1, 8))),
            stay(date(2026, 1, 6), None),
        ];
        assert_eq!(busiest_night(&stay(date(2025, 12, 30), Some(date(2026, 1, 2))), &others), 1);
        assert_eq!(busiest_night(&stay(date(2025, 12, 30), Some(date(2026, 1, 4))), &others), 2);
        assert_eq!(busiest_night(&stay(date(2026, 1, 5), None), &others), 2);
    }

    #[test]
    fn length_of_stay_against_the_targets() {
        let today = date(2026, 12, 3);
        assert_eq!(UnitType::NightShelter.target_nights(), Some(92));
        let settled = LengthOfStay::new(&stay(date(2026, 1, 1), Some(date(2026, 4, 3))), UnitType::NightShelter, today);
        assert_eq!((settled.nights, settled.over_target()), (92, false));
        let long = LengthOfStay::new(&stay(date(2026, 1, 1), Some(date(2026, 4, 4))), UnitType::NightShelter, today);
        assert!(long.over_target());
        assert!(!LengthOfStay::new(&stay(date(2016, 1, 1), None), UnitType::MunicipalFlat, today).over_target());
        for t in UnitType::ALL {
            assert_eq!(UnitType::from_code(t.code()), Some(t));
        }
    }

    #[test]
    fn units_need_a_name_a_type_and_a_capacity() {
        let good = UnitFields { name: "Seng 1".into(), unit_type: "night_shelter".into(), capacity: "1".into() };
        assert_eq!(validate_unit(&good).unwrap().capacity, 1);
        let bad = UnitFields { name: " ".into(), unit_type: "tent".into(), capacity: "-2".into() };
        assert_eq!(
            codes(validate_unit(&bad)),
            vec![("name".into(), "required"), ("unit_type".into(), "unknown-value"), ("capacity".into(), "negative")]
        );
        assert_eq!(
            codes(validate_move_out(date(2026, 1, 1), "2025-12-31", date(2026, 12, 3))),
            vec![("to".into(), "ends-before-start")]
        );
    }
}
