use std::collections::BTreeSet;

use jiff::civil::Date;
use proptest::prelude::*;

use super::*;
use crate::calendar::{HolidayKind, add_days, date_from_day_number, day_number};

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn seeded(code: &str) -> DeadlineRule {
    seeded_rule(code).unwrap_or_else(|| panic!("no seeded rule {code}"))
}

fn no() -> WorkingCalendar {
    WorkingCalendar::norway()
}

fn se() -> WorkingCalendar {
    WorkingCalendar::sweden()
}

fn due(rule: &DeadlineRule, start: &str, pauses: &[Pause], calendar: &WorkingCalendar) -> Date {
    compute(rule, d(start), pauses, calendar).unwrap().due.unwrap()
}

fn closed(from: &str, to: &str) -> Pause {
    Pause::closed(d(from), d(to), "")
}

fn days(n: u32) -> DeadlineRule {
    DeadlineRule::ad_hoc(Period::CalendarDays(n), false)
}

fn working_days(n: u32) -> DeadlineRule {
    DeadlineRule::ad_hoc(Period::WorkingDays(n), false)
}

// ---------------------------------------------------------------------------------------------
// The seeded rules as data

#[test]
fn seeded_rules_have_stable_unique_codes_and_are_valid() {
    let rules = seeded_rules();
    let codes: Vec<&str> = rules.iter().map(|rule| rule.code.as_deref().unwrap()).collect();
    assert_eq!(
        codes,
        vec![
            "no.pasrl.referral_assessment",
            "no.fvl.appeal",
            "no.fvl.provisional_reply",
            "no.hol.detention_max",
            "no.hol.pregnant_emergency_to_county_board",
            "no.tsb.clinical_decision.outpatient",
            "no.tsb.clinical_decision.inpatient",
            "no.tsb.after_detox.outpatient",
            "no.tsb.after_detox.inpatient",
            "no.tsb.evaluation.outpatient",
            "no.tsb.evaluation.inpatient",
            "local.night_shelter.decision",
            "local.night_shelter.settled_in_housing",
            "se.lvm.care_max",
            "se.fl.appeal",
        ]
    );
    assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), codes.len());
    for rule in &rules {
        rule.validate().unwrap_or_else(|error| panic!("{:?}: {error}", rule.code));
        assert_eq!(rule.country, rule.source.country(), "{:?}", rule.code);
        let back: DeadlineRule = serde_json::from_value(serde_json::to_value(rule).unwrap()).unwrap();
        assert_eq!(&back, rule);
    }
    assert_eq!(seeded_rule("no.such.rule"), None);
}

#[test]
fn seeded_rules_carry_their_periods_and_flags() {
    let expect = [
        ("no.pasrl.referral_assessment", Period::WorkingDays(10), false, RuleKind::Deadline),
        ("no.fvl.appeal", Period::Weeks(3), true, RuleKind::Deadline),
        ("no.fvl.provisional_reply", Period::Months(1), true, RuleKind::Deadline),
        ("no.hol.detention_max", Period::Months(3), false, RuleKind::MaximumDuration),
        ("no.hol.pregnant_emergency_to_county_board", Period::Weeks(2), false, RuleKind::Deadline),
        ("no.tsb.clinical_decision.outpatient", Period::CalendarDays(21), false, RuleKind::Target),
        ("no.tsb.clinical_decision.inpatient", Period::CalendarDays(7), false, RuleKind::Target),
        ("no.tsb.after_detox.outpatient", Period::CalendarDays(3), false, RuleKind::Target),
        ("no.tsb.after_detox.inpatient", Period::CalendarDays(0), false, RuleKind::Target),
        ("no.tsb.evaluation.outpatient", Period::CalendarDays(56), false, RuleKind::Target),
        ("no.tsb.evaluation.inpatient", Period::CalendarDays(42), false, RuleKind::Target),
        ("local.night_shelter.decision", Period::CalendarDays(14), true, RuleKind::Deadline),
        ("local.night_shelter.settled_in_housing", Period::Months(3), false, RuleKind::Target),
        ("se.lvm.care_max", Period::Months(6), false, RuleKind::MaximumDuration),
        ("se.fl.appeal", Period::Weeks(3), true, RuleKind::Deadline),
    ];
    for (code, period, extends, kind) in expect {
        let rule = seeded(code);
        assert_eq!(rule.period, period, "{code}");
        assert_eq!(rule.extends_to_working_day, extends, "{code}");
        assert_eq!(rule.kind, kind, "{code}");
    }
    assert_eq!(seeded("no.fvl.appeal").source.text(), "forvaltningsloven § 29");
    assert_eq!(seeded("se.fl.appeal").source.text(), "44 § förvaltningslagen (2017:900)");
    assert_eq!(seeded("se.lvm.care_max").source.text(), "20 § lagen (1988:870) om vård av missbrukare i vissa fall");
    assert!(seeded("no.tsb.evaluation.inpatient").source.text().starts_with("Helsedirektoratet, pakkeforløp"));
    assert!(seeded("local.night_shelter.decision").source.text().starts_with("Local rule: "));
    assert_eq!(seeded("no.fvl.appeal").title.get(Locale::NorwegianBokmal), "Klagefrist for enkeltvedtak");
}

// ---------------------------------------------------------------------------------------------
// One test per seeded rule, with concrete dates

#[test]
fn referral_assessment_counts_ten_working_days_over_easter() {
    let rule = seeded("no.pasrl.referral_assessment");
    // An ordinary fortnight: Monday 3 March 2025 → Monday 17 March.
    assert_eq!(due(&rule, "2025-03-03", &[], &no()), d("2025-03-17"));
    // Wednesday 9 April 2025: Maundy Thursday, Good Friday and Easter Monday do not count.
    let result = compute(&rule, d("2025-04-09"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-28")));
    assert_eq!(result.explanation.base_due, d("2025-04-28"));
    assert_eq!(result.explanation.counting, CountingUnit::WorkingDays);
    assert_eq!(result.explanation.source_text, "pasientrettighetsloven § 2-2");
    assert_eq!(result.explanation.moved, None);
    // Over 1 May: Tuesday 22 April → Wednesday 7 May.
    assert_eq!(due(&rule, "2025-04-22", &[], &no()), d("2025-05-07"));
    // Paused Monday 14 and Tuesday 15 April (running again on the 16th): two working days more.
    let result = compute(&rule, d("2025-04-09"), &[closed("2025-04-14", "2025-04-16")], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-30")));
    assert_eq!(result.explanation.days_added_by_pauses, 2);
    assert_eq!(result.explanation.pauses[0].effect, PauseEffect::Extended);
}

#[test]
fn referral_assessment_with_an_open_pause() {
    let rule = seeded("no.pasrl.referral_assessment");
    let pauses = [Pause::open(d("2025-04-15"), "waiting for information from the GP")];
    let result = compute(&rule, d("2025-04-09"), &pauses, &no()).unwrap();
    assert_eq!(result.due, None);
    assert!(result.is_paused());
    // Left when stopped: 15, 16, 22, 23, 24, 25 and 28 April.
    assert_eq!(
        result.paused,
        Some(PausedClock { since: d("2025-04-15"), remaining: 7, counting: CountingUnit::WorkingDays })
    );
    assert_eq!(result.explanation.pauses[0].effect, PauseEffect::Suspended);
    assert_eq!(result.explanation.pauses[0].reasons, vec!["waiting for information from the GP".to_string()]);
    assert_eq!(result.explanation.due_before_move, None);
    assert_eq!(result.status(d("2025-06-01"), 3), None);
    // Resumed Monday 5 May: the 7th working day counting 5 May itself is Tuesday 13 May.
    let resumed = compute_if_resumed(&rule, d("2025-04-09"), &pauses, &no(), d("2025-05-05")).unwrap();
    assert_eq!(resumed.due, Some(d("2025-05-13")));
    assert_eq!(resumed.explanation.days_added_by_pauses, 10);
    assert_eq!(
        compute_if_resumed(&rule, d("2025-04-09"), &pauses, &no(), d("2025-04-14")),
        Err(DeadlineError::ResumeBeforePause { index: 0 })
    );
}

#[test]
fn appeal_norway_moves_over_easter_and_christmas() {
    let rule = seeded("no.fvl.appeal");
    // An ordinary case: Monday 1 September 2025 + 3 weeks.
    assert_eq!(due(&rule, "2025-09-01", &[], &no()), d("2025-09-22"));
    // Friday 28 March 2025 + 3 weeks = Good Friday; Saturday, Easter Sunday and Easter Monday follow.
    let result = compute(&rule, d("2025-03-28"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-22")));
    assert_eq!(result.explanation.due_before_move, Some(d("2025-04-18")));
    let moved = result.explanation.moved.clone().unwrap();
    assert_eq!((moved.from, moved.to), (d("2025-04-18"), d("2025-04-22")));
    assert_eq!(moved.basis, "domstolloven § 149");
    assert_eq!(
        moved.skipped,
        vec![
            SkippedDay {
                date: d("2025-04-18"),
                day_off: DayOff::Holiday { code: HolidayCode::GoodFriday, kind: HolidayKind::Public }
            },
            SkippedDay { date: d("2025-04-19"), day_off: DayOff::Saturday },
            SkippedDay {
                date: d("2025-04-20"),
                day_off: DayOff::Holiday { code: HolidayCode::EasterSunday, kind: HolidayKind::Public }
            },
            SkippedDay {
                date: d("2025-04-21"),
                day_off: DayOff::Holiday { code: HolidayCode::EasterMonday, kind: HolidayKind::Public }
            },
        ]
    );
    assert!(result.explanation.steps.iter().any(|step| step.contains("Good Friday")));
    // Wednesday 4 December 2024 + 3 weeks = Christmas Day → Friday 27 December.
    assert_eq!(due(&rule, "2024-12-04", &[], &no()), d("2024-12-27"));
    // Tuesday 3 December 2024 + 3 weeks = Christmas Eve: a working day in Norway by default ...
    let result = compute(&rule, d("2024-12-03"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2024-12-24")));
    assert_eq!(result.explanation.moved, None);
    // ... unless the local calendar gives it off.
    let christmas_eve_off = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: false },
    );
    assert_eq!(due(&rule, "2024-12-03", &[], &christmas_eve_off), d("2024-12-27"));
}

#[test]
fn appeal_norway_with_a_pause_that_pushes_it_onto_good_friday() {
    let rule = seeded("no.fvl.appeal");
    // Friday 21 March 2025 + 3 weeks = Friday 11 April; a week's pause makes it Good Friday, which
    // moves to Tuesday 22 April.
    let result = compute(&rule, d("2025-03-21"), &[closed("2025-04-01", "2025-04-08")], &no()).unwrap();
    assert_eq!(result.explanation.base_due, d("2025-04-11"));
    assert_eq!(result.explanation.counting, CountingUnit::CalendarDays);
    assert_eq!(result.explanation.pauses[0].days_added, 7);
    assert_eq!(result.explanation.pauses[0].due_after, Some(d("2025-04-18")));
    assert_eq!(result.explanation.due_before_move, Some(d("2025-04-18")));
    assert_eq!(result.due, Some(d("2025-04-22")));
}

#[test]
fn provisional_reply_after_one_month_with_month_end_clamping() {
    let rule = seeded("no.fvl.provisional_reply");
    // 31 January + 1 month: February has no 31st, so the last day of February.
    let result = compute(&rule, d("2025-01-31"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-02-28")));
    assert!(result.explanation.month_end_clamped);
    assert_eq!(due(&rule, "2024-01-31", &[], &no()), d("2024-02-29"));
    assert_eq!(due(&rule, "2025-05-31", &[], &no()), d("2025-06-30"));
    // No clamping in the middle of a month.
    let result = compute(&rule, d("2025-03-15"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-15")));
    assert!(!result.explanation.month_end_clamped);
    // 17 March + 1 month = Maundy Thursday → Tuesday 22 April.
    assert_eq!(due(&rule, "2025-03-17", &[], &no()), d("2025-04-22"));
    // Clamped to Sunday 30 November 2025, then moved to Monday 1 December.
    let result = compute(&rule, d("2025-10-31"), &[], &no()).unwrap();
    assert_eq!(result.explanation.base_due, d("2025-11-30"));
    assert!(result.explanation.month_end_clamped);
    assert_eq!(result.due, Some(d("2025-12-01")));
}

#[test]
fn detention_maximum_never_moves() {
    let rule = seeded("no.hol.detention_max");
    // 30 November + 3 months = 28 February (clamped), 2024 leap year 29 February.
    assert_eq!(due(&rule, "2024-11-30", &[], &no()), d("2025-02-28"));
    assert_eq!(due(&rule, "2023-11-30", &[], &no()), d("2024-02-29"));
    // 18 January 2025 + 3 months = Good Friday: a maximum stays where it is.
    let result = compute(&rule, d("2025-01-18"), &[], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-18")));
    assert_eq!(result.explanation.moved, None);
    assert!(result.explanation.steps.iter().any(|step| step.contains("does not move")));
    // 31 August + 3 months = Sunday 30 November, kept.
    assert_eq!(due(&rule, "2025-08-31", &[], &no()), d("2025-11-30"));
}

#[test]
fn pregnant_woman_emergency_decision_goes_to_the_county_board_within_two_weeks() {
    let rule = seeded("no.hol.pregnant_emergency_to_county_board");
    assert_eq!(due(&rule, "2025-03-03", &[], &no()), d("2025-03-17"));
    // Thursday 11 December 2025 + 2 weeks = Christmas Day; the decision would lapse, so no move.
    assert_eq!(due(&rule, "2025-12-11", &[], &no()), d("2025-12-25"));
}

#[test]
fn tsb_pathway_targets_in_calendar_days() {
    let outpatient = seeded("no.tsb.clinical_decision.outpatient");
    assert_eq!(due(&outpatient, "2025-03-03", &[], &no()), d("2025-03-24"));
    // Paused 5–7 March (the patient postponed): three days later.
    assert_eq!(due(&outpatient, "2025-03-03", &[closed("2025-03-05", "2025-03-08")], &no()), d("2025-03-27"));
    assert_eq!(due(&seeded("no.tsb.clinical_decision.inpatient"), "2025-03-03", &[], &no()), d("2025-03-10"));
    // Detox ended on Maundy Thursday: the outpatient target is Easter Sunday and stays there.
    assert_eq!(due(&seeded("no.tsb.after_detox.outpatient"), "2025-04-17", &[], &no()), d("2025-04-20"));
    // Inpatient: the same day.
    assert_eq!(due(&seeded("no.tsb.after_detox.inpatient"), "2025-04-17", &[], &no()), d("2025-04-17"));
    assert_eq!(due(&seeded("no.tsb.evaluation.outpatient"), "2025-01-10", &[], &no()), d("2025-03-07"));
    assert_eq!(due(&seeded("no.tsb.evaluation.inpatient"), "2025-01-10", &[], &no()), d("2025-02-21"));
    // A Norwegian pathway cannot be computed with a Swedish calendar.
    assert_eq!(
        compute(&outpatient, d("2025-03-03"), &[], &se()),
        Err(DeadlineError::CalendarMismatch { rule: Country::Norway, calendar: Country::Sweden })
    );
}

#[test]
fn night_shelter_rules_apply_in_either_country() {
    let decision = seeded("local.night_shelter.decision");
    // 11 December 2025 + 14 days = Christmas Day → Monday 29 December in both countries.
    assert_eq!(due(&decision, "2025-12-11", &[], &no()), d("2025-12-29"));
    assert_eq!(due(&decision, "2025-12-11", &[], &se()), d("2025-12-29"));
    // 17 December + 14 days = New Year's Eve: a working day in Norway, not in Sweden.
    assert_eq!(due(&decision, "2025-12-17", &[], &no()), d("2025-12-31"));
    assert_eq!(due(&decision, "2025-12-17", &[], &se()), d("2026-01-02"));
    let new_years_eve_off = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: false, new_years_eve_off: true },
    );
    assert_eq!(due(&decision, "2025-12-17", &[], &new_years_eve_off), d("2026-01-02"));

    let housing = seeded("local.night_shelter.settled_in_housing");
    assert_eq!(due(&housing, "2025-03-10", &[], &no()), d("2025-06-10"));
    // 30 November 2025 + 3 months = Saturday 28 February 2026: clamped, and a target does not move.
    let result = compute(&housing, d("2025-11-30"), &[], &se()).unwrap();
    assert_eq!(result.due, Some(d("2026-02-28")));
    assert!(result.explanation.month_end_clamped);
    assert_eq!(result.explanation.moved, None);
}

#[test]
fn lvm_care_lasts_at_most_six_months() {
    let rule = seeded("se.lvm.care_max");
    assert_eq!(due(&rule, "2024-08-31", &[], &se()), d("2025-02-28"));
    // 20 December 2024 + 6 months = Midsummer Eve, kept.
    let result = compute(&rule, d("2024-12-20"), &[], &se()).unwrap();
    assert_eq!(result.due, Some(d("2025-06-20")));
    assert_eq!(result.explanation.moved, None);
    assert_eq!(
        compute(&rule, d("2024-12-20"), &[], &no()),
        Err(DeadlineError::CalendarMismatch { rule: Country::Sweden, calendar: Country::Norway })
    );
}

#[test]
fn appeal_sweden_moves_over_the_eves() {
    let rule = seeded("se.fl.appeal");
    // Friday 30 May 2025 + 3 weeks = Midsummer Eve; Midsummer Day and Sunday follow.
    let result = compute(&rule, d("2025-05-30"), &[], &se()).unwrap();
    assert_eq!(result.due, Some(d("2025-06-23")));
    let moved = result.explanation.moved.clone().unwrap();
    assert!(moved.basis.contains("1930:173"));
    assert_eq!(
        moved.skipped.iter().map(|day| day.day_off).collect::<Vec<_>>(),
        vec![
            DayOff::Holiday { code: HolidayCode::MidsummerEve, kind: HolidayKind::TreatedAsHoliday },
            DayOff::Holiday { code: HolidayCode::MidsummerDay, kind: HolidayKind::Public },
            DayOff::Sunday,
        ]
    );
    assert_eq!(
        result.explanation.calendar.extra_days_off,
        vec![HolidayCode::MidsummerEve, HolidayCode::ChristmasEve, HolidayCode::NewYearsEve]
    );
    // Christmas Eve 2024 → Friday 27 December.
    assert_eq!(due(&rule, "2024-12-03", &[], &se()), d("2024-12-27"));
    // Epiphany 2026 (a Tuesday) → Wednesday 7 January.
    assert_eq!(due(&rule, "2025-12-16", &[], &se()), d("2026-01-07"));
    // Good Friday 2025 → Tuesday 22 April (no Maundy Thursday question: it is not the last day).
    assert_eq!(due(&rule, "2025-03-28", &[], &se()), d("2025-04-22"));
    // An ordinary case.
    assert_eq!(due(&rule, "2025-09-01", &[], &se()), d("2025-09-22"));
}

// ---------------------------------------------------------------------------------------------
// Pauses

#[test]
fn overlapping_pauses_count_once() {
    let rule = days(30);
    // 1 March + 30 = 31 March; 5–9 and 8–11 March overlap into 5–11 March: 7 days.
    let pauses = [
        Pause::closed(d("2025-03-05"), d("2025-03-10"), "waiting for records"),
        Pause::closed(d("2025-03-08"), d("2025-03-12"), "patient abroad"),
    ];
    let result = compute(&rule, d("2025-03-01"), &pauses, &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-07")));
    assert_eq!(result.explanation.pauses.len(), 1);
    let applied = &result.explanation.pauses[0];
    assert_eq!((applied.from, applied.to), (d("2025-03-05"), Some(d("2025-03-12"))));
    assert_eq!(applied.days_added, 7);
    assert_eq!(applied.pause_indices, vec![0, 1]);
    assert_eq!(applied.reasons, vec!["waiting for records".to_string(), "patient abroad".to_string()]);
    // The same pause twice, a pause inside another, pauses given out of order.
    assert_eq!(
        due(&rule, "2025-03-01", &[closed("2025-03-05", "2025-03-12"), closed("2025-03-05", "2025-03-12")], &no()),
        d("2025-04-07")
    );
    assert_eq!(
        due(&rule, "2025-03-01", &[closed("2025-03-05", "2025-03-12"), closed("2025-03-06", "2025-03-08")], &no()),
        d("2025-04-07")
    );
    assert_eq!(
        due(&rule, "2025-03-01", &[closed("2025-03-08", "2025-03-12"), closed("2025-03-05", "2025-03-10")], &no()),
        d("2025-04-07")
    );
    // Touching pauses merge into one stretch.
    let touching = [closed("2025-03-05", "2025-03-08"), closed("2025-03-08", "2025-03-10")];
    let result = compute(&rule, d("2025-03-01"), &touching, &no()).unwrap();
    assert_eq!(result.explanation.pauses.len(), 1);
    assert_eq!(result.due, Some(d("2025-04-05")));
}

#[test]
fn separate_pauses_add_up_in_date_order() {
    let rule = days(10);
    // 1 March + 10 = 11 March. 5–9 March adds 5 → 16 March; then 14–15 March begins before the
    // running due date and adds 2 → 18 March.
    let pauses = [closed("2025-03-14", "2025-03-16"), closed("2025-03-05", "2025-03-10")];
    let result = compute(&rule, d("2025-03-01"), &pauses, &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-03-18")));
    assert_eq!(result.explanation.days_added_by_pauses, 7);
    assert_eq!(result.explanation.pauses[0].pause_indices, vec![1]);
    assert_eq!(result.explanation.pauses[1].due_after, Some(d("2025-03-18")));
    // Without the first pause, the second begins after the deadline has passed and changes nothing.
    let result = compute(&rule, d("2025-03-01"), &[closed("2025-03-14", "2025-03-16")], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-03-11")));
    assert_eq!(result.explanation.pauses[0].effect, PauseEffect::AfterDue);
    assert_eq!(result.explanation.pauses[0].days_added, 0);
    // A pause that begins on the due date itself still counts.
    assert_eq!(due(&rule, "2025-03-01", &[closed("2025-03-11", "2025-03-13")], &no()), d("2025-03-13"));
}

#[test]
fn a_pause_from_the_start_date_counts_in_full() {
    // Paused on the start date until 4 March: as if the clock had started on 4 March.
    assert_eq!(due(&days(10), "2025-03-01", &[closed("2025-03-01", "2025-03-04")], &no()), d("2025-03-14"));
    assert_eq!(due(&days(10), "2025-03-04", &[], &no()), d("2025-03-14"));
    // An empty pause changes nothing.
    let result = compute(&days(10), d("2025-03-01"), &[closed("2025-03-05", "2025-03-05")], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-03-11")));
    assert_eq!(result.explanation.pauses[0].days_added, 0);
}

#[test]
fn working_day_rules_pause_in_working_days() {
    let rule = working_days(5);
    // Monday 3 March + 5 working days = Monday 10 March.
    assert_eq!(due(&rule, "2025-03-03", &[], &no()), d("2025-03-10"));
    // Paused Friday 7 to Monday 10 inclusive: two working days → Wednesday 12 March.
    let result = compute(&rule, d("2025-03-03"), &[closed("2025-03-07", "2025-03-11")], &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-03-12")));
    assert_eq!(result.explanation.pauses[0].days_added, 2);
    // A pause over a weekend only adds nothing.
    assert_eq!(due(&rule, "2025-03-03", &[closed("2025-03-08", "2025-03-10")], &no()), d("2025-03-10"));
    // A pause over Easter adds only the working days in it (Swedish calendar: Maundy Thursday works).
    let result = compute(&rule, d("2025-04-14"), &[closed("2025-04-16", "2025-04-23")], &se()).unwrap();
    // Base: 15, 16, 17, 22, 23 April → 23 April. Paused 16, 17, 22 April: three more → 28 April.
    assert_eq!(result.explanation.base_due, d("2025-04-23"));
    assert_eq!(result.explanation.days_added_by_pauses, 3);
    assert_eq!(result.due, Some(d("2025-04-28")));
}

#[test]
fn an_open_pause_stops_the_clock() {
    let rule = days(30);
    let pauses = [Pause::open(d("2025-03-21"), "waiting for the patient")];
    let result = compute(&rule, d("2025-03-01"), &pauses, &no()).unwrap();
    assert_eq!(result.due, None);
    // 21 to 31 March inclusive.
    assert_eq!(
        result.paused,
        Some(PausedClock { since: d("2025-03-21"), remaining: 11, counting: CountingUnit::CalendarDays })
    );
    assert!(result.explanation.steps.iter().any(|step| step.contains("not resumed")));
    // Resumed on 25 March: 25 March is the first of the 11 days → 4 April.
    let resumed = compute_if_resumed(&rule, d("2025-03-01"), &pauses, &no(), d("2025-03-25")).unwrap();
    assert_eq!(resumed.due, Some(d("2025-04-04")));
    // A closed pause inside the open one changes nothing.
    let with_inner = [pauses[0].clone(), closed("2025-03-22", "2025-03-24")];
    let result = compute(&rule, d("2025-03-01"), &with_inner, &no()).unwrap();
    assert_eq!(result.explanation.pauses.len(), 1);
    assert_eq!(result.explanation.pauses[0].pause_indices, vec![0, 1]);
    assert_eq!(result.paused.unwrap().remaining, 11);
    // An open pause that begins after the deadline passed does not stop anything.
    let late = [Pause::open(d("2025-04-02"), "")];
    let result = compute(&rule, d("2025-03-01"), &late, &no()).unwrap();
    assert_eq!(result.due, Some(d("2025-03-31")));
    assert_eq!(result.explanation.pauses[0].effect, PauseEffect::AfterDue);
    // A rule that moves does not move while paused.
    let appeal = seeded("no.fvl.appeal");
    let result = compute(&appeal, d("2025-03-28"), &[Pause::open(d("2025-04-01"), "")], &no()).unwrap();
    assert_eq!((result.due, &result.explanation.moved), (None, &None));
}

#[test]
fn bad_pauses_are_refused() {
    let rule = days(10);
    assert_eq!(
        compute(
            &rule,
            d("2025-03-01"),
            &[closed("2025-03-02", "2025-03-03"), closed("2025-03-05", "2025-03-04")],
            &no()
        ),
        Err(DeadlineError::PauseEndsBeforeItStarts { index: 1 })
    );
    assert_eq!(
        compute(&rule, d("2025-03-01"), &[closed("2025-02-28", "2025-03-03")], &no()),
        Err(DeadlineError::PauseBeforeStart { index: 0 })
    );
    assert_eq!(
        compute(&rule, d("2025-03-01"), &[Pause::open(d("2025-02-01"), "")], &no()),
        Err(DeadlineError::PauseBeforeStart { index: 0 })
    );
    let error: Error = DeadlineError::PauseEndsBeforeItStarts { index: 1 }.into();
    let Error::Invalid(fields) = error else { panic!("expected invalid") };
    assert_eq!(fields[0].field, "pauses[1].to");
    assert_eq!(
        DeadlineError::CalendarMismatch { rule: Country::Norway, calendar: Country::Sweden }.to_string(),
        "a rule for NO cannot be computed with the calendar of SE"
    );
}

// ---------------------------------------------------------------------------------------------
// Ad hoc periods, limits and errors

#[test]
fn periods_parse_from_the_preview_query() {
    assert_eq!(Period::parse("working_days=10"), Ok(Period::WorkingDays(10)));
    assert_eq!(Period::parse("days=14"), Ok(Period::CalendarDays(14)));
    assert_eq!(Period::parse("calendar_days=0"), Ok(Period::CalendarDays(0)));
    assert_eq!(Period::parse(" weeks = 3 "), Ok(Period::Weeks(3)));
    assert_eq!(Period::parse("months=6"), Ok(Period::Months(6)));
    for bad in ["", "days", "days=", "days=-1", "days=+5", "days=1e3", "days=1.5", "years=1", "days=99999999999", "=3"]
    {
        assert_eq!(Period::parse(bad), Err(DeadlineError::InvalidPeriod), "{bad:?}");
    }
    assert_eq!(Period::parse("days=36601"), Err(DeadlineError::PeriodTooLong { max: Period::MAX_CALENDAR_DAYS }));
    assert_eq!(
        Period::parse("working_days=10001"),
        Err(DeadlineError::PeriodTooLong { max: Period::MAX_WORKING_DAYS })
    );
    assert_eq!(serde_json::to_value(Period::Weeks(3)).unwrap(), serde_json::json!({"unit": "weeks", "amount": 3}));
}

#[test]
fn ad_hoc_rules_have_no_code_and_work_anywhere() {
    let rule = DeadlineRule::ad_hoc(Period::parse("working_days=10").unwrap(), false);
    assert_eq!(rule.code, None);
    assert_eq!(rule.title, LocalizedText::new("10 virkedager", "10 arbetsdagar", "10 working days"));
    rule.validate().unwrap();
    let result = compute(&rule, d("2025-04-09"), &[], &se()).unwrap();
    assert_eq!(result.due, Some(d("2025-04-25")));
    assert_eq!(result.explanation.rule_code, None);
    assert_eq!(result.explanation.source_text, "Ad hoc period");
    let one_day = DeadlineRule::ad_hoc(Period::CalendarDays(1), true);
    assert_eq!(one_day.title.get(Locale::NorwegianBokmal), "1 dag");
    assert_eq!(Period::Months(1).describe(Locale::Swedish), "1 månad");
    assert_eq!(Period::Weeks(2).describe(Locale::English), "2 weeks");
    // Saturday 5 April + 14 days with the move: Saturday 19 April → Tuesday 22 April in Norway.
    assert_eq!(due(&DeadlineRule::ad_hoc(Period::CalendarDays(14), true), "2025-04-05", &[], &no()), d("2025-04-22"));
}

#[test]
fn rule_validation_reports_every_field() {
    let mut rule = seeded("no.fvl.appeal");
    rule.code = Some("No Spaces".to_string());
    rule.title.sv = "  ".to_string();
    rule.country = Some(Country::Sweden);
    rule.period = Period::Months(5_000);
    rule.start_event = "notice..received".to_string();
    let Err(Error::Invalid(fields)) = rule.validate() else { panic!("expected invalid") };
    let names: Vec<&str> = fields.iter().map(|field| field.field.as_str()).collect();
    assert_eq!(names, vec!["code", "start_event", "title.sv", "country", "period"]);

    let mut local = seeded("local.night_shelter.decision");
    local.code = Some("local.shelter-".to_string());
    local.source = RuleSource::Local { description: String::new() };
    let Err(Error::Invalid(fields)) = local.validate() else { panic!("expected invalid") };
    assert_eq!(fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), vec!["code", "source.description"]);
    assert_eq!(fields[0].reason, Reason::InvalidFormat);
}

#[test]
fn the_end_of_time_is_an_error_not_a_panic() {
    assert_eq!(
        compute(&DeadlineRule::ad_hoc(Period::Months(1), false), d("9999-12-15"), &[], &no()),
        Err(DeadlineError::OutOfRange)
    );
    assert_eq!(compute(&working_days(5), d("9999-12-28"), &[], &no()), Err(DeadlineError::OutOfRange));
    assert_eq!(
        compute(&days(1), d("9999-12-01"), &[closed("9999-12-01", "9999-12-31")], &no()),
        Err(DeadlineError::OutOfRange)
    );
    // 9999-12-31 is New Year's Eve; Sweden would move it into the year 10000.
    assert_eq!(
        compute(&DeadlineRule::ad_hoc(Period::CalendarDays(1), true), d("9999-12-30"), &[], &se()),
        Err(DeadlineError::OutOfRange)
    );
    assert_eq!(
        compute(&DeadlineRule::ad_hoc(Period::CalendarDays(40_000), false), d("2025-01-01"), &[], &no()),
        Err(DeadlineError::PeriodTooLong { max: Period::MAX_CALENDAR_DAYS })
    );
    // The far past works, with weekends only (no holidays before 1583).
    let first = compute(&working_days(1), Date::MIN, &[], &no()).unwrap().due.unwrap();
    assert!(first > Date::MIN && first <= add_days(Date::MIN, 3).unwrap());
    assert!(no().is_working_day(first));
    assert_eq!(
        Error::from(DeadlineError::OutOfRange),
        Error::Invalid(vec![FieldError::new("start", Reason::NotAllowed)])
    );
}

// ---------------------------------------------------------------------------------------------
// Status

#[test]
fn status_against_today() {
    let due = d("2025-03-10");
    assert_eq!(status(due, d("2025-03-12"), 3), DueStatus::Overdue { days: 2 });
    assert_eq!(status(due, d("2025-03-10"), 3), DueStatus::DueToday);
    assert_eq!(status(due, d("2025-03-07"), 3), DueStatus::DueSoon { days: 3 });
    assert_eq!(status(due, d("2025-03-06"), 3), DueStatus::Later);
    assert_eq!(status(due, d("2025-03-09"), 0), DueStatus::Later);
    assert_eq!(status(due, d("2025-02-08"), 30), DueStatus::DueSoon { days: 30 });
    assert_eq!(status(Date::MIN, Date::MAX, DEFAULT_SOON_WITHIN_DAYS), DueStatus::Overdue { days: 7_304_483 });
    assert_eq!(
        serde_json::to_value(DueStatus::Overdue { days: 2 }).unwrap(),
        serde_json::json!({"status": "overdue", "days": 2})
    );
    assert_eq!(serde_json::to_value(DueStatus::DueToday).unwrap(), serde_json::json!({"status": "due_today"}));
    let result = compute(&seeded("no.fvl.appeal"), d("2025-03-28"), &[], &no()).unwrap();
    assert_eq!(result.status(d("2025-04-21"), 3), Some(DueStatus::DueSoon { days: 1 }));
}

// ---------------------------------------------------------------------------------------------
// The API shape

#[test]
fn results_serialize_for_the_preview_api() {
    let pauses = [Pause::closed(d("2025-04-01"), d("2025-04-03"), "waiting for records")];
    let result = compute(&seeded("no.fvl.appeal"), d("2025-03-26"), &pauses, &no()).unwrap();
    // 26 March + 21 = 16 April, + 2 paused days = Good Friday → Tuesday 22 April.
    assert_eq!(result.due, Some(d("2025-04-22")));
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["due"], "2025-04-22");
    assert_eq!(json["paused"], serde_json::Value::Null);
    let explanation = &json["explanation"];
    assert_eq!(explanation["rule_code"], "no.fvl.appeal");
    assert_eq!(explanation["rule_title"]["en"], "Time limit for appealing an individual decision");
    assert_eq!(explanation["kind"], "deadline");
    assert_eq!(
        explanation["source"],
        serde_json::json!({"type": "statute", "law": "forvaltningsloven", "section": "§ 29", "country": "NO"})
    );
    assert_eq!(explanation["source_text"], "forvaltningsloven § 29");
    assert_eq!(explanation["start"], "2025-03-26");
    assert_eq!(explanation["period"], serde_json::json!({"unit": "weeks", "amount": 3}));
    assert_eq!(explanation["counting"], "calendar_days");
    assert_eq!(
        explanation["calendar"],
        serde_json::json!({
            "country": "NO",
            "options": {"christmas_eve_off": false, "new_years_eve_off": false},
            "extra_days_off": []
        })
    );
    assert_eq!(explanation["base_due"], "2025-04-16");
    assert_eq!(explanation["pauses"][0]["days_added"], 2);
    assert_eq!(explanation["pauses"][0]["effect"], "extended");
    assert_eq!(explanation["pauses"][0]["reasons"], serde_json::json!(["waiting for records"]));
    assert_eq!(explanation["due_before_move"], "2025-04-18");
    assert_eq!(explanation["moved"]["from"], "2025-04-18");
    assert_eq!(explanation["moved"]["to"], "2025-04-22");
    assert_eq!(
        explanation["moved"]["skipped"][0],
        serde_json::json!({"date": "2025-04-18", "day_off": {"type": "holiday", "code": "good_friday", "kind": "public"}})
    );
    assert!(explanation["steps"].as_array().unwrap().len() >= 4);
    let back: DeadlineResult = serde_json::from_value(json).unwrap();
    assert_eq!(back, result);
}

// ---------------------------------------------------------------------------------------------
// Properties

fn calendars() -> impl Strategy<Value = WorkingCalendar> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(sweden, christmas_eve_off, new_years_eve_off)| {
        let country = if sweden { Country::Sweden } else { Country::Norway };
        WorkingCalendar::with_options(country, CalendarOptions { christmas_eve_off, new_years_eve_off })
    })
}

fn dates() -> impl Strategy<Value = Date> {
    let first = day_number(Date::new(1900, 1, 1).unwrap());
    let last = day_number(Date::new(2200, 12, 31).unwrap());
    (first..=last).prop_map(|number| date_from_day_number(number).unwrap())
}

/// Closed pauses as (offset from start, length) in days.
fn closed_pauses() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((0i64..90, 0i64..20), 0..5)
}

fn make_pauses(start: Date, spec: &[(i64, i64)]) -> Vec<Pause> {
    spec.iter()
        .map(|(offset, length)| {
            let from = add_days(start, *offset).unwrap();
            Pause::closed(from, add_days(from, *length).unwrap(), "")
        })
        .collect()
}

/// A day-by-day reference for closed pauses: from the day after the start, every counting day
/// that is not paused ticks; the deadline is the day of the last tick. Per the documented
/// semantics a pause that covers the start day also counts that day (if it is a counting day),
/// so one more tick is needed then.
fn reference_due(working: bool, n: u32, start: Date, pauses: &[Pause], calendar: &WorkingCalendar) -> Date {
    let paused = |date: Date| pauses.iter().any(|p| p.from <= date && p.to.is_some_and(|to| date < to));
    let counts = |date: Date| !working || calendar.is_working_day(date);
    let mut needed = n;
    if paused(start) && counts(start) {
        needed += 1;
    }
    let mut date = start;
    let mut ticks = 0;
    while ticks < needed {
        date = date.tomorrow().unwrap();
        if !paused(date) && counts(date) {
            ticks += 1;
        }
    }
    date
}

proptest! {
    #[test]
    fn closed_pauses_match_the_day_by_day_reference(
        calendar in calendars(),
        start in dates(),
        working in any::<bool>(),
        n in 1u32..40,
        spec in closed_pauses(),
    ) {
        let rule = if working { working_days(n) } else { days(n) };
        let pauses = make_pauses(start, &spec);
        let result = compute(&rule, start, &pauses, &calendar).unwrap();
        prop_assert_eq!(result.due, Some(reference_due(working, n, start, &pauses, &calendar)));
    }

    #[test]
    fn pauses_never_make_a_deadline_earlier_and_order_does_not_matter(
        calendar in calendars(),
        start in dates(),
        rule_index in 0usize..15,
        spec in closed_pauses(),
    ) {
        let rule = seeded_rules().swap_remove(rule_index);
        let calendar = WorkingCalendar { country: rule.country.unwrap_or(calendar.country), ..calendar };
        let pauses = make_pauses(start, &spec);
        let without = compute(&rule, start, &[], &calendar).unwrap().due.unwrap();
        let with = compute(&rule, start, &pauses, &calendar).unwrap();
        prop_assert!(with.due.unwrap() >= without);
        let mut reversed = pauses.clone();
        reversed.reverse();
        prop_assert_eq!(compute(&rule, start, &reversed, &calendar).unwrap().due, with.due);
        if rule.period.counting() == CountingUnit::CalendarDays && !rule.extends_to_working_day {
            let expected = add_days(with.explanation.base_due, i64::from(with.explanation.days_added_by_pauses)).unwrap();
            prop_assert_eq!(with.due, Some(expected));
        }
        if rule.extends_to_working_day {
            prop_assert!(calendar.is_working_day(with.due.unwrap()));
        }
    }

    #[test]
    fn resuming_uses_the_remaining_days(
        calendar in calendars(),
        start in dates(),
        working in any::<bool>(),
        n in 1u32..40,
        pause_offset in 0i64..60,
        resume_after in 0i64..40,
    ) {
        let rule = if working { working_days(n) } else { days(n) };
        let from = add_days(start, pause_offset).unwrap();
        let resume_on = add_days(from, resume_after).unwrap();
        let pauses = [Pause::open(from, "")];
        let stopped = compute(&rule, start, &pauses, &calendar).unwrap();
        let resumed = compute_if_resumed(&rule, start, &pauses, &calendar, resume_on).unwrap();
        match stopped.paused {
            Some(clock) => {
                prop_assert!(clock.remaining >= 1);
                // The remaining-th counting day, counting the resume day as the first.
                let day_before = resume_on.yesterday().unwrap();
                let expected = if working {
                    calendar.add_working_days(day_before, clock.remaining).unwrap()
                } else {
                    add_days(day_before, i64::from(clock.remaining)).unwrap()
                };
                prop_assert_eq!(resumed.due, Some(expected));
            }
            None => {
                // The pause began after the deadline: resuming changes nothing.
                prop_assert_eq!(resumed.due, stopped.due);
            }
        }
    }

    #[test]
    fn compute_never_panics(
        start_number in prop_oneof![
            day_number(Date::MIN)..=day_number(Date::MAX),
            (day_number(Date::MAX) - 800)..=day_number(Date::MAX),
            day_number(Date::MIN)..=(day_number(Date::MIN) + 800),
        ],
        unit in 0u8..4,
        amount in prop_oneof![0u32..400, any::<u32>()],
        extends in any::<bool>(),
        sweden in any::<bool>(),
        spec in prop::collection::vec((-5i64..400, prop::option::of(-5i64..400)), 0..4),
    ) {
        let start = date_from_day_number(start_number).unwrap();
        let period = match unit {
            0 => Period::WorkingDays(amount),
            1 => Period::CalendarDays(amount),
            2 => Period::Weeks(amount),
            _ => Period::Months(amount),
        };
        let rule = DeadlineRule::ad_hoc(period, extends);
        let calendar = if sweden { se() } else { no() };
        let pauses: Vec<Pause> = spec
            .iter()
            .filter_map(|(offset, length)| {
                let from = add_days(start, *offset).ok()?;
                let to = match length {
                    Some(length) => Some(add_days(from, *length).ok()?),
                    None => None,
                };
                Some(Pause { from, to, reason: String::new() })
            })
            .collect();
        if let Ok(result) = compute(&rule, start, &pauses, &calendar) {
            prop_assert_eq!(result.due.is_none(), result.paused.is_some());
            if let Some(due) = result.due {
                prop_assert!(due >= start);
            }
        }
    }
}
