//! Person identifiers of Norway and Sweden (design item 2, "Persons").
//!
//! [`parse_identifier`] takes what a person typed — a Norwegian fødselsnummer, D-nummer or
//! H-nummer, a synthetic Norwegian test number, a Swedish personnummer or samordningsnummer —
//! checks the shape, the birth date, the number series and the check digits, and says exactly
//! what is wrong when it refuses ([`IdentifierError`]). Nothing here reads a clock: the caller
//! passes the reference date ("today") against which Swedish two-digit years are placed in a
//! century and against which no birth date may lie in the future.
//!
//! Accepted input, after trimming surrounding whitespace:
//! - Norway: 11 digits, optionally with one space or `-` after the six date digits
//!   (`DDMMYY NNNNN`).
//! - Sweden: `YYMMDDNNNC`, `YYMMDD-NNNC`, `YYMMDD+NNNC` (`+`: 100 years or older at the reference
//!   date), `YYYYMMDDNNNC` or `YYYYMMDD-NNNC`.
//! - A no-break space counts as a space, and the typographic dashes U+2010–U+2013 and the minus
//!   sign U+2212 count as `-` (word processors put them in). Any other character is refused.
//!
//! Norwegian rules: check digits mod 11 (weights 3 7 6 1 8 9 4 5 2 and 5 4 3 2 7 6 5 4 3 2; a
//! check digit of 10 is never issued); D-nummer day + 40; H-nummer month + 40; synthetic test
//! numbers (Skatteetaten's Tenor, NHN) month + 80, also combined with day + 40. The century comes
//! from the individual number (folkeregisterforskriften: 000–499 → 1900–1999; 500–749 with year
//! 54–99 → 1854–1899; 500–999 with year 00–39 → 2000–2039; 900–999 with year 40–99 → 1940–1999).
//! Since August 2021 Skatteetaten also issues D-numbers from other series (000–199 and 600–999
//! for 1900–1999, 200–999 for 2000–2039, 500–599 for 1858–1899); where the old and the new series
//! give different centuries the number alone cannot tell, and
//! [`PersonIdentifier::alternative_birth_date`] holds the other possibility.
//!
//! Swedish rules: Luhn check digit over the ten-digit form; samordningsnummer day + 60; sex from
//! the ninth digit of the ten-digit form.
//!
//! The generators [`norwegian_number`], [`norwegian_number_from`] and [`swedish_number`] build
//! valid numbers from values the caller chooses (no randomness inside). Demo data must use the
//! synthetic Norwegian kinds only.

mod error;
mod norway;
mod sweden;
#[cfg(test)]
mod tests;

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::organization::Country;

pub use error::IdentifierError;
pub use norway::{norwegian_number, norwegian_number_from};
pub use sweden::swedish_number;

/// Which identifier a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Norwegian fødselsnummer: birth date `DDMMYY`, individual number, two check digits.
    NoFodselsnummer,
    /// Norwegian D-nummer: a fødselsnummer with 4 added to the first digit (day + 40).
    NoDNummer,
    /// Norwegian H-nummer (hjelpenummer of the health service): month + 40.
    NoHNummer,
    /// Synthetic Norwegian test fødselsnummer (Skatteetaten Tenor, NHN): month + 80.
    NoSynthetic,
    /// Synthetic Norwegian test D-nummer: day + 40 and month + 80.
    NoSyntheticDNummer,
    /// Swedish personnummer.
    SePersonnummer,
    /// Swedish samordningsnummer: day + 60.
    SeSamordningsnummer,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 7] = [
        IdentifierKind::NoFodselsnummer,
        IdentifierKind::NoDNummer,
        IdentifierKind::NoHNummer,
        IdentifierKind::NoSynthetic,
        IdentifierKind::NoSyntheticDNummer,
        IdentifierKind::SePersonnummer,
        IdentifierKind::SeSamordningsnummer,
    ];

    /// Stable code, the same as the serde name.
    pub fn code(self) -> &'static str {
        match self {
            IdentifierKind::NoFodselsnummer => "no_fodselsnummer",
            IdentifierKind::NoDNummer => "no_d_nummer",
            IdentifierKind::NoHNummer => "no_h_nummer",
            IdentifierKind::NoSynthetic => "no_synthetic",
            IdentifierKind::NoSyntheticDNummer => "no_synthetic_d_nummer",
            IdentifierKind::SePersonnummer => "se_personnummer",
            IdentifierKind::SeSamordningsnummer => "se_samordningsnummer",
        }
    }

    pub fn from_code(code: &str) -> Option<IdentifierKind> {
        IdentifierKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn country(self) -> Country {
        match self {
            IdentifierKind::NoFodselsnummer
            | IdentifierKind::NoDNummer
            | IdentifierKind::NoHNummer
            | IdentifierKind::NoSynthetic
            | IdentifierKind::NoSyntheticDNummer => Country::Norway,
            IdentifierKind::SePersonnummer | IdentifierKind::SeSamordningsnummer => Country::Sweden,
        }
    }

    /// A test number that can never belong to a real person.
    pub fn is_synthetic(self) -> bool {
        matches!(self, IdentifierKind::NoSynthetic | IdentifierKind::NoSyntheticDNummer)
    }

    /// Plain English name, for logs and the CLI.
    pub fn english(self) -> &'static str {
        match self {
            IdentifierKind::NoFodselsnummer => "Norwegian fødselsnummer",
            IdentifierKind::NoDNummer => "Norwegian D-nummer",
            IdentifierKind::NoHNummer => "Norwegian H-nummer",
            IdentifierKind::NoSynthetic => "synthetic Norwegian test number",
            IdentifierKind::NoSyntheticDNummer => "synthetic Norwegian test D-nummer",
            IdentifierKind::SePersonnummer => "Swedish personnummer",
            IdentifierKind::SeSamordningsnummer => "Swedish samordningsnummer",
        }
    }
}

/// Legal sex as encoded in the number (odd digit: male, even: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalSex {
    Female,
    Male,
}

impl LegalSex {
    pub fn code(self) -> &'static str {
        match self {
            LegalSex::Female => "female",
            LegalSex::Male => "male",
        }
    }

    fn from_digit(digit: u8) -> LegalSex {
        if digit % 2 == 1 { LegalSex::Male } else { LegalSex::Female }
    }
}

/// A validated person identifier. Only [`parse_identifier`] makes one, so every value holds a
/// number whose check digits, date and series are right.
///
/// `Debug` shows the masked form only, so that a stray `{:?}` in a log line does not leak the
/// number; `Display` shows the full number in its usual written form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonIdentifier {
    kind: IdentifierKind,
    /// Canonical storage form: Norway 11 digits; Sweden 12 digits `YYYYMMDDNNNC`. ASCII digits
    /// only. Offsets (D, H, synthetic, samordning) are kept as written.
    normalized: String,
    birth_date: Date,
    alternative_birth_date: Option<Date>,
    sex: Option<LegalSex>,
}

impl PersonIdentifier {
    pub fn kind(&self) -> IdentifierKind {
        self.kind
    }

    pub fn country(&self) -> Country {
        self.kind.country()
    }

    /// The canonical storage form: Norway 11 digits, Sweden 12 digits `YYYYMMDDNNNC`.
    /// [`parse_identifier`] accepts it back.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The birth date the number encodes (offsets removed). For a Norwegian D-nummer whose series
    /// is used for two centuries, the more likely one (see [`Self::alternative_birth_date`]).
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Set only for a Norwegian D-nummer whose individual number was issued for one century
    /// before the 2021 series change and for another after it, when both dates are possible at
    /// the reference date. The register (Folkeregisteret) has the true birth date.
    pub fn alternative_birth_date(&self) -> Option<Date> {
        self.alternative_birth_date
    }

    /// Legal sex as encoded in the number. Always present for the kinds parsed today; `None` is
    /// kept for the sex-neutral Norwegian numbers issued from 2032.
    pub fn sex(&self) -> Option<LegalSex> {
        self.sex
    }

    pub fn is_synthetic(&self) -> bool {
        self.kind.is_synthetic()
    }

    /// The date part with the rest hidden, for lists: `010180 *****`, `19800101-****`.
    pub fn masked(&self) -> String {
        match self.country() {
            Country::Norway => format!("{} *****", self.part(0, 6)),
            Country::Sweden => format!("{}-****", self.part(0, 8)),
        }
    }

    /// The Swedish ten-digit form `YYMMDD-NNNC`, or `YYMMDD+NNNC` when the person is 100 or
    /// older at the reference date. `None` for Norwegian numbers, and when the form cannot say
    /// it (born after the reference date, or 200 or older).
    pub fn swedish_ten_digit(&self, reference_date: Date) -> Option<String> {
        if self.country() != Country::Sweden || self.birth_date > reference_date {
            return None;
        }
        let born = (self.birth_date.year(), self.birth_date.month(), self.birth_date.day());
        let reference = (reference_date.year(), reference_date.month(), reference_date.day());
        let separator = if (born.0 + 100, born.1, born.2) > reference {
            '-'
        } else if (born.0 + 200, born.1, born.2) > reference {
            '+'
        } else {
            return None;
        };
        Some(format!("{}{separator}{}", self.part(2, 8), self.part(8, 12)))
    }

    fn part(&self, start: usize, end: usize) -> &str {
        self.normalized.get(start..end).unwrap_or_default()
    }
}

/// The usual written form: `DDMMYY NNNNN` (Norway), `YYYYMMDD-NNNC` (Sweden).
impl fmt::Display for PersonIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.country() {
            Country::Norway => write!(f, "{} {}", self.part(0, 6), self.part(6, 11)),
            Country::Sweden => write!(f, "{}-{}", self.part(0, 8), self.part(8, 12)),
        }
    }
}

impl fmt::Debug for PersonIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonIdentifier").field("kind", &self.kind).field("masked", &self.masked()).finish()
    }
}

/// Parses and validates a person identifier.
///
/// `country`: the country the number must belong to; `None` detects it from the number of digits
/// (11: Norway; 10 or 12: Sweden). `reference_date`: "today" for the caller; Swedish two-digit
/// years are placed relative to it, and no birth date may lie after it.
pub fn parse_identifier(
    raw: &str,
    country: Option<Country>,
    reference_date: Date,
) -> Result<PersonIdentifier, IdentifierError> {
    let scanned = scan(raw)?;
    let country = match country {
        Some(country) => country,
        None => match scanned.count {
            11 => Country::Norway,
            10 | 12 => Country::Sweden,
            digits => return Err(IdentifierError::UnknownCountryFormat { digits }),
        },
    };
    match country {
        Country::Norway => norway::parse(&scanned, reference_date),
        Country::Sweden => sweden::parse(&scanned, reference_date),
    }
}

/// Longest number kept; longer input is only counted.
const MAX_DIGITS: usize = 12;

#[derive(Debug, Clone, Copy)]
struct Separator {
    /// `' '`, `'-'` or `'+'` (look-alikes already mapped).
    character: char,
    /// 1-based character position in the trimmed input.
    position: usize,
    digits_before: usize,
}

/// The input split into its digits and at most one separator.
struct Scanned {
    digits: [u8; MAX_DIGITS],
    /// Number of digits in the input, which may be more than are kept.
    count: usize,
    separator: Option<Separator>,
}

impl Scanned {
    /// The first `N` digits (zero-padded; callers check `count` first).
    fn first<const N: usize>(&self) -> [u8; N] {
        std::array::from_fn(|index| self.digits.get(index).copied().unwrap_or(0))
    }
}

fn scan(raw: &str) -> Result<Scanned, IdentifierError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(IdentifierError::Empty);
    }
    let mut scanned = Scanned { digits: [0; MAX_DIGITS], count: 0, separator: None };
    for (index, character) in trimmed.chars().enumerate() {
        let position = index + 1;
        if character.is_ascii_digit() {
            if let Some(slot) = scanned.digits.get_mut(scanned.count) {
                *slot = character as u8 - b'0';
            }
            scanned.count += 1;
            continue;
        }
        let separator = match character {
            ' ' | '\u{a0}' => ' ',
            '-' | '\u{2010}'..='\u{2013}' | '\u{2212}' => '-',
            '+' => '+',
            _ => {
                return Err(IdentifierError::InvalidCharacter { character, position });
            }
        };
        if scanned.separator.is_some() {
            return Err(IdentifierError::MisplacedSeparator { separator, position });
        }
        scanned.separator = Some(Separator { character: separator, position, digits_before: scanned.count });
    }
    Ok(scanned)
}

/// Two decimal digits as a number.
fn pair(tens: u8, ones: u8) -> u8 {
    tens * 10 + ones
}

fn digits_to_string(digits: &[u8]) -> String {
    digits.iter().map(|digit| char::from(b'0' + digit % 10)).collect()
}

fn civil_date(year: i16, month: u8, day: u8) -> Option<Date> {
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The dates that exist among the candidate years, in order of preference.
fn existing_dates(years: &[i16], month: u8, day: u8) -> Result<Vec<Date>, IdentifierError> {
    let dates: Vec<Date> = years.iter().filter_map(|year| civil_date(*year, month, day)).collect();
    if dates.is_empty() {
        return Err(IdentifierError::ImpossibleDay { day, month, year: years.first().copied() });
    }
    Ok(dates)
}

/// The most likely birth date not after the reference date, and a second possible one.
fn pick_birth_date(dates: &[Date], reference_date: Date) -> Result<(Date, Option<Date>), IdentifierError> {
    let mut possible = dates.iter().copied().filter(|date| *date <= reference_date);
    match possible.next() {
        Some(birth_date) => Ok((birth_date, possible.next())),
        None => {
            Err(IdentifierError::BirthDateInFuture { birth_date: dates.first().copied().unwrap_or(reference_date) })
        }
    }
}
