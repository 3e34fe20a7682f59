use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use proptest::prelude::*;

use super::*;

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

fn listed(country: Country, year: i16) -> Vec<(String, &'static str)> {
    holidays(country, year).into_iter().map(|h| (h.date.to_string(), h.code.code())).collect()
}

fn expected(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(date, code)| ((*date).to_string(), *code)).collect()
}

// ---------------------------------------------------------------------------------------------
// Easter

#[test]
fn easter_sunday_2024_to_2030() {
    let cases = [
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2028, "2028-04-16"),
        (2029, "2029-04-01"),
        (2030, "2030-04-21"),
    ];
    for (year, date) in cases {
        assert_eq!(easter_sunday(year), Some(d(date)), "Easter {year}");
    }
}

#[test]
fn easter_sunday_in_other_centuries() {
    let cases = [
        (1583, "1583-04-10"),
        (1700, "1700-04-11"),
        (1818, "1818-03-22"),
        (1900, "1900-04-15"),
        (1943, "1943-04-25"),
        (1954, "1954-04-18"),
        (2000, "2000-04-23"),
        (2008, "2008-03-23"),
        (2011, "2011-04-24"),
        (2038, "2038-04-25"),
        (2049, "2049-04-18"),
        (2100, "2100-03-28"),
        (2160, "2160-03-23"),
        (2200, "2200-04-06"),
        (2285, "2285-03-22"),
        (9999, "9999-03-28"),
    ];
    for (year, date) in cases {
        assert_eq!(easter_sunday(year), Some(d(date)), "Easter {year}");
    }
}

/// Gauss's Easter formula in Lichtenberg's form: an independent algorithm to check the computus
/// against for every supported year.
fn easter_gauss_lichtenberg(year: i16) -> Date {
    let x = i32::from(year);
    let k = x / 100;
    let m = 15 + (3 * k + 3) / 4 - (8 * k + 13) / 25;
    let s = 2 - (3 * k + 3) / 4;
    let a = x % 19;
    let d = (19 * a + m) % 30;
    let r = (d + a / 11) / 29;
    let og = 21 + d - r;
    let sz = 7 - (x + x / 4 + s) % 7;
    let oe = 7 - (og - sz) % 7;
    let os = og + oe; // day of March, may run into April
    let (month, day) = if os > 31 { (4, os - 31) } else { (3, os) };
    Date::new(year, month, i8::try_from(day).unwrap()).unwrap()
}

#[test]
fn easter_matches_an_independent_formula_for_every_supported_year() {
    for year in FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR {
        let easter = easter_sunday(year).unwrap();
        assert_eq!(easter, easter_gauss_lichtenberg(year), "Easter {year}");
        assert_eq!(easter.weekday(), Weekday::Sunday, "Easter {year}");
        assert!(easter >= Date::new(year, 3, 22).unwrap() && easter <= Date::new(year, 4, 25).unwrap());
    }
}

#[test]
fn no_easter_outside_the_supported_years() {
    assert_eq!(easter_sunday(1582), None);
    assert_eq!(easter_sunday(0), None);
    assert_eq!(easter_sunday(-9999), None);
    assert!(holidays(Country::Norway, 1500).is_empty());
    assert!(WorkingCalendar::sweden().days_off(-5).is_empty());
    // Only weekends are off then.
    let calendar = WorkingCalendar::norway();
    let christmas_1500 = d("1500-12-25");
    let weekend = matches!(christmas_1500.weekday(), Weekday::Saturday | Weekday::Sunday);
    assert_eq!(calendar.is_working_day(christmas_1500), !weekend);
}

// ---------------------------------------------------------------------------------------------
// Published holiday lists, Norway

#[test]
fn norway_holidays_2024_to_2030() {
    let years: [(i16, &[(&str, &str)]); 7] = [
        (
            2024,
            &[
                ("2024-01-01", "new_years_day"),
                ("2024-03-28", "maundy_thursday"),
                ("2024-03-29", "good_friday"),
                ("2024-03-31", "easter_sunday"),
                ("2024-04-01", "easter_monday"),
                ("2024-05-01", "may_day"),
                ("2024-05-09", "ascension_day"),
                ("2024-05-17", "constitution_day"),
                ("2024-05-19", "whit_sunday"),
                ("2024-05-20", "whit_monday"),
                ("2024-12-25", "christmas_day"),
                ("2024-12-26", "boxing_day"),
            ],
        ),
        (
            2025,
            &[
                ("2025-01-01", "new_years_day"),
                ("2025-04-17", "maundy_thursday"),
                ("2025-04-18", "good_friday"),
                ("2025-04-20", "easter_sunday"),
                ("2025-04-21", "easter_monday"),
                ("2025-05-01", "may_day"),
                ("2025-05-17", "constitution_day"),
                ("2025-05-29", "ascension_day"),
                ("2025-06-08", "whit_sunday"),
                ("2025-06-09", "whit_monday"),
                ("2025-12-25", "christmas_day"),
                ("2025-12-26", "boxing_day"),
            ],
        ),
        (
            2026,
            &[
                ("2026-01-01", "new_years_day"),
                ("2026-04-02", "maundy_thursday"),
                ("2026-04-03", "good_friday"),
                ("2026-04-05", "easter_sunday"),
                ("2026-04-06", "easter_monday"),
                ("2026-05-01", "may_day"),
                ("2026-05-14", "ascension_day"),
                ("2026-05-17", "constitution_day"),
                ("2026-05-24", "whit_sunday"),
                ("2026-05-25", "whit_monday"),
                ("2026-12-25", "christmas_day"),
                ("2026-12-26", "boxing_day"),
            ],
        ),
        (
            2027,
            &[
                ("2027-01-01", "new_years_day"),
                ("2027-03-25", "maundy_thursday"),
                ("2027-03-26", "good_friday"),
                ("2027-03-28", "easter_sunday"),
                ("2027-03-29", "easter_monday"),
                ("2027-05-01", "may_day"),
                ("2027-05-06", "ascension_day"),
                ("2027-05-16", "whit_sunday"),
                // Whit Monday falls on Constitution Day in 2027: both are listed.
                ("2027-05-17", "constitution_day"),
                ("2027-05-17", "whit_monday"),
                ("2027-12-25", "christmas_day"),
                ("2027-12-26", "boxing_day"),
            ],
        ),
        (
            2028,
            &[
                ("2028-01-01", "new_years_day"),
                ("2028-04-13", "maundy_thursday"),
                ("2028-04-14", "good_friday"),
                ("2028-04-16", "easter_sunday"),
                ("2028-04-17", "easter_monday"),
                ("2028-05-01", "may_day"),
                ("2028-05-17", "constitution_day"),
                ("2028-05-25", "ascension_day"),
                ("2028-06-04", "whit_sunday"),
                ("2028-06-05", "whit_monday"),
                ("2028-12-25", "christmas_day"),
                ("2028-12-26", "boxing_day"),
            ],
        ),
        (
            2029,
            &[
                ("2029-01-01", "new_years_day"),
                ("2029-03-29", "maundy_thursday"),
                ("2029-03-30", "good_friday"),
                ("2029-04-01", "easter_sunday"),
                ("2029-04-02", "easter_monday"),
                ("2029-05-01", "may_day"),
                ("2029-05-10", "ascension_day"),
                ("2029-05-17", "constitution_day"),
                ("2029-05-20", "whit_sunday"),
                ("2029-05-21", "whit_monday"),
                ("2029-12-25", "christmas_day"),
                ("2029-12-26", "boxing_day"),
            ],
        ),
        (
            2030,
            &[
                ("2030-01-01", "new_years_day"),
                ("2030-04-18", "maundy_thursday"),
                ("2030-04-19", "good_friday"),
                ("2030-04-21", "easter_sunday"),
                ("2030-04-22", "easter_monday"),
                ("2030-05-01", "may_day"),
                ("2030-05-17", "constitution_day"),
                ("2030-05-30", "ascension_day"),
                ("2030-06-09", "whit_sunday"),
                ("2030-06-10", "whit_monday"),
                ("2030-12-25", "christmas_day"),
                ("2030-12-26", "boxing_day"),
            ],
        ),
    ];
    for (year, list) in years {
        assert_eq!(listed(Country::Norway, year), expected(list), "Norway {year}");
        assert!(holidays(Country::Norway, year).iter().all(|h| h.kind == HolidayKind::Public));
    }
}

// ---------------------------------------------------------------------------------------------
// Published holiday lists, Sweden

#[test]
fn sweden_holidays_2024_to_2030() {
    let years: [(i16, &[(&str, &str)]); 7] = [
        (
            2024,
            &[
                ("2024-01-01", "new_years_day"),
                ("2024-01-06", "epiphany"),
                ("2024-03-29", "good_friday"),
                ("2024-03-31", "easter_sunday"),
                ("2024-04-01", "easter_monday"),
                ("2024-05-01", "may_day"),
                ("2024-05-09", "ascension_day"),
                ("2024-05-19", "whit_sunday"),
                ("2024-06-06", "national_day"),
                ("2024-06-22", "midsummer_day"),
                ("2024-11-02", "all_saints_day"),
                ("2024-12-25", "christmas_day"),
                ("2024-12-26", "boxing_day"),
            ],
        ),
        (
            2025,
            &[
                ("2025-01-01", "new_years_day"),
                ("2025-01-06", "epiphany"),
                ("2025-04-18", "good_friday"),
                ("2025-04-20", "easter_sunday"),
                ("2025-04-21", "easter_monday"),
                ("2025-05-01", "may_day"),
                ("2025-05-29", "ascension_day"),
                ("2025-06-06", "national_day"),
                ("2025-06-08", "whit_sunday"),
                ("2025-06-21", "midsummer_day"),
                ("2025-11-01", "all_saints_day"),
                ("2025-12-25", "christmas_day"),
                ("2025-12-26", "boxing_day"),
            ],
        ),
        (
            2026,
            &[
                ("2026-01-01", "new_years_day"),
                ("2026-01-06", "epiphany"),
                ("2026-04-03", "good_friday"),
                ("2026-04-05", "easter_sunday"),
                ("2026-04-06", "easter_monday"),
                ("2026-05-01", "may_day"),
                ("2026-05-14", "ascension_day"),
                ("2026-05-24", "whit_sunday"),
                ("2026-06-06", "national_day"),
                ("2026-06-20", "midsummer_day"),
                ("2026-10-31", "all_saints_day"),
                ("2026-12-25", "christmas_day"),
                ("2026-12-26", "boxing_day"),
            ],
        ),
        (
            2027,
            &[
                ("2027-01-01", "new_years_day"),
                ("2027-01-06", "epiphany"),
                ("2027-03-26", "good_friday"),
                ("2027-03-28", "easter_sunday"),
                ("2027-03-29", "easter_monday"),
                ("2027-05-01", "may_day"),
                ("2027-05-06", "ascension_day"),
                ("2027-05-16", "whit_sunday"),
                ("2027-06-06", "national_day"),
                ("2027-06-26", "midsummer_day"),
                ("2027-11-06", "all_saints_day"),
                ("2027-12-25", "christmas_day"),
                ("2027-12-26", "boxing_day"),
            ],
        ),
        (
            2028,
            &[
                ("2028-01-01", "new_years_day"),
                ("2028-01-06", "epiphany"),
                ("2028-04-14", "good_friday"),
                ("2028-04-16", "easter_sunday"),
                ("2028-04-17", "easter_monday"),
                ("2028-05-01", "may_day"),
                ("2028-05-25", "ascension_day"),
                ("2028-06-04", "whit_sunday"),
                ("2028-06-06", "national_day"),
                ("2028-06-24", "midsummer_day"),
                ("2028-11-04", "all_saints_day"),
                ("2028-12-25", "christmas_day"),
                ("2028-12-26", "boxing_day"),
            ],
        ),
        (
            2029,
            &[
                ("2029-01-01", "new_years_day"),
                ("2029-01-06", "epiphany"),
                ("2029-03-30", "good_friday"),
                ("2029-04-01", "easter_sunday"),
                ("2029-04-02", "easter_monday"),
                ("2029-05-01", "may_day"),
                ("2029-05-10", "ascension_day"),
                ("2029-05-20", "whit_sunday"),
                ("2029-06-06", "national_day"),
                ("2029-06-23", "midsummer_day"),
                ("2029-11-03", "all_saints_day"),
                ("2029-12-25", "christmas_day"),
                ("2029-12-26", "boxing_day"),
            ],
        ),
        (
            2030,
            &[
                ("2030-01-01", "new_years_day"),
                ("2030-01-06", "epiphany"),
                ("2030-04-19", "good_friday"),
                ("2030-04-21", "easter_sunday"),
                ("2030-04-22", "easter_monday"),
                ("2030-05-01", "may_day"),
                ("2030-05-30", "ascension_day"),
                ("2030-06-06", "national_day"),
                ("2030-06-09", "whit_sunday"),
                ("2030-06-22", "midsummer_day"),
                ("2030-11-02", "all_saints_day"),
                ("2030-12-25", "christmas_day"),
                ("2030-12-26", "boxing_day"),
            ],
        ),
    ];
    for (year, list) in years {
        assert_eq!(listed(Country::Sweden, year), expected(list), "Sweden {year}");
    }
}

#[test]
fn swedish_deadline_calendar_adds_the_three_eves() {
    let midsummer_eves = [
        (2024, "2024-06-21"),
        (2025, "2025-06-20"),
        (2026, "2026-06-19"),
        (2027, "2027-06-25"),
        (2028, "2028-06-23"),
        (2029, "2029-06-22"),
        (2030, "2030-06-21"),
    ];
    let calendar = WorkingCalendar::sweden();
    for (year, eve) in midsummer_eves {
        let extra: Vec<(String, &str)> = calendar
            .days_off(year)
            .into_iter()
            .filter(|h| h.kind == HolidayKind::TreatedAsHoliday)
            .map(|h| (h.date.to_string(), h.code.code()))
            .collect();
        assert_eq!(
            extra,
            vec![
                (eve.to_string(), "midsummer_eve"),
                (format!("{year}-12-24"), "christmas_eve"),
                (format!("{year}-12-31"), "new_years_eve"),
            ],
            "Sweden {year}"
        );
        assert_eq!(calendar.days_off(year).len(), 16);
        assert!(!calendar.is_working_day(d(eve)));
        assert_eq!(d(eve).weekday(), Weekday::Friday);
    }
    // The options change nothing in Sweden: the eves are always off.
    let with_options = WorkingCalendar::with_options(
        Country::Sweden,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: true },
    );
    assert_eq!(with_options.days_off(2025), calendar.days_off(2025));
}

#[test]
fn norwegian_eves_are_working_days_unless_the_local_options_say_otherwise() {
    let default = WorkingCalendar::norway();
    // 2024-12-24 is a Tuesday, 2024-12-31 a Tuesday, 2025-06-20 a Friday.
    assert!(default.is_working_day(d("2024-12-24")));
    assert!(default.is_working_day(d("2024-12-31")));
    assert!(default.is_working_day(d("2025-06-20")));
    assert_eq!(default.days_off(2024).len(), 12);

    let christmas_only = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: false },
    );
    assert!(!christmas_only.is_working_day(d("2024-12-24")));
    assert!(christmas_only.is_working_day(d("2024-12-31")));
    assert_eq!(
        christmas_only.day_off(d("2024-12-24")),
        Some(DayOff::Holiday { code: HolidayCode::ChristmasEve, kind: HolidayKind::LocalDayOff })
    );

    let both = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: true },
    );
    assert!(!both.is_working_day(d("2024-12-31")));
    assert!(both.is_working_day(d("2025-06-20")), "Midsummer Eve is never off in Norway");
    assert_eq!(both.extra_days_off(), vec![HolidayCode::ChristmasEve, HolidayCode::NewYearsEve]);
}

#[test]
fn holidays_that_share_a_date_are_all_listed() {
    // Norway 2008: Ascension Day on 1 May.
    let may_first: Vec<_> =
        holidays(Country::Norway, 2008).into_iter().filter(|h| h.date == d("2008-05-01")).map(|h| h.code).collect();
    assert_eq!(may_first, vec![HolidayCode::MayDay, HolidayCode::AscensionDay]);
    // Sweden 2049: Whit Sunday on National Day.
    let sixth_of_june: Vec<_> =
        holidays(Country::Sweden, 2049).into_iter().filter(|h| h.date == d("2049-06-06")).map(|h| h.code).collect();
    assert_eq!(sixth_of_june, vec![HolidayCode::NationalDay, HolidayCode::WhitSunday]);
}

#[test]
fn holiday_structure_holds_for_1900_to_2200() {
    for year in 1900..=2200 {
        for country in Country::ALL {
            let list = holidays(country, year);
            let expected_count = match country {
                Country::Norway => 12,
                Country::Sweden => 13,
            };
            assert_eq!(list.len(), expected_count, "{country:?} {year}");
            let codes: BTreeSet<_> = list.iter().map(|h| h.code).collect();
            assert_eq!(codes.len(), list.len(), "distinct codes {country:?} {year}");
            assert!(list.windows(2).all(|pair| pair[0].date <= pair[1].date), "sorted {country:?} {year}");
            for holiday in &list {
                assert_eq!(holiday.date.year(), year);
                let weekday = holiday.date.weekday();
                match holiday.code {
                    HolidayCode::MaundyThursday | HolidayCode::AscensionDay => assert_eq!(weekday, Weekday::Thursday),
                    HolidayCode::GoodFriday => assert_eq!(weekday, Weekday::Friday),
                    HolidayCode::EasterSunday | HolidayCode::WhitSunday => assert_eq!(weekday, Weekday::Sunday),
                    HolidayCode::EasterMonday | HolidayCode::WhitMonday => assert_eq!(weekday, Weekday::Monday),
                    HolidayCode::MidsummerDay => {
                        assert_eq!(weekday, Weekday::Saturday);
                        assert_eq!(holiday.date.month(), 6);
                        assert!((20..=26).contains(&holiday.date.day()));
                    }
                    HolidayCode::AllSaintsDay => {
                        assert_eq!(weekday, Weekday::Saturday);
                        let (m, day) = (holiday.date.month(), holiday.date.day());
                        assert!((m == 10 && day == 31) || (m == 11 && day <= 6));
                    }
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn a_holiday_on_a_weekend_reports_the_holiday() {
    let calendar = WorkingCalendar::norway();
    assert_eq!(
        calendar.day_off(d("2025-04-20")),
        Some(DayOff::Holiday { code: HolidayCode::EasterSunday, kind: HolidayKind::Public })
    );
    assert_eq!(calendar.day_off(d("2025-04-19")), Some(DayOff::Saturday));
    assert_eq!(calendar.day_off(d("2025-04-27")), Some(DayOff::Sunday));
    assert_eq!(calendar.day_off(d("2025-04-22")), None);
}

#[test]
fn countries_differ_where_they_should() {
    let no = WorkingCalendar::norway();
    let se = WorkingCalendar::sweden();
    // Maundy Thursday: off in Norway only.
    assert!(!no.is_working_day(d("2025-04-17")));
    assert!(se.is_working_day(d("2025-04-17")));
    // Whit Monday: off in Norway only.
    assert!(!no.is_working_day(d("2025-06-09")));
    assert!(se.is_working_day(d("2025-06-09")));
    // Epiphany and National Day: off in Sweden only (Tuesday 2026-01-06, Friday 2025-06-06).
    assert!(no.is_working_day(d("2026-01-06")));
    assert!(!se.is_working_day(d("2026-01-06")));
    assert!(no.is_working_day(d("2025-06-06")));
    assert!(!se.is_working_day(d("2025-06-06")));
    // 17 May (a Monday in 2027 and Whit Monday too; a Wednesday in 2028): off in Norway only.
    assert!(!no.is_working_day(d("2028-05-17")));
    assert!(se.is_working_day(d("2028-05-17")));
}

// ---------------------------------------------------------------------------------------------
// Working-day arithmetic

#[test]
fn adding_working_days_over_easter() {
    let no = WorkingCalendar::norway();
    let se = WorkingCalendar::sweden();
    // Wednesday before Easter 2025.
    assert_eq!(no.add_working_days(d("2025-04-16"), 1).unwrap(), d("2025-04-22"));
    assert_eq!(se.add_working_days(d("2025-04-16"), 1).unwrap(), d("2025-04-17"));
    assert_eq!(se.add_working_days(d("2025-04-16"), 2).unwrap(), d("2025-04-22"));
    // Ten working days from Wednesday 9 April 2025.
    assert_eq!(no.add_working_days(d("2025-04-09"), 10).unwrap(), d("2025-04-28"));
    assert_eq!(se.add_working_days(d("2025-04-09"), 10).unwrap(), d("2025-04-25"));
}

#[test]
fn adding_working_days_over_christmas_and_new_year() {
    let no = WorkingCalendar::norway();
    let se = WorkingCalendar::sweden();
    let no_off = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: true },
    );
    // Monday 23 December 2024.
    assert_eq!(no.add_working_days(d("2024-12-23"), 1).unwrap(), d("2024-12-24"));
    assert_eq!(no.add_working_days(d("2024-12-23"), 2).unwrap(), d("2024-12-27"));
    assert_eq!(no_off.add_working_days(d("2024-12-23"), 1).unwrap(), d("2024-12-27"));
    assert_eq!(se.add_working_days(d("2024-12-23"), 1).unwrap(), d("2024-12-27"));
    // Friday 27 December 2024 over the new year.
    assert_eq!(no.add_working_days(d("2024-12-27"), 2).unwrap(), d("2024-12-31"));
    assert_eq!(no.add_working_days(d("2024-12-27"), 3).unwrap(), d("2025-01-02"));
    assert_eq!(se.add_working_days(d("2024-12-27"), 2).unwrap(), d("2025-01-02"));
    assert_eq!(no_off.add_working_days(d("2024-12-27"), 2).unwrap(), d("2025-01-02"));
    // Sweden over Epiphany 2025 (a Monday): Fri 3 Jan + 1 = Tue 7 Jan.
    assert_eq!(se.add_working_days(d("2025-01-03"), 1).unwrap(), d("2025-01-07"));
    assert_eq!(no.add_working_days(d("2025-01-03"), 1).unwrap(), d("2025-01-06"));
}

#[test]
fn the_start_day_is_not_counted() {
    let no = WorkingCalendar::norway();
    // From a Saturday, the first working day after it is the Monday.
    assert_eq!(no.add_working_days(d("2025-03-01"), 1).unwrap(), d("2025-03-03"));
    // From a Monday, one working day is the Tuesday.
    assert_eq!(no.add_working_days(d("2025-03-03"), 1).unwrap(), d("2025-03-04"));
    // Zero working days is the start itself, even on a weekend.
    assert_eq!(no.add_working_days(d("2025-03-01"), 0).unwrap(), d("2025-03-01"));
}

#[test]
fn counting_working_days_between_dates() {
    let no = WorkingCalendar::norway();
    assert_eq!(no.working_days_between(d("2025-04-09"), d("2025-04-28")), 10);
    assert_eq!(no.working_days_between(d("2025-04-28"), d("2025-04-09")), -10);
    assert_eq!(no.working_days_between(d("2025-04-09"), d("2025-04-09")), 0);
    // Good Friday to Easter Monday: no working day in (18 Apr, 21 Apr].
    assert_eq!(no.working_days_between(d("2025-04-18"), d("2025-04-21")), 0);
    // A whole year: 2025 has 261 weekdays, 9 of the Norwegian holidays fall on one
    // (1 Jan, 17 and 18 Apr, 21 Apr, 1 May, 29 May, 9 Jun, 25 and 26 Dec; 17 May is a Saturday).
    assert_eq!(no.working_days_between(d("2024-12-31"), d("2025-12-31")), 252);
    // Sweden 2025: 1 Jan, 6 Jan, 18 Apr, 21 Apr, 1 May, 29 May, 6 Jun, 20 Jun (eve), 24, 25, 26 and
    // 31 Dec (two eves) are weekdays: 261 - 12 = 249.
    assert_eq!(WorkingCalendar::sweden().working_days_between(d("2024-12-31"), d("2025-12-31")), 249);
    // Half-open count.
    assert_eq!(no.working_days_in(d("2025-04-14"), d("2025-04-22")), 3);
    assert_eq!(no.working_days_in(d("2025-04-22"), d("2025-04-14")), 0);
}

#[test]
fn next_working_day() {
    let no = WorkingCalendar::norway();
    let se = WorkingCalendar::sweden();
    assert_eq!(no.next_working_day_on_or_after(d("2025-04-17")).unwrap(), d("2025-04-22"));
    assert_eq!(se.next_working_day_on_or_after(d("2025-04-17")).unwrap(), d("2025-04-17"));
    assert_eq!(se.next_working_day_on_or_after(d("2025-06-20")).unwrap(), d("2025-06-23"));
    assert_eq!(no.next_working_day_on_or_after(d("2025-06-20")).unwrap(), d("2025-06-20"));
    assert_eq!(se.next_working_day_on_or_after(d("2025-12-24")).unwrap(), d("2025-12-29"));
    assert_eq!(no.next_working_day_on_or_after(d("2025-12-24")).unwrap(), d("2025-12-24"));
    assert_eq!(
        no.days_off_between(d("2025-04-17"), d("2025-04-22")).into_iter().map(|(date, _)| date).collect::<Vec<_>>(),
        vec![d("2025-04-17"), d("2025-04-18"), d("2025-04-19"), d("2025-04-20"), d("2025-04-21")]
    );
}

#[test]
fn the_end_of_time_is_an_error_not_a_panic() {
    let no = WorkingCalendar::norway();
    let se = WorkingCalendar::sweden();
    assert_eq!(no.add_working_days(Date::MAX, 1), Err(DateOutOfRange));
    assert_eq!(no.add_working_days(d("9999-12-20"), 100), Err(DateOutOfRange));
    assert_eq!(no.add_working_days(Date::MIN, u32::MAX), Err(DateOutOfRange));
    // 9999-12-31 is New Year's Eve: never a working day in Sweden.
    assert_eq!(se.next_working_day_on_or_after(Date::MAX), Err(DateOutOfRange));
    assert_eq!(no.working_days_between(Date::MAX, Date::MAX), 0);
    assert!(no.working_days_between(Date::MIN, Date::MAX) > 5_000_000);
    assert_eq!(add_days(Date::MAX, 1), Err(DateOutOfRange));
    assert_eq!(add_days(Date::MIN, -1), Err(DateOutOfRange));
    assert_eq!(add_days(Date::MIN, i64::MAX), Err(DateOutOfRange));
    assert_eq!(date_from_day_number(i64::MIN), Err(DateOutOfRange));
}

#[test]
fn day_numbers_agree_with_jiff() {
    assert_eq!(day_number(d("1970-01-01")), 0);
    assert_eq!(day_number(d("2000-03-01")), 11_017);
    assert_eq!(day_number(d("1969-12-31")), -1);
    for date in [Date::MIN, Date::MAX, d("0000-02-29"), d("1600-02-29"), d("2024-02-29"), d("2100-03-01")] {
        assert_eq!(date_from_day_number(day_number(date)), Ok(date));
    }
    let mut date = d("1895-01-01");
    let mut number = day_number(date);
    while date < d("2205-01-01") {
        let next = date.tomorrow().unwrap();
        assert_eq!(day_number(next), number + 1, "{next}");
        assert_eq!(date_from_day_number(number + 1), Ok(next));
        date = next;
        number += 1;
    }
    let span = d("1900-01-01").until((jiff::Unit::Day, d("2200-12-31"))).unwrap();
    assert_eq!(calendar_days_between(d("1900-01-01"), d("2200-12-31")), i64::from(span.get_days()));
}

// ---------------------------------------------------------------------------------------------
// Codes and names

#[test]
fn holiday_codes_round_trip_and_have_names() {
    for code in HolidayCode::ALL {
        assert_eq!(HolidayCode::parse(code.code()), Some(code));
        assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.code()));
        for locale in Locale::ALL {
            assert!(!code.name(locale).is_empty());
        }
    }
    assert_eq!(HolidayCode::parse("bastille_day"), None);
    for locale in Locale::ALL {
        let names: BTreeSet<_> = HolidayCode::ALL.iter().map(|code| code.name(locale)).collect();
        assert_eq!(names.len(), HolidayCode::ALL.len(), "distinct names in {locale:?}");
    }
    assert_eq!(HolidayCode::WhitSunday.name(Locale::Swedish), "Pingstdagen");
    assert_eq!(HolidayCode::MaundyThursday.name(Locale::NorwegianBokmal), "Skjærtorsdag");
    assert_eq!(HolidayCode::AllSaintsDay.name(Locale::English), "All Saints' Day");
}

#[test]
fn calendars_serialize_with_country_codes() {
    let calendar = WorkingCalendar::with_options(
        Country::Norway,
        CalendarOptions { christmas_eve_off: true, new_years_eve_off: false },
    );
    let json = serde_json::to_value(calendar).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"country": "NO", "options": {"christmas_eve_off": true, "new_years_eve_off": false}})
    );
    let back: WorkingCalendar = serde_json::from_value(serde_json::json!({"country": "SE"})).unwrap();
    assert_eq!(back, WorkingCalendar::sweden());
    let off =
        serde_json::to_value(DayOff::Holiday { code: HolidayCode::GoodFriday, kind: HolidayKind::Public }).unwrap();
    assert_eq!(off, serde_json::json!({"type": "holiday", "code": "good_friday", "kind": "public"}));
    assert_eq!(serde_json::to_value(DayOff::Saturday).unwrap(), serde_json::json!({"type": "saturday"}));
}

// ---------------------------------------------------------------------------------------------
// Properties

fn calendars() -> impl Strategy<Value = WorkingCalendar> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(sweden, christmas_eve_off, new_years_eve_off)| {
        let country = if sweden { Country::Sweden } else { Country::Norway };
        WorkingCalendar::with_options(country, CalendarOptions { christmas_eve_off, new_years_eve_off })
    })
}

/// Any date from 1900-01-01 to 2200-12-31.
fn dates() -> impl Strategy<Value = Date> {
    let first = day_number(Date::new(1900, 1, 1).unwrap());
    let last = day_number(Date::new(2200, 12, 31).unwrap());
    (first..=last).prop_map(|number| date_from_day_number(number).unwrap())
}

proptest! {
    #[test]
    fn forward_then_back_gives_n(calendar in calendars(), start in dates(), n in 1u32..400) {
        let due = calendar.add_working_days(start, n).unwrap();
        prop_assert!(calendar.is_working_day(due));
        prop_assert!(due > start);
        prop_assert_eq!(calendar.working_days_between(start, due), i64::from(n));
        prop_assert_eq!(calendar.working_days_between(due, start), -i64::from(n));
        // One day earlier, the count is one short: `due` is the first day that reaches n.
        let before = due.yesterday().unwrap();
        prop_assert_eq!(calendar.working_days_between(start, before), i64::from(n) - 1);
    }

    #[test]
    fn counts_are_additive(calendar in calendars(), a in dates(), b in dates(), c in dates()) {
        prop_assert_eq!(
            calendar.working_days_between(a, b) + calendar.working_days_between(b, c),
            calendar.working_days_between(a, c)
        );
    }

    #[test]
    fn next_working_day_skips_only_days_off(calendar in calendars(), date in dates()) {
        let next = calendar.next_working_day_on_or_after(date).unwrap();
        prop_assert!(next >= date);
        prop_assert!(calendar.is_working_day(next));
        prop_assert_eq!(calendar.working_days_in(date, next), 0);
        prop_assert_eq!(calendar.days_off_between(date, next).len(), usize::try_from(calendar_days_between(date, next)).unwrap());
        // No stretch of days off is longer than five (Norway at Easter: Thursday to Monday).
        prop_assert!(calendar_days_between(date, next) <= 5);
    }

    #[test]
    fn half_open_count_matches_between(calendar in calendars(), from in dates(), until in dates()) {
        let expected = if until <= from {
            0
        } else {
            calendar.working_days_between(from.yesterday().unwrap(), until.yesterday().unwrap())
        };
        prop_assert_eq!(i64::from(calendar.working_days_in(from, until)), expected);
    }

    #[test]
    fn day_numbers_round_trip(number in day_number(Date::MIN)..=day_number(Date::MAX)) {
        let date = date_from_day_number(number).unwrap();
        prop_assert_eq!(day_number(date), number);
    }
}
