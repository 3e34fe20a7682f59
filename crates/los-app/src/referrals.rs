//! Referrals and waiting lists (design item 7). A referral is sent by an organisation that may
//! change the person's referrals and decisions; the receiving service's organisation takes it
//! through received, assessed (accepted or declined), offered and started (which opens the
//! episode); either end may withdraw it. Every read and change is decided by the policy and
//! audited in the same transaction; a refusal is audited and committed before `Forbidden`.

use jiff::civil::Date;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::consent::DataCategory;
use los_core::deadline::{DeadlineResult, compute, seeded_rule};
use los_core::episode::{self, Period};
use los_core::error::Validator;
use los_core::ids::{EpisodeId, PersonId, ServiceId};
use los_core::organization::Country;
use los_core::person::{parse_date, text};
use los_core::policy::{self, Action, Actor, PersonAction, PersonGrant};
use los_core::referral::{self, REASON_MAX, ReferralFields, Status, StepFields, WaitingStatistics, waiting_statistics};
use los_core::{Error, Reason};
use los_store::persons::{self as person_store, PersonSummary};
use los_store::referrals::{self as store, ContactKind, Referral, ReferralId, ReferralParties};
use los_store::{Tx, audit, episodes, map_sqlx, services};

use crate::deadline_rules::Calendars;
use crate::{App, RequestContext};

/// The deadline rule for assessing a referral (pasientrettighetsloven § 2-2: 10 working days).
pub const ASSESSMENT_RULE: &str = "no.pasrl.referral_assessment";
/// Figures over fewer started referrals than this are suppressed for analysts.
pub const SMALL_CELL: usize = 5;
/// The longest follow-up interval a service may set.
pub const MAX_FOLLOW_UP_DAYS: i64 = 365;
/// The longest period and target for waiting statistics.
pub const MAX_TARGET_DAYS: i64 = 3650;

/// A new referral as typed.
#[derive(Debug, Clone, Default)]
pub struct NewReferralInput {
    /// Optional: a service of the sender's organisation.
    pub from_service: String,
    pub to_service: String,
    pub fields: ReferralFields,
}

/// A referral with its assessment deadline (from receipt), when it has been received.
#[derive(Debug, Clone)]
pub struct ReferralView {
    pub referral: Referral,
    pub assessment_deadline: Option<DeadlineResult>,
}

/// One line of a service's waiting list.
#[derive(Debug, Clone)]
pub struct WaitingEntry {
    pub person: PersonSummary,
    pub referral: ReferralView,
    /// Days from receipt (or sending, if never marked received) until today.
    pub waiting_days: i64,
    pub last_contact: Option<Date>,
    /// No contact for at least the service's follow-up interval (counted from the last
    /// contact, else from the assessment, else from receipt).
    pub needs_follow_up: bool,
}

#[derive(Debug, Clone)]
pub struct WaitingList {
    pub service: ServiceId,
    pub service_name: String,
    pub follow_up_days: i64,
    pub today: Date,
    pub entries: Vec<WaitingEntry>,
    /// Waiting referrals of persons the policy does not open to the actor (e.g. blocked).
    pub hidden: usize,
}

#[derive(Debug, Clone)]
pub struct WaitingStatisticsView {
    pub service: ServiceId,
    pub from: Date,
    pub to: Date,
    pub target_days: i64,
    /// `None` when suppressed (an analyst and fewer than [`SMALL_CELL`] started referrals).
    pub statistics: Option<WaitingStatistics>,
    pub suppressed: bool,
}

/// The assessment deadline of a received referral, explained.
pub fn assessment_deadline(referral: &Referral, calendars: &Calendars) -> Option<DeadlineResult> {
    assessment_deadline_from(referral.received_on?, calendars)
}

/// The assessment deadline of a referral received on `received`, in the Norwegian calendar with
/// the installation's options (the rule is Norwegian law).
pub fn assessment_deadline_from(received: Date, calendars: &Calendars) -> Option<DeadlineResult> {
    let rule = seeded_rule(ASSESSMENT_RULE)?;
    compute(&rule, received, &[], calendars.of(Country::Norway)).ok()
}

fn view(referral: Referral, calendars: &Calendars) -> ReferralView {
    ReferralView { assessment_deadline: assessment_deadline(&referral, calendars), referral }
}

fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|span| i64::from(span.get_days())).unwrap_or(0)
}

fn merge<T>(v: &mut Validator, result: Result<T, Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Error::Invalid(errors)) => {
            errors.into_iter().for_each(|e| v.add(e.field, e.reason));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

impl App {
    /// Opens a write transaction for a referral: finds its parties (unknown → `NotFound`) and
    /// asks the policy about its person.
    async fn begin_referral(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: ReferralId,
        action: PersonAction,
    ) -> Result<(Tx, PersonGrant, ReferralParties), Error> {
        let mut tx = self.store.write().await?;
        let parties = store::parties(&mut tx, id).await?.ok_or(Error::NotFound { what: "referral" })?;
        match self.decide_person(&mut tx, ctx, actor, parties.person, action).await {
            Ok(grant) => Ok((tx, grant, parties)),
            Err(Error::Forbidden) => {
                tx.commit().await.map_err(map_sqlx)?;
                Err(Error::Forbidden)
            }
            Err(other) => Err(other),
        }
    }

    /// Audits and commits a refusal that the policy's person decision did not make (the actor
    /// may see the person but is not the organisation that takes this step).
    async fn refuse_step(
        &self,
        mut tx: Tx,
        ctx: &RequestContext,
        actor: &Actor,
        parties: &ReferralParties,
        why: &str,
    ) -> Result<(), Error> {
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
        event.person = Some(parties.person);
        event.subject = Some(parties.id.to_string());
        event.reason = Some(why.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Err(Error::Forbidden)
    }

    /// Sends a referral for `person` from the actor's organisation to a service.
    pub async fn send_referral(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        input: &NewReferralInput,
    ) -> Result<ReferralView, Error> {
        let mut v = Validator::new();
        let to_service = match input.to_service.trim() {
            "" => {
                v.add("to_service", Reason::Required);
                None
            }
            raw => match raw.parse::<ServiceId>() {
                Ok(id) => {
                    let mut tx = self.store.read().await?;
                    let found = services::by_id(&mut tx, id).await?.map(|s| s.id);
                    if found.is_none() {
                        v.add("to_service", Reason::Unknown);
                    }
                    found
                }
                Err(_) => {
                    v.add("to_service", Reason::Unknown);
                    None
                }
            },
        };
        let from_service = if input.from_service.trim().is_empty() {
            None
        } else {
            self.own_service(actor, &input.from_service, "from_service", &mut v).await?
        };
        let (mut tx, grant) =
            self.begin_person(ctx, actor, person, PersonAction::Change(DataCategory::ReferralsDecisions)).await?;
        let (birth_date, birth_year) = store::birth(&mut tx, &grant).await?;
        let new = merge(&mut v, referral::validate_new(&input.fields, birth_date, birth_year, self.local_today()))?;
        // One open referral per person and service: a second would double the queue.
        if let Some(service) = to_service
            && store::open_to_service(&mut tx, &grant, service).await?
        {
            v.add("to_service", Reason::AlreadyExists);
        }
        v.finish()?;
        let (Some(to_service), Some(new)) = (to_service, new) else { return Err(Error::Internal) };
        let id = ReferralId::generate();
        let now = self.now();
        store::insert(&mut tx, &grant, id, from_service, to_service, &new, now).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::ReferralSent, Some(id.to_string())).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, &self.calendars().await?))
    }

    /// Takes the next step on a referral if it is still at `version`. Received, accepted,
    /// declined, offered and started belong to the receiving service's organisation; withdrawn
    /// to either end. Started opens the episode at the receiving service in the same transaction.
    pub async fn take_step(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: ReferralId,
        version: i64,
        fields: &StepFields,
    ) -> Result<ReferralView, Error> {
        let (mut tx, grant, parties) =
            self.begin_referral(ctx, actor, id, PersonAction::Change(DataCategory::ReferralsDecisions)).await?;
        let withdrawing = fields.status.trim() == Status::Withdrawn.code();
        let receiving = actor.organization == parties.to_organization;
        let sending = actor.organization == parties.from_organization;
        if !(receiving || (withdrawing && sending)) {
            let why = if withdrawing {
                "referral_step: not_a_party_to_the_referral"
            } else {
                "referral_step: not_the_receiving_organization"
            };
            self.refuse_step(tx, ctx, actor, &parties, why).await?;
            return Err(Error::Forbidden);
        }
        let current = store::get_one(&mut tx, &grant, id).await?;
        if current.version != version {
            return Err(Error::Conflict { what: "referral" });
        }
        let today = self.local_today();
        let step = referral::validate_step(current.status, current.last_step_on(), fields, today)?;
        let now = self.now();
        let mut episode = None;
        if step.status == Status::Started {
            let others: Vec<Period> = episodes::list(&mut tx, &grant)
                .await?
                .into_iter()
                .filter(|e| e.service == parties.to_service)
                .map(|e| e.period)
                .collect();
            if let Err(error) = episode::validate_start(&step.on.to_string(), today, &others) {
                return Err(match error {
                    Error::Invalid(errors) => {
                        Error::Invalid(errors.into_iter().map(|e| los_core::FieldError::new("on", e.reason)).collect())
                    }
                    other => other,
                });
            }
            let new_episode = EpisodeId::generate();
            episodes::start(&mut tx, &grant, new_episode, parties.to_service, step.on, now).await?;
            self.record(&mut tx, ctx, &grant, AuditAction::EpisodeStarted, Some(new_episode.to_string())).await?;
            episode = Some(new_episode);
        }
        store::apply_step(&mut tx, &grant, id, version, &step, episode, now).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::ReferralStep, Some(format!("{id}:{}", step.status.code())))
            .await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, &self.calendars().await?))
    }

    /// Logs a follow-up contact with a person waiting on an open referral.
    pub async fn log_contact(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: ReferralId,
        on: &str,
        kind: &str,
        note: &str,
    ) -> Result<ReferralView, Error> {
        let (mut tx, grant, parties) =
            self.begin_referral(ctx, actor, id, PersonAction::Change(DataCategory::ReferralsDecisions)).await?;
        if actor.organization != parties.to_organization && actor.organization != parties.from_organization {
            self.refuse_step(tx, ctx, actor, &parties, "referral_contact: not_a_party_to_the_referral").await?;
            return Err(Error::Forbidden);
        }
        let current = store::get_one(&mut tx, &grant, id).await?;
        let today = self.local_today();
        let mut v = Validator::new();
        if !current.status.is_open() {
            v.add("status", Reason::NotAllowed);
        }
        let on = match v.check(parse_date("on", on)) {
            Some(None) => Some(today),
            Some(Some(day)) if day > today => {
                v.add("on", Reason::InFuture);
                None
            }
            Some(Some(day)) if day < current.sent_on => {
                v.add("on", Reason::EndsBeforeStart);
                None
            }
            other => other.flatten(),
        };
        let kind = match kind.trim() {
            "" => {
                v.add("kind", Reason::Required);
                None
            }
            code => {
                let kind = ContactKind::from_code(code);
                if kind.is_none() {
                    v.add("kind", Reason::UnknownValue);
                }
                kind
            }
        };
        let note = text(&mut v, "note", note, REASON_MAX);
        v.finish()?;
        let (Some(on), Some(kind)) = (on, kind) else { return Err(Error::Internal) };
        let contact = store::add_contact(&mut tx, &grant, id, on, kind, &note, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::ReferralContactLogged, Some(format!("{id}:{contact}"))).await?;
        let saved = store::get_one(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, &self.calendars().await?))
    }

    /// The person's referrals, newest first.
    pub async fn referrals_for_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<Vec<ReferralView>, Error> {
        let (mut read, grant, _) =
            self.begin_person_read(ctx, actor, person, PersonAction::Read(DataCategory::ReferralsDecisions)).await?;
        let list = store::list(read.tx(), &grant).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::ReferralsViewed, None));
        read.finish(&self.store).await?;
        let calendars = self.calendars().await?;
        Ok(list.into_iter().map(|referral| view(referral, &calendars)).collect())
    }

    /// One referral.
    pub async fn referral(&self, ctx: &RequestContext, actor: &Actor, id: ReferralId) -> Result<ReferralView, Error> {
        let parties = {
            let mut tx = self.store.read().await?;
            store::parties(&mut tx, id).await?.ok_or(Error::NotFound { what: "referral" })?
        };
        let (mut read, grant, _) = self
            .begin_person_read(ctx, actor, parties.person, PersonAction::Read(DataCategory::ReferralsDecisions))
            .await?;
        let referral = store::get_one(read.tx(), &grant, id).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::ReferralsViewed, Some(id.to_string())));
        read.finish(&self.store).await?;
        Ok(view(referral, &self.calendars().await?))
    }

    async fn existing_service(&self, service: ServiceId) -> Result<los_store::services::Service, Error> {
        let mut tx = self.store.read().await?;
        services::by_id(&mut tx, service).await?.ok_or(Error::NotFound { what: "service" })
    }

    /// The waiting list of a service: accepted and offered referrals by priority, then date
    /// received, each with the waiting time so far and whether follow-up is due. Each person is
    /// decided by the policy and audited; persons it does not open are only counted.
    pub async fn waiting_list(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
    ) -> Result<WaitingList, Error> {
        let found = self.existing_service(service).await?;
        let grant = self.grant(ctx, actor, Action::ReadWaitingList { provider: found.provider }).await?;
        let calendars = self.calendars().await?;
        let mut read = self.store.audited_read().await?;
        let ids = store::waiting_ids(read.tx(), &grant, service, found.provider).await?;
        let follow_up_days = store::follow_up_days(read.tx(), service).await?;
        let today = self.local_today();
        let now = self.now();
        let persons: Vec<PersonId> = ids.iter().map(|(_, person)| *person).collect();
        let all_relations =
            person_store::relations_of_many(read.tx(), &persons, actor.account, actor.organization, today, now).await?;
        let mut hidden = 0;
        let mut wanted = Vec::new();
        let mut identities = Vec::new();
        for (referral_id, person) in ids {
            let Some(relations) = all_relations.get(&person) else {
                hidden += 1;
                continue;
            };
            let referrals = policy::authorize_person(
                actor,
                person,
                PersonAction::Read(DataCategory::ReferralsDecisions),
                relations,
            );
            let identity =
                policy::authorize_person(actor, person, PersonAction::Read(DataCategory::IdentityContact), relations);
            let (Ok(referrals), Ok(identity)) = (referrals, identity) else {
                hidden += 1;
                continue;
            };
            let mut event = ctx.event(now, Some(actor), AuditAction::WaitingListViewed, AuditOutcome::Success);
            event.person = Some(person);
            event.subject = Some(service.to_string());
            event.reason = Some(format!("read:referrals_decisions ({})", referrals.basis().code()));
            read.record(event);
            wanted.push((referrals, referral_id));
            identities.push(identity);
        }
        let referrals = store::get_many(read.tx(), &wanted).await?;
        let summaries = person_store::summaries(read.tx(), &identities).await?;
        let entries: Vec<WaitingEntry> = referrals
            .into_iter()
            .zip(summaries)
            .map(|(referral, summary)| {
                let waiting_since = referral.received_on.unwrap_or(referral.sent_on);
                let last_contact = referral.last_contact_on();
                let quiet_since = last_contact.or(referral.assessed_on).unwrap_or(waiting_since);
                WaitingEntry {
                    person: summary,
                    waiting_days: days_between(waiting_since, today),
                    last_contact,
                    needs_follow_up: days_between(quiet_since, today) >= follow_up_days,
                    referral: view(referral, &calendars),
                }
            })
            .collect();
        let mut event = ctx.event(now, Some(actor), AuditAction::WaitingListViewed, AuditOutcome::Success);
        event.subject = Some(service.to_string());
        event.reason = Some(format!("shown={} hidden={hidden}", entries.len()));
        read.record(event);
        read.finish(&self.store).await?;
        Ok(WaitingList { service, service_name: found.description.name, follow_up_days, today, entries, hidden })
    }

    /// Waiting-time figures for the referrals to a service started between `from` and `to`:
    /// days from receipt to start, median, 90th percentile and share within `target_days`.
    pub async fn waiting_statistics(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        from: &str,
        to: &str,
        target_days: &str,
    ) -> Result<WaitingStatisticsView, Error> {
        let found = self.existing_service(service).await?;
        let grant = self.grant(ctx, actor, Action::ReadWaitingStatistics { provider: found.provider }).await?;
        let mut v = Validator::new();
        let mut date = |field: &str, raw: &str| match v.check(parse_date(field, raw)) {
            Some(None) => {
                v.add(field, Reason::Required);
                None
            }
            other => other.flatten(),
        };
        let from = date("from", from);
        let to = date("to", to);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            v.add("to", Reason::EndsBeforeStart);
        }
        let target = match target_days.trim().parse::<i64>() {
            Ok(days) if (0..=MAX_TARGET_DAYS).contains(&days) => Some(days),
            Ok(_) => {
                v.add("target_days", Reason::NotAllowed);
                None
            }
            Err(_) if target_days.trim().is_empty() => {
                v.add("target_days", Reason::Required);
                None
            }
            Err(_) => {
                v.add("target_days", Reason::InvalidFormat);
                None
            }
        };
        v.finish()?;
        let (Some(from), Some(to), Some(target_days)) = (from, to, target) else { return Err(Error::Internal) };
        let mut tx = self.store.write().await?;
        let waits = store::started_waits(&mut tx, &grant, service, found.provider, from, to).await?;
        let suppressed = actor.role == los_core::account::Role::Analyst && waits.len() < SMALL_CELL;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::WaitingStatisticsViewed, AuditOutcome::Success);
        event.subject = Some(service.to_string());
        event.reason =
            Some(format!("{from}..{to} target={target_days}{}", if suppressed { " suppressed" } else { "" }));
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(WaitingStatisticsView {
            service,
            from,
            to,
            target_days,
            statistics: if suppressed { None } else { Some(waiting_statistics(&waits, target_days)) },
            suppressed,
        })
    }

    /// Sets after how many days without contact a waiting person needs follow-up at a service.
    pub async fn set_follow_up_days(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        days: i64,
    ) -> Result<i64, Error> {
        let found = self.existing_service(service).await?;
        let grant = self.grant(ctx, actor, Action::ManageService { provider: found.provider }).await?;
        if !(1..=MAX_FOLLOW_UP_DAYS).contains(&days) {
            return Err(Error::invalid("follow_up_days", Reason::NotAllowed));
        }
        let mut tx = self.store.write().await?;
        store::set_follow_up_days(&mut tx, &grant, service, found.provider, days, self.now()).await?;
        let mut event =
            ctx.event(self.now(), Some(actor), AuditAction::WaitingListSettingsChanged, AuditOutcome::Success);
        event.subject = Some(service.to_string());
        event.reason = Some(format!("follow_up_days={days}"));
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(days)
    }
}
