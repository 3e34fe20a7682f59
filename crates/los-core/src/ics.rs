//! iCalendar (RFC 5545) files for care-team meetings, so members can put a meeting in their
//! own calendar. One VEVENT per file, times in UTC, text escaped and lines folded at 75 octets
//! as the RFC requires.

use jiff::Timestamp;

/// One meeting as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across updates (the meeting id), so a calendar replaces rather than duplicates.
    pub uid: String,
    /// Increases with every change (the meeting's version).
    pub sequence: i64,
    pub stamp: Timestamp,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub cancelled: bool,
    /// Invited members as (stable id, display name); written as `urn:uuid:` addresses since
    /// accounts carry no e-mail address.
    pub attendees: Vec<(String, String)>,
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes TEXT values (RFC 5545 § 3.3.11).
fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a parameter value by quoting it and dropping what a quoted value may not hold.
fn quote_param(raw: &str) -> String {
    let cleaned: String = raw.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{cleaned}\"")
}

/// Folds a content line into chunks of at most 75 octets, never splitting a character
/// (RFC 5545 § 3.1), each line ending in CRLF.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

/// The whole `.ics` file for one event.
pub fn calendar(event: &CalendarEvent) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Los//Care team meetings//NO".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape_text(&event.uid)),
        format!("SEQUENCE:{}", event.sequence.max(0)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.starts_at)),
        format!("DTEND:{}", utc(event.ends_at)),
        format!("SUMMARY:{}", escape_text(&event.summary)),
    ];
    if !event.location.is_empty() {
        lines.push(format!("LOCATION:{}", escape_text(&event.location)));
    }
    if !event.description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape_text(&event.description)));
    }
    lines.push(format!("STATUS:{}", if event.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    for (id, name) in &event.attendees {
        lines.push(format!("ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:urn:uuid:{}", quote_param(name), escape_text(id)));
    }
    lines.push("END:VEVENT".to_string());
    lines.push("END:VCALENDAR".to_string());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> CalendarEvent {
        CalendarEvent {
            uid: "0190-meeting@los".into(),
            sequence: 2,
            stamp: "2026-05-01T08:00:00Z".parse().unwrap(),
            starts_at: "2026-05-10T07:30:00Z".parse().unwrap(),
            ends_at: "2026-05-10T08:30:00Z".parse().unwrap(),
            summary: "Ansvarsgruppemøte".into(),
            location: "Rådhuset, møterom 2; 3. etasje".into(),
            description: "Agenda:\n1. Bolig, økonomi\n2. Neste møte".repeat(3),
            cancelled: false,
            attendees: vec![("0190-a".into(), "Kari \"K\" Nordmann".into())],
        }
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let text = calendar(&event());
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(!text.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn text_is_escaped_and_times_are_utc() {
        let text = calendar(&event()).replace("\r\n ", "");
        assert!(text.contains("LOCATION:Rådhuset\\, møterom 2\\; 3. etasje\r\n"));
        assert!(text.contains("DESCRIPTION:Agenda:\\n1. Bolig\\, økonomi\\n"));
        assert!(text.contains("DTSTART:20260510T073000Z\r\n"));
        assert!(text.contains("ATTENDEE;CN=\"Kari K Nordmann\";ROLE=REQ-PARTICIPANT:urn:uuid:0190-a\r\n"));
        assert!(text.contains("STATUS:CONFIRMED\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        fold(&"ø".repeat(100), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75);
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), "ø".repeat(100));
    }
}
