//! Relatives (*pårørende*) of a person. Children under 18 are flagged: services must look after
//! children who are relatives of someone with a substance-use problem (helsepersonelloven § 10 a,
//! socialtjänstlagen on children as relatives).

use jiff::civil::Date;

use crate::error::{Reason, Result, Validator};
use crate::person::{NAME_MAX, age_on, parse_date, text};

/// How a relative is related to the person. Codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Child,
    Parent,
    Partner,
    Sibling,
    OtherFamily,
    Friend,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 7] = [
        Relation::Child,
        Relation::Parent,
        Relation::Partner,
        Relation::Sibling,
        Relation::OtherFamily,
        Relation::Friend,
        Relation::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Partner => "partner",
            Relation::Sibling => "sibling",
            Relation::OtherFamily => "other_family",
            Relation::Friend => "friend",
            Relation::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|relation| relation.code() == code)
    }
}

/// A relative as typed.
#[derive(Debug, Clone, Default)]
pub struct RelativeFields {
    pub name: String,
    pub relation: String,
    pub birth_date: String,
    pub phone: String,
    /// The person agrees that this relative may be contacted and informed.
    pub may_be_contacted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelativeRecord {
    pub name: String,
    pub relation: Relation,
    pub birth_date: Option<Date>,
    pub phone: String,
    pub may_be_contacted: bool,
}

impl RelativeRecord {
    /// A child who is a relative: under 18 on `today`. A child without a known birth date
    /// counts as under 18 until someone records the date, so that nobody is overlooked.
    pub fn is_minor_child(&self, today: Date) -> bool {
        match self.birth_date {
            Some(born) => age_on(born, today) < 18,
            None => self.relation == Relation::Child,
        }
    }
}

pub fn validate(fields: &RelativeFields, today: Date) -> Result<RelativeRecord> {
    let mut v = Validator::new();
    let name = text(&mut v, "name", &fields.name, NAME_MAX);
    if name.is_empty() {
        v.add("name", Reason::Required);
    }
    let relation = match fields.relation.trim() {
        "" => {
            v.add("relation", Reason::Required);
            None
        }
        code => {
            let relation = Relation::from_code(code);
            if relation.is_none() {
                v.add("relation", Reason::UnknownValue);
            }
            relation
        }
    };
    let birth_date = v.check(parse_date("birth_date", &fields.birth_date)).flatten();
    if birth_date.is_some_and(|date| date > today) {
        v.add("birth_date", Reason::InFuture);
    }
    let phone = text(&mut v, "phone", &fields.phone, 40);
    v.finish()?;
    let relation = relation.ok_or(crate::Error::Internal)?;
    Ok(RelativeRecord { name, relation, birth_date, phone, may_be_contacted: fields.may_be_contacted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_under_18_are_flagged() {
        let today = jiff::civil::date(2026, 12, 3);
        let fields = RelativeFields {
            name: "Ola".into(),
            relation: "child".into(),
            birth_date: "2010-02-01".into(),
            ..Default::default()
        };
        let child = validate(&fields, today).unwrap();
        assert!(child.is_minor_child(today));
        assert!(!child.is_minor_child(jiff::civil::date(2028, 2, 1)));
        let unknown_age = RelativeRecord { birth_date: None, ..child.clone() };
        assert!(unknown_age.is_minor_child(today));
        let young_sibling = RelativeRecord { relation: Relation::Sibling, ..child };
        assert!(young_sibling.is_minor_child(today));
    }

    #[test]
    fn bad_relatives_are_refused_field_by_field() {
        let today = jiff::civil::date(2026, 12, 3);
        let fields =
            RelativeFields { relation: "cousin".into(), birth_date: "2027-01-01".into(), ..Default::default() };
        let Err(crate::Error::Invalid(errors)) = validate(&fields, today) else { panic!("accepted") };
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.reason.code())).collect();
        assert_eq!(got, vec![("name", "required"), ("relation", "unknown-value"), ("birth_date", "in-future")]);
    }
}
