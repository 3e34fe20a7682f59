//! Translations via Fluent: Norwegian bokmål (default), Swedish and English.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use los_core::locale::Locale;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        // Unicode isolation marks around arguments confuse screen readers and tests; the
        // arguments are never right-to-left text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NB: LanguageIdentifier = langid!("nb");
static SV: LanguageIdentifier = langid!("sv");
static EN: LanguageIdentifier = langid!("en");

fn language(locale: Locale) -> &'static LanguageIdentifier {
    match locale {
        Locale::NorwegianBokmal => &NB,
        Locale::Swedish => &SV,
        Locale::English => &EN,
    }
}

/// The translator handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The message for `key`; a missing key shows as the key itself (and fails the tests).
    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(language(self.locale), key).unwrap_or_else(|| key.to_string())
    }

    /// The message for `key` with named arguments.
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Owned((*name).to_string()), FluentValue::from(value.clone())))
            .collect();
        LOCALES.try_lookup_with_args(language(self.locale), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// One argument, for templates.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.t_args(key, &[(name, value.to_string())])
    }

    /// The translated reason of a field error.
    pub fn reason(&self, reason: &los_core::Reason) -> String {
        self.t_args(&format!("reason-{}", reason.code()), &reason.args())
    }

    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(language(self.locale), key).is_some()
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }
}

/// Every message id of one language, read from the embedded Fluent files; for tests.
pub fn message_ids(locale: Locale) -> Vec<String> {
    let source = match locale {
        Locale::NorwegianBokmal => include_str!("../locales/nb/main.ftl"),
        Locale::Swedish => include_str!("../locales/sv/main.ftl"),
        Locale::English => include_str!("../locales/en/main.ftl"),
    };
    source
        .lines()
        .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}
