//! The languages Los speaks. Norwegian bokmål is the default.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "nb")]
    NorwegianBokmal,
    #[serde(rename = "sv")]
    Swedish,
    #[serde(rename = "en")]
    English,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::NorwegianBokmal, Locale::Swedish, Locale::English];

    /// BCP 47 tag, as used in `lang` attributes and stored on accounts.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::NorwegianBokmal => "nb",
            Locale::Swedish => "sv",
            Locale::English => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "no" | "nn" => Some(Locale::NorwegianBokmal),
            "sv" => Some(Locale::Swedish),
            "en" => Some(Locale::English),
            _ => None,
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::NorwegianBokmal => "Norsk bokmål",
            Locale::Swedish => "Svenska",
            Locale::English => "English",
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut candidates: Vec<(f32, Locale)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Locale::from_tag(tag).map(|locale| (quality, locale))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.first().map(|(_, locale)| *locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
        assert_eq!(Locale::from_tag("nb-NO"), Some(Locale::NorwegianBokmal));
        assert_eq!(Locale::from_tag("de"), None);
    }

    #[test]
    fn negotiation_respects_quality() {
        assert_eq!(Locale::negotiate("de, sv;q=0.5, en;q=0.8"), Some(Locale::English));
        assert_eq!(Locale::negotiate("fr"), None);
        assert_eq!(Locale::negotiate("sv-SE,sv;q=0.9"), Some(Locale::Swedish));
    }
}
