//! Integration tests: the real server on port 0, spoken to over HTTP, on SQLite and on
//! PostgreSQL. One test binary, so the build is shared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg_instance;
mod support;

mod api;
mod audit;
mod checks;
mod cli;
mod crash;
mod deadline_rules;
mod decision_pages;
mod decision_pdf;
mod decisions;
mod login;
mod municipalities;
mod national;
mod person_pages;
mod persons;
mod plan_pages;
mod plans;
mod referral_pages;
mod referrals;
mod security;
mod services;
mod store;
// Housing, tallies and dashboards (issue 6).
mod housing;
mod housing_pages;
