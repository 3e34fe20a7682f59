//! The legal-basis catalogue as pages and use cases need it.

use los_core::legal_basis::legal_basis;
use los_core::locale::Locale;

pub fn is_known(code: &str) -> bool {
    legal_basis(code).is_some()
}

/// "Midlertidig botilbud (sosialtjenesteloven § 27)"; the code itself if it is not in the catalogue.
pub fn title(code: &str, locale: Locale) -> String {
    legal_basis(code).map(|b| format!("{} ({})", b.title(locale), b.citation())).unwrap_or_else(|| code.to_string())
}
