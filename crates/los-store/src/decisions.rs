//! Decisions (*vedtak*) and their appeals.
//!
//! Every function that returns or changes a person's decisions takes a [`PersonGrant`] and reads
//! the person id from the grant, so a grant for one person cannot open another's decisions. The
//! only function without a grant, [`person_of`], returns whose decision an id is, for asking the
//! policy.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::decision::{DecisionTerms, Forwarding, Outcome};
use los_core::ids::{OrganizationId, PersonId, ServiceId};
use los_core::locale::Locale;
use los_core::organization::Country;
use los_core::policy::PersonGrant;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::persons::{changes, date_text, opt_date, parse_date, reads, require};
use crate::util::{corrupt, get, micros, parse, timestamp};
use crate::{Tx, map_sqlx};

/// A decision's id (UUIDv7 text, like every other id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DecisionId(Uuid);

impl DecisionId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for DecisionId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A stored decision. The legal basis is its catalogue code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: DecisionId,
    pub person: PersonId,
    pub organization: OrganizationId,
    pub organization_name: String,
    pub service: ServiceId,
    pub service_name: String,
    pub legal_basis: String,
    pub outcome: Outcome,
    pub extent: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub review_on: Option<Date>,
    pub grounds: String,
    pub notice_on: Option<Date>,
    pub appeal_received_on: Option<Date>,
    pub appeal_forwarded_on: Option<Date>,
    pub appeal_forwarded_to: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub updated_at: Timestamp,
}

/// What a letter needs to know about the person: the name, the country (whose law and
/// calendar) and the language to write in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub display_name: String,
    pub country: Country,
    pub language: Locale,
    pub address: String,
}

const SELECT: &str = "SELECT d.id, d.person_id, d.organization_id, o.name AS organization_name, d.service_id, \
    s.name AS service_name, d.legal_basis, d.outcome, d.extent, d.valid_from, d.valid_to, d.review_on, d.grounds, \
    d.notice_on, d.appeal_received_on, d.appeal_forwarded_on, d.appeal_forwarded_to, d.version, d.created_at, \
    d.created_by, d.updated_at \
    FROM decisions d JOIN services s ON s.id = d.service_id JOIN organizations o ON o.id = d.organization_id";

fn from_row(row: &AnyRow) -> Result<Decision, Error> {
    Ok(Decision {
        id: parse(&get::<String>(row, "id")?, "decision id")?,
        person: parse(&get::<String>(row, "person_id")?, "person id")?,
        organization: parse(&get::<String>(row, "organization_id")?, "organization id")?,
        organization_name: get(row, "organization_name")?,
        service: parse(&get::<String>(row, "service_id")?, "service id")?,
        service_name: get(row, "service_name")?,
        legal_basis: get(row, "legal_basis")?,
        outcome: Outcome::from_code(&get::<String>(row, "outcome")?).ok_or_else(|| corrupt("decision outcome"))?,
        extent: get(row, "extent")?,
        valid_from: parse_date(&get::<String>(row, "valid_from")?)?,
        valid_to: opt_date(get(row, "valid_to")?)?,
        review_on: opt_date(get(row, "review_on")?)?,
        grounds: get(row, "grounds")?,
        notice_on: opt_date(get(row, "notice_on")?)?,
        appeal_received_on: opt_date(get(row, "appeal_received_on")?)?,
        appeal_forwarded_on: opt_date(get(row, "appeal_forwarded_on")?)?,
        appeal_forwarded_to: get(row, "appeal_forwarded_to")?,
        version: get(row, "version")?,
        created_at: timestamp(get(row, "created_at")?)?,
        created_by: get(row, "created_by")?,
        updated_at: timestamp(get(row, "updated_at")?)?,
    })
}

/// Whose decision `id` is; `None` if there is no such decision. A fact for asking the policy.
pub async fn person_of(tx: &mut Tx, id: DecisionId) -> Result<Option<PersonId>, Error> {
    let row = sqlx::query("SELECT person_id FROM decisions WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| parse(&get::<String>(&row, "person_id")?, "person id")).transpose()
}

/// The grant's person as a letter addresses them.
pub async fn addressee(tx: &mut Tx, grant: &PersonGrant) -> Result<Addressee, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let row = sqlx::query(
        "SELECT kind, given_name, family_name, pseudonym, country, language, address FROM persons WHERE id = $1",
    )
    .bind(grant.person().to_string())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_sqlx)?
    .ok_or(Error::NotFound { what: "person" })?;
    let kind: String = get(&row, "kind")?;
    let display_name = if kind == "pseudonymous" {
        get::<Option<String>>(&row, "pseudonym")?.unwrap_or_default()
    } else {
        format!("{} {}", get::<String>(&row, "given_name")?, get::<String>(&row, "family_name")?)
    };
    let country = Country::parse("country", &get::<String>(&row, "country")?).map_err(|_| corrupt("country"))?;
    let language = Locale::from_tag(&get::<String>(&row, "language")?).ok_or_else(|| corrupt("language"))?;
    Ok(Addressee { display_name, country, language, address: get(&row, "address")? })
}

/// Stores a new decision for the grant's person, made by the actor's organisation.
pub async fn insert(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: DecisionId,
    service: ServiceId,
    terms: &DecisionTerms,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let actor = grant.actor();
    sqlx::query(
        "INSERT INTO decisions (id, person_id, organization_id, service_id, legal_basis, outcome, extent, valid_from, \
         valid_to, review_on, grounds, notice_on, version, created_at, created_by, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $13, $14)",
    )
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(actor.organization.to_string())
    .bind(service.to_string())
    .bind(terms.legal_basis.code)
    .bind(terms.outcome.code())
    .bind(&terms.extent)
    .bind(date_text(terms.valid_from))
    .bind(terms.valid_to.map(date_text))
    .bind(terms.review_on.map(date_text))
    .bind(&terms.grounds)
    .bind(terms.notice_on.map(date_text))
    .bind(micros(at))
    .bind(actor.account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// The grant's person's decisions, newest period first.
pub async fn list(tx: &mut Tx, grant: &PersonGrant) -> Result<Vec<Decision>, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    sqlx::query(&format!("{SELECT} WHERE d.person_id = $1 ORDER BY d.valid_from DESC, d.created_at DESC"))
        .bind(grant.person().to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .iter()
        .map(from_row)
        .collect()
}

/// One decision of the grant's person.
pub async fn get_one(tx: &mut Tx, grant: &PersonGrant, id: DecisionId) -> Result<Decision, Error> {
    require(grant, reads(DataCategory::ReferralsDecisions))?;
    let row = sqlx::query(&format!("{SELECT} WHERE d.id = $1 AND d.person_id = $2"))
        .bind(id.to_string())
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "decision" })?;
    from_row(&row)
}

fn changed(result: sqlx::any::AnyQueryResult) -> Result<(), Error> {
    if result.rows_affected() == 0 { Err(Error::Conflict { what: "decision" }) } else { Ok(()) }
}

/// Replaces the terms if the decision is still at `expected_version`; otherwise `Conflict`.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: DecisionId,
    expected_version: i64,
    service: ServiceId,
    terms: &DecisionTerms,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let result = sqlx::query(
        "UPDATE decisions SET service_id = $1, legal_basis = $2, outcome = $3, extent = $4, valid_from = $5, \
         valid_to = $6, review_on = $7, grounds = $8, notice_on = $9, updated_at = $10, updated_by = $11, \
         version = version + 1 WHERE id = $12 AND person_id = $13 AND version = $14",
    )
    .bind(service.to_string())
    .bind(terms.legal_basis.code)
    .bind(terms.outcome.code())
    .bind(&terms.extent)
    .bind(date_text(terms.valid_from))
    .bind(terms.valid_to.map(date_text))
    .bind(terms.review_on.map(date_text))
    .bind(&terms.grounds)
    .bind(terms.notice_on.map(date_text))
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    changed(result)
}

/// Registers an appeal received on `received_on`, if the decision is still at `expected_version`.
pub async fn register_appeal(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: DecisionId,
    expected_version: i64,
    received_on: Date,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let account = grant.actor().account.to_string();
    let result = sqlx::query(
        "UPDATE decisions SET appeal_received_on = $1, appeal_registered_by = $2, updated_at = $3, updated_by = $2, \
         version = version + 1 WHERE id = $4 AND person_id = $5 AND version = $6",
    )
    .bind(date_text(received_on))
    .bind(&account)
    .bind(micros(at))
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    changed(result)
}

/// Records that the appeal was sent on, if the decision is still at `expected_version`.
pub async fn forward_appeal(
    tx: &mut Tx,
    grant: &PersonGrant,
    id: DecisionId,
    expected_version: i64,
    forwarding: &Forwarding,
    at: Timestamp,
) -> Result<(), Error> {
    require(grant, changes(DataCategory::ReferralsDecisions))?;
    let account = grant.actor().account.to_string();
    let result = sqlx::query(
        "UPDATE decisions SET appeal_forwarded_on = $1, appeal_forwarded_to = $2, appeal_forwarded_by = $3, \
         updated_at = $4, updated_by = $3, version = version + 1 \
         WHERE id = $5 AND person_id = $6 AND version = $7 AND appeal_received_on IS NOT NULL",
    )
    .bind(date_text(forwarding.forwarded_on))
    .bind(&forwarding.forwarded_to)
    .bind(&account)
    .bind(micros(at))
    .bind(id.to_string())
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    changed(result)
}
