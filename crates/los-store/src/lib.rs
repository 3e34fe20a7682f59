//! Los persistence. One implementation over sqlx's `Any` driver that runs on SQLite (the
//! embedded default) and PostgreSQL; the few dialect differences live in [`dialect`].
//!
//! Identifiers and timestamps are made in Rust (UUID text, UTC microseconds), so the SQL stays
//! portable. Functions that touch personal data take a `los_core::policy::Grant`.

pub mod accounts;
pub mod audit;
mod audit_queue;
pub mod bulk;
mod connect;
pub mod consents;
pub mod deadline_rules;
pub mod deadlines;
pub mod decisions;
pub mod dialect;
pub mod emergency;
pub mod episodes;
mod error;
pub mod municipalities;
pub mod organizations;
pub mod persons;
pub mod plans;
pub mod referrals;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod throttle;
pub mod tokens;
mod util;
mod writer;
// Housing, tallies and dashboards (issue 6).
pub mod dashboards;
pub mod housing;
pub mod tallies;

pub use audit_queue::AuditedRead;
pub use connect::{Backend, ConnectError, DatabaseUrl, Store, StoreOptions};
pub use error::map_sqlx;
pub use writer::Tx;
