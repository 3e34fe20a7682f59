//! The deadline engine: rules as data, clocks that pause, and an explanation for every date.
//!
//! # Counting
//!
//! A deadline runs from a start date (the day a referral arrived, a notice was received, a stay
//! began). The start day itself is never counted; the period is added to it:
//!
//! * [`Period::WorkingDays`]`(n)`: the n-th working day after the start in the
//!   [`WorkingCalendar`] used. Always a working day for `n >= 1`.
//! * [`Period::CalendarDays`]`(n)` and [`Period::Weeks`]`(n)`: `start + n` or `start + 7n` days.
//! * [`Period::Months`]`(n)`: the same day number `n` months later. When that month is shorter, the
//!   period ends on its last day (31 January + 1 month = 28 or 29 February; 30 November + 3 months =
//!   28 February). This is jiff's month arithmetic, and it is what domstolloven § 148 second
//!   paragraph and lag (1930:173) 1 § prescribe. [`Explanation::month_end_clamped`] says when it
//!   happened.
//!
//! When a rule has [`DeadlineRule::extends_to_working_day`] and the last day is not a working day,
//! the deadline moves to the next working day (Norway: domstolloven § 149, applied to statutory time
//! limits; Sweden: lag (1930:173) 2 §, which also counts Midsummer Eve, Christmas Eve and New Year's
//! Eve). Maximum durations of coercive measures and indicative targets do not move.
//!
//! # Pauses
//!
//! A [`Pause`] stops the clock from `from` (inclusive) until `to` (exclusive): the clock runs again
//! on the day `to`. So a pause from 10 to 15 March covers 10, 11, 12, 13 and 14 March.
//!
//! * Overlapping or touching pauses are merged first, so every day is paused at most once.
//! * A paused stretch pushes the running due date later by the days it covers, in the rule's
//!   counting unit: working days in `[from, to)` for working-day rules, calendar days for
//!   calendar-day, week and month rules. The paused time counts in full, also when a pause begins
//!   on the start date (the clock then effectively starts on the resume day).
//! * Stretches are applied in date order. A stretch that begins after the running due date has no
//!   effect: the deadline had already passed when the clock was stopped ([`PauseEffect::AfterDue`]).
//! * An open pause (`to = None`) that began on or before the running due date stops the clock: the
//!   result has no due date, and [`PausedClock::remaining`] is the number of counting days in
//!   `[since, due]`, i.e. the days left when the clock stopped, the day it stopped included. When the
//!   clock resumes on day R, the deadline becomes the `remaining`-th counting day counting R itself
//!   as the first; [`compute_if_resumed`] computes exactly that.
//! * Moving to the next working day happens last, after all pauses.
//!
//! A pause must not start before the start date, nor end before it starts; both are errors.

mod rules;

use std::fmt::Write as _;

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarOptions, DateOutOfRange, DayOff, HolidayCode, WorkingCalendar};
use crate::error::{Error, FieldError, Reason, Validator};
use crate::locale::Locale;
use crate::organization::Country;

pub use rules::{seeded_rule, seeded_rules};

/// A text in each of the languages Los speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalizedText {
    pub nb: String,
    pub sv: String,
    pub en: String,
}

impl LocalizedText {
    pub fn new(nb: impl Into<String>, sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self { nb: nb.into(), sv: sv.into(), en: en.into() }
    }

    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::NorwegianBokmal => &self.nb,
            Locale::Swedish => &self.sv,
            Locale::English => &self.en,
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleSource {
    /// A law and section, e.g. forvaltningsloven § 29.
    Statute { law: String, section: String, country: Country },
    /// A national guideline that is not law, e.g. the Helsedirektoratet pathways (pakkeforløp).
    Guideline { issuer: String, document: String, country: Country },
    /// A rule decided locally (a municipality's service standard).
    Local { description: String },
    /// A period typed in by a user, without a rule behind it.
    AdHoc,
}

impl RuleSource {
    /// One line naming the source, as a lawyer would cite it.
    pub fn text(&self) -> String {
        match self {
            RuleSource::Statute { law, section, country: Country::Norway } => format!("{law} {section}"),
            RuleSource::Statute { law, section, country: Country::Sweden } => format!("{section} {law}"),
            RuleSource::Guideline { issuer, document, .. } => format!("{issuer}, {document}"),
            RuleSource::Local { description } => format!("Local rule: {description}"),
            RuleSource::AdHoc => "Ad hoc period".to_string(),
        }
    }

    /// The country whose law or guideline this is, if any.
    pub fn country(&self) -> Option<Country> {
        match self {
            RuleSource::Statute { country, .. } | RuleSource::Guideline { country, .. } => Some(*country),
            RuleSource::Local { .. } | RuleSource::AdHoc => None,
        }
    }
}

/// How a day is counted: by the working-day calendar or every day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountingUnit {
    WorkingDays,
    CalendarDays,
}

/// The length of a deadline. Serialised as `{"unit": "weeks", "amount": 3}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Period {
    WorkingDays(u32),
    CalendarDays(u32),
    Weeks(u32),
    Months(u32),
}

impl Period {
    /// About forty years of working days.
    pub const MAX_WORKING_DAYS: u32 = 10_000;
    /// About a hundred years.
    pub const MAX_CALENDAR_DAYS: u32 = 36_600;
    pub const MAX_WEEKS: u32 = 5_200;
    pub const MAX_MONTHS: u32 = 1_200;

    pub fn amount(self) -> u32 {
        match self {
            Period::WorkingDays(n) | Period::CalendarDays(n) | Period::Weeks(n) | Period::Months(n) => n,
        }
    }

    /// The unit's stable code, as in the serialised form and in [`Period::parse`].
    pub fn unit(self) -> &'static str {
        match self {
            Period::WorkingDays(_) => "working_days",
            Period::CalendarDays(_) => "calendar_days",
            Period::Weeks(_) => "weeks",
            Period::Months(_) => "months",
        }
    }

    /// How pauses count for this period: working days for working-day periods, calendar days for the rest.
    pub fn counting(self) -> CountingUnit {
        match self {
            Period::WorkingDays(_) => CountingUnit::WorkingDays,
            Period::CalendarDays(_) | Period::Weeks(_) | Period::Months(_) => CountingUnit::CalendarDays,
        }
    }

    pub fn max_amount(self) -> u32 {
        match self {
            Period::WorkingDays(_) => Period::MAX_WORKING_DAYS,
            Period::CalendarDays(_) => Period::MAX_CALENDAR_DAYS,
            Period::Weeks(_) => Period::MAX_WEEKS,
            Period::Months(_) => Period::MAX_MONTHS,
        }
    }

    /// The period itself when its amount is within the maximum for its unit.
    pub fn check(self) -> Result<Period, DeadlineError> {
        if self.amount() > self.max_amount() {
            Err(DeadlineError::PeriodTooLong { max: self.max_amount() })
        } else {
            Ok(self)
        }
    }

    /// Parses `working_days=N`, `days=N` (or `calendar_days=N`), `weeks=N` or `months=N`, as sent by
    /// the deadline preview.
    pub fn parse(spec: &str) -> Result<Period, DeadlineError> {
        let (unit, amount) = spec.trim().split_once('=').ok_or(DeadlineError::InvalidPeriod)?;
        let amount = amount.trim();
        if amount.is_empty() || amount.len() > 9 || !amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DeadlineError::InvalidPeriod);
        }
        let amount: u32 = amount.parse().map_err(|_| DeadlineError::InvalidPeriod)?;
        let period = match unit.trim() {
            "working_days" => Period::WorkingDays(amount),
            "days" | "calendar_days" => Period::CalendarDays(amount),
            "weeks" => Period::Weeks(amount),
            "months" => Period::Months(amount),
            _ => return Err(DeadlineError::InvalidPeriod),
        };
        period.check()
    }

    /// The period in words, e.g. "10 virkedager", "3 veckor", "1 month".
    pub fn describe(self, locale: Locale) -> String {
        let (singular, plural) = match (locale, self) {
            (Locale::NorwegianBokmal, Period::WorkingDays(_)) => ("virkedag", "virkedager"),
            (Locale::NorwegianBokmal, Period::CalendarDays(_)) => ("dag", "dager"),
            (Locale::NorwegianBokmal, Period::Weeks(_)) => ("uke", "uker"),
            (Locale::NorwegianBokmal, Period::Months(_)) => ("måned", "måneder"),
            (Locale::Swedish, Period::WorkingDays(_)) => ("arbetsdag", "arbetsdagar"),
            (Locale::Swedish, Period::CalendarDays(_)) => ("dag", "dagar"),
            (Locale::Swedish, Period::Weeks(_)) => ("vecka", "veckor"),
            (Locale::Swedish, Period::Months(_)) => ("månad", "månader"),
            (Locale::English, Period::WorkingDays(_)) => ("working day", "working days"),
            (Locale::English, Period::CalendarDays(_)) => ("day", "days"),
            (Locale::English, Period::Weeks(_)) => ("week", "weeks"),
            (Locale::English, Period::Months(_)) => ("month", "months"),
        };
        let n = self.amount();
        format!("{n} {}", if n == 1 { singular } else { plural })
    }
}

/// What kind of limit a rule sets; the UI words and colours them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Something must be done by the due date (assess, reply, appeal, send the case on).
    Deadline,
    /// The longest a measure may last; it must have ended by the due date (coercion).
    MaximumDuration,
    /// An indicative target; missing it is a deviation to follow up, not a breach of law.
    Target,
}

/// A deadline rule, as data: seeded from law and guidelines, or made locally by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineRule {
    /// Stable code, e.g. `no.fvl.appeal`; `None` for an ad hoc period.
    pub code: Option<String>,
    pub title: LocalizedText,
    pub source: RuleSource,
    /// The country whose calendar the rule must be computed with; `None` for any.
    pub country: Option<Country>,
    pub kind: RuleKind,
    /// Code of the event that starts the clock, e.g. `referral_received`.
    pub start_event: String,
    pub period: Period,
    /// Move a due date that is not a working day to the next working day.
    pub extends_to_working_day: bool,
}

/// Longest rule code, start event code and title.
pub const RULE_CODE_MAX: usize = 100;
pub const RULE_TITLE_MAX: usize = 200;
pub const RULE_SOURCE_TEXT_MAX: usize = 500;

impl DeadlineRule {
    /// A rule for a period typed in by a user. It applies in any country and has no code.
    pub fn ad_hoc(period: Period, extends_to_working_day: bool) -> DeadlineRule {
        DeadlineRule {
            code: None,
            title: LocalizedText::new(
                period.describe(Locale::NorwegianBokmal),
                period.describe(Locale::Swedish),
                period.describe(Locale::English),
            ),
            source: RuleSource::AdHoc,
            country: None,
            kind: RuleKind::Deadline,
            start_event: "start".to_string(),
            period,
            extends_to_working_day,
        }
    }

    /// Checks a rule before it is stored (an administrator's local rule, say). Reports every field.
    pub fn validate(&self) -> crate::Result<()> {
        let mut v = Validator::new();
        if let Some(code) = &self.code {
            v.check(check_code("code", code));
        }
        v.check(check_code("start_event", &self.start_event));
        for (field, text) in [("title.nb", &self.title.nb), ("title.sv", &self.title.sv), ("title.en", &self.title.en)]
        {
            v.check(check_text(field, text, RULE_TITLE_MAX));
        }
        match &self.source {
            RuleSource::Statute { law, section, .. } => {
                v.check(check_text("source.law", law, RULE_SOURCE_TEXT_MAX));
                v.check(check_text("source.section", section, RULE_SOURCE_TEXT_MAX));
            }
            RuleSource::Guideline { issuer, document, .. } => {
                v.check(check_text("source.issuer", issuer, RULE_SOURCE_TEXT_MAX));
                v.check(check_text("source.document", document, RULE_SOURCE_TEXT_MAX));
            }
            RuleSource::Local { description } => {
                v.check(check_text("source.description", description, RULE_SOURCE_TEXT_MAX));
            }
            RuleSource::AdHoc => {
                if self.code.is_some() {
                    v.add("source", Reason::NotAllowed);
                }
            }
        }
        if let Some(country) = self.source.country()
            && self.country != Some(country)
        {
            v.add("country", Reason::NotAllowed);
        }
        if self.period.check().is_err() {
            v.add("period", Reason::NotAllowed);
        }
        v.finish()
    }
}

fn check_code(field: &str, code: &str) -> Result<(), FieldError> {
    if code.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    if code.len() > RULE_CODE_MAX {
        return Err(FieldError::new(field, Reason::TooLong { max: RULE_CODE_MAX }));
    }
    // Lower-case letters and digits in parts joined by single '.', '_' or '-'.
    let mut previous_was_separator = true;
    for c in code.chars() {
        let separator = matches!(c, '.' | '_' | '-');
        let allowed = c.is_ascii_lowercase() || c.is_ascii_digit() || separator;
        if !allowed || (separator && previous_was_separator) {
            return Err(FieldError::new(field, Reason::InvalidCharacters));
        }
        previous_was_separator = separator;
    }
    if previous_was_separator {
        return Err(FieldError::new(field, Reason::InvalidFormat));
    }
    Ok(())
}

fn check_text(field: &str, text: &str, max: usize) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(field, Reason::TooLong { max }));
    }
    Ok(())
}

/// A stretch of time during which the clock stands still: from `from` (inclusive) to `to`
/// (exclusive, the day the clock runs again). `to = None` means it has not ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
    #[serde(default)]
    pub reason: String,
}

impl Pause {
    pub fn closed(from: Date, to: Date, reason: impl Into<String>) -> Pause {
        Pause { from, to: Some(to), reason: reason.into() }
    }

    pub fn open(from: Date, reason: impl Into<String>) -> Pause {
        Pause { from, to: None, reason: reason.into() }
    }
}

/// Why a deadline could not be computed. `index` is the position in the list of pauses given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("pause {index} ends before it starts")]
    PauseEndsBeforeItStarts { index: usize },
    #[error("pause {index} starts before the start date")]
    PauseBeforeStart { index: usize },
    #[error("the clock cannot resume before pause {index} starts")]
    ResumeBeforePause { index: usize },
    #[error("a rule for {} cannot be computed with the calendar of {}", .rule.code(), .calendar.code())]
    CalendarMismatch { rule: Country, calendar: Country },
    #[error("the period is not understood")]
    InvalidPeriod,
    #[error("the period is longer than allowed (at most {max})")]
    PeriodTooLong { max: u32 },
    #[error("the deadline falls outside the supported dates")]
    OutOfRange,
}

impl From<DateOutOfRange> for DeadlineError {
    fn from(_: DateOutOfRange) -> Self {
        DeadlineError::OutOfRange
    }
}

impl DeadlineError {
    /// The input field the error is about, for a form or a problem+json response.
    pub fn field_error(&self) -> FieldError {
        match self {
            DeadlineError::PauseEndsBeforeItStarts { index } => {
                FieldError::new(format!("pauses[{index}].to"), Reason::NotAllowed)
            }
            DeadlineError::PauseBeforeStart { index } => {
                FieldError::new(format!("pauses[{index}].from"), Reason::NotAllowed)
            }
            DeadlineError::ResumeBeforePause { .. } => FieldError::new("resume_on", Reason::NotAllowed),
            DeadlineError::CalendarMismatch { .. } => FieldError::new("country", Reason::NotAllowed),
            DeadlineError::InvalidPeriod => FieldError::new("period", Reason::InvalidFormat),
            DeadlineError::PeriodTooLong { .. } => FieldError::new("period", Reason::NotAllowed),
            DeadlineError::OutOfRange => FieldError::new("start", Reason::NotAllowed),
        }
    }
}

impl From<DeadlineError> for Error {
    fn from(error: DeadlineError) -> Self {
        Error::Invalid(vec![error.field_error()])
    }
}

/// What one (merged) pause did to the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseEffect {
    /// It began on or before the running due date and pushed it later by `days_added`.
    Extended,
    /// It began after the running due date; the deadline had passed already, so it changed nothing.
    AfterDue,
    /// It has not ended: the clock is stopped.
    Suspended,
}

/// A pause as applied: input pauses that overlap or touch are merged into one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppliedPause {
    pub from: Date,
    pub to: Option<Date>,
    /// The reasons of the merged pauses, without repeats.
    pub reasons: Vec<String>,
    /// Positions of the merged pauses in the list given.
    pub pause_indices: Vec<usize>,
    /// Days added, in the rule's counting unit.
    pub days_added: u32,
    pub effect: PauseEffect,
    /// The running due date after this pause; `None` while the clock is stopped.
    pub due_after: Option<Date>,
}

/// A day skipped when a deadline moved to the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SkippedDay {
    pub date: Date,
    pub day_off: DayOff,
}

/// The move of a due date that fell on a day off.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MovedToWorkingDay {
    pub from: Date,
    pub to: Date,
    pub skipped: Vec<SkippedDay>,
    /// The law behind the move in this calendar.
    pub basis: String,
}

/// The calendar a deadline was computed with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarUsed {
    pub country: Country,
    pub options: CalendarOptions,
    /// Days off beyond weekends and public holidays (the Swedish eves; Norwegian local options).
    pub extra_days_off: Vec<HolidayCode>,
}

/// Everything needed to see why a deadline falls where it does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Explanation {
    pub rule_code: Option<String>,
    pub rule_title: LocalizedText,
    pub kind: RuleKind,
    pub source: RuleSource,
    pub source_text: String,
    pub start_event: String,
    pub start: Date,
    pub period: Period,
    /// How pauses were counted.
    pub counting: CountingUnit,
    pub calendar: CalendarUsed,
    /// `start + period`, before pauses and before any move.
    pub base_due: Date,
    /// A month period ended on the last day of a shorter month.
    pub month_end_clamped: bool,
    pub pauses: Vec<AppliedPause>,
    pub days_added_by_pauses: u32,
    /// The due date after pauses and before a move to a working day; `None` while paused.
    pub due_before_move: Option<Date>,
    pub extends_to_working_day: bool,
    pub moved: Option<MovedToWorkingDay>,
    /// The same in plain English sentences, for logs, the CLI and API readers.
    pub steps: Vec<String>,
}

/// A clock that is stopped by an open pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PausedClock {
    pub since: Date,
    /// Counting days left when the clock stopped, the day it stopped included. On resumption on day
    /// R the deadline is the `remaining`-th counting day counting from R itself.
    pub remaining: u32,
    pub counting: CountingUnit,
}

/// A computed deadline. `due` is `None` exactly when `paused` is set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineResult {
    pub due: Option<Date>,
    pub paused: Option<PausedClock>,
    pub explanation: Explanation,
}

impl DeadlineResult {
    pub fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// The status of the due date on `today`; `None` while the clock is stopped.
    pub fn status(&self, today: Date, soon_within_days: u32) -> Option<DueStatus> {
        self.due.map(|due| status(due, today, soon_within_days))
    }
}

/// Computes the deadline of `rule` for a clock started on `start`, with the given pauses, in
/// `calendar`. See the module documentation for the exact semantics.
pub fn compute(
    rule: &DeadlineRule,
    start: Date,
    pauses: &[Pause],
    calendar: &WorkingCalendar,
) -> Result<DeadlineResult, DeadlineError> {
    if let Some(country) = rule.country
        && country != calendar.country
    {
        return Err(DeadlineError::CalendarMismatch { rule: country, calendar: calendar.country });
    }
    let period = rule.period.check()?;
    for (index, pause) in pauses.iter().enumerate() {
        if pause.to.is_some_and(|to| to < pause.from) {
            return Err(DeadlineError::PauseEndsBeforeItStarts { index });
        }
        if pause.from < start {
            return Err(DeadlineError::PauseBeforeStart { index });
        }
    }

    let counting = period.counting();
    let unit_words = CountingWords(counting);
    let mut steps = Vec::new();
    let (base_due, month_end_clamped) = base_due(start, period, calendar)?;
    steps.push(format!("The clock started on {start} ({}); the start day itself is not counted.", rule.start_event));
    let mut step = format!("{} after {start} is {base_due}", period.describe(Locale::English));
    if month_end_clamped {
        let _ = write!(step, " (that month has no day {}, so the period ends on its last day)", start.day());
    }
    step.push('.');
    steps.push(step);

    let mut due = base_due;
    let mut applied = Vec::new();
    let mut paused = None;
    let mut days_added_by_pauses: u32 = 0;
    for stretch in merge_pauses(pauses) {
        let mut entry = AppliedPause {
            from: stretch.from,
            to: stretch.to,
            reasons: stretch.reasons,
            pause_indices: stretch.indices,
            days_added: 0,
            effect: PauseEffect::AfterDue,
            due_after: Some(due),
        };
        if stretch.from > due {
            steps.push(format!("Paused from {} after the due date {due} had passed: no effect.", stretch.from));
        } else if let Some(to) = stretch.to {
            let added = measure(counting, calendar, stretch.from, to);
            due = advance(counting, calendar, due, added)?;
            days_added_by_pauses = days_added_by_pauses.saturating_add(added);
            entry.days_added = added;
            entry.effect = PauseEffect::Extended;
            entry.due_after = Some(due);
            steps.push(format!(
                "Paused from {} until {to} (running again that day): {added} {} added, due {due}.",
                stretch.from,
                unit_words.for_amount(added)
            ));
        } else {
            let remaining = count_inclusive(counting, calendar, stretch.from, due);
            paused = Some(PausedClock { since: stretch.from, remaining, counting });
            entry.effect = PauseEffect::Suspended;
            entry.due_after = None;
            steps.push(format!(
                "Paused since {} and not resumed: the clock is stopped with {remaining} {} left, the day it \
                 stopped included; when it runs again they are counted from that day.",
                stretch.from,
                unit_words.for_amount(remaining)
            ));
        }
        applied.push(entry);
    }

    let mut moved = None;
    let final_due = if paused.is_some() {
        None
    } else if let Some(day_off) = calendar.day_off(due) {
        if rule.extends_to_working_day {
            let to = calendar.next_working_day_on_or_after(due)?;
            let skipped: Vec<SkippedDay> = calendar
                .days_off_between(due, to)
                .into_iter()
                .map(|(date, day_off)| SkippedDay { date, day_off })
                .collect();
            let basis = move_basis(calendar.country).to_string();
            steps.push(format!(
                "{due} is not a working day ({}); the deadline moves to the next working day, {to} ({basis}).",
                describe_day_off(day_off)
            ));
            moved = Some(MovedToWorkingDay { from: due, to, skipped, basis });
            Some(to)
        } else {
            steps.push(format!(
                "{due} is not a working day ({}), but this rule does not move to a working day.",
                describe_day_off(day_off)
            ));
            Some(due)
        }
    } else {
        Some(due)
    };
    if let Some(final_due) = final_due {
        steps.push(format!("Due {final_due}."));
    }

    Ok(DeadlineResult {
        due: final_due,
        paused,
        explanation: Explanation {
            rule_code: rule.code.clone(),
            rule_title: rule.title.clone(),
            kind: rule.kind,
            source: rule.source.clone(),
            source_text: rule.source.text(),
            start_event: rule.start_event.clone(),
            start,
            period,
            counting,
            calendar: CalendarUsed {
                country: calendar.country,
                options: calendar.options,
                extra_days_off: calendar.extra_days_off(),
            },
            base_due,
            month_end_clamped,
            pauses: applied,
            days_added_by_pauses,
            due_before_move: if paused.is_some() { None } else { Some(due) },
            extends_to_working_day: rule.extends_to_working_day,
            moved,
            steps,
        },
    })
}

/// The deadline as it would be if every open pause ended on `resume_on` (the clock running again
/// that day): "when is it due if we resume today?".
pub fn compute_if_resumed(
    rule: &DeadlineRule,
    start: Date,
    pauses: &[Pause],
    calendar: &WorkingCalendar,
    resume_on: Date,
) -> Result<DeadlineResult, DeadlineError> {
    let mut closed = Vec::with_capacity(pauses.len());
    for (index, pause) in pauses.iter().enumerate() {
        let mut pause = pause.clone();
        if pause.to.is_none() {
            if resume_on < pause.from {
                return Err(DeadlineError::ResumeBeforePause { index });
            }
            pause.to = Some(resume_on);
        }
        closed.push(pause);
    }
    compute(rule, start, &closed, calendar)
}

/// How close a due date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    /// The due date passed `days` calendar days ago.
    Overdue {
        days: u32,
    },
    DueToday,
    /// Due in `days` calendar days, within the "soon" window.
    DueSoon {
        days: u32,
    },
    Later,
}

/// The default "soon" window of [`status`], in calendar days.
pub const DEFAULT_SOON_WITHIN_DAYS: u32 = 3;

/// The status of `due` seen from `today`. Due dates 1..=`soon_within_days` calendar days ahead are
/// [`DueStatus::DueSoon`]; with a window of 0 nothing is.
pub fn status(due: Date, today: Date, soon_within_days: u32) -> DueStatus {
    let ahead = calendar::calendar_days_between(today, due);
    let days = u32::try_from(ahead.unsigned_abs()).unwrap_or(u32::MAX);
    if ahead < 0 {
        DueStatus::Overdue { days }
    } else if ahead == 0 {
        DueStatus::DueToday
    } else if days <= soon_within_days {
        DueStatus::DueSoon { days }
    } else {
        DueStatus::Later
    }
}

// ---------------------------------------------------------------------------------------------
// Internals

fn base_due(start: Date, period: Period, calendar: &WorkingCalendar) -> Result<(Date, bool), DeadlineError> {
    match period {
        Period::WorkingDays(n) => Ok((calendar.add_working_days(start, n)?, false)),
        Period::CalendarDays(n) => Ok((calendar::add_days(start, i64::from(n))?, false)),
        Period::Weeks(n) => Ok((calendar::add_days(start, i64::from(n) * 7)?, false)),
        Period::Months(n) => {
            let span = Span::new().try_months(i64::from(n)).map_err(|_| DeadlineError::OutOfRange)?;
            let due = start.checked_add(span).map_err(|_| DeadlineError::OutOfRange)?;
            Ok((due, due.day() != start.day()))
        }
    }
}

/// Counting days in `[from, until)`.
fn measure(counting: CountingUnit, calendar: &WorkingCalendar, from: Date, until: Date) -> u32 {
    match counting {
        CountingUnit::WorkingDays => calendar.working_days_in(from, until),
        CountingUnit::CalendarDays => {
            u32::try_from(calendar::calendar_days_between(from, until).max(0)).unwrap_or(u32::MAX)
        }
    }
}

/// Counting days in `[from, through]`.
fn count_inclusive(counting: CountingUnit, calendar: &WorkingCalendar, from: Date, through: Date) -> u32 {
    if through < from {
        return 0;
    }
    let last = match counting {
        CountingUnit::WorkingDays => u32::from(calendar.is_working_day(through)),
        CountingUnit::CalendarDays => 1,
    };
    measure(counting, calendar, from, through).saturating_add(last)
}

fn advance(counting: CountingUnit, calendar: &WorkingCalendar, date: Date, n: u32) -> Result<Date, DeadlineError> {
    match counting {
        CountingUnit::WorkingDays => Ok(calendar.add_working_days(date, n)?),
        CountingUnit::CalendarDays => Ok(calendar::add_days(date, i64::from(n))?),
    }
}

struct MergedPause {
    from: Date,
    to: Option<Date>,
    reasons: Vec<String>,
    indices: Vec<usize>,
}

/// Sorts pauses by start and merges those that overlap or touch.
fn merge_pauses(pauses: &[Pause]) -> Vec<MergedPause> {
    let mut sorted: Vec<(usize, &Pause)> = pauses.iter().enumerate().collect();
    sorted.sort_by_key(|(index, pause)| (pause.from, *index));
    let mut merged: Vec<MergedPause> = Vec::new();
    for (index, pause) in sorted {
        let reason = pause.reason.trim();
        if let Some(last) = merged.last_mut() {
            let joins = match last.to {
                None => true,
                Some(end) => pause.from <= end,
            };
            if joins {
                last.to = match (last.to, pause.to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                if !reason.is_empty() && !last.reasons.iter().any(|r| r == reason) {
                    last.reasons.push(reason.to_string());
                }
                last.indices.push(index);
                continue;
            }
        }
        let reasons = if reason.is_empty() { Vec::new() } else { vec![reason.to_string()] };
        merged.push(MergedPause { from: pause.from, to: pause.to, reasons, indices: vec![index] });
    }
    merged
}

fn move_basis(country: Country) -> &'static str {
    match country {
        Country::Norway => "domstolloven § 149",
        Country::Sweden => "2 § lagen (1930:173) om beräkning av lagstadgad tid",
    }
}

fn describe_day_off(day_off: DayOff) -> String {
    match day_off {
        DayOff::Saturday => "a Saturday".to_string(),
        DayOff::Sunday => "a Sunday".to_string(),
        DayOff::Holiday { code, .. } => code.name(Locale::English).to_string(),
    }
}

struct CountingWords(CountingUnit);

impl CountingWords {
    fn for_amount(&self, n: u32) -> &'static str {
        match (self.0, n == 1) {
            (CountingUnit::WorkingDays, true) => "working day",
            (CountingUnit::WorkingDays, false) => "working days",
            (CountingUnit::CalendarDays, true) => "day",
            (CountingUnit::CalendarDays, false) => "days",
        }
    }
}

#[cfg(test)]
mod tests;
