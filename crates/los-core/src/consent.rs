//! Consent to share and blocks (design item 3). A consent lets one named organisation see
//! chosen categories of a person's data for a period; withdrawing it ends it at once. A block
//! (*sperring*) shuts an organisation or an account out of the person's record whatever
//! ordinary ground it has.

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::error::{FieldError, Reason, Result, Validator};
use crate::person::{parse_date, text};

pub const NOTE_MAX: usize = 500;

/// The parts of a person's record that a consent can cover. Codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataCategory {
    /// Who the person is and how to reach them, relatives included.
    IdentityContact,
    /// The individual plan, goals, measures, care team and meetings.
    Plan,
    /// Episodes at services, referrals and decisions.
    ReferralsDecisions,
    /// Journal-like notes and contacts.
    Notes,
    /// Housing and stays.
    Housing,
    /// Mappings and assessments.
    Assessments,
}

impl DataCategory {
    pub const ALL: [DataCategory; 6] = [
        DataCategory::IdentityContact,
        DataCategory::Plan,
        DataCategory::ReferralsDecisions,
        DataCategory::Notes,
        DataCategory::Housing,
        DataCategory::Assessments,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DataCategory::IdentityContact => "identity_contact",
            DataCategory::Plan => "plan",
            DataCategory::ReferralsDecisions => "referrals_decisions",
            DataCategory::Notes => "notes",
            DataCategory::Housing => "housing",
            DataCategory::Assessments => "assessments",
        }
    }

    pub fn from_code(code: &str) -> Option<DataCategory> {
        DataCategory::ALL.into_iter().find(|category| category.code() == code)
    }
}

/// A consent as typed (the receiving organisation is checked by the caller, who can see the
/// organisation list).
#[derive(Debug, Clone, Default)]
pub struct ConsentFields {
    pub categories: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    /// How the consent was given (in writing, orally, in the plan meeting).
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    pub categories: BTreeSet<DataCategory>,
    pub valid_from: Date,
    pub valid_to: Date,
    pub note: String,
}

/// The longest period one consent may run; it must then be renewed with the person.
pub const MAX_CONSENT_YEARS: i16 = 3;

pub fn validate(fields: &ConsentFields, today: Date) -> Result<ConsentTerms> {
    let mut v = Validator::new();
    let mut categories = BTreeSet::new();
    for code in fields.categories.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match DataCategory::from_code(code) {
            Some(category) => {
                categories.insert(category);
            }
            None => v.add("categories", Reason::UnknownValue),
        }
    }
    if categories.is_empty() && fields.categories.iter().all(|c| c.trim().is_empty()) {
        v.add("categories", Reason::TooFew { min: 1 });
    }
    let from = required_date(&mut v, "valid_from", &fields.valid_from);
    let to = required_date(&mut v, "valid_to", &fields.valid_to);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            v.add("valid_to", Reason::EndsBeforeStart);
        } else if to < today {
            v.add("valid_to", Reason::NotAllowed);
        } else if let Ok(latest) = from.checked_add(jiff::Span::new().years(MAX_CONSENT_YEARS))
            && to > latest
        {
            v.add("valid_to", Reason::LaterThan { latest });
        }
    }
    let note = text(&mut v, "note", &fields.note, NOTE_MAX);
    v.finish()?;
    match (from, to) {
        (Some(valid_from), Some(valid_to)) => Ok(ConsentTerms { categories, valid_from, valid_to, note }),
        _ => Err(crate::Error::Internal),
    }
}

fn required_date(v: &mut Validator, field: &str, raw: &str) -> Option<Date> {
    match parse_date(field, raw) {
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            v.add(field, Reason::Required);
            None
        }
        Err(error) => {
            v.check::<()>(Err(error));
            None
        }
    }
}

/// A reason text for a block or an emergency access: required, at least a few words.
pub fn validate_reason(field: &str, raw: &str) -> std::result::Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    if value.chars().count() < 10 {
        return Err(FieldError::new(field, Reason::TooShort { min: 10 }));
    }
    if value.chars().count() > NOTE_MAX {
        return Err(FieldError::new(field, Reason::TooLong { max: NOTE_MAX }));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(FieldError::new(field, Reason::InvalidCharacters));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fields(from: &str, to: &str) -> ConsentFields {
        ConsentFields {
            categories: vec!["plan".into(), "identity_contact".into()],
            valid_from: from.into(),
            valid_to: to.into(),
            note: "Signed at the plan meeting".into(),
        }
    }

    fn codes(result: Result<ConsentTerms>) -> Vec<(String, &'static str)> {
        match result {
            Err(crate::Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.reason.code())).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_consent_covers_categories_for_a_period() {
        let terms = validate(&fields("2026-12-01", "2027-12-01"), date(2026, 12, 3)).unwrap();
        assert_eq!(terms.categories.len(), 2);
        assert!(terms.categories.contains(&DataCategory::Plan));
    }

    #[test]
    fn bad_consents_are_refused() {
        let today = date(2026, 12, 3);
        assert_eq!(
            codes(validate(&fields("2026-12-10", "2026-12-09"), today)),
            vec![("valid_to".into(), "ends-before-start")]
        );
        assert_eq!(
            codes(validate(&fields("2026-01-01", "2026-02-01"), today)),
            vec![("valid_to".into(), "not-allowed")]
        );
        assert_eq!(
            codes(validate(&fields("2026-12-01", "2030-12-01"), today)),
            vec![("valid_to".into(), "later-than")]
        );
        let none = ConsentFields { categories: vec!["diary".into()], ..fields("", "x") };
        assert_eq!(
            codes(validate(&none, today)),
            vec![
                ("categories".into(), "unknown-value"),
                ("valid_from".into(), "required"),
                ("valid_to".into(), "invalid-format"),
            ]
        );
        let empty = ConsentFields { categories: vec![], ..fields("2026-12-01", "2027-01-01") };
        assert_eq!(codes(validate(&empty, today)), vec![("categories".into(), "too-few")]);
    }

    #[test]
    fn reasons_need_a_few_words() {
        assert_eq!(validate_reason("reason", " ").unwrap_err().reason, Reason::Required);
        assert_eq!(validate_reason("reason", "because").unwrap_err().reason, Reason::TooShort { min: 10 });
        assert_eq!(validate_reason("reason", " Unconscious at the shelter ").unwrap(), "Unconscious at the shelter");
    }
}
