//! The deadline calculator with any period, start date and pauses: never a panic or a hang,
//! and a due date is never before the start.
#![no_main]

use arbitrary::Arbitrary;
use jiff::civil::Date;
use libfuzzer_sys::fuzz_target;
use los_core::calendar::WorkingCalendar;
use los_core::deadline::{DeadlineRule, Pause, Period, compute};
use los_core::organization::Country;

#[derive(Debug, Arbitrary)]
struct Input {
    unit: u8,
    amount: u32,
    start_offset: u16,
    sweden: bool,
    extends_to_working_day: bool,
    pauses: Vec<(u16, Option<u16>)>,
    spec: String,
}

fn day(offset: u16) -> Option<Date> {
    Date::new(2000, 1, 1).ok()?.checked_add(jiff::Span::new().days(i64::from(offset))).ok()
}

fuzz_target!(|input: Input| {
    let _ = Period::parse(&input.spec);
    let period = match input.unit % 4 {
        0 => Period::WorkingDays(input.amount),
        1 => Period::CalendarDays(input.amount),
        2 => Period::Weeks(input.amount),
        _ => Period::Months(input.amount),
    };
    let Some(start) = day(input.start_offset) else { return };
    let pauses: Vec<Pause> = input
        .pauses
        .iter()
        .take(8)
        .filter_map(|(from, to)| {
            let from = day(*from)?;
            Some(match to {
                Some(to) => Pause::closed(from, day(*to)?, "fuzz"),
                None => Pause::open(from, "fuzz"),
            })
        })
        .collect();
    let calendar = WorkingCalendar::new(if input.sweden { Country::Sweden } else { Country::Norway });
    let rule = DeadlineRule::ad_hoc(period, input.extends_to_working_day);
    if let Ok(result) = compute(&rule, start, &pauses, &calendar)
        && let Some(due) = result.due
    {
        assert!(due >= start, "{due} before {start}");
    }
});
