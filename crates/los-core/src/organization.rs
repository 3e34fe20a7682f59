//! Organisations taking part in the chain of services.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    MunicipalUnit,
    HospitalTrust,
    Dps,
    Lar,
    PrisonProbation,
    Nav,
    Ngo,
    PrivateInstitution,
}

impl OrganizationKind {
    pub const ALL: [OrganizationKind; 8] = [
        OrganizationKind::MunicipalUnit,
        OrganizationKind::HospitalTrust,
        OrganizationKind::Dps,
        OrganizationKind::Lar,
        OrganizationKind::PrisonProbation,
        OrganizationKind::Nav,
        OrganizationKind::Ngo,
        OrganizationKind::PrivateInstitution,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrganizationKind::MunicipalUnit => "municipal_unit",
            OrganizationKind::HospitalTrust => "hospital_trust",
            OrganizationKind::Dps => "dps",
            OrganizationKind::Lar => "lar",
            OrganizationKind::PrisonProbation => "prison_probation",
            OrganizationKind::Nav => "nav",
            OrganizationKind::Ngo => "ngo",
            OrganizationKind::PrivateInstitution => "private_institution",
        }
    }

    pub fn parse(field: &str, code: &str) -> Result<Self, FieldError> {
        OrganizationKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code.trim())
            .ok_or_else(|| FieldError::new(field, Reason::UnknownValue))
    }
}

/// Two-letter country code of the legal system an organisation works under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "NO")]
    Norway,
    #[serde(rename = "SE")]
    Sweden,
}

impl Country {
    pub const ALL: [Country; 2] = [Country::Norway, Country::Sweden];

    pub fn code(self) -> &'static str {
        match self {
            Country::Norway => "NO",
            Country::Sweden => "SE",
        }
    }

    pub fn parse(field: &str, code: &str) -> Result<Self, FieldError> {
        match code.trim().to_ascii_uppercase().as_str() {
            "NO" => Ok(Country::Norway),
            "SE" => Ok(Country::Sweden),
            "" => Err(FieldError::new(field, Reason::Required)),
            _ => Err(FieldError::new(field, Reason::UnknownValue)),
        }
    }
}

pub const ORGANIZATION_NAME_MAX: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in OrganizationKind::ALL {
            assert_eq!(OrganizationKind::parse("kind", kind.code()).unwrap(), kind);
        }
        assert_eq!(OrganizationKind::parse("kind", "bank").unwrap_err().reason, Reason::UnknownValue);
    }

    #[test]
    fn countries_parse() {
        assert_eq!(Country::parse("country", "se").unwrap(), Country::Sweden);
        assert_eq!(Country::parse("country", "").unwrap_err().reason, Reason::Required);
        assert_eq!(Country::parse("country", "DK").unwrap_err().reason, Reason::UnknownValue);
    }
}
