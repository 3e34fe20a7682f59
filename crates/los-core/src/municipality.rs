//! Municipalities (the tenants) and regions (inter-municipal collaborations).

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Reason};
use crate::organization::Country;

pub const MUNICIPALITY_NAME_MAX: usize = 120;
pub const REGION_NAME_MAX: usize = 200;
pub const POPULATION_YEAR_MIN: i32 = 1900;
pub const POPULATION_YEAR_MAX: i32 = 2200;

/// The official four-digit municipality number (Norwegian kommunenummer, Swedish kommunkod).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MunicipalityNumber(String);

impl MunicipalityNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, Reason::Required));
        }
        if value.len() != 4 || !value.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, Reason::InvalidFormat));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The time zone dates are kept in when a municipality does not say otherwise.
pub fn default_time_zone(country: Country) -> &'static str {
    match country {
        Country::Norway => "Europe/Oslo",
        Country::Sweden => "Europe/Stockholm",
    }
}

/// Inhabitants on 1 January of a year (SSB and SCB publish them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Population {
    pub year: i32,
    pub inhabitants: i64,
}

/// Parses population lines of the form `2024: 37 000` or `2024 37000`, one per line. Years must
/// be distinct; the result is sorted by year.
pub fn parse_populations(field: &str, text: &str) -> Result<Vec<Population>, FieldError> {
    let mut list: Vec<Population> = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let (year, count) =
            line.split_once([':', ' ', '\t', '=']).ok_or_else(|| FieldError::new(field, Reason::InvalidFormat))?;
        let year: i32 = year.trim().parse().map_err(|_| FieldError::new(field, Reason::InvalidFormat))?;
        let digits: String = count.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
        let inhabitants: i64 = digits.parse().map_err(|_| FieldError::new(field, Reason::InvalidFormat))?;
        if !(POPULATION_YEAR_MIN..=POPULATION_YEAR_MAX).contains(&year) || !(0..=100_000_000).contains(&inhabitants) {
            return Err(FieldError::new(field, Reason::InvalidFormat));
        }
        if list.iter().any(|p| p.year == year) {
            return Err(FieldError::new(field, Reason::AlreadyExists));
        }
        list.push(Population { year, inhabitants });
    }
    list.sort_by_key(|p| p.year);
    Ok(list)
}

/// The population in force for `year`: that year's figure, else the latest earlier one.
pub fn population_for(list: &[Population], year: i32) -> Option<i64> {
    list.iter().filter(|p| p.year <= year).max_by_key(|p| p.year).map(|p| p.inhabitants)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_four_digits() {
        assert_eq!(MunicipalityNumber::parse("number", " 4001 ").unwrap().as_str(), "4001");
        assert_eq!(MunicipalityNumber::parse("number", "").unwrap_err().reason, Reason::Required);
        for bad in ["401", "40011", "40a1", "40 1"] {
            assert_eq!(MunicipalityNumber::parse("number", bad).unwrap_err().reason, Reason::InvalidFormat, "{bad}");
        }
    }

    #[test]
    fn populations_parse_sort_and_refuse_duplicates() {
        let list = parse_populations("population", "2025: 37 300\n\n2024 36 900\n2023=36\u{a0}700").unwrap();
        assert_eq!(list.iter().map(|p| p.year).collect::<Vec<_>>(), [2023, 2024, 2025]);
        assert_eq!(list[1].inhabitants, 36_900);
        assert_eq!(parse_populations("population", "2024: 1\n2024: 2").unwrap_err().reason, Reason::AlreadyExists);
        assert_eq!(parse_populations("population", "2024").unwrap_err().reason, Reason::InvalidFormat);
        assert_eq!(parse_populations("population", "1800: 5").unwrap_err().reason, Reason::InvalidFormat);
        assert_eq!(parse_populations("population", "2024: -5").unwrap_err().reason, Reason::InvalidFormat);
        assert!(parse_populations("population", "").unwrap().is_empty());
    }

    #[test]
    fn population_in_force_is_the_latest_known() {
        let list = parse_populations("p", "2020: 100\n2023: 130").unwrap();
        assert_eq!(population_for(&list, 2019), None);
        assert_eq!(population_for(&list, 2021), Some(100));
        assert_eq!(population_for(&list, 2026), Some(130));
    }

    #[test]
    fn default_zones() {
        assert_eq!(default_time_zone(Country::Norway), "Europe/Oslo");
        assert_eq!(default_time_zone(Country::Sweden), "Europe/Stockholm");
    }
}
