//! Persons, their relatives and episodes, consents, blocks, emergency access, search and the
//! person's access log. Every use case here asks [`los_core::policy::authorize_person`] with the
//! actor's relation to the person as the store finds it at that moment, and records the access —
//! allowed or denied — in the audit log in the same transaction.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use los_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use los_core::consent::{self, ConsentFields, DataCategory};
use los_core::episode::{self, Period};
use los_core::error::Validator;
use los_core::identifiers::parse_identifier;
use los_core::ids::{
    AccountId, BlockId, ConsentId, EmergencyAccessId, EpisodeId, OrganizationId, PersonId, RelativeId, ServiceId,
};
use los_core::person::{self, PersonFields};
use los_core::policy::{self, AccessBasis, Action, Actor, PersonAction, PersonGrant, PersonRelations};
use los_core::relative::{self, RelativeFields};
use los_core::{Error, Reason};
use los_store::consents::{self, Block, BlockTarget, Consent};
use los_store::emergency::{self, EmergencyAccess};
use los_store::episodes::{self, Episode, Relative};
use los_store::persons::{self as store, Person, PersonSummary, SearchQuery};
use los_store::{AuditedRead, Tx, accounts, audit, map_sqlx, organizations, services};

use crate::{App, RequestContext};

/// How long one emergency access lasts.
pub const EMERGENCY_ACCESS_HOURS: i64 = 3;
/// The most hits a search returns.
pub const SEARCH_LIMIT: i64 = 50;
/// The time zone in which "today" is judged for persons (Norway and Sweden share it).
const LOCAL_TIME_ZONE: &str = "Europe/Oslo";

/// A new person, with the service of the actor's organisation that enrols them.
#[derive(Debug, Clone, Default)]
pub struct NewPersonInput {
    pub fields: PersonFields,
    pub service: String,
    pub start: String,
    /// The actor has seen the warning that a person with the same name and birth date exists
    /// and confirms that this is someone else.
    pub confirm_not_duplicate: bool,
}

/// A person's record as far as the actor may see it. A section is `None` when the policy does
/// not open its category to the actor.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: Person,
    pub basis: AccessBasis,
    pub relatives: Option<Vec<Relative>>,
    pub episodes: Option<Vec<Episode>>,
    /// Consents and blocks: only for those who manage them (ordinary work need), since they name
    /// other organisations and accounts and say why.
    pub consents: Option<Vec<Consent>>,
    pub blocks: Option<Vec<Block>>,
    /// When the actor's emergency access runs out, if that is the basis.
    pub emergency_until: Option<Timestamp>,
    /// The actor may change identity and contact details.
    pub can_change: bool,
    /// The actor may record consents and blocks and read the access log.
    pub can_manage: bool,
    pub today: Date,
}

/// The person's access log.
#[derive(Debug, Clone)]
pub struct AccessLog {
    pub person: Person,
    pub entries: Vec<los_store::audit::PersonAccessEntry>,
    pub emergency_accesses: Vec<EmergencyAccess>,
    /// Pass back as `before` for the next page.
    pub next_before: Option<i64>,
}

pub const ACCESS_LOG_PAGE: i64 = 200;

/// Parses what was typed in the search box: a number, a date (`YYYY-MM-DD` or `DD.MM.YYYY`) or
/// words of a name.
pub fn parse_search(raw: &str, today: Date) -> Result<SearchQuery, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Error::invalid("q", Reason::Required));
    }
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    if digits >= 10 && !raw.chars().any(char::is_alphabetic) {
        return match parse_identifier(raw, None, today) {
            Ok(id) => Ok(SearchQuery::Identifier(id.normalized().to_string())),
            Err(error) => Err(Error::Invalid(vec![error.to_field_error("q")])),
        };
    }
    if let Ok(date) = raw.parse::<Date>() {
        return Ok(SearchQuery::BirthDate(date));
    }
    if let Some(date) = norwegian_date(raw) {
        return Ok(SearchQuery::BirthDate(date));
    }
    if digits > 0 && !raw.chars().any(char::is_alphabetic) {
        return Err(Error::invalid("q", Reason::InvalidFormat));
    }
    let words: Vec<String> =
        raw.split_whitespace().map(|w| w.trim_matches(',').to_lowercase()).filter(|w| !w.is_empty()).collect();
    if words.iter().all(|w| w.chars().count() < 2) {
        return Err(Error::invalid("q", Reason::TooShort { min: 2 }));
    }
    if words.len() > 5 {
        return Err(Error::invalid("q", Reason::InvalidFormat));
    }
    Ok(SearchQuery::Name(words))
}

fn norwegian_date(raw: &str) -> Option<Date> {
    let mut parts = raw.split('.');
    let day: i8 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next()?.parse().ok()?;
    let year: i16 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || year < 1000 {
        return None;
    }
    Date::new(year, month, day).ok()
}

fn query_kind(query: &SearchQuery) -> &'static str {
    match query {
        SearchQuery::Identifier(_) => "identifier",
        SearchQuery::BirthDate(_) => "birth_date",
        SearchQuery::Name(_) => "name",
    }
}

impl App {
    pub fn local_today(&self) -> Date {
        self.today_in(LOCAL_TIME_ZONE)
    }

    /// Opens a write transaction and asks the policy. A refusal is audited and committed before
    /// `Forbidden` is returned; an unknown person is `NotFound`.
    pub(crate) async fn begin_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        action: PersonAction,
    ) -> Result<(Tx, PersonGrant), Error> {
        let mut tx = self.store.write().await?;
        let grant = self.decide_person(&mut tx, ctx, actor, person, action).await;
        match grant {
            Ok(grant) => Ok((tx, grant)),
            Err(Error::Forbidden) => {
                tx.commit().await.map_err(map_sqlx)?;
                Err(Error::Forbidden)
            }
            Err(other) => Err(other),
        }
    }

    /// Opens an audited read (decision 0009) and asks the policy. A refusal is audited and
    /// committed before `Forbidden` is returned; an unknown person is `NotFound`. Also returns
    /// the actor's relations to the person, for deciding further sections of the same read.
    pub(crate) async fn begin_person_read(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        action: PersonAction,
    ) -> Result<(AuditedRead, PersonGrant, PersonRelations), Error> {
        let mut read = self.store.audited_read().await?;
        let relations = self.person_relations(read.tx(), actor, person).await?;
        match self.judge(ctx, actor, person, action, &relations) {
            Ok(grant) => Ok((read, grant, relations)),
            Err(denial) => {
                read.record(*denial);
                read.finish(&self.store).await?;
                Err(Error::Forbidden)
            }
        }
    }

    /// The actor's relations to an existing person, as the store finds them now.
    pub(crate) async fn person_relations(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        person: PersonId,
    ) -> Result<PersonRelations, Error> {
        store::relations_if_exists(tx, person, actor.account, actor.organization, self.local_today(), self.now())
            .await?
            .ok_or(Error::NotFound { what: "person" })
    }

    /// The policy's answer, or the refusal's audit event.
    pub(crate) fn judge(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        action: PersonAction,
        relations: &PersonRelations,
    ) -> Result<PersonGrant, Box<AuditEvent>> {
        policy::authorize_person(actor, person, action, relations).map_err(|denial| {
            let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
            event.person = Some(person);
            event.reason = Some(format!("{}: {}", action.code(), denial.code()));
            Box::new(event)
        })
    }

    /// Asks the policy inside `tx`; a refusal is appended to the audit log in `tx`.
    pub(crate) async fn decide_person(
        &self,
        tx: &mut Tx,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        action: PersonAction,
    ) -> Result<PersonGrant, Error> {
        let relations = self.person_relations(tx, actor, person).await?;
        match self.judge(ctx, actor, person, action, &relations) {
            Ok(grant) => Ok(grant),
            Err(denial) => {
                audit::append(tx, &denial).await?;
                Err(Error::Forbidden)
            }
        }
    }

    /// An allowed access, as its audit event.
    pub(crate) fn access_event(
        &self,
        ctx: &RequestContext,
        grant: &PersonGrant,
        action: AuditAction,
        subject: Option<String>,
    ) -> AuditEvent {
        let mut event = ctx.event(self.now(), Some(grant.actor()), action, AuditOutcome::Success);
        event.person = Some(grant.person());
        event.subject = subject;
        event.reason = Some(format!("{} ({})", grant.action().code(), grant.basis().code()));
        event
    }

    /// Records an allowed access or change in `tx`.
    pub(crate) async fn record(
        &self,
        tx: &mut Tx,
        ctx: &RequestContext,
        grant: &PersonGrant,
        action: AuditAction,
        subject: Option<String>,
    ) -> Result<(), Error> {
        audit::append(tx, &self.access_event(ctx, grant, action, subject)).await?;
        Ok(())
    }

    /// The service must exist and be provided by the actor's organisation: an organisation
    /// enrols persons with its own services only.
    pub(crate) async fn own_service(
        &self,
        actor: &Actor,
        raw: &str,
        field: &str,
        v: &mut Validator,
    ) -> Result<Option<ServiceId>, Error> {
        let raw = raw.trim();
        if raw.is_empty() {
            v.add(field, Reason::Required);
            return Ok(None);
        }
        let Ok(id) = raw.parse::<ServiceId>() else {
            v.add(field, Reason::Unknown);
            return Ok(None);
        };
        let mut tx = self.store.read().await?;
        match services::by_id(&mut tx, id).await? {
            None => {
                v.add(field, Reason::Unknown);
                Ok(None)
            }
            Some(service) if service.provider != actor.organization => {
                v.add(field, Reason::NotAllowed);
                Ok(None)
            }
            Some(_) => Ok(Some(id)),
        }
    }

    /// Registers a person and enrols them with a service of the actor's organisation, which
    /// gives the actor's organisation its ordinary ground to see them.
    pub async fn register_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        input: &NewPersonInput,
    ) -> Result<PersonId, Error> {
        let grant = self.grant(ctx, actor, Action::RegisterPerson).await?;
        let today = self.local_today();
        let mut v = Validator::new();
        let record = match person::validate(&input.fields, today) {
            Ok(record) => Some(record),
            Err(Error::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.add(e.field, e.reason));
                None
            }
            Err(other) => return Err(other),
        };
        let service = self.own_service(actor, &input.service, "service", &mut v).await?;
        let start = match episode::validate_start(&input.start, today, &[]) {
            Ok(start) => Some(start),
            Err(Error::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.add(e.field, e.reason));
                None
            }
            Err(other) => return Err(other),
        };
        let mut tx = self.store.write().await?;
        if let Some(record) = &record {
            let (same_number, same_name) = store::possible_duplicates(&mut tx, &grant, record, None).await?;
            // The warning says that a record exists, never whose or where.
            if !same_number.is_empty() {
                v.add("identifier", Reason::AlreadyExists);
            } else if !same_name.is_empty() && !input.confirm_not_duplicate {
                v.add("confirm_not_duplicate", Reason::PossibleDuplicate);
            }
        }
        v.finish()?;
        let (Some(record), Some(service), Some(start)) = (record, service, start) else {
            return Err(Error::Internal);
        };
        let now = self.now();
        let id = PersonId::generate();
        store::insert(&mut tx, &grant, id, &record, now).await?;
        let episode = EpisodeId::generate();
        episodes::start_for_new(&mut tx, &grant, id, episode, service, start, now).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::PersonRegistered, AuditOutcome::Success);
        event.person = Some(id);
        event.subject = Some(episode.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(|e| match map_sqlx(e) {
            Error::Conflict { .. } => Error::invalid("identifier", Reason::AlreadyExists),
            other => other,
        })?;
        Ok(id)
    }

    /// The person's record, each section only if the policy opens it; audited as one view.
    pub async fn person_view(&self, ctx: &RequestContext, actor: &Actor, id: PersonId) -> Result<PersonView, Error> {
        let (mut read, grant, relations) =
            self.begin_person_read(ctx, actor, id, PersonAction::Read(DataCategory::IdentityContact)).await?;
        let person = store::read(read.tx(), &grant).await?;
        let relatives = episodes::relatives(read.tx(), &grant).await?;
        let mut shown = vec![DataCategory::IdentityContact.code()];
        let episodes =
            match self.judge(ctx, actor, id, PersonAction::Read(DataCategory::ReferralsDecisions), &relations) {
                Ok(episodes_grant) => {
                    shown.push(DataCategory::ReferralsDecisions.code());
                    Some(episodes::list(read.tx(), &episodes_grant).await?)
                }
                Err(denial) => {
                    read.record(*denial);
                    None
                }
            };
        let can_change =
            policy::authorize_person(actor, id, PersonAction::Change(DataCategory::IdentityContact), &relations)
                .is_ok();
        let manage = policy::authorize_person(actor, id, PersonAction::ManageConsentAndBlocks, &relations).ok();
        let can_manage = manage.is_some();
        let (consents, blocks) = match &manage {
            Some(manage) => {
                (Some(consents::list(read.tx(), manage).await?), Some(consents::blocks(read.tx(), manage).await?))
            }
            None => (None, None),
        };
        let emergency_until = match grant.basis() {
            AccessBasis::Emergency => {
                emergency::active_until(read.tx(), id, actor.account, actor.organization, self.now()).await?
            }
            _ => None,
        };
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::PersonViewed, AuditOutcome::Success);
        event.person = Some(id);
        event.reason = Some(format!("read:{} ({})", shown.join(","), grant.basis().code()));
        read.record(event);
        read.finish(&self.store).await?;
        Ok(PersonView {
            basis: grant.basis(),
            person,
            relatives: Some(relatives),
            episodes,
            consents,
            blocks,
            emergency_until,
            can_change,
            can_manage,
            today: self.local_today(),
        })
    }

    /// Changes identity and contact details; a stale version is a conflict.
    pub async fn update_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        version: i64,
        fields: &PersonFields,
    ) -> Result<Person, Error> {
        let today = self.local_today();
        let (mut tx, grant) =
            self.begin_person(ctx, actor, id, PersonAction::Change(DataCategory::IdentityContact)).await?;
        let record = person::validate(fields, today)?;
        let current = store::read(&mut tx, &grant).await?;
        if current.version != version {
            return Err(Error::Conflict { what: "person" });
        }
        if current.record.identity.is_pseudonymous() != record.identity.is_pseudonymous() {
            return Err(Error::invalid("kind", Reason::NotAllowed));
        }
        let register = policy::authorize(actor, Action::RegisterPerson).map_err(|_| Error::Forbidden)?;
        let (same_number, _) = store::possible_duplicates(&mut tx, &register, &record, Some(id)).await?;
        if !same_number.is_empty() {
            return Err(Error::invalid("identifier", Reason::AlreadyExists));
        }
        store::update(&mut tx, &grant, version, &record, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::PersonUpdated, None).await?;
        let saved = store::read(&mut tx, &grant).await?;
        tx.commit().await.map_err(|e| match map_sqlx(e) {
            Error::Conflict { .. } => Error::invalid("identifier", Reason::AlreadyExists),
            other => other,
        })?;
        Ok(saved)
    }

    pub async fn add_relative(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        fields: &RelativeFields,
    ) -> Result<RelativeId, Error> {
        let record = relative::validate(fields, self.local_today());
        let (mut tx, grant) =
            self.begin_person(ctx, actor, id, PersonAction::Change(DataCategory::IdentityContact)).await?;
        let record = record?;
        let relative = RelativeId::generate();
        episodes::add_relative(&mut tx, &grant, relative, &record, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::RelativeAdded, Some(relative.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(relative)
    }

    pub async fn remove_relative(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        relative: RelativeId,
    ) -> Result<(), Error> {
        let (mut tx, grant) =
            self.begin_person(ctx, actor, id, PersonAction::Change(DataCategory::IdentityContact)).await?;
        episodes::remove_relative(&mut tx, &grant, relative, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::RelativeRemoved, Some(relative.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)
    }

    /// Enrols a person the actor may already see with a service of the actor's organisation.
    pub async fn start_episode(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        service: &str,
        start: &str,
    ) -> Result<EpisodeId, Error> {
        let mut v = Validator::new();
        let service = self.own_service(actor, service, "service", &mut v).await?;
        let (mut tx, grant) =
            self.begin_person(ctx, actor, id, PersonAction::Change(DataCategory::ReferralsDecisions)).await?;
        let others: Vec<Period> = episodes::list(&mut tx, &grant)
            .await?
            .into_iter()
            .filter(|e| Some(e.service) == service)
            .map(|e| e.period)
            .collect();
        let start = match episode::validate_start(start, self.local_today(), &others) {
            Ok(start) => Some(start),
            Err(Error::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.add(e.field, e.reason));
                None
            }
            Err(other) => return Err(other),
        };
        v.finish()?;
        let (Some(service), Some(start)) = (service, start) else { return Err(Error::Internal) };
        let episode = EpisodeId::generate();
        episodes::start(&mut tx, &grant, episode, service, start, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::EpisodeStarted, Some(episode.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(episode)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn end_episode(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        episode: EpisodeId,
        version: i64,
        end: &str,
        reason: &str,
    ) -> Result<(), Error> {
        let (mut tx, grant) =
            self.begin_person(ctx, actor, id, PersonAction::Change(DataCategory::ReferralsDecisions)).await?;
        let current = episodes::list(&mut tx, &grant)
            .await?
            .into_iter()
            .find(|e| e.id == episode)
            .ok_or(Error::NotFound { what: "episode" })?;
        // Only the organisation that provides the service ends its episodes.
        if current.provider != actor.organization {
            let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
            event.person = Some(id);
            event.subject = Some(episode.to_string());
            event.reason = Some("end_episode: not_the_providing_organization".into());
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
            return Err(Error::Forbidden);
        }
        if current.version != version || current.period.end.is_some() {
            return Err(Error::Conflict { what: "episode" });
        }
        let (end, reason) = episode::validate_end(current.period.start, end, reason, self.local_today())?;
        episodes::end(&mut tx, &grant, episode, version, end, reason).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::EpisodeEnded, Some(episode.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)
    }

    pub async fn give_consent(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        organization: &str,
        fields: &ConsentFields,
    ) -> Result<ConsentId, Error> {
        let mut v = Validator::new();
        let organization = self.existing_organization(organization, "organization", &mut v).await?;
        let terms = match consent::validate(fields, self.local_today()) {
            Ok(terms) => Some(terms),
            Err(Error::Invalid(errors)) => {
                errors.into_iter().for_each(|e| v.add(e.field, e.reason));
                None
            }
            Err(other) => return Err(other),
        };
        let (mut tx, grant) = self.begin_person(ctx, actor, id, PersonAction::ManageConsentAndBlocks).await?;
        v.finish()?;
        let (Some(organization), Some(terms)) = (organization, terms) else { return Err(Error::Internal) };
        let consent = ConsentId::generate();
        consents::give(&mut tx, &grant, consent, organization, &terms, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::ConsentGiven, Some(consent.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(consent)
    }

    pub async fn withdraw_consent(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        consent: ConsentId,
    ) -> Result<(), Error> {
        let (mut tx, grant) = self.begin_person(ctx, actor, id, PersonAction::ManageConsentAndBlocks).await?;
        consents::withdraw(&mut tx, &grant, consent, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::ConsentWithdrawn, Some(consent.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)
    }

    async fn existing_organization(
        &self,
        raw: &str,
        field: &str,
        v: &mut Validator,
    ) -> Result<Option<OrganizationId>, Error> {
        let raw = raw.trim();
        if raw.is_empty() {
            v.add(field, Reason::Required);
            return Ok(None);
        }
        let mut tx = self.store.read().await?;
        match raw.parse::<OrganizationId>() {
            Ok(id) if organizations::by_id(&mut tx, id).await?.is_some() => Ok(Some(id)),
            _ => {
                v.add(field, Reason::Unknown);
                Ok(None)
            }
        }
    }

    /// Blocks an organisation or an account (exactly one of them) from the person's record.
    pub async fn set_block(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        organization: &str,
        account: &str,
        reason: &str,
    ) -> Result<BlockId, Error> {
        let mut v = Validator::new();
        let target = match (organization.trim(), account.trim()) {
            ("", "") => {
                v.add("organization", Reason::Required);
                None
            }
            (org, "") => self.existing_organization(org, "organization", &mut v).await?.map(BlockTarget::Organization),
            ("", acc) => {
                let mut tx = self.store.read().await?;
                match acc.parse::<AccountId>() {
                    Ok(account) if accounts::by_id(&mut tx, account).await?.is_some() => {
                        Some(BlockTarget::Account(account))
                    }
                    _ => {
                        v.add("account", Reason::Unknown);
                        None
                    }
                }
            }
            _ => {
                v.add("account", Reason::NotAllowed);
                None
            }
        };
        let reason = v.check(consent::validate_reason("reason", reason));
        let (mut tx, grant) = self.begin_person(ctx, actor, id, PersonAction::ManageConsentAndBlocks).await?;
        v.finish()?;
        let (Some(target), Some(reason)) = (target, reason) else { return Err(Error::Internal) };
        let block = BlockId::generate();
        consents::set_block(&mut tx, &grant, block, target, &reason, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::BlockSet, Some(block.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(block)
    }

    pub async fn lift_block(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        block: BlockId,
    ) -> Result<(), Error> {
        let (mut tx, grant) = self.begin_person(ctx, actor, id, PersonAction::ManageConsentAndBlocks).await?;
        consents::lift_block(&mut tx, &grant, block, self.now()).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::BlockLifted, Some(block.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)
    }

    /// Opens emergency access for [`EMERGENCY_ACCESS_HOURS`], found by the person's number or id.
    /// Always audited, also when nobody has that number. A block still wins.
    pub async fn open_emergency_access(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        identifier: &str,
        person: Option<PersonId>,
        reason: &str,
    ) -> Result<(PersonId, Timestamp), Error> {
        let grant = self.grant(ctx, actor, Action::RequestEmergencyAccess).await?;
        let mut v = Validator::new();
        let normalized = match (person, identifier.trim()) {
            (Some(_), _) => None,
            (None, "") => {
                v.add("identifier", Reason::Required);
                None
            }
            (None, raw) => match parse_identifier(raw, None, self.local_today()) {
                Ok(id) => Some(id.normalized().to_string()),
                Err(error) => {
                    v.check::<()>(Err(error.to_field_error("identifier")));
                    None
                }
            },
        };
        let reason = v.check(consent::validate_reason("reason", reason));
        v.finish()?;
        let reason = reason.ok_or(Error::Internal)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let found = match (person, &normalized) {
            (Some(id), _) => store::exists(&mut tx, id).await?.then_some(id),
            (None, Some(number)) => store::id_by_identifier(&mut tx, &grant, number).await?,
            (None, None) => None,
        };
        let Some(found) = found else {
            let mut event = ctx.event(now, Some(actor), AuditAction::EmergencyAccessOpened, AuditOutcome::Failure);
            event.reason = Some("no_such_person".into());
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
            let field = if person.is_some() { "person" } else { "identifier" };
            return Err(Error::invalid(field, Reason::Unknown));
        };
        let relations =
            store::relations(&mut tx, found, actor.account, actor.organization, self.local_today(), now).await?;
        if relations.blocked {
            let mut event = ctx.event(now, Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
            event.person = Some(found);
            event.reason = Some(format!("emergency_access: {}", policy::Denial::Blocked.code()));
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
            return Err(Error::Forbidden);
        }
        let expires = now + SignedDuration::from_hours(EMERGENCY_ACCESS_HOURS);
        let access = EmergencyAccessId::generate();
        emergency::open(&mut tx, &grant, access, found, &reason, now, expires).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::EmergencyAccessOpened, AuditOutcome::Success);
        event.person = Some(found);
        event.subject = Some(access.to_string());
        event.reason = Some("emergency".into());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok((found, expires))
    }

    /// Emergency accesses made in the actor's organisation, for a leader's review.
    pub async fn emergency_reviews(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        include_reviewed: bool,
    ) -> Result<Vec<EmergencyAccess>, Error> {
        let grant = self.grant(ctx, actor, Action::ReviewEmergencyAccess { organization: actor.organization }).await?;
        let mut tx = self.store.read().await?;
        emergency::for_review(&mut tx, &grant, include_reviewed).await
    }

    pub async fn mark_emergency_reviewed(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        access: EmergencyAccessId,
        note: &str,
    ) -> Result<(), Error> {
        let grant = self.grant(ctx, actor, Action::ReviewEmergencyAccess { organization: actor.organization }).await?;
        let mut v = Validator::new();
        let note = person::text(&mut v, "note", note, consent::NOTE_MAX);
        v.finish()?;
        let mut tx = self.store.write().await?;
        let person = emergency::mark_reviewed(&mut tx, &grant, access, &note, self.now()).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::EmergencyAccessReviewed, AuditOutcome::Success);
        event.person = Some(person);
        event.subject = Some(access.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)
    }

    /// Asks the policy whether the actor may open a page for `action` (search, registration,
    /// emergency access) before anything is shown; a refusal is audited.
    pub async fn may(&self, ctx: &RequestContext, actor: &Actor, action: Action) -> Result<(), Error> {
        self.grant(ctx, actor, action).await.map(|_| ())
    }

    /// Active staff accounts by display name, for choosing whom a block shuts out. Staff names
    /// are not personal data about a person.
    pub async fn staff_directory(&self) -> Result<Vec<(AccountId, String)>, Error> {
        let mut tx = self.store.read().await?;
        let mut list: Vec<(AccountId, String)> = accounts::list(&mut tx)
            .await?
            .into_iter()
            .filter(|account| !account.is_disabled())
            .map(|account| (account.id, account.display_name))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(list)
    }

    /// The services the organisation provides, for choosing where to enrol a person.
    pub async fn services_provided_by(
        &self,
        organization: OrganizationId,
    ) -> Result<Vec<los_store::services::Service>, Error> {
        let mut tx = self.store.read().await?;
        services::provided_by(&mut tx, organization).await
    }

    /// Who has accessed the person's record: every audit event about them, newest first.
    pub async fn access_log(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: PersonId,
        before: Option<i64>,
    ) -> Result<AccessLog, Error> {
        let (mut read, grant, _) = self.begin_person_read(ctx, actor, id, PersonAction::ReadAccessLog).await?;
        let person = store::read(read.tx(), &grant).await?;
        let entries = audit::for_person(read.tx(), &grant, before, ACCESS_LOG_PAGE + 1).await?;
        let emergency_accesses = emergency::for_person(read.tx(), &grant).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::AccessLogViewed, None));
        read.finish(&self.store).await?;
        let more = entries.len() as i64 > ACCESS_LOG_PAGE;
        let entries: Vec<_> = entries.into_iter().take(ACCESS_LOG_PAGE as usize).collect();
        let next_before = if more { entries.last().map(|e| e.seq) } else { None };
        Ok(AccessLog { person, entries, emergency_accesses, next_before })
    }

    /// Persons matching the query that the actor may see. Hits the actor may not see are left
    /// out without a trace in the answer; each shown hit is audited against that person.
    pub async fn search_persons(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        raw: &str,
    ) -> Result<Vec<PersonSummary>, Error> {
        let grant = self.grant(ctx, actor, Action::SearchPersons).await?;
        let query = parse_search(raw, self.local_today())?;
        let mut read = self.store.audited_read().await?;
        let candidates = store::search_candidates(read.tx(), &grant, &query, SEARCH_LIMIT * 4).await?;
        let today = self.local_today();
        let now = self.now();
        let all_relations =
            store::relations_of_many(read.tx(), &candidates, actor.account, actor.organization, today, now).await?;
        let mut allowed = Vec::new();
        for id in candidates {
            if allowed.len() as i64 >= SEARCH_LIMIT {
                break;
            }
            let Some(relations) = all_relations.get(&id) else { continue };
            let action = PersonAction::Read(DataCategory::IdentityContact);
            if let Ok(person_grant) = policy::authorize_person(actor, id, action, relations) {
                let mut event = ctx.event(now, Some(actor), AuditAction::PersonsSearched, AuditOutcome::Success);
                event.person = Some(id);
                event.reason = Some(format!("search:{} ({})", query_kind(&query), person_grant.basis().code()));
                read.record(event);
                allowed.push(person_grant);
            }
        }
        let hits = store::summaries(read.tx(), &allowed).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::PersonsSearched, AuditOutcome::Success);
        event.subject = Some(format!("hits={}", hits.len()));
        event.reason = Some(format!("search:{}", query_kind(&query)));
        read.record(event);
        read.finish(&self.store).await?;
        Ok(hits)
    }

    /// Links a pseudonymous record to the identified person it turned out to be: its episodes,
    /// relatives, consents and blocks move over. Needs ordinary access to both.
    pub async fn link_pseudonymous(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        pseudonymous: PersonId,
        identified: PersonId,
    ) -> Result<(), Error> {
        if pseudonymous == identified {
            return Err(Error::invalid("identified", Reason::NotAllowed));
        }
        let (mut tx, from) = self.begin_person(ctx, actor, pseudonymous, PersonAction::ManageConsentAndBlocks).await?;
        let to = match self.decide_person(&mut tx, ctx, actor, identified, PersonAction::ManageConsentAndBlocks).await {
            Ok(grant) => grant,
            Err(Error::Forbidden) => {
                tx.commit().await.map_err(map_sqlx)?;
                return Err(Error::Forbidden);
            }
            Err(Error::NotFound { .. }) => return Err(Error::invalid("identified", Reason::Unknown)),
            Err(other) => return Err(other),
        };
        let source = store::read(&mut tx, &from).await?;
        let target = store::read(&mut tx, &to).await?;
        if !source.record.identity.is_pseudonymous() || source.linked_person.is_some() {
            return Err(Error::invalid("pseudonymous", Reason::NotAllowed));
        }
        if target.record.identity.is_pseudonymous() || target.linked_person.is_some() {
            return Err(Error::invalid("identified", Reason::NotAllowed));
        }
        store::link(&mut tx, &from, &to, self.now()).await?;
        self.record(&mut tx, ctx, &from, AuditAction::PersonsLinked, Some(identified.to_string())).await?;
        self.record(&mut tx, ctx, &to, AuditAction::PersonsLinked, Some(pseudonymous.to_string())).await?;
        tx.commit().await.map_err(map_sqlx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_search_box_understands_numbers_dates_and_names() {
        let today = date(2026, 12, 3);
        assert_eq!(parse_search("1985-03-01", today).unwrap(), SearchQuery::BirthDate(date(1985, 3, 1)));
        assert_eq!(parse_search("01.03.1985", today).unwrap(), SearchQuery::BirthDate(date(1985, 3, 1)));
        assert_eq!(
            parse_search(" Kari  Testesen ", today).unwrap(),
            SearchQuery::Name(vec!["kari".into(), "testesen".into()])
        );
        assert!(matches!(parse_search("", today), Err(Error::Invalid(_))));
        assert!(matches!(parse_search("k", today), Err(Error::Invalid(_))));
        let Err(Error::Invalid(errors)) = parse_search("17058012345", today) else { panic!("accepted") };
        assert_eq!(errors[0].field, "q");
        assert_eq!(errors[0].reason.code(), "check-digit");
    }
}
