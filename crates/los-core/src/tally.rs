//! Low-threshold tallies (design item 11): quick daily counts a service keeps — visits, meals,
//! syringes out and returned, and so on — anonymous or linked to a pseudonymous person.
//!
//! A day's counts are recorded as one entry per service, day and person (no person: the
//! anonymous counts of the day). A correction is a new entry for the same service, day and
//! person; the latest entry wins and the earlier ones stay as its history.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::error::{Reason, Result, Validator};
use crate::person::{parse_date, text};

/// The most a counter can be on one day: far above any real day, low enough to catch a typo
/// such as a year typed into a count.
pub const MAX_DAILY_COUNT: i64 = 100_000;
pub const NOTE_MAX: usize = 500;

/// What a service counts. Codes are stored and used as form field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counter {
    Visits,
    Meals,
    SyringesOut,
    SyringesReturned,
    UrineSamples,
    DoctorConsultations,
    NurseConversations,
    WoundCare,
    Vaccinations,
    OnwardReferrals,
}

impl Counter {
    pub const ALL: [Counter; 10] = [
        Counter::Visits,
        Counter::Meals,
        Counter::SyringesOut,
        Counter::SyringesReturned,
        Counter::UrineSamples,
        Counter::DoctorConsultations,
        Counter::NurseConversations,
        Counter::WoundCare,
        Counter::Vaccinations,
        Counter::OnwardReferrals,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Counter::Visits => "visits",
            Counter::Meals => "meals",
            Counter::SyringesOut => "syringes_out",
            Counter::SyringesReturned => "syringes_returned",
            Counter::UrineSamples => "urine_samples",
            Counter::DoctorConsultations => "doctor_consultations",
            Counter::NurseConversations => "nurse_conversations",
            Counter::WoundCare => "wound_care",
            Counter::Vaccinations => "vaccinations",
            Counter::OnwardReferrals => "onward_referrals",
        }
    }

    pub fn from_code(code: &str) -> Option<Counter> {
        Counter::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Which counters a service keeps, as typed (codes).
pub fn validate_counters(codes: &[String]) -> Result<Vec<Counter>> {
    let mut v = Validator::new();
    let mut counters = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match Counter::from_code(code) {
            Some(counter) if !counters.contains(&counter) => counters.push(counter),
            Some(_) => {}
            None => v.add("counters", Reason::UnknownValue),
        }
    }
    if counters.is_empty() {
        v.add("counters", Reason::TooFew { min: 1 });
    }
    v.finish()?;
    counters.sort();
    Ok(counters)
}

/// One day's counts as typed: counter code → text. An empty box is zero.
#[derive(Debug, Clone, Default)]
pub struct TallyFields {
    pub day: String,
    pub counts: BTreeMap<String, String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyEntry {
    pub day: Date,
    pub counts: BTreeMap<Counter, i64>,
    pub note: String,
}

/// Checks a day's counts against the counters the service keeps: the day no later than today,
/// every count a whole number from 0 to [`MAX_DAILY_COUNT`], and no counter the service does not
/// keep. Each count is reported under its counter's code.
pub fn validate_entry(fields: &TallyFields, kept: &[Counter], today: Date) -> Result<TallyEntry> {
    let mut v = Validator::new();
    let day = match v.check(parse_date("day", &fields.day)) {
        Some(None) => {
            v.add("day", Reason::Required);
            None
        }
        Some(Some(day)) if day > today => {
            v.add("day", Reason::InFuture);
            None
        }
        other => other.flatten(),
    };
    let mut counts = BTreeMap::new();
    for (code, raw) in &fields.counts {
        let Some(counter) = Counter::from_code(code).filter(|c| kept.contains(c)) else {
            v.add(code.as_str(), Reason::NotAllowed);
            continue;
        };
        let raw = raw.trim();
        let count = if raw.is_empty() {
            0
        } else {
            match raw.parse::<i64>() {
                Ok(n) if n < 0 => {
                    v.add(code.as_str(), Reason::Negative);
                    continue;
                }
                Ok(n) if n > MAX_DAILY_COUNT => {
                    v.add(code.as_str(), Reason::NotAllowed);
                    continue;
                }
                Ok(n) => n,
                Err(_) => {
                    v.add(code.as_str(), Reason::InvalidFormat);
                    continue;
                }
            }
        };
        counts.insert(counter, count);
    }
    let note = text(&mut v, "note", &fields.note, NOTE_MAX);
    v.finish()?;
    let day = day.ok_or(crate::Error::Internal)?;
    for counter in kept {
        counts.entry(*counter).or_insert(0);
    }
    Ok(TallyEntry { day, counts, note })
}

/// Share of syringes handed out that came back (0–1); `None` when none went out.
pub fn return_rate(out: i64, returned: i64) -> Option<f64> {
    (out > 0).then(|| returned as f64 / out as f64)
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

    fn fields(day: &str, counts: &[(&str, &str)]) -> TallyFields {
        TallyFields {
            day: day.into(),
            counts: counts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            note: String::new(),
        }
    }

    const KEPT: [Counter; 2] = [Counter::SyringesOut, Counter::SyringesReturned];

    #[test]
    fn a_day_fills_every_kept_counter_and_empty_boxes_are_zero() {
        let today = date(2026, 12, 3);
        let entry =
            validate_entry(&fields("2026-12-03", &[("syringes_out", "41"), ("syringes_returned", "")]), &KEPT, today)
                .unwrap();
        assert_eq!(entry.counts[&Counter::SyringesOut], 41);
        assert_eq!(entry.counts[&Counter::SyringesReturned], 0);
        let only_one = validate_entry(&fields("2026-12-01", &[("syringes_out", "3")]), &KEPT, today).unwrap();
        assert_eq!(only_one.counts.len(), 2);
    }

    #[test]
    fn negative_counts_future_days_and_unkept_counters_are_refused() {
        let today = date(2026, 12, 3);
        assert_eq!(
            codes(validate_entry(
                &fields("2026-12-04", &[("syringes_out", "-1"), ("meals", "2"), ("syringes_returned", "x")]),
                &KEPT,
                today
            )),
            vec![
                ("day".into(), "in-future"),
                ("meals".into(), "not-allowed"),
                ("syringes_out".into(), "negative"),
                ("syringes_returned".into(), "invalid-format")
            ]
        );
        assert_eq!(codes(validate_entry(&fields("", &[]), &KEPT, today)), vec![("day".into(), "required")]);
    }

    #[test]
    fn counters_are_known_codes_at_least_one() {
        assert_eq!(
            validate_counters(&["syringes_returned".into(), "visits".into(), "visits".into()]).unwrap(),
            vec![Counter::Visits, Counter::SyringesReturned]
        );
        assert_eq!(
            codes(validate_counters(&["hugs".into()])),
            vec![("counters".into(), "unknown-value"), ("counters".into(), "too-few")]
        );
        assert_eq!(return_rate(15_000, 10_700).map(|r| (r * 1000.0).round()), Some(713.0));
        assert_eq!(return_rate(0, 3), None);
    }
}
