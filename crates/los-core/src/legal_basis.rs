//! The catalogue of legal bases (lovhjemler / lagrum) that services and decisions refer to.
//! Each entry names the statute and section, what kind of ground it is, and the seeded
//! deadline rules that follow from it.
//!
//! Only sections whose content is settled are listed. Swedish social services references are to
//! socialtjänstlagen (2001:453); the new socialtjänstlag (2025:400), in force from 1 July 2025,
//! renumbers them, which is recorded on those entries.

use serde::Serialize;

use crate::locale::Locale;
use crate::organization::Country;

/// What a legal basis is the ground for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasisKind {
    /// Grounds for providing a service.
    Service,
    /// A right the person holds.
    Right,
    /// A duty of the services (individual plan, coordinator).
    Duty,
    /// Coercion, with statutory limits.
    Coercion,
    /// Case handling: replies, notices, appeals.
    Procedure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalBasis {
    /// Stable code: country, law, section.
    pub code: &'static str,
    pub country: Country,
    /// The law's usual short name.
    pub law: &'static str,
    pub section: &'static str,
    pub kind: LegalBasisKind,
    pub title_nb: &'static str,
    pub title_sv: &'static str,
    pub title_en: &'static str,
    /// Codes of seeded deadline rules that derive from this section.
    pub deadline_rules: &'static [&'static str],
    /// Set where the reference has been renumbered or replaced.
    pub note: Option<&'static str>,
}

impl LegalBasis {
    pub fn title(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::NorwegianBokmal => self.title_nb,
            Locale::Swedish => self.title_sv,
            Locale::English => self.title_en,
        }
    }

    /// "helse- og omsorgstjenesteloven § 10-2"
    pub fn citation(&self) -> String {
        format!("{} {}", self.law, self.section)
    }
}

const SOL_2025: Option<&str> =
    Some("Socialtjänstlagen (2001:453) ersattes 1 juli 2025 av socialtjänstlagen (2025:400) med ny paragrafnumrering.");

#[allow(clippy::too_many_arguments)]
const fn basis(
    code: &'static str,
    country: Country,
    law: &'static str,
    section: &'static str,
    kind: LegalBasisKind,
    titles: [&'static str; 3],
    deadline_rules: &'static [&'static str],
    note: Option<&'static str>,
) -> LegalBasis {
    LegalBasis {
        code,
        country,
        law,
        section,
        kind,
        title_nb: titles[0],
        title_sv: titles[1],
        title_en: titles[2],
        deadline_rules,
        note,
    }
}

use Country::{Norway as NO, Sweden as SE};
use LegalBasisKind::{Coercion, Duty, Procedure, Right, Service};

const CATALOGUE: [LegalBasis; 25] = [
    basis(
        "no.hol.3-1",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 3-1",
        Service,
        [
            "Kommunens overordnede ansvar for helse- og omsorgstjenester",
            "Kommunens övergripande ansvar för hälso- och omsorgstjänster (Norge)",
            "The municipality's overall responsibility for health and care services",
        ],
        &[],
        None,
    ),
    basis(
        "no.hol.3-2",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 3-2",
        Service,
        [
            "Kommunens ansvar for helse- og omsorgstjenester",
            "Kommunens ansvar för hälso- och omsorgstjänster (Norge)",
            "The municipality's responsibility for health and care services",
        ],
        &[],
        None,
    ),
    basis(
        "no.hol.7-1",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 7-1",
        Duty,
        ["Individuell plan", "Individuell plan (Norge)", "Individual plan"],
        &[],
        None,
    ),
    basis(
        "no.hol.7-2",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 7-2",
        Duty,
        ["Koordinator", "Samordnare (Norge)", "Coordinator"],
        &[],
        None,
    ),
    basis(
        "no.hol.10-2",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 10-2",
        Coercion,
        [
            "Tilbakeholdelse i institusjon uten eget samtykke",
            "Kvarhållande på institution utan eget samtycke (Norge)",
            "Detention in an institution without consent",
        ],
        &["no.hol.detention_max"],
        None,
    ),
    basis(
        "no.hol.10-3",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 10-3",
        Coercion,
        [
            "Tilbakeholdelse av gravide rusmiddelavhengige",
            "Kvarhållande av gravida med beroende (Norge)",
            "Detention of pregnant women with substance dependence",
        ],
        &["no.hol.pregnant_emergency_to_county_board"],
        None,
    ),
    basis(
        "no.hol.10-4",
        NO,
        "helse- og omsorgstjenesteloven",
        "§ 10-4",
        Coercion,
        [
            "Tilbakeholdelse i institusjon på grunnlag av eget samtykke",
            "Kvarhållande på institution efter eget samtycke (Norge)",
            "Detention in an institution based on one's own consent",
        ],
        &[],
        None,
    ),
    basis(
        "no.pbrl.2-1a",
        NO,
        "pasient- og brukerrettighetsloven",
        "§ 2-1 a",
        Right,
        [
            "Rett til nødvendige helse- og omsorgstjenester fra kommunen",
            "Rätt till nödvändiga hälso- och omsorgstjänster från kommunen (Norge)",
            "Right to necessary health and care services from the municipality",
        ],
        &[],
        None,
    ),
    basis(
        "no.pbrl.2-1b",
        NO,
        "pasient- og brukerrettighetsloven",
        "§ 2-1 b",
        Right,
        [
            "Rett til nødvendig helsehjelp fra spesialisthelsetjenesten",
            "Rätt till nödvändig vård från specialistvården (Norge)",
            "Right to necessary care from the specialist health service",
        ],
        &[],
        None,
    ),
    basis(
        "no.pbrl.2-2",
        NO,
        "pasient- og brukerrettighetsloven",
        "§ 2-2",
        Right,
        ["Rett til vurdering", "Rätt till bedömning (Norge)", "Right to an assessment"],
        &["no.pasrl.referral_assessment"],
        None,
    ),
    basis(
        "no.pbrl.2-5",
        NO,
        "pasient- og brukerrettighetsloven",
        "§ 2-5",
        Right,
        ["Rett til individuell plan", "Rätt till individuell plan (Norge)", "Right to an individual plan"],
        &[],
        None,
    ),
    basis(
        "no.sphlsl.2-1a",
        NO,
        "spesialisthelsetjenesteloven",
        "§ 2-1 a",
        Service,
        [
            "De regionale helseforetakenes ansvar for spesialisthelsetjenester, herunder tverrfaglig spesialisert rusbehandling",
            "De regionala hälsoföretagens ansvar för specialistvård, inklusive beroendevård (Norge)",
            "The regional health authorities' responsibility for specialist care, including substance-use treatment",
        ],
        &[],
        None,
    ),
    basis(
        "no.sotjl.15",
        NO,
        "sosialtjenesteloven",
        "§ 15",
        Service,
        ["Boliger til vanskeligstilte", "Bostäder för utsatta personer (Norge)", "Housing for the disadvantaged"],
        &[],
        None,
    ),
    basis(
        "no.sotjl.17",
        NO,
        "sosialtjenesteloven",
        "§ 17",
        Service,
        ["Opplysning, råd og veiledning", "Upplysning, råd och vägledning (Norge)", "Information, advice and guidance"],
        &[],
        None,
    ),
    basis(
        "no.sotjl.18",
        NO,
        "sosialtjenesteloven",
        "§ 18",
        Service,
        ["Stønad til livsopphold", "Ekonomiskt bistånd till uppehälle (Norge)", "Financial assistance for subsistence"],
        &[],
        None,
    ),
    basis(
        "no.sotjl.27",
        NO,
        "sosialtjenesteloven",
        "§ 27",
        Service,
        ["Midlertidig botilbud", "Tillfälligt boende (Norge)", "Temporary accommodation"],
        &["local.night_shelter.decision", "local.night_shelter.settled_in_housing"],
        None,
    ),
    basis(
        "no.sotjl.28",
        NO,
        "sosialtjenesteloven",
        "§ 28",
        Right,
        [
            "Rett til individuell plan (sosiale tjenester)",
            "Rätt till individuell plan, sociala tjänster (Norge)",
            "Right to an individual plan (social services)",
        ],
        &[],
        None,
    ),
    basis(
        "no.fvl.11a",
        NO,
        "forvaltningsloven",
        "§ 11 a",
        Procedure,
        [
            "Saksbehandlingstid, foreløpig svar",
            "Handläggningstid, preliminärt svar (Norge)",
            "Processing time, provisional reply",
        ],
        &["no.fvl.provisional_reply"],
        None,
    ),
    basis(
        "no.fvl.29",
        NO,
        "forvaltningsloven",
        "§ 29",
        Procedure,
        ["Klagefrist", "Överklagandefrist (Norge)", "Time limit for appeal"],
        &["no.fvl.appeal"],
        None,
    ),
    basis(
        "se.lvm.4",
        SE,
        "lagen (1988:870) om vård av missbrukare i vissa fall",
        "4 §",
        Coercion,
        [
            "Vilkår for tvangsbehandling etter LVM (Sverige)",
            "Förutsättningar för tvångsvård enligt LVM",
            "Grounds for compulsory care under LVM (Sweden)",
        ],
        &["se.lvm.care_max"],
        None,
    ),
    basis(
        "se.lvm.13",
        SE,
        "lagen (1988:870) om vård av missbrukare i vissa fall",
        "13 §",
        Coercion,
        [
            "Umiddelbar omhendetakelse etter LVM (Sverige)",
            "Omedelbart omhändertagande",
            "Immediate custody under LVM (Sweden)",
        ],
        &[],
        None,
    ),
    basis(
        "se.lvm.20",
        SE,
        "lagen (1988:870) om vård av missbrukare i vissa fall",
        "20 §",
        Coercion,
        [
            "Tvangsbehandling etter LVM skal opphøre senest etter seks måneder (Sverige)",
            "Vården ska upphöra senast sex månader efter beslutet",
            "Compulsory care under LVM ends after six months at most (Sweden)",
        ],
        &["se.lvm.care_max"],
        None,
    ),
    basis(
        "se.hsl.16-4",
        SE,
        "hälso- och sjukvårdslagen (2017:30)",
        "16 kap. 4 §",
        Duty,
        [
            "Samordnet individuell plan, helsetjenesten (Sverige)",
            "Samordnad individuell plan (SIP), hälso- och sjukvården",
            "Coordinated individual plan, health services (Sweden)",
        ],
        &[],
        None,
    ),
    basis(
        "se.sol2001.2-7",
        SE,
        "socialtjänstlagen (2001:453)",
        "2 kap. 7 §",
        Duty,
        [
            "Samordnet individuell plan, sosialtjenesten (Sverige)",
            "Samordnad individuell plan (SIP), socialtjänsten",
            "Coordinated individual plan, social services (Sweden)",
        ],
        &[],
        SOL_2025,
    ),
    basis(
        "se.fl.44",
        SE,
        "förvaltningslagen (2017:900)",
        "44 §",
        Procedure,
        ["Klagefrist (Sverige)", "Överklagande inom tre veckor", "Appeal within three weeks (Sweden)"],
        &["se.fl.appeal"],
        None,
    ),
];

/// Every legal basis in the catalogue.
pub fn seeded_legal_bases() -> &'static [LegalBasis] {
    &CATALOGUE
}

pub fn legal_basis(code: &str) -> Option<&'static LegalBasis> {
    CATALOGUE.iter().find(|b| b.code == code)
}

pub fn for_country(country: Country) -> impl Iterator<Item = &'static LegalBasis> {
    CATALOGUE.iter().filter(move |b| b.country == country)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::seeded_rule;

    #[test]
    fn codes_are_unique_and_carry_their_country() {
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|b| b.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        for basis in &CATALOGUE {
            let prefix = match basis.country {
                Country::Norway => "no.",
                Country::Sweden => "se.",
            };
            assert!(basis.code.starts_with(prefix), "{}", basis.code);
            assert!(!basis.title_nb.is_empty() && !basis.title_sv.is_empty() && !basis.title_en.is_empty());
        }
    }

    #[test]
    fn every_deadline_rule_referred_to_exists_and_fits_the_country() {
        for basis in &CATALOGUE {
            for code in basis.deadline_rules {
                let rule = seeded_rule(code).unwrap_or_else(|| panic!("{} refers to unknown rule {code}", basis.code));
                assert!(rule.country.is_none_or(|c| c == basis.country), "{code}");
            }
        }
    }

    #[test]
    fn coercion_limits_match_the_rules() {
        use crate::deadline::Period;
        assert_eq!(seeded_rule("no.hol.detention_max").unwrap().period, Period::Months(3));
        assert_eq!(seeded_rule("se.lvm.care_max").unwrap().period, Period::Months(6));
        assert!(legal_basis("no.hol.10-2").unwrap().deadline_rules.contains(&"no.hol.detention_max"));
        assert!(legal_basis("se.lvm.20").unwrap().deadline_rules.contains(&"se.lvm.care_max"));
    }

    #[test]
    fn lookups() {
        assert_eq!(legal_basis("no.fvl.29").unwrap().citation(), "forvaltningsloven § 29");
        assert_eq!(legal_basis("no.fvl.29").unwrap().title(Locale::English), "Time limit for appeal");
        assert!(legal_basis("no.fvl.30").is_none());
        assert!(for_country(Country::Sweden).all(|b| b.country == Country::Sweden));
        assert!(for_country(Country::Norway).count() > 15);
    }
}
