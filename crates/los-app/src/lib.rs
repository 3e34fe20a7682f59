//! Los use cases. Each one follows the same shape: authorise through the policy, apply the
//! domain rule, then change the store in one transaction together with its audit event.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod deadline_rules;
pub mod deadlines;
pub mod decisions;
pub mod demo;
mod demo_decisions;
pub mod demo_national;
mod demo_national_housing;
mod demo_persons;
mod demo_plans;
mod demo_referrals;
mod demo_rng;
pub mod legal_bases;
pub mod municipalities;
pub mod organizations;
pub mod persons;
pub mod plans;
pub mod referrals;
pub mod secrets;
pub mod services;
pub mod tokens;
// Housing, tallies and dashboards (issue 6).
pub mod dashboards;
mod demo_housing;
pub mod housing;
pub mod tallies;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use los_core::Clock;
use los_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use los_core::policy::Actor;
use los_store::Store;

/// The system clock, the one place Los reads real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Session and login rules, configurable per installation.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub idle_timeout: SignedDuration,
    pub absolute_timeout: SignedDuration,
    /// Demo installations offer the second factor without forcing it.
    pub demo: bool,
    /// Failed logins allowed per account before each attempt must wait.
    pub account_free_failures: i64,
    /// Failed logins allowed per client address before each attempt must wait.
    pub address_free_failures: i64,
    /// The longest wait between attempts; the wait never grows beyond it, so nobody is locked
    /// out for good.
    pub max_wait: SignedDuration,
    /// The issuer name shown in authenticator apps.
    pub totp_issuer: String,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout: SignedDuration::from_mins(30),
            absolute_timeout: SignedDuration::from_hours(12),
            demo: false,
            account_free_failures: 5,
            address_free_failures: 20,
            max_wait: SignedDuration::from_mins(15),
            totp_issuer: "Los".to_string(),
        }
    }
}

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub auth: AuthSettings,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, auth: AuthSettings) -> Self {
        Self { store, clock, auth }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today's date in `time_zone` (an IANA name such as `Europe/Oslo`); UTC if the name is
    /// unknown on this machine.
    pub fn today_in(&self, time_zone: &str) -> jiff::civil::Date {
        let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        self.now().to_zoned(tz).date()
    }
}

/// Where a request came from, for audit events.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

impl RequestContext {
    /// An audit event stamped with this request and, if given, the actor.
    pub fn event(
        &self,
        at: Timestamp,
        actor: Option<&Actor>,
        action: AuditAction,
        outcome: AuditOutcome,
    ) -> AuditEvent {
        let mut event = AuditEvent::new(at, action, outcome);
        event.request_id = self.request_id.clone();
        event.client_address = self.client_address.clone();
        if let Some(actor) = actor {
            event.actor_account = Some(actor.account);
            event.actor_organization = Some(actor.organization);
            event.actor_role = Some(actor.role);
        }
        event
    }
}
