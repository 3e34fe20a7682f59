//! Meeting calendar files with any text typed into place, agenda and names: every line stays
//! within 75 octets and ends in CRLF, and no typed line break or property starts a new line.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use los_core::ics::{CalendarEvent, calendar};

#[derive(Debug, Arbitrary)]
struct Input {
    summary: String,
    location: String,
    description: String,
    attendees: Vec<(String, String)>,
    start: u32,
    cancelled: bool,
}

fuzz_target!(|input: Input| {
    let start = jiff::Timestamp::from_second(i64::from(input.start)).expect("within range");
    let event = CalendarEvent {
        uid: "fuzz@los".into(),
        sequence: 1,
        stamp: start,
        starts_at: start,
        ends_at: start,
        summary: input.summary,
        location: input.location,
        description: input.description,
        cancelled: input.cancelled,
        attendees: input.attendees.into_iter().take(20).collect(),
    };
    let text = calendar(&event);
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    let body = text.strip_suffix("\r\n").expect("ends in CRLF");
    let mut properties = 0;
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "line too long: {line:?}");
        assert!(!line.contains('\n') && !line.contains('\r'), "bare line break in {line:?}");
        if !line.starts_with(' ') {
            properties += 1;
        }
    }
    // The fixed properties, the optional location/description and one per attendee: typed text
    // never adds a property of its own.
    let optional = usize::from(!event.location.is_empty()) + usize::from(!event.description.is_empty());
    assert_eq!(properties, 15 + optional + event.attendees.len());
});
