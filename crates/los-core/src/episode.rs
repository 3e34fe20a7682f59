//! Episodes (*forløp* / *insats*): a person enrolled with a service from a start date to an end
//! date. An active episode is the ordinary ground for the service's organisation to see the
//! person (see [`crate::policy`]).

use jiff::civil::Date;

use crate::error::{FieldError, Reason, Result, Validator};
use crate::person::parse_date;

/// Why an episode ended. Codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// The goals were reached or the service is no longer needed.
    Completed,
    /// Moved on to another service in the chain.
    Transferred,
    /// Moved out of the area.
    Moved,
    /// Stopped coming; the service lost contact.
    LostContact,
    /// Chose to end the service.
    PersonEnded,
    Died,
    Other,
}

impl EndReason {
    pub const ALL: [EndReason; 7] = [
        EndReason::Completed,
        EndReason::Transferred,
        EndReason::Moved,
        EndReason::LostContact,
        EndReason::PersonEnded,
        EndReason::Died,
        EndReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EndReason::Completed => "completed",
            EndReason::Transferred => "transferred",
            EndReason::Moved => "moved",
            EndReason::LostContact => "lost_contact",
            EndReason::PersonEnded => "person_ended",
            EndReason::Died => "died",
            EndReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<EndReason> {
        EndReason::ALL.into_iter().find(|reason| reason.code() == code)
    }

    pub fn parse(field: &str, code: &str) -> std::result::Result<EndReason, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, Reason::Required)),
            code => EndReason::from_code(code).ok_or_else(|| FieldError::new(field, Reason::UnknownValue)),
        }
    }
}

/// A period of days, both ends included; `end` open while the episode runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Option<Date>,
}

impl Period {
    pub fn overlaps(&self, other: &Period) -> bool {
        let self_ends_before = self.end.is_some_and(|end| end < other.start);
        let other_ends_before = other.end.is_some_and(|end| end < self.start);
        !self_ends_before && !other_ends_before
    }

    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// A new episode: it starts on a day no later than today (an enrolment is recorded, not
/// planned) and must not overlap another episode of the same person at the same service.
pub fn validate_start(start_raw: &str, today: Date, others_at_service: &[Period]) -> Result<Date> {
    let mut v = Validator::new();
    let start = v.check(parse_date("start", start_raw)).flatten();
    match start {
        None if start_raw.trim().is_empty() => v.add("start", Reason::Required),
        Some(day) if day > today => v.add("start", Reason::InFuture),
        Some(day) if others_at_service.iter().any(|other| other.overlaps(&Period { start: day, end: None })) => {
            v.add("start", Reason::Overlaps)
        }
        _ => {}
    }
    v.finish()?;
    start.ok_or(crate::Error::Internal)
}

/// Ending an episode: the end lies between its start and today, and a reason is given.
pub fn validate_end(episode_start: Date, end: &str, reason: &str, today: Date) -> Result<(Date, EndReason)> {
    let mut v = Validator::new();
    let end_date = v.check(parse_date("end", end)).flatten();
    match end_date {
        None if end.trim().is_empty() => v.add("end", Reason::Required),
        Some(day) if day < episode_start => v.add("end", Reason::EndsBeforeStart),
        Some(day) if day > today => v.add("end", Reason::InFuture),
        _ => {}
    }
    let reason = v.check(EndReason::parse("end_reason", reason));
    v.finish()?;
    match (end_date, reason) {
        (Some(end), Some(reason)) => Ok((end, reason)),
        _ => Err(crate::Error::Internal),
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

    #[test]
    fn periods_overlap_when_they_share_a_day() {
        let closed = Period { start: date(2026, 1, 1), end: Some(date(2026, 3, 31)) };
        assert!(closed.overlaps(&Period { start: date(2026, 3, 31), end: None }));
        assert!(!closed.overlaps(&Period { start: date(2026, 4, 1), end: None }));
        assert!(Period { start: date(2025, 1, 1), end: None }.overlaps(&closed));
        assert!(closed.contains(date(2026, 3, 31)) && !closed.contains(date(2026, 4, 1)));
    }

    #[test]
    fn a_start_is_past_or_today_and_does_not_overlap() {
        let today = date(2026, 12, 3);
        assert_eq!(validate_start("2026-12-03", today, &[]).unwrap(), today);
        assert_eq!(codes(validate_start("", today, &[])), vec![("start".into(), "required")]);
        assert_eq!(codes(validate_start("2026-12-04", today, &[])), vec![("start".into(), "in-future")]);
        assert_eq!(codes(validate_start("3.12.2026", today, &[])), vec![("start".into(), "invalid-format")]);
        let running = [Period { start: date(2026, 6, 1), end: None }];
        assert_eq!(codes(validate_start("2026-11-01", today, &running)), vec![("start".into(), "overlaps")]);
        let ended = [Period { start: date(2026, 6, 1), end: Some(date(2026, 10, 31)) }];
        assert!(validate_start("2026-11-01", today, &ended).is_ok());
    }

    #[test]
    fn an_end_needs_a_date_within_the_episode_and_a_reason() {
        let today = date(2026, 12, 3);
        let start = date(2026, 6, 1);
        assert_eq!(validate_end(start, "2026-06-01", "completed", today).unwrap(), (start, EndReason::Completed));
        assert_eq!(
            codes(validate_end(start, "2026-05-31", "", today)),
            vec![("end".into(), "ends-before-start"), ("end_reason".into(), "required")]
        );
        assert_eq!(
            codes(validate_end(start, "2026-12-04", "nope", today)),
            vec![("end".into(), "in-future"), ("end_reason".into(), "unknown-value")]
        );
    }
}
