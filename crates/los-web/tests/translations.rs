//! Every UI text exists in every language: a missing key fails here, not in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use los_core::Reason;
use los_core::account::Role;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::locale::Locale;
use los_core::organization::{Country, OrganizationKind};
use los_web::i18n::{Tr, message_ids};

fn ids(locale: Locale) -> BTreeSet<String> {
    message_ids(locale).into_iter().collect()
}

#[test]
fn every_language_has_the_same_keys() {
    let nb = ids(Locale::NorwegianBokmal);
    assert!(nb.len() > 100);
    for locale in [Locale::Swedish, Locale::English] {
        let other = ids(locale);
        let missing: Vec<_> = nb.difference(&other).collect();
        let extra: Vec<_> = other.difference(&nb).collect();
        assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
        assert!(extra.is_empty(), "{locale:?} has keys bokmål lacks: {extra:?}");
    }
}

/// Keys written literally in templates and Rust code: `t("…")`, `t1("…"`, `t_args("…"` and
/// `…_key: "…"` constants.
fn literal_keys() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let call = regex::Regex::new(r#"\b(?:t|t1|t_args)\("([a-z][a-z0-9-]*)""#).unwrap();
    let key_literal = regex::Regex::new(r#"\w_key:[^"\n]{0,40}"([a-z]+-[a-z0-9-]+)""#).unwrap();
    let error_pair =
        regex::Regex::new(r#"\("(error-[a-z-]+)", "error-[a-z-]+"\)|\("error-[a-z-]+", "(error-[a-z-]+)"\)"#).unwrap();
    let pair = regex::Regex::new(r#"\("[a-z_]+", "((?:field|audit)-[a-z0-9-]+)"\)"#).unwrap();
    let mut keys = BTreeSet::new();
    let mut stack = vec![root.join("templates"), root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for re in [&call, &key_literal, &pair, &error_pair] {
                for captures in re.captures_iter(&text) {
                    keys.extend(captures.iter().skip(1).flatten().map(|m| m.as_str().to_string()));
                }
            }
        }
    }
    keys
}

fn dynamic_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.code())));
    keys.extend(OrganizationKind::ALL.iter().map(|k| format!("org-kind-{}", k.code())));
    keys.extend(Country::ALL.iter().map(|c| format!("country-{}", c.code())));
    keys.extend(AuditAction::ALL.iter().map(|a| format!("audit-action-{}", a.code())));
    keys.extend(AuditOutcome::ALL.iter().map(|o| format!("audit-outcome-{}", o.code())));
    keys.extend(Reason::every_kind().iter().map(|r| format!("reason-{}", r.code())));
    keys
}

#[test]
fn every_key_used_exists_in_every_language() {
    let used: BTreeSet<String> = literal_keys().union(&dynamic_keys()).cloned().collect();
    assert!(used.len() > 100, "the scan found the keys ({} found)", used.len());
    for locale in Locale::ALL {
        let have = ids(locale);
        let missing: Vec<_> = used.iter().filter(|key| !have.contains(*key)).collect();
        assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
    }
}

#[test]
fn arguments_are_filled_in() {
    for locale in Locale::ALL {
        let tr = Tr::new(locale);
        let text = tr.reason(&Reason::TooShort { min: 12 });
        assert!(text.contains("12"), "{locale:?}: {text}");
        assert!(!text.contains('{'), "{locale:?}: {text}");
    }
    assert_eq!(Tr::new(Locale::English).t("login-title"), "Log in");
    assert_eq!(Tr::new(Locale::Swedish).t("login-title"), "Logga in");
    assert_eq!(Tr::new(Locale::NorwegianBokmal).t("login-title"), "Logg inn");
}
