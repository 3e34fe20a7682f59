//! Referrals (*henvisning* / *remiss*, design item 7): timed steps from sent to started,
//! declined or withdrawn. This module decides which step may follow which, on which dates, and
//! computes waiting-time statistics. Who may take a step is the policy's business.

use jiff::civil::Date;

use crate::error::{FieldError, Reason, Result, Validator};
use crate::person::{age_on, parse_date, text};

pub const REASON_MAX: usize = 2000;
/// The age under which the Norwegian waiting-time guarantee for children and young people
/// applies (prioriteringsforskriften § 4 a: mental health care and TSB).
pub const YOUTH_GUARANTEE_AGE: i16 = 23;

/// Where a referral is in its life. Codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Sent,
    Received,
    Accepted,
    Declined,
    Offered,
    Started,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Sent,
        Status::Received,
        Status::Accepted,
        Status::Declined,
        Status::Offered,
        Status::Started,
        Status::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Received => "received",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Offered => "offered",
            Status::Started => "started",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Still in the chain: not started, declined or withdrawn. An open referral is a ground for
    /// both organisations to see the person.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Started | Status::Declined | Status::Withdrawn)
    }

    /// Accepted or offered and not yet started: on the service's waiting list.
    pub fn is_waiting(self) -> bool {
        matches!(self, Status::Accepted | Status::Offered)
    }

    /// The steps that may follow this one.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Sent => &[Status::Received, Status::Withdrawn],
            Status::Received => &[Status::Accepted, Status::Declined, Status::Withdrawn],
            Status::Accepted => &[Status::Offered, Status::Started, Status::Withdrawn],
            Status::Offered => &[Status::Started, Status::Withdrawn],
            Status::Started | Status::Declined | Status::Withdrawn => &[],
        }
    }
}

/// How urgent the referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    Urgent,
    High,
    Normal,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Urgent, Priority::High, Priority::Normal];

    pub fn code(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
        }
    }

    pub fn parse(field: &str, raw: &str) -> std::result::Result<Priority, FieldError> {
        match raw.trim() {
            "" => Err(FieldError::new(field, Reason::Required)),
            code => Priority::ALL
                .into_iter()
                .find(|p| p.code() == code)
                .ok_or_else(|| FieldError::new(field, Reason::UnknownValue)),
        }
    }
}

/// A new referral as typed (sender, receiving service and person are resolved by the caller).
#[derive(Debug, Clone, Default)]
pub struct ReferralFields {
    pub reason: String,
    pub priority: String,
    pub sent_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub reason: String,
    pub priority: Priority,
    pub sent_on: Date,
    /// The person was under 23 on the day the referral was sent.
    pub youth_guarantee: bool,
}

pub fn validate_new(
    fields: &ReferralFields,
    birth_date: Option<Date>,
    birth_year: i16,
    today: Date,
) -> Result<NewReferral> {
    let mut v = Validator::new();
    let reason = text(&mut v, "reason", &fields.reason, REASON_MAX);
    if reason.is_empty() {
        v.add("reason", Reason::Required);
    }
    let priority = v.check(Priority::parse("priority", &fields.priority));
    let sent_on = match v.check(parse_date("sent_on", &fields.sent_on)) {
        Some(None) => Some(today),
        Some(Some(day)) if day > today => {
            v.add("sent_on", Reason::InFuture);
            None
        }
        other => other.flatten(),
    };
    v.finish()?;
    let (Some(priority), Some(sent_on)) = (priority, sent_on) else { return Err(crate::Error::Internal) };
    let age = match birth_date {
        Some(born) => age_on(born, sent_on),
        // Without a birth date, the youngest the person can be that year.
        None => sent_on.year() - birth_year - 1,
    };
    Ok(NewReferral { reason, priority, sent_on, youth_guarantee: age < YOUTH_GUARANTEE_AGE })
}

/// One step as typed: the new status, its date and what it needs.
#[derive(Debug, Clone, Default)]
pub struct StepFields {
    pub status: String,
    pub on: String,
    /// Declined: why (required). Withdrawn: why (required).
    pub reason: String,
    /// Accepted: the person has a right to necessary health care (pasientrettighetsloven § 2-1 b).
    pub right_to_care: bool,
    /// Accepted with right to care: the latest date treatment must start.
    pub start_deadline: String,
    /// Offered: the date offered.
    pub offered_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub status: Status,
    pub on: Date,
    pub reason: String,
    pub right_to_care: bool,
    pub start_deadline: Option<Date>,
    pub offered_date: Option<Date>,
}

/// Checks a step against the referral's current status and the date of its last step: the
/// status must be one that may follow, and no step may come before the one it follows or after
/// today.
pub fn validate_step(current: Status, last_step_on: Date, fields: &StepFields, today: Date) -> Result<Step> {
    let mut v = Validator::new();
    let status = match fields.status.trim() {
        "" => {
            v.add("status", Reason::Required);
            None
        }
        code => match Status::from_code(code) {
            Some(status) if current.next().contains(&status) => Some(status),
            Some(_) => {
                v.add("status", Reason::NotAllowed);
                None
            }
            None => {
                v.add("status", Reason::UnknownValue);
                None
            }
        },
    };
    let on = match v.check(parse_date("on", &fields.on)) {
        Some(None) => Some(today),
        other => other.flatten(),
    };
    if let Some(day) = on {
        if day < last_step_on {
            v.add("on", Reason::EndsBeforeStart);
        } else if day > today {
            v.add("on", Reason::InFuture);
        }
    }
    let reason = text(&mut v, "reason", &fields.reason, REASON_MAX);
    if matches!(status, Some(Status::Declined | Status::Withdrawn)) && reason.is_empty() {
        v.add("reason", Reason::Required);
    }
    let start_deadline = v.check(parse_date("start_deadline", &fields.start_deadline)).flatten();
    if status == Some(Status::Accepted) && fields.right_to_care {
        match (start_deadline, on) {
            (None, _) => v.add("start_deadline", Reason::Required),
            (Some(deadline), Some(day)) if deadline < day => v.add("start_deadline", Reason::EndsBeforeStart),
            _ => {}
        }
    }
    let offered_date = v.check(parse_date("offered_date", &fields.offered_date)).flatten();
    if status == Some(Status::Offered) {
        match (offered_date, on) {
            (None, _) => v.add("offered_date", Reason::Required),
            (Some(offered), Some(day)) if offered < day => v.add("offered_date", Reason::EndsBeforeStart),
            _ => {}
        }
    }
    v.finish()?;
    let (Some(status), Some(on)) = (status, on) else { return Err(crate::Error::Internal) };
    Ok(Step {
        status,
        on,
        reason,
        right_to_care: status == Status::Accepted && fields.right_to_care,
        start_deadline: if status == Status::Accepted && fields.right_to_care { start_deadline } else { None },
        offered_date: if status == Status::Offered { offered_date } else { None },
    })
}

/// Waiting-time figures for the referrals started in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingStatistics {
    pub started: usize,
    /// Days from receipt to start; `None` when nothing started.
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    /// Share (0–1) started within the target number of days.
    pub share_within_target: Option<f64>,
}

/// `waits` are the days each started referral waited from receipt to start. Percentiles use
/// linear interpolation between closest ranks (the method of most spreadsheets, `PERCENTILE.INC`).
pub fn waiting_statistics(waits: &[i64], target_days: i64) -> WaitingStatistics {
    let mut sorted = waits.to_vec();
    sorted.sort_unstable();
    let within = sorted.iter().filter(|&&days| days <= target_days).count();
    WaitingStatistics {
        started: sorted.len(),
        median_days: percentile(&sorted, 0.5),
        p90_days: percentile(&sorted, 0.9),
        share_within_target: if sorted.is_empty() { None } else { Some(within as f64 / sorted.len() as f64) },
    }
}

fn percentile(sorted: &[i64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p * last as f64;
    let low = rank.floor() as usize;
    let high = rank.ceil() as usize;
    let (a, b) = (*sorted.get(low)? as f64, *sorted.get(high)? as f64);
    Some(a + (b - a) * (rank - low as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn codes<T: std::fmt::Debug>(result: Result<T>) -> Vec<(String, &'static str)> {
        match result {
            Err(crate::Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.reason.code())).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn steps_follow_the_chain() {
        assert_eq!(Status::Sent.next(), &[Status::Received, Status::Withdrawn]);
        for status in [Status::Started, Status::Declined, Status::Withdrawn] {
            assert!(status.next().is_empty() && !status.is_open());
        }
        assert!(Status::Offered.is_waiting() && Status::Offered.is_open());
        assert!(!Status::Received.is_waiting());
    }

    #[test]
    fn the_youth_guarantee_follows_the_birth_date_on_the_day_sent() {
        let fields =
            ReferralFields { reason: "Needs TSB".into(), priority: "normal".into(), sent_on: "2026-12-01".into() };
        let today = date(2026, 12, 3);
        let young = validate_new(&fields, Some(date(2003, 12, 2)), 2003, today).unwrap();
        assert!(young.youth_guarantee);
        let turned_23 = validate_new(&fields, Some(date(2003, 12, 1)), 2003, today).unwrap();
        assert!(!turned_23.youth_guarantee);
        assert!(validate_new(&fields, None, 2003, today).unwrap().youth_guarantee);
        let bad = ReferralFields { reason: " ".into(), priority: "soon".into(), sent_on: "2026-12-04".into() };
        assert_eq!(
            codes(validate_new(&bad, None, 1990, today)),
            vec![("reason".into(), "required"), ("priority".into(), "unknown-value"), ("sent_on".into(), "in-future"),]
        );
    }

    #[test]
    fn an_assessment_cannot_come_before_receipt_or_skip_it() {
        let today = date(2026, 12, 3);
        let received = date(2026, 11, 20);
        let accept = StepFields {
            status: "accepted".into(),
            on: "2026-11-19".into(),
            right_to_care: true,
            ..Default::default()
        };
        assert_eq!(
            codes(validate_step(Status::Received, received, &accept, today)),
            vec![("on".into(), "ends-before-start"), ("start_deadline".into(), "required"),]
        );
        let skip = StepFields { status: "accepted".into(), ..Default::default() };
        assert_eq!(codes(validate_step(Status::Sent, received, &skip, today)), vec![("status".into(), "not-allowed")]);
        let fine = StepFields { on: "2026-11-25".into(), start_deadline: "2027-01-15".into(), ..accept };
        let step = validate_step(Status::Received, received, &fine, today).unwrap();
        assert_eq!(step.start_deadline, Some(date(2027, 1, 15)));
        let decline = StepFields { status: "declined".into(), ..Default::default() };
        assert_eq!(
            codes(validate_step(Status::Received, received, &decline, today)),
            vec![("reason".into(), "required")]
        );
    }

    #[test]
    fn waiting_statistics_on_known_data() {
        let stats = waiting_statistics(&[10, 30, 20, 40, 100, 50, 60, 70, 80, 90], 45);
        assert_eq!(stats.started, 10);
        assert_eq!(stats.median_days, Some(55.0));
        assert_eq!(stats.p90_days, Some(91.0));
        assert_eq!(stats.share_within_target, Some(0.4));
        let one = waiting_statistics(&[7], 7);
        assert_eq!((one.median_days, one.p90_days, one.share_within_target), (Some(7.0), Some(7.0), Some(1.0)));
        let none = waiting_statistics(&[], 7);
        assert_eq!((none.started, none.median_days, none.share_within_target), (0, None, None));
    }
}
