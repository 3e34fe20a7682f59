//! Persons receiving services (design item 2): identified by a national number or by name and
//! birth date, or pseudonymous (a code, a birth year and sex) at low-threshold services, with
//! contact details. The number is validated by [`crate::identifiers`]; this module decides what
//! a complete, consistent person record is.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Reason, Result, Validator};
use crate::identifiers::{LegalSex, PersonIdentifier, parse_identifier};
use crate::locale::Locale;
use crate::organization::Country;

pub const NAME_MAX: usize = 100;
pub const PSEUDONYM_MIN: usize = 3;
pub const PSEUDONYM_MAX: usize = 32;
pub const CONTACT_MAX: usize = 200;
/// The earliest birth year Los accepts; older entries are typing errors.
pub const EARLIEST_BIRTH_YEAR: i16 = 1900;

/// A person as typed on the form or sent to the API. Every field is text so that every mistake
/// can be reported against its field.
#[derive(Debug, Clone, Default)]
pub struct PersonFields {
    /// `identified` or `pseudonymous`.
    pub kind: String,
    pub identifier: String,
    /// NO or SE; guessed from the number when empty.
    pub country: String,
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`; taken from the number when one is given.
    pub birth_date: String,
    pub pseudonym: String,
    pub birth_year: String,
    /// `female`, `male` or empty; taken from the number when one is given.
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// `nb`, `sv` or `en`: the language letters and the plan are written in.
    pub language: String,
}

/// Who the person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// Known by name; the national number is optional (newly arrived, not yet registered).
    Identified {
        identifier: Option<PersonIdentifier>,
        given_name: String,
        family_name: String,
        birth_date: Date,
        sex: Option<LegalSex>,
    },
    /// Known by a code the low-threshold service gives, with birth year and sex only.
    Pseudonymous { code: String, birth_year: i16, sex: Option<LegalSex> },
}

impl Identity {
    pub fn birth_year(&self) -> i16 {
        match self {
            Identity::Identified { birth_date, .. } => birth_date.year(),
            Identity::Pseudonymous { birth_year, .. } => *birth_year,
        }
    }

    pub fn birth_date(&self) -> Option<Date> {
        match self {
            Identity::Identified { birth_date, .. } => Some(*birth_date),
            Identity::Pseudonymous { .. } => None,
        }
    }

    pub fn sex(&self) -> Option<LegalSex> {
        match self {
            Identity::Identified { sex, .. } | Identity::Pseudonymous { sex, .. } => *sex,
        }
    }

    pub fn identifier(&self) -> Option<&PersonIdentifier> {
        match self {
            Identity::Identified { identifier, .. } => identifier.as_ref(),
            Identity::Pseudonymous { .. } => None,
        }
    }

    pub fn is_pseudonymous(&self) -> bool {
        matches!(self, Identity::Pseudonymous { .. })
    }

    /// The name shown in lists: "Family, Given" or the pseudonym code.
    pub fn display_name(&self) -> String {
        match self {
            Identity::Identified { given_name, family_name, .. } => format!("{family_name}, {given_name}"),
            Identity::Pseudonymous { code, .. } => code.clone(),
        }
    }

    /// Age in whole years on `on`; for a pseudonymous person the age reached during that year.
    pub fn age_on(&self, on: Date) -> i16 {
        match self {
            Identity::Identified { birth_date, .. } => age_on(*birth_date, on),
            Identity::Pseudonymous { birth_year, .. } => on.year() - birth_year,
        }
    }
}

/// Whole years from `born` to `on`.
pub fn age_on(born: Date, on: Date) -> i16 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// How to reach the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// A validated person record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub identity: Identity,
    pub country: Country,
    pub contact: Contact,
    pub language: Locale,
}

/// Trims and checks a free-text field: no control characters, at most `max` characters.
pub fn text(v: &mut Validator, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.chars().count() > max {
        v.add(field, Reason::TooLong { max });
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        v.add(field, Reason::InvalidCharacters);
    }
    value.to_string()
}

fn required_text(v: &mut Validator, field: &str, raw: &str, max: usize) -> String {
    let value = text(v, field, raw, max);
    if value.is_empty() {
        v.add(field, Reason::Required);
    }
    value
}

/// Parses `YYYY-MM-DD`; empty is `None`.
pub fn parse_date(field: &str, raw: &str) -> std::result::Result<Option<Date>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() != 10 {
        return Err(FieldError::new(field, Reason::InvalidFormat));
    }
    raw.parse::<Date>().map(Some).map_err(|_| FieldError::new(field, Reason::InvalidFormat))
}

/// Parses `female`, `male` or empty.
pub fn parse_sex(field: &str, raw: &str) -> std::result::Result<Option<LegalSex>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        "female" => Ok(Some(LegalSex::Female)),
        "male" => Ok(Some(LegalSex::Male)),
        _ => Err(FieldError::new(field, Reason::UnknownValue)),
    }
}

fn email(v: &mut Validator, raw: &str) -> String {
    let value = text(v, "email", raw, CONTACT_MAX);
    if !value.is_empty() {
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }) && !value.chars().any(char::is_whitespace);
        if !valid {
            v.add("email", Reason::InvalidFormat);
        }
    }
    value
}

fn phone(v: &mut Validator, raw: &str) -> String {
    let value = text(v, "phone", raw, 40);
    if !value.is_empty() {
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
        if !allowed || digits < 5 {
            v.add("phone", Reason::InvalidFormat);
        }
    }
    value
}

fn pseudonym(v: &mut Validator, raw: &str) -> String {
    let code = raw.trim().to_string();
    let length = code.chars().count();
    if code.is_empty() {
        v.add("pseudonym", Reason::Required);
    } else if length < PSEUDONYM_MIN {
        v.add("pseudonym", Reason::TooShort { min: PSEUDONYM_MIN });
    } else if length > PSEUDONYM_MAX {
        v.add("pseudonym", Reason::TooLong { max: PSEUDONYM_MAX });
    } else if !code.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        v.add("pseudonym", Reason::InvalidCharacters);
    }
    code
}

/// Checks a person as typed. `today` is the date in the municipality's time zone: no birth may
/// lie after it. When a number is given, birth date and sex come from it; a birth date or sex
/// typed beside it must agree.
pub fn validate(fields: &PersonFields, today: Date) -> Result<PersonRecord> {
    let mut v = Validator::new();
    let country_typed = match fields.country.trim() {
        "" => None,
        code => v.check(Country::parse("country", code)),
    };
    let sex_typed = v.check(parse_sex("sex", &fields.sex)).flatten();
    let language = match fields.language.trim() {
        "" => Some(Locale::default()),
        tag => {
            let locale = Locale::from_tag(tag);
            if locale.is_none() {
                v.add("language", Reason::UnknownValue);
            }
            locale
        }
    };
    let contact = Contact {
        phone: phone(&mut v, &fields.phone),
        email: email(&mut v, &fields.email),
        address: text(&mut v, "address", &fields.address, CONTACT_MAX),
    };
    let (identity, country) = match fields.kind.trim() {
        "" | "identified" => identified(&mut v, fields, country_typed, sex_typed, today),
        "pseudonymous" => {
            let code = pseudonym(&mut v, &fields.pseudonym);
            let birth_year = birth_year(&mut v, &fields.birth_year, today);
            if country_typed.is_none() && !fields.country.trim().is_empty() {
                (None, None)
            } else {
                let country = country_typed.unwrap_or(Country::Norway);
                (
                    birth_year.map(|birth_year| Identity::Pseudonymous { code, birth_year, sex: sex_typed }),
                    Some(country),
                )
            }
        }
        _ => {
            v.add("kind", Reason::UnknownValue);
            (None, None)
        }
    };
    v.finish()?;
    match (identity, country, language) {
        (Some(identity), Some(country), Some(language)) => Ok(PersonRecord { identity, country, contact, language }),
        _ => Err(crate::Error::Internal),
    }
}

fn birth_year(v: &mut Validator, raw: &str, today: Date) -> Option<i16> {
    let raw = raw.trim();
    if raw.is_empty() {
        v.add("birth_year", Reason::Required);
        return None;
    }
    match raw.parse::<i16>() {
        Ok(year) if year > today.year() => {
            v.add("birth_year", Reason::InFuture);
            None
        }
        Ok(year) if year >= EARLIEST_BIRTH_YEAR => Some(year),
        _ => {
            v.add("birth_year", Reason::InvalidFormat);
            None
        }
    }
}

fn identified(
    v: &mut Validator,
    fields: &PersonFields,
    country_typed: Option<Country>,
    sex_typed: Option<LegalSex>,
    today: Date,
) -> (Option<Identity>, Option<Country>) {
    let given_name = required_text(v, "given_name", &fields.given_name, NAME_MAX);
    let family_name = required_text(v, "family_name", &fields.family_name, NAME_MAX);
    let birth_typed = v.check(parse_date("birth_date", &fields.birth_date)).flatten();
    if birth_typed.is_some_and(|date| date > today) {
        v.add("birth_date", Reason::InFuture);
    }
    let identifier = match fields.identifier.trim() {
        "" => None,
        raw => match parse_identifier(raw, country_typed, today) {
            Ok(identifier) => Some(identifier),
            Err(error) => {
                v.add("identifier", error.to_field_error("identifier").reason);
                return (None, None);
            }
        },
    };
    let (birth_date, sex, country) = match &identifier {
        Some(id) => {
            let possible = [Some(id.birth_date()), id.alternative_birth_date()];
            if birth_typed.is_some_and(|typed| !possible.contains(&Some(typed))) {
                v.add("birth_date", Reason::Mismatch);
            }
            if sex_typed.is_some() && id.sex().is_some() && sex_typed != id.sex() {
                v.add("sex", Reason::Mismatch);
            }
            // A typed date chooses between the two centuries of an ambiguous D-nummer.
            let birth_date = birth_typed.filter(|typed| possible.contains(&Some(*typed))).unwrap_or(id.birth_date());
            (Some(birth_date), id.sex().or(sex_typed), Some(id.country()))
        }
        None => {
            if birth_typed.is_none() && fields.birth_date.trim().is_empty() {
                v.add("birth_date", Reason::Required);
            }
            (birth_typed, sex_typed, Some(country_typed.unwrap_or(Country::Norway)))
        }
    };
    let identity =
        birth_date.map(|birth_date| Identity::Identified { identifier, given_name, family_name, birth_date, sex });
    (identity, country)
}

/// Two records that may describe the same person: the same number, or the same name and birth
/// date (letter case and surrounding spaces ignored).
pub fn duplicate_key(given_name: &str, family_name: &str, birth_date: Date) -> String {
    format!("{}|{}|{birth_date}", given_name.trim().to_lowercase(), family_name.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::norwegian_number_from;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 3)
    }

    fn identified_fields() -> PersonFields {
        PersonFields {
            given_name: " Kari ".into(),
            family_name: "Testesen".into(),
            identifier: norwegian_number_from(
                jiff::civil::date(1990, 5, 17),
                123,
                crate::identifiers::IdentifierKind::NoSynthetic,
            )
            .unwrap_or_default(),
            ..PersonFields::default()
        }
    }

    #[test]
    fn a_number_gives_birth_date_sex_and_country() {
        let record = validate(&identified_fields(), today()).unwrap();
        assert_eq!(record.country, Country::Norway);
        assert_eq!(record.identity.birth_date(), Some(jiff::civil::date(1990, 5, 17)));
        assert!(record.identity.sex().is_some());
        assert_eq!(record.identity.display_name(), "Testesen, Kari");
        assert_eq!(record.identity.age_on(today()), 36);
    }

    #[test]
    fn a_typed_birth_date_must_agree_with_the_number() {
        let mut fields = identified_fields();
        fields.birth_date = "1990-05-18".into();
        let Err(crate::Error::Invalid(errors)) = validate(&fields, today()) else { panic!("accepted") };
        assert_eq!(errors, vec![FieldError::new("birth_date", Reason::Mismatch)]);
    }

    #[test]
    fn an_invalid_number_says_exactly_why() {
        let mut fields = identified_fields();
        fields.identifier = "1234".into();
        let Err(crate::Error::Invalid(errors)) = validate(&fields, today()) else { panic!("accepted") };
        assert_eq!(errors[0].field, "identifier");
        assert_eq!(errors[0].reason.code(), "unknown-country-format");
    }

    #[test]
    fn without_a_number_name_and_birth_date_are_required() {
        let fields =
            PersonFields { birth_date: "2030-01-01".into(), email: "not-an-address".into(), ..Default::default() };
        let Err(crate::Error::Invalid(errors)) = validate(&fields, today()) else { panic!("accepted") };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.reason.code())).collect();
        assert_eq!(
            fields,
            vec![
                ("email", "invalid-format"),
                ("given_name", "required"),
                ("family_name", "required"),
                ("birth_date", "in-future")
            ]
        );
    }

    #[test]
    fn pseudonymous_persons_carry_code_year_and_sex_only() {
        let fields = PersonFields {
            kind: "pseudonymous".into(),
            pseudonym: "NH-0417".into(),
            birth_year: "1984".into(),
            sex: "female".into(),
            ..Default::default()
        };
        let record = validate(&fields, today()).unwrap();
        assert!(record.identity.is_pseudonymous());
        assert_eq!(record.identity.birth_year(), 1984);
        assert_eq!(record.identity.display_name(), "NH-0417");
        let bad = PersonFields {
            kind: "pseudonymous".into(),
            pseudonym: "a b".into(),
            birth_year: "2027".into(),
            ..Default::default()
        };
        let Err(crate::Error::Invalid(errors)) = validate(&bad, today()) else { panic!("accepted") };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.reason.code())).collect();
        assert_eq!(fields, vec![("pseudonym", "invalid-characters"), ("birth_year", "in-future")]);
    }

    #[test]
    fn ages_count_whole_years() {
        let born = jiff::civil::date(2008, 12, 4);
        assert_eq!(age_on(born, jiff::civil::date(2026, 12, 3)), 17);
        assert_eq!(age_on(born, jiff::civil::date(2026, 12, 4)), 18);
    }

    #[test]
    fn duplicate_keys_ignore_case_and_spaces() {
        let date = jiff::civil::date(1990, 1, 1);
        assert_eq!(duplicate_key(" Kari", "TESTESEN ", date), duplicate_key("kari", "testesen", date));
    }
}
