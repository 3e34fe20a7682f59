//! Typed identifiers. All are UUIDv7 made in Rust, so rows sort by creation and both
//! database backends store them the same way (as text).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A staff login.
    AccountId
);
id_type!(
    /// An organisation (municipal unit, hospital trust, NAV office, NGO, ...).
    OrganizationId
);
id_type!(
    /// A municipality (kommune / kommun): the tenant.
    MunicipalityId
);
id_type!(
    /// An inter-municipal collaboration.
    RegionId
);
id_type!(
    /// A service (tiltak) in the catalogue.
    ServiceId
);
id_type!(
    /// A person receiving services. Never a staff member: those are accounts.
    PersonId
);
id_type!(
    /// A personal access token for an API client.
    TokenId
);

id_type!(
    /// A relative of a person.
    RelativeId
);
id_type!(
    /// A person's episode at a service.
    EpisodeId
);
id_type!(
    /// A consent to share with an organisation.
    ConsentId
);
id_type!(
    /// A block (sperring) against an organisation or an account.
    BlockId
);
id_type!(
    /// One emergency access (break the glass).
    EmergencyAccessId
);
id_type!(
    /// A referral from a service or organisation to a service.
    ReferralId
);

id_type!(
    /// A person's individual plan (IP / SIP).
    PlanId
);
id_type!(
    /// A responsibility-group meeting.
    MeetingId
);

// Housing and tallies (issue 6).
id_type!(
    /// A housing unit (a bed, a flat, a shared house) of a service.
    HousingUnitId
);
id_type!(
    /// A person's stay in a housing unit.
    StayId
);
id_type!(
    /// One recorded day of tallies (a correction is a new entry).
    TallyEntryId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = AccountId::generate();
        let back: AccountId = id.to_string().parse().unwrap();
        assert_eq!(id, back);
        assert!("not-a-uuid".parse::<AccountId>().is_err());
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = OrganizationId::generate();
        let b = OrganizationId::generate();
        assert!(a.to_string() < b.to_string());
    }
}
