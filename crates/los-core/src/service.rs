//! Services (tiltak) in the chain of services: who provides them, for whom, under which legal
//! basis, in which phase, and with what capacity, budget and staff per year.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::error::{FieldError, Reason, Validator};

pub const SERVICE_NAME_MAX: usize = 200;
pub const SERVICE_TEXT_MAX: usize = 4_000;
pub const FOCUS_AREA_MAX: usize = 80;
pub const FOCUS_AREAS_MAX: usize = 20;

/// The links of the chain, the way municipal substance-use plans group their services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    Health,
    Housing,
    ActivityWork,
    Economy,
    FollowUp,
}

impl ServiceCategory {
    pub const ALL: [ServiceCategory; 5] = [
        ServiceCategory::Health,
        ServiceCategory::Housing,
        ServiceCategory::ActivityWork,
        ServiceCategory::Economy,
        ServiceCategory::FollowUp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ServiceCategory::Health => "health",
            ServiceCategory::Housing => "housing",
            ServiceCategory::ActivityWork => "activity_work",
            ServiceCategory::Economy => "economy",
            ServiceCategory::FollowUp => "follow_up",
        }
    }

    pub fn parse(field: &str, code: &str) -> std::result::Result<Self, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, Reason::Required)),
            code => Self::ALL
                .into_iter()
                .find(|c| c.code() == code)
                .ok_or_else(|| FieldError::new(field, Reason::UnknownValue)),
        }
    }
}

/// Before, during or after specialised treatment or prison (forvern, behandling, ettervern).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    PreTreatment,
    Treatment,
    Aftercare,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::PreTreatment, Phase::Treatment, Phase::Aftercare];

    pub fn code(self) -> &'static str {
        match self {
            Phase::PreTreatment => "pre_treatment",
            Phase::Treatment => "treatment",
            Phase::Aftercare => "aftercare",
        }
    }

    pub fn parse(field: &str, code: &str) -> std::result::Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code.trim())
            .ok_or_else(|| FieldError::new(field, Reason::UnknownValue))
    }
}

/// What a capacity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityUnit {
    Places,
    Beds,
}

impl CapacityUnit {
    pub fn code(self) -> &'static str {
        match self {
            CapacityUnit::Places => "places",
            CapacityUnit::Beds => "beds",
        }
    }

    pub fn parse(field: &str, code: &str) -> std::result::Result<Self, FieldError> {
        match code.trim() {
            "places" => Ok(CapacityUnit::Places),
            "beds" => Ok(CapacityUnit::Beds),
            _ => Err(FieldError::new(field, Reason::UnknownValue)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub amount: u32,
    pub unit: CapacityUnit,
}

/// Budget (whole kroner/kronor) and staffing (full-time equivalents in hundredths) of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceYear {
    pub year: i32,
    pub budget: Option<i64>,
    pub fte_hundredths: Option<i64>,
}

/// A checked service description (without its id, provider and owner, which the store resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDescription {
    pub name: String,
    pub category: ServiceCategory,
    pub phases: Vec<Phase>,
    pub target_group: String,
    pub goals: String,
    pub legal_bases: Vec<String>,
    pub capacity: Option<Capacity>,
    pub opening_hours: String,
    pub focus_areas: Vec<String>,
    pub years: Vec<ServiceYear>,
}

/// The raw fields of a service form or API body.
#[derive(Debug, Clone, Default)]
pub struct ServiceFields {
    pub name: String,
    pub category: String,
    pub phases: Vec<String>,
    pub target_group: String,
    pub goals: String,
    pub legal_bases: Vec<String>,
    pub capacity: String,
    pub capacity_unit: String,
    pub opening_hours: String,
    pub focus_areas: Vec<String>,
    pub years: Vec<ServiceYear>,
}

fn text(v: &mut Validator, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.chars().count() > max {
        v.add(field, Reason::TooLong { max });
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        v.add(field, Reason::InvalidCharacters);
    }
    value.to_string()
}

/// Checks every field at once; `known_legal_basis` says whether a legal-basis code exists.
pub fn validate(fields: &ServiceFields, known_legal_basis: impl Fn(&str) -> bool) -> Result<ServiceDescription> {
    let mut v = Validator::new();
    let name = v.check(crate::account::parse_display_name("name", &fields.name, SERVICE_NAME_MAX));
    let category = v.check(ServiceCategory::parse("category", &fields.category));
    let mut phases = Vec::new();
    for raw in fields.phases.iter().filter(|p| !p.trim().is_empty()) {
        if let Some(phase) = v.check(Phase::parse("phases", raw))
            && !phases.contains(&phase)
        {
            phases.push(phase);
        }
    }
    phases.sort();
    let target_group = text(&mut v, "target_group", &fields.target_group, SERVICE_TEXT_MAX);
    let goals = text(&mut v, "goals", &fields.goals, SERVICE_TEXT_MAX);
    let opening_hours = text(&mut v, "opening_hours", &fields.opening_hours, SERVICE_NAME_MAX);
    let mut legal_bases: Vec<String> = Vec::new();
    for code in fields.legal_bases.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !known_legal_basis(code) {
            v.add("legal_bases", Reason::Unknown);
        } else if !legal_bases.iter().any(|c| c == code) {
            legal_bases.push(code.to_string());
        }
    }
    let capacity = match (fields.capacity.trim(), fields.capacity_unit.trim()) {
        ("", _) => None,
        (amount, unit) => {
            let amount = amount.parse::<u32>().ok().filter(|n| *n <= 100_000);
            if amount.is_none() {
                v.add("capacity", Reason::InvalidFormat);
            }
            let unit = v.check(CapacityUnit::parse("capacity_unit", unit));
            amount.zip(unit).map(|(amount, unit)| Capacity { amount, unit })
        }
    };
    let mut focus_areas: Vec<String> = Vec::new();
    for area in fields.focus_areas.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if area.chars().count() > FOCUS_AREA_MAX {
            v.add("focus_areas", Reason::TooLong { max: FOCUS_AREA_MAX });
        } else if !focus_areas.iter().any(|a| a.eq_ignore_ascii_case(area)) {
            focus_areas.push(area.to_string());
        }
    }
    if focus_areas.len() > FOCUS_AREAS_MAX {
        v.add("focus_areas", Reason::UnknownValue);
    }
    let mut years: Vec<ServiceYear> = Vec::new();
    for year in &fields.years {
        let valid_year = (1900..=2200).contains(&year.year);
        let valid_budget = year.budget.is_none_or(|b| (0..=1_000_000_000_000).contains(&b));
        let valid_fte = year.fte_hundredths.is_none_or(|f| (0..=10_000_000).contains(&f));
        if !(valid_year && valid_budget && valid_fte) {
            v.add("years", Reason::InvalidFormat);
        } else if years.iter().any(|y| y.year == year.year) {
            v.add("years", Reason::AlreadyExists);
        } else {
            years.push(*year);
        }
    }
    years.sort_by_key(|y| y.year);
    v.finish()?;
    match (name, category) {
        (Some(name), Some(category)) => Ok(ServiceDescription {
            name,
            category,
            phases,
            target_group,
            goals,
            legal_bases,
            capacity,
            opening_hours,
            focus_areas,
            years,
        }),
        _ => Err(crate::Error::Internal),
    }
}

/// Parses "12,5" or "12.5" full-time equivalents into hundredths.
pub fn parse_fte(field: &str, raw: &str) -> std::result::Result<Option<i64>, FieldError> {
    let value = raw.trim().replace(',', ".");
    if value.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = value.split_once('.').unwrap_or((&value, ""));
    let ok = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !ok || whole.len() > 6 {
        return Err(FieldError::new(field, Reason::InvalidFormat));
    }
    let whole: i64 = whole.parse().map_err(|_| FieldError::new(field, Reason::InvalidFormat))?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| FieldError::new(field, Reason::InvalidFormat))?;
    Ok(Some(whole * 100 + fraction))
}

/// Hundredths of a full-time equivalent as text, without needless decimals.
pub fn format_fte(hundredths: i64) -> String {
    let whole = hundredths / 100;
    match hundredths % 100 {
        0 => whole.to_string(),
        rest if rest % 10 == 0 => format!("{whole},{}", rest / 10),
        rest => format!("{whole},{rest:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ServiceFields {
        ServiceFields {
            name: "Natthjem".into(),
            category: "housing".into(),
            phases: vec!["aftercare".into(), "pre_treatment".into(), "aftercare".into()],
            legal_bases: vec!["no.sotjl.27".into()],
            capacity: "8".into(),
            capacity_unit: "beds".into(),
            focus_areas: vec!["Bolig først".into(), "bolig først".into()],
            years: vec![
                ServiceYear { year: 2025, budget: Some(4_000_000), fte_hundredths: Some(650) },
                ServiceYear { year: 2024, budget: None, fte_hundredths: None },
            ],
            ..ServiceFields::default()
        }
    }

    #[test]
    fn a_service_is_normalised() {
        let service = validate(&fields(), |code| code == "no.sotjl.27").unwrap();
        assert_eq!(service.phases, [Phase::PreTreatment, Phase::Aftercare]);
        assert_eq!(service.capacity, Some(Capacity { amount: 8, unit: CapacityUnit::Beds }));
        assert_eq!(service.focus_areas, ["Bolig først"]);
        assert_eq!(service.years[0].year, 2024);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = fields();
        bad.name = " ".into();
        bad.category = "fun".into();
        bad.phases = vec!["later".into()];
        bad.capacity = "-1".into();
        bad.capacity_unit = "rooms".into();
        bad.years.push(ServiceYear { year: 2025, budget: None, fte_hundredths: None });
        let crate::Error::Invalid(errors) = validate(&bad, |_| false).unwrap_err() else { panic!("invalid expected") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "category", "phases", "legal_bases", "capacity", "capacity_unit", "years"]);
    }

    #[test]
    fn fte_parses_and_formats() {
        assert_eq!(parse_fte("fte", "12,5").unwrap(), Some(1250));
        assert_eq!(parse_fte("fte", "3").unwrap(), Some(300));
        assert_eq!(parse_fte("fte", "0.75").unwrap(), Some(75));
        assert_eq!(parse_fte("fte", "").unwrap(), None);
        for bad in ["1.234", "x", "-1", ".5", "1,2,3"] {
            assert!(parse_fte("fte", bad).is_err(), "{bad}");
        }
        assert_eq!(format_fte(1250), "12,5");
        assert_eq!(format_fte(300), "3");
        assert_eq!(format_fte(75), "0,75");
    }
}
