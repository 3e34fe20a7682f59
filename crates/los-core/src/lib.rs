//! Los domain core: types, validation and rules. Pure: no IO, no async, no database or web types.
//!
//! Everything that decides something about the domain lives here so that it can be tested with
//! plain values and an injected clock.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod consent;
pub mod deadline;
pub mod decision;
pub mod episode;
pub mod error;
pub mod ics;
pub mod identifiers;
pub mod ids;
pub mod legal_basis;
pub mod locale;
pub mod municipality;
pub mod organization;
pub mod person;
pub mod plan;
pub mod policy;
pub mod referral;
pub mod relative;
pub mod service;
// Housing, tallies and small-cell suppression (issue 6).
pub mod housing;
pub mod suppression;
pub mod tally;

pub use clock::{Clock, ManualClock};
pub use error::{Error, FieldError, Reason, Result};
