use std::collections::BTreeSet;

use super::*;
use crate::deadline::{RuleKind, seeded_rules};

fn basis(code: &str) -> &'static LegalBasis {
    legal_basis(code).unwrap_or_else(|| panic!("no legal basis {code}"))
}

fn rule(code: &str) -> DeadlineRule {
    seeded_rule(code).unwrap_or_else(|| panic!("no seeded rule {code}"))
}

/// The section as it appears in a code: "§ 10-2" → "10-2", "§ 2-1 a" → "2-1a", "4 kap. 1 §" → "4-1".
fn section_key(country: Country, section: &str) -> String {
    match country {
        Country::Norway => section.trim_start_matches("§ ").replace(' ', ""),
        Country::Sweden => {
            let section = section.trim_end_matches(" §");
            match section.split_once(" kap. ") {
                Some((chapter, paragraph)) => format!("{chapter}-{paragraph}"),
                None => section.to_string(),
            }
        }
    }
}

#[test]
fn section_keys() {
    assert_eq!(section_key(Country::Norway, "§ 10-2"), "10-2");
    assert_eq!(section_key(Country::Norway, "§ 2-1 a"), "2-1a");
    assert_eq!(section_key(Country::Norway, "§ 11 a"), "11a");
    assert_eq!(section_key(Country::Sweden, "4 §"), "4");
    assert_eq!(section_key(Country::Sweden, "4 kap. 1 §"), "4-1");
    assert_eq!(section_key(Country::Sweden, "16 kap. 4 §"), "16-4");
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for basis in seeded_legal_bases() {
        assert!(seen.insert(basis.code), "{} twice", basis.code);
        let parts: Vec<&str> = basis.code.split('.').collect();
        assert_eq!(parts.len(), 3, "{}: country.law.section", basis.code);
        let prefix = match basis.country {
            Country::Norway => "no",
            Country::Sweden => "se",
        };
        assert_eq!(parts[0], prefix, "{}", basis.code);
        assert!(parts[1].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{}", basis.code);
        assert!(parts[2].starts_with(|c: char| c.is_ascii_digit()), "{}", basis.code);
        assert!(parts[2].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", basis.code);
        assert_eq!(basis.country, basis.law.country, "{}", basis.code);
        assert_eq!(format!("{}.{}", parts[0], parts[1]), basis.law.code, "{}", basis.code);
        assert_eq!(parts[2], section_key(basis.country, basis.section), "{}: code and section disagree", basis.code);
    }
}

#[test]
fn sections_are_written_as_each_country_writes_them() {
    for basis in seeded_legal_bases() {
        match basis.country {
            Country::Norway => assert!(basis.section.starts_with("§ "), "{}", basis.code),
            Country::Sweden => assert!(basis.section.ends_with(" §"), "{}", basis.code),
        }
    }
}

#[test]
fn codes_once_published_stay() {
    // Stored with services (demo data among them) since the first catalogue: never remove one.
    for code in [
        "no.hol.3-1",
        "no.hol.3-2",
        "no.hol.7-1",
        "no.hol.7-2",
        "no.hol.10-2",
        "no.hol.10-3",
        "no.hol.10-4",
        "no.pbrl.2-1a",
        "no.pbrl.2-1b",
        "no.pbrl.2-2",
        "no.pbrl.2-5",
        "no.sphlsl.2-1a",
        "no.sotjl.15",
        "no.sotjl.17",
        "no.sotjl.18",
        "no.sotjl.27",
        "no.sotjl.28",
        "no.fvl.11a",
        "no.fvl.29",
        "se.lvm.4",
        "se.lvm.13",
        "se.lvm.20",
        "se.hsl.16-4",
        "se.sol2001.2-7",
        "se.fl.44",
    ] {
        assert!(legal_basis(code).is_some(), "{code} was removed");
    }
}

#[test]
fn laws_are_listed_once_and_cover_the_catalogue() {
    let codes: BTreeSet<&str> = laws().iter().map(|law| law.code).collect();
    assert_eq!(codes.len(), laws().len());
    for basis in seeded_legal_bases() {
        assert!(laws().contains(&basis.law), "{}: law not in laws()", basis.code);
    }
    for law in laws() {
        assert!(seeded_legal_bases().iter().any(|b| b.law == *law), "{} has no entries", law.code);
        assert!(!law.name.trim().is_empty() && !law.short_name.trim().is_empty() && !law.title.trim().is_empty());
        match (law.country, law.official_id) {
            (Country::Norway, Some(id)) => assert!(id.starts_with("LOV-"), "{id}"),
            (Country::Sweden, Some(id)) => assert!(id.starts_with("SFS "), "{id}"),
            (_, None) => {}
        }
    }
}

#[test]
fn every_referenced_deadline_rule_exists_and_fits() {
    for basis in seeded_legal_bases() {
        for code in basis.deadline_rules {
            let rule = seeded_rule(code).unwrap_or_else(|| panic!("{} refers to unknown rule {code}", basis.code));
            assert!(rule.country.is_none_or(|c| c == basis.country), "{}: {code} is for another country", basis.code);
            if let RuleSource::Statute { law, country, .. } = &rule.source {
                assert_eq!(*country, basis.country, "{}: {code}", basis.code);
                assert!(basis.law.is_named(law), "{}: {code} cites {law}", basis.code);
            }
        }
        assert_eq!(basis.rules().len(), basis.deadline_rules.len(), "{}", basis.code);
    }
}

#[test]
fn every_statutory_rule_is_linked_from_its_own_section() {
    for rule in seeded_rules() {
        let RuleSource::Statute { law, section, country } = &rule.source else { continue };
        let code = rule.code.as_deref().unwrap_or_default();
        let basis =
            for_statute(*country, law, section).unwrap_or_else(|| panic!("{code}: no basis for {law} {section}"));
        assert!(basis.deadline_rules.contains(&code), "{} does not link {code}", basis.code);
        assert_eq!(basis.section, section, "{code}");
    }
}

#[test]
fn coercion_bases_and_only_they_have_limits() {
    for basis in seeded_legal_bases() {
        assert_eq!(basis.is_coercion(), basis.coercion.is_some(), "{}", basis.code);
        if let Some(limit) = &basis.coercion {
            let text = &limit.description;
            assert!(!text.nb.trim().is_empty() && !text.sv.trim().is_empty() && !text.en.trim().is_empty());
            if let Some(period) = limit.max_period {
                assert!(period.check().is_ok() && period.amount() > 0, "{}", basis.code);
            }
        }
    }
}

#[test]
fn coercion_limits_match_the_seeded_maximum_durations() {
    for basis in seeded_legal_bases() {
        for rule in basis.rules().into_iter().filter(|rule| rule.kind == RuleKind::MaximumDuration) {
            let limit = basis.coercion.as_ref().unwrap_or_else(|| panic!("{} has no limit", basis.code));
            assert_eq!(limit.max_period, Some(rule.period), "{} and {:?}", basis.code, rule.code);
        }
    }
    // hol. § 10-2: three months, as the seeded rule says.
    assert_eq!(rule("no.hol.detention_max").period, Period::Months(3));
    assert_eq!(basis("no.hol.10-2").coercion.as_ref().unwrap().max_period, Some(Period::Months(3)));
    assert!(basis("no.hol.10-2").deadline_rules.contains(&"no.hol.detention_max"));
    // LVM: six months (20 §), for the decision on care (4 §) and the section itself.
    assert_eq!(rule("se.lvm.care_max").period, Period::Months(6));
    for code in ["se.lvm.4", "se.lvm.20"] {
        assert_eq!(basis(code).coercion.as_ref().unwrap().max_period, Some(Period::Months(6)), "{code}");
        assert!(basis(code).deadline_rules.contains(&"se.lvm.care_max"), "{code}");
    }
    // hol. § 10-4: three weeks from admission; there is no seeded rule for it yet.
    assert_eq!(basis("no.hol.10-4").coercion.as_ref().unwrap().max_period, Some(Period::Weeks(3)));
    // hol. § 10-3 (the whole pregnancy) and LVM 13 § (until the court decides): no fixed period.
    assert_eq!(basis("no.hol.10-3").coercion.as_ref().unwrap().max_period, None);
    assert_eq!(basis("se.lvm.13").coercion.as_ref().unwrap().max_period, None);
}

#[test]
fn maximum_durations_belong_to_coercion_only() {
    for basis in seeded_legal_bases().iter().filter(|b| !b.is_coercion()) {
        for rule in basis.rules() {
            assert_ne!(rule.kind, RuleKind::MaximumDuration, "{} links {:?}", basis.code, rule.code);
        }
    }
}

#[test]
fn every_text_is_there_in_every_language() {
    for basis in seeded_legal_bases() {
        let mut texts = vec![("title", &basis.title)];
        texts.extend(basis.note.iter().map(|t| ("note", t)));
        texts.extend(basis.superseded.iter().map(|t| ("superseded", t)));
        for (what, text) in texts {
            for locale in Locale::ALL {
                let s = text.get(locale);
                assert!(!s.trim().is_empty(), "{} {what} {locale:?} is empty", basis.code);
                assert_eq!(s, s.trim(), "{} {what} {locale:?}", basis.code);
                assert!(!s.contains("  "), "{} {what} {locale:?} has a double space", basis.code);
            }
        }
        assert_eq!(basis.title(Locale::Swedish), basis.title.sv);
    }
}

#[test]
fn foreign_titles_say_which_country() {
    for basis in seeded_legal_bases() {
        match basis.country {
            Country::Norway => {
                assert!(basis.title.sv.ends_with("(Norge)"), "{}", basis.code);
                assert!(!basis.title.nb.contains("(Norge)") && !basis.title.en.contains("(Norway)"), "{}", basis.code);
            }
            Country::Sweden => {
                assert!(basis.title.nb.ends_with("(Sverige)"), "{}", basis.code);
                assert!(basis.title.en.ends_with("(Sweden)"), "{}", basis.code);
                assert!(!basis.title.sv.contains("(Sverige)"), "{}", basis.code);
            }
        }
    }
}

#[test]
fn the_repealed_social_services_act_is_marked_superseded() {
    for basis in seeded_legal_bases() {
        assert_eq!(basis.law.code == "se.sol2001", !basis.is_in_force(), "{}", basis.code);
    }
}

#[test]
fn lookups_by_code() {
    assert_eq!(basis("no.hol.10-2").citation(), "helse- og omsorgstjenesteloven § 10-2");
    assert_eq!(basis("no.hol.10-2").short_citation(), "hol. § 10-2");
    assert_eq!(basis("no.sotjl.27").citation(), "sosialtjenesteloven § 27");
    assert_eq!(basis("se.lvm.4").citation(), "4 § lagen (1988:870) om vård av missbrukare i vissa fall");
    assert_eq!(basis("se.lvm.4").short_citation(), "4 § LVM");
    assert_eq!(basis("se.sol2001.4-1").citation(), "4 kap. 1 § socialtjänstlagen (2001:453)");
    assert_eq!(basis("no.fvl.29").title(Locale::English), "Time limit for appeal");
    assert_eq!(basis("no.fvl.29").kind, LegalBasisKind::Procedure);
    for missing in ["", "no.fvl.30", "NO.HOL.10-2", "no.hol.10-2 ", "no.hol", "se.sol.4-1"] {
        assert!(legal_basis(missing).is_none(), "{missing:?}");
    }
}

#[test]
fn lookups_by_country() {
    let norway: Vec<_> = for_country(Country::Norway).collect();
    let sweden: Vec<_> = for_country(Country::Sweden).collect();
    assert!(norway.iter().all(|b| b.country == Country::Norway && b.code.starts_with("no.")));
    assert!(sweden.iter().all(|b| b.country == Country::Sweden && b.code.starts_with("se.")));
    assert_eq!(norway.len() + sweden.len(), seeded_legal_bases().len());
    assert_eq!(norway.len(), 26);
    assert_eq!(sweden.len(), 8);
    // Catalogue order is kept.
    let order: Vec<&str> =
        seeded_legal_bases().iter().filter(|b| b.country == Country::Sweden).map(|b| b.code).collect();
    assert_eq!(sweden.iter().map(|b| b.code).collect::<Vec<_>>(), order);
}

#[test]
fn lookups_by_statute() {
    assert_eq!(for_statute(Country::Norway, "forvaltningsloven", "§ 29").map(|b| b.code), Some("no.fvl.29"));
    // The former name of the patient and user rights act still finds it.
    assert_eq!(for_statute(Country::Norway, "pasientrettighetsloven", "§ 2-2").map(|b| b.code), Some("no.pbrl.2-2"));
    assert_eq!(for_statute(Country::Sweden, "förvaltningslagen (2017:900)", "44 §").map(|b| b.code), Some("se.fl.44"));
    assert!(for_statute(Country::Sweden, "forvaltningsloven", "§ 29").is_none());
    assert!(for_statute(Country::Norway, "forvaltningsloven", "§ 30").is_none());
}

#[test]
fn source_matches_the_deadline_rules() {
    assert_eq!(basis("no.hol.10-2").source(), rule("no.hol.detention_max").source);
    assert_eq!(basis("se.lvm.20").source(), rule("se.lvm.care_max").source);
    assert_eq!(basis("se.fl.44").source(), rule("se.fl.appeal").source);
    assert_eq!(basis("no.fvl.11a").source(), rule("no.fvl.provisional_reply").source);
    let codes: Vec<Option<String>> = basis("no.hol.10-2").rules().into_iter().map(|r| r.code).collect();
    assert_eq!(codes, [Some("no.hol.detention_max".to_string())]);
}

#[test]
fn kinds_have_stable_codes() {
    for kind in LegalBasisKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), serde_json::Value::String(kind.code().to_string()));
        let back: LegalBasisKind = serde_json::from_value(serde_json::Value::String(kind.code().to_string())).unwrap();
        assert_eq!(back, kind);
    }
    for kind in LegalBasisKind::ALL {
        assert!(seeded_legal_bases().iter().any(|b| b.kind == kind), "no entry of kind {kind:?}");
    }
}

#[test]
fn serde_round_trip() {
    for basis in seeded_legal_bases() {
        let json = serde_json::to_string(basis).unwrap();
        let back: LegalBasis = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, basis);
        if let Some(limit) = &basis.coercion {
            let back: CoercionLimit = serde_json::from_str(&serde_json::to_string(limit).unwrap()).unwrap();
            assert_eq!(&back, limit);
        }
    }
}

#[test]
fn serialised_form() {
    let value = serde_json::to_value(basis("no.hol.10-2")).unwrap();
    assert_eq!(value["code"], "no.hol.10-2");
    assert_eq!(value["country"], "NO");
    assert_eq!(value["section"], "§ 10-2");
    assert_eq!(value["kind"], "coercion");
    assert_eq!(value["title"]["nb"], "Tilbakeholdelse i institusjon uten eget samtykke");
    assert_eq!(value["law"]["code"], "no.hol");
    assert_eq!(value["law"]["short_name"], "hol.");
    assert_eq!(value["law"]["official_id"], "LOV-2011-06-24-30");
    assert_eq!(value["deadline_rules"], serde_json::json!(["no.hol.detention_max"]));
    assert_eq!(value["coercion"]["max_period"], serde_json::json!({"unit": "months", "amount": 3}));
    assert_eq!(value["superseded"], serde_json::Value::Null);

    let value = serde_json::to_value(basis("se.sol2001.2-7")).unwrap();
    assert_eq!(value["country"], "SE");
    assert_eq!(value["law"]["official_id"], "SFS 2001:453");
    assert!(value["superseded"]["sv"].as_str().unwrap().contains("2025:400"));
}

#[test]
fn deserialising_needs_a_known_code() {
    let back: LegalBasis = serde_json::from_str(r#"{"code": "se.lvm.4"}"#).unwrap();
    assert_eq!(&back, basis("se.lvm.4"));
    assert!(serde_json::from_str::<LegalBasis>(r#"{"code": "no.such.law"}"#).is_err());
    assert!(serde_json::from_str::<LegalBasis>(r#"{"title": "x"}"#).is_err());
    assert!(serde_json::from_str::<LegalBasis>(r#""no.hol.10-2""#).is_err());
}
