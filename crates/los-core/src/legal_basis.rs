//! The catalogue of legal bases (*lovhjemler* / *lagrum*) that services (*tiltak*) and decisions
//! (*vedtak*) refer to.
//!
//! Each entry names its statute ([`LawRef`]) and section, says what kind of ground it is
//! ([`LegalBasisKind`]), links the seeded deadline rules that follow from it (see
//! [`crate::deadline::seeded_rules`]) and, for coercion, the statutory limit ([`CoercionLimit`]).
//!
//! # Codes
//!
//! A code is `country.law.section`: the law's code (`no.hol`, `se.lvm`) and the section written
//! without `§`, spaces or `kap.`: `§ 10-2` → `10-2`, `§ 2-1 a` → `2-1a`, `4 kap. 1 §` → `4-1`.
//! Codes are stored with services and decisions, so they are never changed or removed; an entry
//! whose statute has been replaced stays, with [`LegalBasis::superseded`] saying what replaced it.
//!
//! # Accuracy
//!
//! Only sections whose number and content are settled are listed, as in force when the catalogue
//! was written. Swedish social services references are to socialtjänstlagen (2001:453), repealed on
//! 1 July 2025 by socialtjänstlagen (2025:400), which renumbered it; the new numbering is not in the
//! catalogue yet, and those entries are marked as superseded.

mod catalogue;

use std::sync::LazyLock;

use serde::de::{self, Unexpected};
use serde::{Deserialize, Deserializer, Serialize};

use crate::deadline::{DeadlineRule, LocalizedText, Period, RuleSource, seeded_rule};
use crate::locale::Locale;
use crate::organization::Country;

/// What a legal basis is the ground for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasisKind {
    /// Grounds for providing a service (the municipality's duty to offer it, a service the law names).
    Service,
    /// Coercion (*tvang*), with statutory limits.
    Coercion,
    /// Case handling: provisional replies, notices, appeals.
    Procedure,
    /// A right the person holds (patient and user rights, assessment).
    Right,
    /// A duty of the services towards the person: an individual plan, a coordinator, coordination.
    Duty,
}

impl LegalBasisKind {
    pub const ALL: [LegalBasisKind; 5] = [
        LegalBasisKind::Service,
        LegalBasisKind::Coercion,
        LegalBasisKind::Procedure,
        LegalBasisKind::Right,
        LegalBasisKind::Duty,
    ];

    /// The stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            LegalBasisKind::Service => "service",
            LegalBasisKind::Coercion => "coercion",
            LegalBasisKind::Procedure => "procedure",
            LegalBasisKind::Right => "right",
            LegalBasisKind::Duty => "duty",
        }
    }
}

/// A statute, as the catalogue refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LawRef {
    /// Stable code: country and law, e.g. `no.hol`, `se.lvm`.
    pub code: &'static str,
    pub country: Country,
    /// The name used in citations, as the deadline rules cite it: "helse- og omsorgstjenesteloven",
    /// "lagen (1988:870) om vård av missbrukare i vissa fall".
    pub name: &'static str,
    /// The usual abbreviation: "hol.", "LVM".
    pub short_name: &'static str,
    /// The full title in the law's own language.
    pub title: &'static str,
    /// The official identifier: Lovdata's `LOV-2011-06-24-30`, the Swedish `SFS 1988:870`.
    pub official_id: Option<&'static str>,
    /// Names the law had before, still found in older documents and rules.
    pub former_names: &'static [&'static str],
}

impl LawRef {
    /// Whether `name` is this law's name or one of its former names.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.former_names.contains(&name)
    }
}

/// The statutory limit of a coercive measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CoercionLimit {
    /// The longest the measure may last; `None` when the law sets no fixed period (a pregnancy, a
    /// temporary decision that lasts until a court decides).
    pub max_period: Option<Period>,
    /// The limit in words, with the section that sets it.
    pub description: LocalizedText,
}

/// One legal basis: a section of a statute.
///
/// Serialises with every field. Deserialising looks the `code` up in the catalogue and returns that
/// entry (the other fields are ignored: the catalogue is the source of truth); an unknown code is
/// an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalBasis {
    /// Stable code, e.g. `no.hol.10-2`, `se.lvm.4`.
    pub code: &'static str,
    pub country: Country,
    pub law: LawRef,
    /// The section as the law writes it: "§ 10-2", "§ 2-1 a", "4 §", "4 kap. 1 §".
    pub section: &'static str,
    pub title: LocalizedText,
    pub kind: LegalBasisKind,
    /// Codes of the seeded deadline rules that follow from this basis.
    pub deadline_rules: &'static [&'static str],
    /// Set exactly for [`LegalBasisKind::Coercion`].
    pub coercion: Option<CoercionLimit>,
    /// Something a caseworker should know when citing this section.
    pub note: Option<LocalizedText>,
    /// Set when the section is no longer in force as cited: what replaced it.
    pub superseded: Option<LocalizedText>,
}

impl LegalBasis {
    pub fn title(&self, locale: Locale) -> &str {
        self.title.get(locale)
    }

    /// The citation as a lawyer writes it: "helse- og omsorgstjenesteloven § 10-2",
    /// "4 § lagen (1988:870) om vård av missbrukare i vissa fall".
    pub fn citation(&self) -> String {
        cite(self.country, self.law.name, self.section)
    }

    /// The citation with the law's abbreviation: "hol. § 10-2", "4 § LVM".
    pub fn short_citation(&self) -> String {
        cite(self.country, self.law.short_name, self.section)
    }

    /// The basis as a deadline rule's source.
    pub fn source(&self) -> RuleSource {
        RuleSource::Statute { law: self.law.name.to_string(), section: self.section.to_string(), country: self.country }
    }

    /// The seeded deadline rules that follow from this basis, in the order listed.
    pub fn rules(&self) -> Vec<DeadlineRule> {
        self.deadline_rules.iter().filter_map(|code| seeded_rule(code)).collect()
    }

    pub fn is_coercion(&self) -> bool {
        self.kind == LegalBasisKind::Coercion
    }

    pub fn is_in_force(&self) -> bool {
        self.superseded.is_none()
    }
}

fn cite(country: Country, law: &str, section: &str) -> String {
    match country {
        Country::Norway => format!("{law} {section}"),
        Country::Sweden => format!("{section} {law}"),
    }
}

impl<'de> Deserialize<'de> for LegalBasis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            code: String,
        }
        let wire = Wire::deserialize(deserializer)?;
        legal_basis(&wire.code).cloned().ok_or_else(|| {
            de::Error::invalid_value(Unexpected::Str(&wire.code), &"a legal-basis code in the catalogue")
        })
    }
}

static CATALOGUE: LazyLock<Vec<LegalBasis>> = LazyLock::new(catalogue::entries);

/// Every legal basis in the catalogue, in a stable order (Norway, then Sweden; by law and section).
pub fn seeded_legal_bases() -> &'static [LegalBasis] {
    &CATALOGUE
}

/// The legal basis with the given code.
pub fn legal_basis(code: &str) -> Option<&'static LegalBasis> {
    CATALOGUE.iter().find(|basis| basis.code == code)
}

/// The legal bases of one country, in catalogue order.
pub fn for_country(country: Country) -> impl Iterator<Item = &'static LegalBasis> {
    CATALOGUE.iter().filter(move |basis| basis.country == country)
}

/// The legal basis a statute citation points at, as a deadline rule's [`RuleSource::Statute`]
/// names it. The law may be given by its name or a former name.
pub fn for_statute(country: Country, law: &str, section: &str) -> Option<&'static LegalBasis> {
    CATALOGUE.iter().find(|basis| basis.country == country && basis.section == section && basis.law.is_named(law))
}

/// The statutes the catalogue cites.
pub fn laws() -> &'static [LawRef] {
    &catalogue::LAWS
}

#[cfg(test)]
mod tests;
