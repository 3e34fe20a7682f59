//! Norwegian fødselsnummer, D-nummer, H-nummer and synthetic test numbers.

use jiff::civil::Date;

use super::{
    IdentifierError, IdentifierKind, LegalSex, PersonIdentifier, Scanned, digits_to_string, existing_dates, pair,
    pick_birth_date,
};
use crate::organization::Country;

const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The mod-11 check digit for `digits`, or `None` when it would be 10 (never issued).
pub(super) fn check_digit(digits: &[u8], weights: &[u32]) -> Option<u8> {
    let sum: u32 = digits.iter().zip(weights).map(|(digit, weight)| u32::from(*digit) * weight).sum();
    match sum % 11 {
        0 => Some(0),
        1 => None,
        remainder => u8::try_from(11 - remainder).ok(),
    }
}

/// Both check digits for the first nine digits.
pub(super) fn check_digits(nine: &[u8; 9]) -> Option<[u8; 2]> {
    let k1 = check_digit(nine, &K1_WEIGHTS)?;
    let mut ten = [k1; 10];
    ten[..9].copy_from_slice(nine);
    let k2 = check_digit(&ten, &K2_WEIGHTS)?;
    Some([k1, k2])
}

/// The birth year of a fødselsnummer (also H-nummer and synthetic number) by the series of its
/// individual number (folkeregisterforskriften), or `None` for a series not issued for
/// that two-digit year.
fn fodselsnummer_year(individual: u16, year: u8) -> Option<i16> {
    let year = i16::from(year);
    match individual {
        0..=499 => Some(1900 + year),
        500..=749 if year >= 54 => Some(1800 + year),
        500..=999 if year <= 39 => Some(2000 + year),
        900..=999 if year >= 40 => Some(1900 + year),
        _ => None,
    }
}

/// The series Skatteetaten issues D-numbers from since August 2021: 500–599 for 1858–1899,
/// 000–199 for 1900–1939, 000–499 and 600–999 for 1940–1999, 200–999 for 2000–2039.
fn d_number_year_since_2021(individual: u16, year: u8) -> Option<i16> {
    let year = i16::from(year);
    match individual {
        0..=199 => Some(1900 + year),
        200..=499 | 600..=999 if year >= 40 => Some(1900 + year),
        500..=599 if year >= 58 => Some(1800 + year),
        200..=999 if year <= 39 => Some(2000 + year),
        _ => None,
    }
}

/// The possible birth years of a D-nummer, the current series first, then the series before
/// 2021 where it gives another century.
fn d_number_years(individual: u16, year: u8) -> Vec<i16> {
    let mut years: Vec<i16> = d_number_year_since_2021(individual, year).into_iter().collect();
    if let Some(before_2021) = fodselsnummer_year(individual, year)
        && !years.contains(&before_2021)
    {
        years.push(before_2021);
    }
    years
}

fn is_d_number(kind: IdentifierKind) -> bool {
    matches!(kind, IdentifierKind::NoDNummer | IdentifierKind::NoSyntheticDNummer)
}

/// The birth years an individual number allows, most likely first.
fn candidate_years(kind: IdentifierKind, individual: u16, year: u8) -> Vec<i16> {
    if is_d_number(kind) {
        d_number_years(individual, year)
    } else {
        fodselsnummer_year(individual, year).into_iter().collect()
    }
}

pub(super) fn parse(scanned: &Scanned, reference_date: Date) -> Result<PersonIdentifier, IdentifierError> {
    if scanned.count != 11 {
        return Err(IdentifierError::WrongLength { expected: "11 digits", found: scanned.count });
    }
    if let Some(separator) = scanned.separator {
        if separator.character == '+' {
            return Err(IdentifierError::SeparatorNotUsed { separator: '+', country: Country::Norway });
        }
        if separator.digits_before != 6 {
            return Err(IdentifierError::MisplacedSeparator {
                separator: separator.character,
                position: separator.position,
            });
        }
    }
    let digits: [u8; 11] = scanned.first();
    let [d1, d2, m1, m2, y1, y2, i1, i2, i3, k1, k2] = digits;

    let written_month = pair(m1, m2);
    let (month, h_number, synthetic) = match written_month {
        1..=12 => (written_month, false, false),
        41..=52 => (written_month - 40, true, false),
        81..=92 => (written_month - 80, false, true),
        _ => {
            return Err(IdentifierError::ImpossibleMonth { month: written_month, country: Country::Norway });
        }
    };
    let written_day = pair(d1, d2);
    let d_number = (4..=7).contains(&d1);
    let day = if d_number { written_day - 40 } else { written_day };
    if !(1..=31).contains(&day) {
        return Err(IdentifierError::ImpossibleDay { day, month, year: None });
    }
    let kind = match (d_number, h_number, synthetic) {
        (true, true, _) => return Err(IdentifierError::DAndHCombined),
        (false, true, _) => IdentifierKind::NoHNummer,
        (true, false, true) => IdentifierKind::NoSyntheticDNummer,
        (false, false, true) => IdentifierKind::NoSynthetic,
        (true, false, false) => IdentifierKind::NoDNummer,
        (false, false, false) => IdentifierKind::NoFodselsnummer,
    };

    let two_digit_year = pair(y1, y2);
    let individual = u16::from(i1) * 100 + u16::from(pair(i2, i3));
    let years = candidate_years(kind, individual, two_digit_year);
    if years.is_empty() {
        return Err(IdentifierError::UnassignedIndividualNumber { individual, year: two_digit_year });
    }
    let dates = existing_dates(&years, month, day)?;

    let nine = [d1, d2, m1, m2, y1, y2, i1, i2, i3];
    if check_digit(&nine, &K1_WEIGHTS) != Some(k1) {
        return Err(IdentifierError::CheckDigit { position: 10 });
    }
    let ten = [d1, d2, m1, m2, y1, y2, i1, i2, i3, k1];
    if check_digit(&ten, &K2_WEIGHTS) != Some(k2) {
        return Err(IdentifierError::CheckDigit { position: 11 });
    }

    let (birth_date, alternative_birth_date) = pick_birth_date(&dates, reference_date)?;
    Ok(PersonIdentifier {
        kind,
        normalized: digits_to_string(&digits),
        birth_date,
        alternative_birth_date,
        sex: Some(LegalSex::from_digit(i3)),
    })
}

/// A valid Norwegian number of `kind` for `birth_date` with the three-digit `individual` number
/// (its last digit odd for a man, even for a woman), as 11 digits.
///
/// `None` when `kind` is not Norwegian, `individual` is over 999, the individual number is not
/// issued for that birth year (for D-numbers: not the series [`parse_identifier`] reads first),
/// or the check digits would be 10 — try the next individual number, or use
/// [`norwegian_number_from`].
///
/// [`parse_identifier`]: super::parse_identifier
pub fn norwegian_number(birth_date: Date, individual: u16, kind: IdentifierKind) -> Option<String> {
    let month_offset = match kind {
        IdentifierKind::NoFodselsnummer | IdentifierKind::NoDNummer => 0,
        IdentifierKind::NoHNummer => 40,
        IdentifierKind::NoSynthetic | IdentifierKind::NoSyntheticDNummer => 80,
        IdentifierKind::SePersonnummer | IdentifierKind::SeSamordningsnummer => return None,
    };
    let day_offset = if is_d_number(kind) { 40 } else { 0 };
    if individual > 999 {
        return None;
    }
    let year = birth_date.year();
    let two_digit_year = u8::try_from(year.rem_euclid(100)).ok()?;
    if candidate_years(kind, individual, two_digit_year).first() != Some(&year) {
        return None;
    }
    let day = u8::try_from(birth_date.day()).ok()? + day_offset;
    let month = u8::try_from(birth_date.month()).ok()? + month_offset;
    let individual_digits = [individual / 100, individual / 10 % 10, individual % 10].map(|digit| digit as u8);
    let nine = [
        day / 10,
        day % 10,
        month / 10,
        month % 10,
        two_digit_year / 10,
        two_digit_year % 10,
        individual_digits[0],
        individual_digits[1],
        individual_digits[2],
    ];
    let [k1, k2] = check_digits(&nine)?;
    let mut number = digits_to_string(&nine);
    number.push_str(&digits_to_string(&[k1, k2]));
    Some(number)
}

/// The first valid number trying `individual`, `individual + 2`, `individual + 4`, … (wrapping
/// after 999), so that demo data can start from any individual number it likes; the steps of two
/// keep the sex. `None` if no individual number of that parity fits the birth date and kind.
pub fn norwegian_number_from(birth_date: Date, individual: u16, kind: IdentifierKind) -> Option<String> {
    let start = individual % 1000;
    (0..500).find_map(|step| norwegian_number(birth_date, (start + 2 * step) % 1000, kind))
}
