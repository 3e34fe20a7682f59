//! Why a person identifier was refused, specific enough that the person typing it knows what
//! to fix.

use std::fmt;

use jiff::civil::Date;

use crate::error::{FieldError, Reason};
use crate::organization::Country;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a number is not a valid identifier. Each variant has a stable [`code`](Self::code),
/// named arguments for translation ([`args`](Self::args)) and an English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierError {
    /// Nothing but whitespace.
    Empty,
    /// A character that is neither a digit nor an allowed separator; `position` is 1-based in
    /// the trimmed input.
    InvalidCharacter { character: char, position: usize },
    /// A space, `-` or `+` somewhere other than between the birth date and the rest, or a
    /// second one.
    MisplacedSeparator { separator: char, position: usize },
    /// A separator that the country's numbers never use: `+` in Norway, a space in Sweden.
    SeparatorNotUsed { separator: char, country: Country },
    /// A Swedish number with a four-digit year and `+`: `+` only goes with a two-digit year.
    PlusWithFullYear,
    /// Wrong number of digits for the country.
    WrongLength { expected: &'static str, found: usize },
    /// No country given and the number of digits fits neither country.
    UnknownCountryFormat { digits: usize },
    /// The month digits are no month, not even with the offsets the country uses.
    ImpossibleMonth { month: u8, country: Country },
    /// The day (offsets removed) does not exist in that month and year.
    ImpossibleDay { day: u8, month: u8, year: Option<i16> },
    /// A Swedish birth year before 1800.
    ImpossibleYear { year: i16 },
    /// A Norwegian number with both the D-nummer (day + 40) and the H-nummer (month + 40) mark.
    DAndHCombined,
    /// A Norwegian individual number from a series not issued for that two-digit year.
    UnassignedIndividualNumber { individual: u16, year: u8 },
    /// A check digit does not match the digits before it; `position` is 1-based in the digits as
    /// entered (Norway 10 or 11, Sweden 10 or 12).
    CheckDigit { position: u8 },
    /// The encoded birth date lies after the reference date.
    BirthDateInFuture { birth_date: Date },
}

impl IdentifierError {
    pub fn code(&self) -> &'static str {
        match self {
            IdentifierError::Empty => "empty",
            IdentifierError::InvalidCharacter { .. } => "invalid-character",
            IdentifierError::MisplacedSeparator { .. } => "misplaced-separator",
            IdentifierError::SeparatorNotUsed { .. } => "separator-not-used",
            IdentifierError::PlusWithFullYear => "plus-with-full-year",
            IdentifierError::WrongLength { .. } => "wrong-length",
            IdentifierError::UnknownCountryFormat { .. } => "unknown-country-format",
            IdentifierError::ImpossibleMonth { .. } => "impossible-month",
            IdentifierError::ImpossibleDay { .. } => "impossible-day",
            IdentifierError::ImpossibleYear { .. } => "impossible-year",
            IdentifierError::DAndHCombined => "d-and-h-combined",
            IdentifierError::UnassignedIndividualNumber { .. } => "unassigned-individual-number",
            IdentifierError::CheckDigit { .. } => "check-digit",
            IdentifierError::BirthDateInFuture { .. } => "birth-date-in-future",
        }
    }

    /// Named arguments for the translated message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            IdentifierError::Empty | IdentifierError::PlusWithFullYear | IdentifierError::DAndHCombined => Vec::new(),
            IdentifierError::InvalidCharacter { character, position } => {
                vec![("character", character.escape_debug().to_string()), ("position", position.to_string())]
            }
            IdentifierError::MisplacedSeparator { separator, position } => {
                vec![("separator", separator.to_string()), ("position", position.to_string())]
            }
            IdentifierError::SeparatorNotUsed { separator, country } => {
                vec![("separator", separator.to_string()), ("country", country.code().to_string())]
            }
            IdentifierError::WrongLength { expected, found } => {
                vec![("expected", (*expected).to_string()), ("found", found.to_string())]
            }
            IdentifierError::UnknownCountryFormat { digits } => {
                vec![("digits", digits.to_string())]
            }
            IdentifierError::ImpossibleMonth { month, country } => {
                vec![("month", format!("{month:02}")), ("country", country.code().to_string())]
            }
            IdentifierError::ImpossibleDay { day, month, year } => {
                let mut args = vec![("day", day.to_string()), ("month", month.to_string())];
                if let Some(year) = year {
                    args.push(("year", year.to_string()));
                }
                args
            }
            IdentifierError::ImpossibleYear { year } => vec![("year", year.to_string())],
            IdentifierError::UnassignedIndividualNumber { individual, year } => {
                vec![("individual", format!("{individual:03}")), ("year", format!("{year:02}"))]
            }
            IdentifierError::CheckDigit { position } => vec![("position", position.to_string())],
            IdentifierError::BirthDateInFuture { birth_date } => {
                vec![("birth_date", birth_date.to_string())]
            }
        }
    }

    /// Plain English, for logs, the CLI and the `detail` of API problems.
    pub fn english(&self) -> String {
        match self {
            IdentifierError::Empty => "the number is empty".into(),
            IdentifierError::InvalidCharacter { character, position } => format!(
                "'{}' at position {position} is not allowed: only digits, and one separator \
                 between the birth date and the rest",
                character.escape_debug()
            ),
            IdentifierError::MisplacedSeparator { separator, position } => format!(
                "the separator '{separator}' at position {position} is misplaced: only one \
                 separator is allowed, right after the birth date"
            ),
            IdentifierError::SeparatorNotUsed { separator: '+', country: Country::Norway } => {
                "'+' is not used in Norwegian numbers (it marks Swedish persons aged 100 or more)".into()
            }
            IdentifierError::SeparatorNotUsed { separator: ' ', country: Country::Sweden } => {
                "a space is not used in Swedish numbers: write YYMMDD-NNNN, YYMMDD+NNNN or \
                 YYYYMMDD-NNNN"
                    .into()
            }
            IdentifierError::SeparatorNotUsed { separator, country } => {
                format!("'{separator}' is not used in numbers from {}", country.code())
            }
            IdentifierError::PlusWithFullYear => {
                "'+' only goes with a two-digit year: with a four-digit year write YYYYMMDD-NNNN".into()
            }
            IdentifierError::WrongLength { expected, found } => {
                format!("the number has {found} digits, expected {expected}")
            }
            IdentifierError::UnknownCountryFormat { digits } => format!(
                "the number has {digits} digits and fits no known format: a Norwegian number \
                 has 11 digits, a Swedish one 10 or 12"
            ),
            IdentifierError::ImpossibleMonth { month, country: Country::Norway } => format!(
                "month {month:02} does not exist: Norwegian numbers use 01–12 (41–52 for \
                 H-numbers, 81–92 for synthetic test numbers)"
            ),
            IdentifierError::ImpossibleMonth { month, country: Country::Sweden } => {
                format!("month {month:02} does not exist: Swedish numbers use 01–12")
            }
            IdentifierError::ImpossibleDay { day, month, year } => {
                let month_name = usize::from(*month).checked_sub(1).and_then(|index| MONTHS.get(index));
                match (month_name, year) {
                    (Some(_), Some(year)) if *month == 2 && *day == 29 => {
                        format!("29 February {year} does not exist: {year} is not a leap year")
                    }
                    (Some(name), _) if (1..=31).contains(day) => format!("{name} has no day {day}"),
                    _ => format!("day {day:02} does not exist"),
                }
            }
            IdentifierError::ImpossibleYear { year } => {
                format!("birth year {year} is not possible for a Swedish number")
            }
            IdentifierError::DAndHCombined => {
                "a number cannot be both a D-number (day + 40) and an H-number (month + 40)".into()
            }
            IdentifierError::UnassignedIndividualNumber { individual, year } => format!(
                "individual number {individual:03} is not issued to persons born in a year \
                 ending in {year:02}"
            ),
            IdentifierError::CheckDigit { position } => format!(
                "check digit {position} does not match the digits before it: the number is \
                 probably mistyped"
            ),
            IdentifierError::BirthDateInFuture { birth_date } => {
                format!("the birth date in the number, {birth_date}, lies in the future")
            }
        }
    }

    /// The error as a refused form field, keeping exactly what is wrong.
    pub fn to_field_error(&self, field: &str) -> FieldError {
        let reason = match self {
            IdentifierError::Empty => Reason::Required,
            other => Reason::Identifier(other.clone()),
        };
        FieldError::new(field, reason)
    }

    /// One value of every variant, so that tests can check each has a translation.
    pub fn every_kind() -> Vec<IdentifierError> {
        vec![
            IdentifierError::Empty,
            IdentifierError::InvalidCharacter { character: 'x', position: 1 },
            IdentifierError::MisplacedSeparator { separator: '-', position: 1 },
            IdentifierError::SeparatorNotUsed { separator: '+', country: Country::Norway },
            IdentifierError::PlusWithFullYear,
            IdentifierError::WrongLength { expected: "11 digits", found: 10 },
            IdentifierError::UnknownCountryFormat { digits: 9 },
            IdentifierError::ImpossibleMonth { month: 13, country: Country::Norway },
            IdentifierError::ImpossibleDay { day: 31, month: 4, year: Some(1980) },
            IdentifierError::ImpossibleYear { year: 1700 },
            IdentifierError::DAndHCombined,
            IdentifierError::UnassignedIndividualNumber { individual: 800, year: 45 },
            IdentifierError::CheckDigit { position: 10 },
            IdentifierError::BirthDateInFuture { birth_date: Date::new(2030, 1, 1).unwrap_or_default() },
        ]
    }
}

impl fmt::Display for IdentifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

impl std::error::Error for IdentifierError {}
