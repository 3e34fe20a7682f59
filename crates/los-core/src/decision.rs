//! Decisions (*vedtak* / *beslut*, design item 8): a service granted, partly granted or denied on
//! a legal basis from the catalogue, with extent, period, review date and grounds; the date of
//! notice starts the appeal deadline (the deadline engine, the country's appeal rule); an appeal
//! is registered and forwarded. Coercion decisions may not last longer than the statute allows.
//! Who may record or read a decision is the policy's business.

use jiff::civil::Date;

use crate::calendar::WorkingCalendar;
use crate::deadline::{self, DeadlineResult, DeadlineRule, DueStatus, Period, compute, seeded_rule};
use crate::error::{Reason, Result, Validator};
use crate::legal_basis::{self, LegalBasis};
use crate::organization::Country;
use crate::person::{parse_date, text};

pub const EXTENT_MAX: usize = 500;
pub const GROUNDS_MAX: usize = 10_000;
pub const FORWARDED_TO_MAX: usize = 300;
/// A review date this many days ahead or fewer is "due soon".
pub const REVIEW_SOON_DAYS: u32 = 14;

/// What the decision says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Granted,
    PartlyGranted,
    Denied,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Granted, Outcome::PartlyGranted, Outcome::Denied];

    /// The stable code, as stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::PartlyGranted => "partly_granted",
            Outcome::Denied => "denied",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// A decision as typed. Dates are `YYYY-MM-DD`; empty means not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFields {
    pub legal_basis: String,
    pub outcome: String,
    pub extent: String,
    pub valid_from: String,
    pub valid_to: String,
    pub review_on: String,
    pub grounds: String,
    pub notice_on: String,
}

/// Validated decision terms (the service is checked by the caller, which knows the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTerms {
    pub legal_basis: &'static LegalBasis,
    pub outcome: Outcome,
    /// The extent in words, e.g. "6 timer per uke"; may be empty (a denial).
    pub extent: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub review_on: Option<Date>,
    pub grounds: String,
    /// The date the person was notified; starts the appeal deadline.
    pub notice_on: Option<Date>,
}

fn date(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    v.check(parse_date(field, raw)).flatten()
}

/// The latest day a coercive measure started on `from` may last under `limit` (the start day is
/// not counted, as in the deadline engine; the date does not move to a working day).
pub fn coercion_latest_end(from: Date, limit: Period) -> Option<Date> {
    let rule = DeadlineRule::ad_hoc(limit, false);
    compute(&rule, from, &[], &WorkingCalendar::new(Country::Norway)).ok().and_then(|r| r.due)
}

/// Checks every field of a decision for a person of `country` and reports all errors at once.
pub fn validate(fields: &DecisionFields, country: Country, today: Date) -> Result<DecisionTerms> {
    let mut v = Validator::new();
    let code = fields.legal_basis.trim();
    let basis = if code.is_empty() {
        v.add("legal_basis", Reason::Required);
        None
    } else {
        match legal_basis::legal_basis(code) {
            None => {
                v.add("legal_basis", Reason::Unknown);
                None
            }
            Some(basis) if basis.country != country => {
                v.add("legal_basis", Reason::NotAllowed);
                None
            }
            Some(basis) => Some(basis),
        }
    };
    let outcome = match fields.outcome.trim() {
        "" => {
            v.add("outcome", Reason::Required);
            None
        }
        raw => {
            let outcome = Outcome::from_code(raw);
            if outcome.is_none() {
                v.add("outcome", Reason::UnknownValue);
            }
            outcome
        }
    };
    let extent = text(&mut v, "extent", &fields.extent, EXTENT_MAX);
    let grounds = text(&mut v, "grounds", &fields.grounds, GROUNDS_MAX);
    if grounds.is_empty() {
        v.add("grounds", Reason::Required);
    }
    let valid_from = date(&mut v, "valid_from", &fields.valid_from);
    if fields.valid_from.trim().is_empty() {
        v.add("valid_from", Reason::Required);
    }
    let valid_to = date(&mut v, "valid_to", &fields.valid_to);
    let review_on = date(&mut v, "review_on", &fields.review_on);
    let notice_on = date(&mut v, "notice_on", &fields.notice_on);

    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        v.add("valid_to", Reason::EndsBeforeStart);
    }
    if let (Some(from), Some(review)) = (valid_from, review_on)
        && (review < from || valid_to.is_some_and(|to| to >= from && review > to))
    {
        v.add("review_on", Reason::NotAllowed);
    }
    if notice_on.is_some_and(|notice| notice > today) {
        v.add("notice_on", Reason::InFuture);
    }
    if let (Some(basis), Some(from)) = (basis, valid_from)
        && let Some(limit) = basis.coercion.as_ref().and_then(|c| c.max_period)
    {
        match valid_to {
            None if !fields.valid_to.trim().is_empty() => {}
            None => v.add("valid_to", Reason::Required),
            Some(to) if to < from => {}
            Some(to) => match coercion_latest_end(from, limit) {
                Some(latest) if to > latest => v.add("valid_to", Reason::LaterThan { latest }),
                Some(_) => {}
                None => v.add("valid_to", Reason::NotAllowed),
            },
        }
    }
    v.finish()?;
    let (Some(legal_basis), Some(outcome), Some(valid_from)) = (basis, outcome, valid_from) else {
        return Err(crate::Error::Internal);
    };
    Ok(DecisionTerms { legal_basis, outcome, extent, valid_from, valid_to, review_on, grounds, notice_on })
}

/// The code of the appeal rule in `country`: forvaltningsloven § 29 in Norway, 44 § förvaltningslagen
/// in Sweden (both three weeks from notice).
pub fn appeal_rule_code(country: Country) -> &'static str {
    match country {
        Country::Norway => "no.fvl.appeal",
        Country::Sweden => "se.fl.appeal",
    }
}

/// The appeal deadline from the date of notice, with its explanation, in `calendar` (the
/// country's calendar with the installation's local options).
pub fn appeal_deadline(calendar: &WorkingCalendar, notice_on: Date) -> Option<DeadlineResult> {
    let rule = seeded_rule(appeal_rule_code(calendar.country))?;
    compute(&rule, notice_on, &[], calendar).ok()
}

/// How close the review date is, seen from `today`.
pub fn review_status(review_on: Date, today: Date) -> DueStatus {
    deadline::status(review_on, today, REVIEW_SOON_DAYS)
}

/// Checks the date an appeal was received: required, not before the notice (which must be
/// recorded first), not in the future.
pub fn validate_appeal(notice_on: Option<Date>, received_on: &str, today: Date) -> Result<Date> {
    let mut v = Validator::new();
    let received = v.check(parse_date("received_on", received_on)).flatten();
    if received_on.trim().is_empty() {
        v.add("received_on", Reason::Required);
    }
    match (notice_on, received) {
        (None, _) => v.add("notice_on", Reason::Required),
        (Some(notice), Some(received)) if received < notice => v.add("received_on", Reason::EndsBeforeStart),
        _ => {}
    }
    if received.is_some_and(|r| r > today) {
        v.add("received_on", Reason::InFuture);
    }
    v.finish()?;
    received.ok_or(crate::Error::Internal)
}

/// Where and when an appeal was sent on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarding {
    pub forwarded_on: Date,
    pub forwarded_to: String,
}

/// Checks forwarding an appeal: the appeal must be registered, the date not before its receipt
/// nor in the future, and the receiving body named.
pub fn validate_forward(
    appeal_received_on: Option<Date>,
    forwarded_on: &str,
    forwarded_to: &str,
    today: Date,
) -> Result<Forwarding> {
    let mut v = Validator::new();
    let on = v.check(parse_date("forwarded_on", forwarded_on)).flatten();
    if forwarded_on.trim().is_empty() {
        v.add("forwarded_on", Reason::Required);
    }
    let to = text(&mut v, "forwarded_to", forwarded_to, FORWARDED_TO_MAX);
    if to.is_empty() {
        v.add("forwarded_to", Reason::Required);
    }
    match (appeal_received_on, on) {
        (None, _) => v.add("appeal", Reason::Required),
        (Some(received), Some(on)) if on < received => v.add("forwarded_on", Reason::EndsBeforeStart),
        _ => {}
    }
    if on.is_some_and(|on| on > today) {
        v.add("forwarded_on", Reason::InFuture);
    }
    v.finish()?;
    Ok(Forwarding { forwarded_on: on.ok_or(crate::Error::Internal)?, forwarded_to: to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn fields() -> DecisionFields {
        DecisionFields {
            legal_basis: "no.hol.3-2".into(),
            outcome: "granted".into(),
            extent: "6 timer per uke".into(),
            valid_from: "2025-01-01".into(),
            valid_to: "2025-12-31".into(),
            review_on: "2025-06-30".into(),
            grounds: "Behovet er dokumentert i kartleggingen.".into(),
            notice_on: "2024-12-20".into(),
        }
    }

    fn errors(result: Result<impl std::fmt::Debug>) -> Vec<(String, String)> {
        match result {
            Err(Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.reason.code().to_string())).collect(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    fn has(errs: &[(String, String)], field: &str, reason: &str) -> bool {
        errs.iter().any(|(f, r)| f == field && r == reason)
    }

    const TODAY: &str = "2025-01-10";

    #[test]
    fn a_complete_decision_is_accepted() {
        let terms = validate(&fields(), Country::Norway, d(TODAY)).unwrap();
        assert_eq!(terms.legal_basis.code, "no.hol.3-2");
        assert_eq!(terms.outcome, Outcome::Granted);
        assert_eq!(terms.extent, "6 timer per uke");
        assert_eq!(terms.valid_to, Some(d("2025-12-31")));
        assert_eq!(terms.notice_on, Some(d("2024-12-20")));
    }

    #[test]
    fn outcome_codes_round_trip() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_code(outcome.code()), Some(outcome));
        }
        let mut f = fields();
        f.outcome = "maybe".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "outcome", "unknown-value"));
    }

    #[test]
    fn the_legal_basis_must_exist_for_the_persons_country() {
        let mut f = fields();
        f.legal_basis = "no.hol.99-9".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "legal_basis", "unknown"));
        f.legal_basis = "no.hol.3-2".into();
        assert!(has(&errors(validate(&f, Country::Sweden, d(TODAY))), "legal_basis", "not-allowed"));
        f.legal_basis = String::new();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "legal_basis", "required"));
    }

    #[test]
    fn a_period_may_not_end_before_it_starts() {
        let mut f = fields();
        f.valid_to = "2024-12-31".into();
        f.review_on = String::new();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "valid_to", "ends-before-start"));
        f.valid_to = "2025-01-01".into();
        assert!(validate(&f, Country::Norway, d(TODAY)).is_ok(), "a one-day period is fine");
    }

    #[test]
    fn the_review_date_lies_within_the_period() {
        let mut f = fields();
        f.review_on = "2024-12-31".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "review_on", "not-allowed"));
        f.review_on = "2026-01-01".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "review_on", "not-allowed"));
        f.valid_to = String::new();
        assert!(validate(&f, Country::Norway, d(TODAY)).is_ok(), "an open period: any date after the start");
    }

    #[test]
    fn grounds_and_start_are_required() {
        let mut f = fields();
        f.grounds = "  ".into();
        f.valid_from = String::new();
        f.review_on = String::new();
        let errs = errors(validate(&f, Country::Norway, d(TODAY)));
        assert!(has(&errs, "grounds", "required"));
        assert!(has(&errs, "valid_from", "required"));
    }

    #[test]
    fn the_notice_may_not_lie_in_the_future_and_is_optional() {
        let mut f = fields();
        f.notice_on = "2025-01-11".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "notice_on", "in-future"));
        f.notice_on = String::new();
        assert_eq!(validate(&f, Country::Norway, d(TODAY)).unwrap().notice_on, None);
        f.notice_on = "20.12.2024".into();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "notice_on", "invalid-format"));
    }

    #[test]
    fn coercion_may_not_exceed_the_statutory_maximum() {
        let mut f = fields();
        f.legal_basis = "no.hol.10-2".into();
        f.review_on = String::new();
        f.valid_from = "2025-01-10".into();
        f.valid_to = "2025-04-10".into();
        assert!(validate(&f, Country::Norway, d(TODAY)).is_ok(), "exactly three months");
        f.valid_to = "2025-04-11".into();
        let errs = errors(validate(&f, Country::Norway, d(TODAY)));
        assert!(has(&errs, "valid_to", "later-than"), "{errs:?}");
        match validate(&f, Country::Norway, d(TODAY)) {
            Err(Error::Invalid(errors)) => {
                assert_eq!(errors[0].reason, Reason::LaterThan { latest: jiff::civil::date(2025, 4, 10) })
            }
            other => panic!("{other:?}"),
        }
        f.valid_to = String::new();
        assert!(has(&errors(validate(&f, Country::Norway, d(TODAY))), "valid_to", "required"));
    }

    #[test]
    fn swedish_lvm_care_is_at_most_six_months_and_pregnancy_has_no_fixed_limit() {
        let mut f = fields();
        f.legal_basis = "se.lvm.4".into();
        f.review_on = String::new();
        f.valid_from = "2025-01-31".into();
        f.valid_to = "2025-07-31".into();
        assert!(validate(&f, Country::Sweden, d(TODAY)).is_ok());
        f.valid_to = "2025-08-01".into();
        assert!(has(&errors(validate(&f, Country::Sweden, d(TODAY))), "valid_to", "later-than"));
        let mut f = fields();
        f.legal_basis = "no.hol.10-3".into();
        f.valid_to = "2025-12-31".into();
        assert!(validate(&f, Country::Norway, d(TODAY)).is_ok());
    }

    #[test]
    fn the_appeal_deadline_is_three_weeks_from_notice_moved_past_easter() {
        let result = appeal_deadline(&WorkingCalendar::new(Country::Norway), d("2024-03-08")).unwrap();
        // 8 March + 21 days = 29 March 2024, Good Friday; then Easter Saturday, Sunday and Monday.
        assert_eq!(result.explanation.base_due, d("2024-03-29"));
        assert_eq!(result.due, Some(d("2024-04-02")));
        assert!(result.explanation.moved.is_some());
        assert_eq!(result.explanation.rule_code.as_deref(), Some("no.fvl.appeal"));
        let se = appeal_deadline(&WorkingCalendar::new(Country::Sweden), d("2024-03-08")).unwrap();
        assert_eq!(se.due, Some(d("2024-04-02")));
        assert_eq!(se.explanation.rule_code.as_deref(), Some("se.fl.appeal"));
    }

    #[test]
    fn the_review_status_says_how_close_the_review_is() {
        assert_eq!(review_status(d("2025-01-09"), d(TODAY)), DueStatus::Overdue { days: 1 });
        assert_eq!(review_status(d("2025-01-10"), d(TODAY)), DueStatus::DueToday);
        assert_eq!(review_status(d("2025-01-20"), d(TODAY)), DueStatus::DueSoon { days: 10 });
        assert_eq!(review_status(d("2025-03-01"), d(TODAY)), DueStatus::Later);
    }

    #[test]
    fn an_appeal_is_received_on_or_after_the_notice() {
        let notice = Some(d("2025-01-02"));
        assert_eq!(validate_appeal(notice, "2025-01-02", d(TODAY)).unwrap(), d("2025-01-02"));
        assert!(has(&errors(validate_appeal(notice, "2025-01-01", d(TODAY))), "received_on", "ends-before-start"));
        assert!(has(&errors(validate_appeal(notice, "2025-01-11", d(TODAY))), "received_on", "in-future"));
        assert!(has(&errors(validate_appeal(notice, "", d(TODAY))), "received_on", "required"));
        assert!(has(&errors(validate_appeal(None, "2025-01-05", d(TODAY))), "notice_on", "required"));
    }

    #[test]
    fn an_appeal_is_forwarded_after_it_was_received_to_a_named_body() {
        let received = Some(d("2025-01-05"));
        let ok = validate_forward(received, "2025-01-08", "Statsforvalteren i Oslo og Viken", d(TODAY)).unwrap();
        assert_eq!(ok.forwarded_on, d("2025-01-08"));
        assert!(has(
            &errors(validate_forward(received, "2025-01-04", "X", d(TODAY))),
            "forwarded_on",
            "ends-before-start"
        ));
        assert!(has(&errors(validate_forward(received, "2025-01-08", " ", d(TODAY))), "forwarded_to", "required"));
        assert!(has(&errors(validate_forward(received, "2025-01-11", "X", d(TODAY))), "forwarded_on", "in-future"));
        assert!(has(&errors(validate_forward(None, "2025-01-08", "X", d(TODAY))), "appeal", "required"));
    }
}
