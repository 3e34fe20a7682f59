//! Norwegian and Swedish person numbers as typed: never a panic, and a number that parses
//! parses again from its normalised form to the same identifier.
#![no_main]

use jiff::civil::Date;
use libfuzzer_sys::fuzz_target;
use los_core::identifiers::parse_identifier;
use los_core::organization::Country;

fuzz_target!(|input: (u8, u16, &str)| {
    let (country, day, raw) = input;
    let country = match country % 3 {
        0 => None,
        1 => Some(Country::Norway),
        _ => Some(Country::Sweden),
    };
    // A reference date between 1990 and about 2080, as "today" varies.
    let Ok(reference) = Date::new(1990, 1, 1).and_then(|d| d.checked_add(jiff::Span::new().days(i64::from(day))))
    else {
        return;
    };
    if let Ok(identifier) = parse_identifier(raw, country, reference) {
        let again = parse_identifier(identifier.normalized(), country, reference)
            .expect("a normalised identifier parses again");
        assert_eq!(again.normalized(), identifier.normalized());
    }
});
