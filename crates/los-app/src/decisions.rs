//! Decisions (*vedtak*, design item 8) and their appeals. Recording and changing a decision
//! needs the policy's `Change(ReferralsDecisions)` for the person; reading needs `Read`. Every
//! read, change and refusal is audited in the same transaction; a refusal is committed before
//! `Forbidden` is returned. Bad input rolls the transaction back: nothing is saved.

use jiff::civil::Date;
use los_core::audit::AuditAction;
use los_core::consent::DataCategory;
use los_core::deadline::{DeadlineResult, DueStatus};
use los_core::decision::{self, DecisionFields};
use los_core::error::Validator;
use los_core::ids::{PersonId, ServiceId};
use los_core::legal_basis::{self, LegalBasis};
use los_core::policy::{Actor, PersonAction, PersonGrant};
use los_core::{Error, Reason};
use los_store::decisions::{self as store, Addressee, Decision, DecisionId};
use los_store::{Tx, map_sqlx, services};

use crate::deadline_rules::Calendars;
use crate::{App, RequestContext};

/// A decision as typed: the service (id) and the terms.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub service: String,
    pub fields: DecisionFields,
}

/// A decision with what follows from it on `today`.
#[derive(Debug, Clone)]
pub struct DecisionView {
    pub decision: Decision,
    pub legal_basis: Option<&'static LegalBasis>,
    /// From the date of notice, by the country's appeal rule; `None` until notice is recorded.
    pub appeal_deadline: Option<DeadlineResult>,
    /// Whether a registered appeal came in after the deadline (it may still be considered).
    pub appeal_late: Option<bool>,
    pub review_status: Option<DueStatus>,
    pub today: Date,
}

/// A decision letter: the decision and whom it is written to (in their language).
#[derive(Debug, Clone)]
pub struct DecisionLetter {
    pub view: DecisionView,
    pub addressee: Addressee,
}

/// The view of a stored decision on `today`.
pub fn view(decision: Decision, today: Date, calendars: &Calendars) -> DecisionView {
    let legal_basis = legal_basis::legal_basis(&decision.legal_basis);
    let appeal_deadline = match (legal_basis, decision.notice_on) {
        (Some(basis), Some(notice)) => decision::appeal_deadline(calendars.of(basis.country), notice),
        _ => None,
    };
    let appeal_late = match (&appeal_deadline, decision.appeal_received_on) {
        (Some(deadline), Some(received)) => deadline.due.map(|due| received > due),
        _ => None,
    };
    let review_status = decision.review_on.map(|review| decision::review_status(review, today));
    DecisionView { decision, legal_basis, appeal_deadline, appeal_late, review_status, today }
}

const CHANGE: PersonAction = PersonAction::Change(DataCategory::ReferralsDecisions);
const READ: PersonAction = PersonAction::Read(DataCategory::ReferralsDecisions);

impl App {
    /// The service must exist (any organisation's); otherwise `service` is `unknown`.
    async fn decision_service(tx: &mut Tx, raw: &str, v: &mut Validator) -> Result<Option<ServiceId>, Error> {
        let raw = raw.trim();
        if raw.is_empty() {
            v.add("service", Reason::Required);
            return Ok(None);
        }
        let Ok(id) = raw.parse::<ServiceId>() else {
            v.add("service", Reason::Unknown);
            return Ok(None);
        };
        let found = services::by_id(tx, id).await?.map(|s| s.id);
        if found.is_none() {
            v.add("service", Reason::Unknown);
        }
        Ok(found)
    }

    /// Opens a write transaction for a decision: finds whose it is (unknown → `NotFound`) and asks
    /// the policy; a refusal is audited and committed.
    async fn begin_decision(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: DecisionId,
        action: PersonAction,
    ) -> Result<(Tx, PersonGrant), Error> {
        let mut tx = self.store.write().await?;
        let person = store::person_of(&mut tx, id).await?.ok_or(Error::NotFound { what: "decision" })?;
        match self.decide_person(&mut tx, ctx, actor, person, action).await {
            Ok(grant) => Ok((tx, grant)),
            Err(Error::Forbidden) => {
                tx.commit().await.map_err(map_sqlx)?;
                Err(Error::Forbidden)
            }
            Err(other) => Err(other),
        }
    }

    /// Validates the service and terms for the grant's person (the legal basis must be of the
    /// person's country). Reports every field at once.
    async fn terms(
        &self,
        tx: &mut Tx,
        grant: &PersonGrant,
        input: &DecisionInput,
    ) -> Result<(ServiceId, decision::DecisionTerms), Error> {
        let mut v = Validator::new();
        let service = Self::decision_service(tx, &input.service, &mut v).await?;
        let addressee = store::addressee(tx, grant).await?;
        let terms = match decision::validate(&input.fields, addressee.country, self.local_today()) {
            Ok(terms) => Some(terms),
            Err(Error::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.add(e.field, e.reason));
                None
            }
            Err(other) => return Err(other),
        };
        v.finish()?;
        match (service, terms) {
            (Some(service), Some(terms)) => Ok((service, terms)),
            _ => Err(Error::Internal),
        }
    }

    /// Records a decision about `person`, made by the actor's organisation.
    pub async fn record_decision(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        input: &DecisionInput,
    ) -> Result<DecisionView, Error> {
        let (mut tx, grant) = self.begin_person(ctx, actor, person, CHANGE).await?;
        let (service, terms) = self.terms(&mut tx, &grant, input).await?;
        let id = DecisionId::generate();
        store::insert(&mut tx, &grant, id, service, &terms, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::DecisionRecorded, Some(id.to_string())).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, self.local_today(), &self.calendars().await?))
    }

    /// The person's decisions, newest first.
    pub async fn decisions_for_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<Vec<DecisionView>, Error> {
        let (mut read, grant, _) = self.begin_person_read(ctx, actor, person, READ).await?;
        let list = store::list(read.tx(), &grant).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::DecisionsViewed, None));
        read.finish(&self.store).await?;
        let today = self.local_today();
        {
            let calendars = self.calendars().await?;
            Ok(list.into_iter().map(|d| view(d, today, &calendars)).collect())
        }
    }

    /// One decision.
    pub async fn decision(&self, ctx: &RequestContext, actor: &Actor, id: DecisionId) -> Result<DecisionView, Error> {
        let person = {
            let mut tx = self.store.read().await?;
            store::person_of(&mut tx, id).await?.ok_or(Error::NotFound { what: "decision" })?
        };
        let (mut read, grant, _) = self.begin_person_read(ctx, actor, person, READ).await?;
        let found = store::get_one(read.tx(), &grant, id).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::DecisionViewed, Some(id.to_string())));
        read.finish(&self.store).await?;
        Ok(view(found, self.local_today(), &self.calendars().await?))
    }

    /// A decision and its addressee, for the printable letter (audited as a read).
    pub async fn decision_letter(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: DecisionId,
    ) -> Result<DecisionLetter, Error> {
        let (mut tx, grant) = self.begin_decision(ctx, actor, id, READ).await?;
        let found = store::get_one(&mut tx, &grant, id).await?;
        let addressee = store::addressee(&mut tx, &grant).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::DecisionLetterViewed, Some(id.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(DecisionLetter { view: view(found, self.local_today(), &self.calendars().await?), addressee })
    }

    /// Reads the decision for a change and refuses a stale version before anything else.
    async fn current(tx: &mut Tx, grant: &PersonGrant, id: DecisionId, version: i64) -> Result<Decision, Error> {
        let current = store::get_one(tx, grant, id).await?;
        if current.version != version {
            return Err(Error::Conflict { what: "decision" });
        }
        Ok(current)
    }

    /// Replaces the terms of a decision at `version`; a stale version is a conflict.
    pub async fn update_decision(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: DecisionId,
        version: i64,
        input: &DecisionInput,
    ) -> Result<DecisionView, Error> {
        let (mut tx, grant) = self.begin_decision(ctx, actor, id, CHANGE).await?;
        let current = Self::current(&mut tx, &grant, id, version).await?;
        let (service, terms) = self.terms(&mut tx, &grant, input).await?;
        let mut v = Validator::new();
        if let (Some(received), Some(notice)) = (current.appeal_received_on, terms.notice_on)
            && notice > received
        {
            v.add("notice_on", Reason::NotAllowed);
        }
        if current.appeal_received_on.is_some() && terms.notice_on.is_none() {
            v.add("notice_on", Reason::Required);
        }
        v.finish()?;
        store::update(&mut tx, &grant, id, version, service, &terms, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::DecisionUpdated, Some(id.to_string())).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, self.local_today(), &self.calendars().await?))
    }

    /// Registers an appeal received on `received_on` (not before the notice, not in the future).
    pub async fn register_appeal(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: DecisionId,
        version: i64,
        received_on: &str,
    ) -> Result<DecisionView, Error> {
        let (mut tx, grant) = self.begin_decision(ctx, actor, id, CHANGE).await?;
        let current = Self::current(&mut tx, &grant, id, version).await?;
        if current.appeal_received_on.is_some() {
            return Err(Error::invalid("received_on", Reason::AlreadyExists));
        }
        let received = decision::validate_appeal(current.notice_on, received_on, self.local_today())?;
        store::register_appeal(&mut tx, &grant, id, version, received, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::AppealRegistered, Some(id.to_string())).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, self.local_today(), &self.calendars().await?))
    }

    /// Records that the registered appeal was sent on to the appeal body.
    pub async fn forward_appeal(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: DecisionId,
        version: i64,
        forwarded_on: &str,
        forwarded_to: &str,
    ) -> Result<DecisionView, Error> {
        let (mut tx, grant) = self.begin_decision(ctx, actor, id, CHANGE).await?;
        let current = Self::current(&mut tx, &grant, id, version).await?;
        if current.appeal_forwarded_on.is_some() {
            return Err(Error::invalid("forwarded_on", Reason::AlreadyExists));
        }
        let forwarding =
            decision::validate_forward(current.appeal_received_on, forwarded_on, forwarded_to, self.local_today())?;
        store::forward_appeal(&mut tx, &grant, id, version, &forwarding, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::AppealForwarded, Some(id.to_string())).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, self.local_today(), &self.calendars().await?))
    }
}
