//! The open deadlines of an organisation's cases, for "my deadlines": which record, whose, which
//! date starts or ends the clock. Ids and dates only; the caller asks the policy about each
//! person before showing a name.

use jiff::civil::Date;
use los_core::Error;
use los_core::ids::PersonId;
use los_core::policy::{Action, Grant};

use crate::persons::{opt_date, parse_date};
use crate::util::{get, parse};
use crate::{Tx, map_sqlx};

/// What kind of clock a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeadlineKind {
    /// A received referral waits for its assessment (pasientrettighetsloven § 2-2).
    ReferralAssessment,
    /// An accepted referral with right to care must start by its start deadline.
    ReferralStart,
    /// A decision's review date.
    DecisionReview,
    /// The end of a coercion decision's period (its statutory limit).
    CoercionEnds,
}

impl DeadlineKind {
    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::ReferralAssessment => "referral_assessment",
            DeadlineKind::ReferralStart => "referral_start",
            DeadlineKind::DecisionReview => "decision_review",
            DeadlineKind::CoercionEnds => "coercion_ends",
        }
    }
}

/// One open case with a clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineSource {
    /// A referral received by one of the organisation's services.
    Referral {
        id: String,
        person: PersonId,
        service_name: String,
        status: String,
        received_on: Option<Date>,
        start_deadline: Option<Date>,
        /// The actor took a step on it.
        mine: bool,
    },
    /// A decision made by the organisation that is still running.
    Decision {
        id: String,
        person: PersonId,
        service_name: String,
        legal_basis: String,
        review_on: Option<Date>,
        valid_to: Option<Date>,
        /// The actor recorded or last changed it.
        mine: bool,
    },
}

/// Open referrals and running decisions of the organisation the grant names, with `today` as
/// the local date, that may have a deadline on or before `until`: referrals awaiting assessment
/// (their deadline is computed from the day received), referrals with a start deadline by then,
/// and decisions to review or ending by then. With `all: false` in the grant only the actor's
/// own cases (a step they recorded; a decision they made or changed).
pub async fn open_cases(tx: &mut Tx, grant: &Grant, today: Date, until: Date) -> Result<Vec<DeadlineSource>, Error> {
    let Action::ListDeadlines { organization, all } = grant.action() else { return Err(Error::Forbidden) };
    let organization = organization.to_string();
    let account = grant.actor().account.to_string();
    let mut out = Vec::new();
    let referrals = sqlx::query(
        "SELECT r.id, r.person_id, s.name AS service_name, r.status, r.received_on, r.start_deadline, \
         (SELECT COUNT(*) FROM referral_steps t WHERE t.referral_id = r.id AND t.account_id = $2) AS mine \
         FROM referrals r JOIN services s ON s.id = r.to_service_id \
         WHERE s.provider_organization_id = $1 AND (r.status = 'received' \
            OR (r.status IN ('accepted', 'offered') AND r.start_deadline IS NOT NULL AND r.start_deadline <= $3)) \
         AND ($4 = 1 OR EXISTS (SELECT 1 FROM referral_steps o WHERE o.referral_id = r.id AND o.account_id = $2))",
    )
    .bind(&organization)
    .bind(&account)
    .bind(until.to_string())
    .bind(i64::from(all))
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    for row in referrals {
        let mine = get::<i64>(&row, "mine")? > 0;
        if !all && !mine {
            continue;
        }
        out.push(DeadlineSource::Referral {
            id: get(&row, "id")?,
            person: parse(&get::<String>(&row, "person_id")?, "person id")?,
            service_name: get(&row, "service_name")?,
            status: get(&row, "status")?,
            received_on: opt_date(get(&row, "received_on")?)?,
            start_deadline: opt_date(get(&row, "start_deadline")?)?,
            mine,
        });
    }
    let decisions = sqlx::query(
        "SELECT d.id, d.person_id, s.name AS service_name, d.legal_basis, d.review_on, d.valid_to, \
         d.created_by, d.updated_by FROM decisions d JOIN services s ON s.id = d.service_id \
         WHERE d.organization_id = $1 AND (d.valid_to IS NULL OR d.valid_to >= $2) \
         AND (d.review_on <= $3 OR d.valid_to <= $3) \
         AND ($4 = 1 OR d.created_by = $5 OR d.updated_by = $5)",
    )
    .bind(&organization)
    .bind(today.to_string())
    .bind(until.to_string())
    .bind(i64::from(all))
    .bind(&account)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    for row in decisions {
        let created_by: Option<String> = get(&row, "created_by")?;
        let updated_by: Option<String> = get(&row, "updated_by")?;
        let mine = created_by.as_deref() == Some(account.as_str()) || updated_by.as_deref() == Some(account.as_str());
        if !all && !mine {
            continue;
        }
        out.push(DeadlineSource::Decision {
            id: get(&row, "id")?,
            person: parse(&get::<String>(&row, "person_id")?, "person id")?,
            service_name: get(&row, "service_name")?,
            legal_basis: get(&row, "legal_basis")?,
            review_on: opt_date(get(&row, "review_on")?)?,
            valid_to: get::<Option<String>>(&row, "valid_to")?.as_deref().map(parse_date).transpose()?,
            mine,
        });
    }
    Ok(out)
}
