//! Swedish personnummer and samordningsnummer.

use jiff::civil::Date;

use super::{IdentifierError, IdentifierKind, LegalSex, PersonIdentifier, Scanned, civil_date, digits_to_string, pair};
use crate::organization::Country;

/// Earliest birth year accepted: the oldest persons given a personnummer in 1947 were born in the
/// nineteenth century.
const EARLIEST_YEAR: i16 = 1800;

/// The Luhn check digit over the first nine digits of the ten-digit form.
pub(super) fn luhn_check_digit(nine: &[u8]) -> u8 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(index, digit)| {
            let product = u32::from(*digit) * if index % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    // Below 10, so the conversion cannot fail.
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// The birth year of a ten-digit number: the person is under 100 at the reference date with
/// `-` (or no separator), 100 to 199 with `+`.
fn ten_digit_year(two_digit_year: u8, month: u8, day: u8, plus: bool, reference_date: Date) -> i16 {
    let reference_year = reference_date.year();
    let mut year = reference_year - (reference_year - i16::from(two_digit_year)).rem_euclid(100);
    let reference_month_day = (
        u8::try_from(reference_date.month()).unwrap_or(u8::MAX),
        u8::try_from(reference_date.day()).unwrap_or(u8::MAX),
    );
    if year == reference_year && (month, day) > reference_month_day {
        year -= 100;
    }
    if plus {
        year -= 100;
    }
    year
}

pub(super) fn parse(scanned: &Scanned, reference_date: Date) -> Result<PersonIdentifier, IdentifierError> {
    let separator = scanned.separator;
    if separator.is_some_and(|separator| separator.character == ' ') {
        return Err(IdentifierError::SeparatorNotUsed { separator: ' ', country: Country::Sweden });
    }
    let misplaced = |separator: super::Separator| IdentifierError::MisplacedSeparator {
        separator: separator.character,
        position: separator.position,
    };
    let (short, written_century, plus) = match scanned.count {
        10 => {
            let plus = match separator {
                None => false,
                Some(separator) if separator.digits_before != 6 => {
                    return Err(misplaced(separator));
                }
                Some(separator) => separator.character == '+',
            };
            (scanned.first::<10>(), None, plus)
        }
        12 => {
            match separator {
                Some(separator) if separator.character == '+' => {
                    return Err(IdentifierError::PlusWithFullYear);
                }
                Some(separator) if separator.digits_before != 8 => {
                    return Err(misplaced(separator));
                }
                _ => {}
            }
            let full: [u8; 12] = scanned.first();
            let short: [u8; 10] = std::array::from_fn(|index| full.get(index + 2).copied().unwrap_or(0));
            (short, Some(pair(full[0], full[1])), false)
        }
        found => {
            return Err(IdentifierError::WrongLength { expected: "10 or 12 digits", found });
        }
    };

    let [y1, y2, m1, m2, d1, d2, s1, s2, s3, check] = short;
    let month = pair(m1, m2);
    if !(1..=12).contains(&month) {
        return Err(IdentifierError::ImpossibleMonth { month, country: Country::Sweden });
    }
    let written_day = pair(d1, d2);
    let samordningsnummer = written_day > 60;
    let day = if samordningsnummer { written_day - 60 } else { written_day };
    if !(1..=31).contains(&day) {
        return Err(IdentifierError::ImpossibleDay { day, month, year: None });
    }

    let two_digit_year = pair(y1, y2);
    let year = match written_century {
        Some(century) => i16::from(century) * 100 + i16::from(two_digit_year),
        None => ten_digit_year(two_digit_year, month, day, plus, reference_date),
    };
    if year < EARLIEST_YEAR {
        return Err(IdentifierError::ImpossibleYear { year });
    }
    let birth_date =
        civil_date(year, month, day).ok_or(IdentifierError::ImpossibleDay { day, month, year: Some(year) })?;

    if luhn_check_digit(&[y1, y2, m1, m2, d1, d2, s1, s2, s3]) != check {
        let position = if written_century.is_some() { 12 } else { 10 };
        return Err(IdentifierError::CheckDigit { position });
    }
    if birth_date > reference_date {
        return Err(IdentifierError::BirthDateInFuture { birth_date });
    }

    let mut normalized = format!("{year:04}");
    normalized.push_str(&digits_to_string(&short[2..]));
    Ok(PersonIdentifier {
        kind: if samordningsnummer { IdentifierKind::SeSamordningsnummer } else { IdentifierKind::SePersonnummer },
        normalized,
        birth_date,
        alternative_birth_date: None,
        sex: Some(LegalSex::from_digit(s3)),
    })
}

/// A valid Swedish number of `kind` for `birth_date` with the three-digit birth number `serial`
/// (its last digit odd for a man, even for a woman), as 12 digits `YYYYMMDDNNNC`.
///
/// `None` when `kind` is not Swedish, `serial` is over 999 or the year is before 1800. Swedish
/// numbers carry no test mark: a generated number may belong to a real person.
pub fn swedish_number(birth_date: Date, serial: u16, kind: IdentifierKind) -> Option<String> {
    let day_offset = match kind {
        IdentifierKind::SePersonnummer => 0,
        IdentifierKind::SeSamordningsnummer => 60,
        _ => return None,
    };
    let year = birth_date.year();
    if serial > 999 || year < EARLIEST_YEAR {
        return None;
    }
    let two_digit_year = u8::try_from(year % 100).ok()?;
    let month = u8::try_from(birth_date.month()).ok()?;
    let day = u8::try_from(birth_date.day()).ok()? + day_offset;
    let serial_digits = [serial / 100, serial / 10 % 10, serial % 10].map(|digit| digit as u8);
    let nine = [
        two_digit_year / 10,
        two_digit_year % 10,
        month / 10,
        month % 10,
        day / 10,
        day % 10,
        serial_digits[0],
        serial_digits[1],
        serial_digits[2],
    ];
    let check = luhn_check_digit(&nine);
    Some(format!("{:02}{}{check}", year / 100, digits_to_string(&nine)))
}
