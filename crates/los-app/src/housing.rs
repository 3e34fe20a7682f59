//! Housing (design item 10): units of a service, stays of persons in them, and the vacancy
//! view. Units describe a service and are managed like it (service leaders of the providing
//! organisation, administrators). A stay is the person's housing data: it needs the policy's
//! grant to change the person's housing, only the organisation that provides the unit records
//! or ends it, and it is audited in the same transaction.
//!
//! A stay keeps the person's episode in step: recording a stay opens an episode at the unit's
//! service unless an episode there already covers the stay's first day or overlaps it, and
//! ending the stay ends the episode it opened, in the same transaction.
//!
//! The housing waiting list is the waiting list of the housing service (referrals accepted or
//! offered and not yet started, see [`crate::referrals`]).

use jiff::civil::Date;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::consent::DataCategory;
use los_core::episode::Period;
use los_core::error::Validator;
use los_core::housing::{self, LengthOfStay, StayContext, StayFields, StayPeriod, UnitFields};
use los_core::ids::{EpisodeId, HousingUnitId, PersonId, ServiceId, StayId};
use los_core::policy::{self, AccessBasis, Action, Actor, PersonAction};
use los_core::{Error, Reason};
use los_store::housing::{self as store, Stay, Unit};
use los_store::{audit, map_sqlx, persons, services};

use crate::{App, RequestContext};

/// A unit with tonight's beds.
#[derive(Debug, Clone)]
pub struct UnitVacancy {
    pub unit: Unit,
    /// Stays covering tonight.
    pub occupied: u32,
    pub free: u32,
}

/// A service's units as of today.
#[derive(Debug, Clone)]
pub struct Vacancies {
    pub service: ServiceId,
    pub service_name: String,
    pub today: Date,
    pub units: Vec<UnitVacancy>,
}

/// A stay with its length against the unit type's target.
#[derive(Debug, Clone)]
pub struct StayView {
    pub stay: Stay,
    pub length: LengthOfStay,
}

fn view(stay: Stay, today: Date) -> StayView {
    StayView { length: LengthOfStay::new(&stay.period, stay.unit_type, today), stay }
}

/// The stay as an episode period: episodes include their last day, the move-out day.
fn as_episode(period: &StayPeriod) -> Period {
    Period { start: period.from, end: period.to }
}

impl App {
    pub(crate) async fn service_or_not_found(&self, service: ServiceId) -> Result<services::Service, Error> {
        let mut tx = self.store.read().await?;
        services::by_id(&mut tx, service).await?.ok_or(Error::NotFound { what: "service" })
    }

    async fn unit_or_not_found(&self, unit: HousingUnitId) -> Result<Unit, Error> {
        let mut tx = self.store.read().await?;
        store::unit_by_id(&mut tx, unit).await?.ok_or(Error::NotFound { what: "housing unit" })
    }

    /// Adds a unit (a bed, a flat, a shared house) to a service.
    pub async fn create_unit(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        fields: &UnitFields,
    ) -> Result<Unit, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::ManageService { provider: found.provider }).await?;
        let description = housing::validate_unit(fields)?;
        let mut tx = self.store.write().await?;
        if store::name_taken(&mut tx, service, &description.name, None).await? {
            return Err(Error::invalid("name", Reason::AlreadyExists));
        }
        let id = HousingUnitId::generate();
        store::insert_unit(&mut tx, &grant, id, service, found.provider, &description, self.now()).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::HousingUnitCreated, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let saved = store::unit_by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(saved)
    }

    /// Changes a unit if it is still at `version`. The capacity may not drop below the stays
    /// that hold a bed tonight or on a later night.
    pub async fn update_unit(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: HousingUnitId,
        version: i64,
        fields: &UnitFields,
    ) -> Result<Unit, Error> {
        let current = self.unit_or_not_found(id).await?;
        let grant = self.grant(ctx, actor, Action::ManageService { provider: current.provider }).await?;
        let description = housing::validate_unit(fields)?;
        let mut tx = self.store.write().await?;
        store::lock_unit(&mut tx, id).await?;
        let mut v = Validator::new();
        if store::name_taken(&mut tx, current.service, &description.name, Some(id)).await? {
            v.add("name", Reason::AlreadyExists);
        }
        let from_tonight = StayPeriod { from: self.local_today(), to: None };
        let periods = store::periods_at_unit(&mut tx, id, None).await?;
        if housing::busiest_night(&from_tonight, &periods) > u64::from(description.capacity) {
            v.add("capacity", Reason::NotAllowed);
        }
        v.finish()?;
        store::update_unit(&mut tx, &grant, id, current.provider, version, &description, self.now()).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::HousingUnitUpdated, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let saved = store::unit_by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(saved)
    }

    /// The units of the services the actor's organisation provides (no person): where its
    /// staff can record stays.
    pub async fn units_of_own_organization(&self, actor: &Actor) -> Result<Vec<Unit>, Error> {
        let services: Vec<ServiceId> =
            self.services_provided_by(actor.organization).await?.into_iter().map(|s| s.id).collect();
        let mut tx = self.store.read().await?;
        store::units_of_services(&mut tx, &services).await
    }

    /// A unit as it is stored (no person), for forms and ETags.
    pub async fn unit(&self, ctx: &RequestContext, actor: &Actor, id: HousingUnitId) -> Result<Unit, Error> {
        let unit = self.unit_or_not_found(id).await?;
        self.grant(ctx, actor, Action::ReadVacancies { provider: unit.provider }).await?;
        Ok(unit)
    }

    /// The units of a service with how many beds are taken and free tonight.
    pub async fn vacancies(&self, ctx: &RequestContext, actor: &Actor, service: ServiceId) -> Result<Vacancies, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::ReadVacancies { provider: found.provider }).await?;
        let today = self.local_today();
        let mut read = self.store.audited_read().await?;
        let units = store::units_of_services(read.tx(), &[service]).await?;
        let ids: Vec<HousingUnitId> = units.iter().map(|u| u.id).collect();
        let periods = store::periods_of_units(read.tx(), &grant, &ids).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::VacancyViewed, AuditOutcome::Success);
        event.subject = Some(service.to_string());
        read.record(event);
        read.finish(&self.store).await?;
        let units = units
            .into_iter()
            .map(|unit| {
                let occupied = periods.iter().filter(|(id, p)| *id == unit.id && p.covers(today)).count();
                let occupied = u32::try_from(occupied).unwrap_or(u32::MAX);
                UnitVacancy { free: unit.description.capacity.saturating_sub(occupied), occupied, unit }
            })
            .collect();
        Ok(Vacancies { service, service_name: found.description.name, today, units })
    }

    /// Records a stay of `person` in a unit of the actor's organisation.
    pub async fn record_stay(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
        unit: &str,
        fields: &StayFields,
    ) -> Result<StayView, Error> {
        let unit = match unit.trim() {
            "" => return Err(Error::invalid("unit", Reason::Required)),
            raw => match raw.parse::<HousingUnitId>() {
                Ok(id) => {
                    let mut tx = self.store.read().await?;
                    store::unit_by_id(&mut tx, id).await?.ok_or_else(|| Error::invalid("unit", Reason::Unknown))?
                }
                Err(_) => return Err(Error::invalid("unit", Reason::Unknown)),
            },
        };
        let (mut tx, grant) =
            self.begin_person(ctx, actor, person, PersonAction::Change(DataCategory::Housing)).await?;
        // Only the organisation that provides the unit fills its beds.
        if unit.provider != actor.organization {
            let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
            event.person = Some(person);
            event.subject = Some(unit.id.to_string());
            event.reason = Some("record_stay: not_the_providing_organization".into());
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
            return Err(Error::Forbidden);
        }
        store::lock_unit(&mut tx, unit.id).await?;
        let at_unit = store::periods_at_unit(&mut tx, unit.id, None).await?;
        let of_person = store::periods_of_person(&mut tx, &grant, None).await?;
        let today = self.local_today();
        let context = StayContext { capacity: unit.description.capacity, at_unit: &at_unit, of_person: &of_person };
        let period = housing::validate_stay(fields, today, &context)?;
        let now = self.now();
        let episodes = store::episodes_at_service(&mut tx, &grant, unit.service).await?;
        let covered = episodes.iter().any(|(_, episode, _)| episode.overlaps(&as_episode(&period)));
        let episode = if covered {
            None
        } else {
            // Opening an episode enrols the person with the service, which gives the
            // organisation ordinary work need (every category). That needs ordinary work need
            // already — an episode or referral of its own — not only a consent to housing data.
            let enrol = PersonAction::Change(DataCategory::ReferralsDecisions);
            let relations = persons::relations(&mut tx, person, actor.account, actor.organization, today, now).await?;
            let ordinary = policy::authorize_person(actor, person, enrol, &relations)
                .is_ok_and(|g| matches!(g.basis(), AccessBasis::Episode | AccessBasis::Referral));
            if !ordinary {
                let mut event = ctx.event(now, Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
                event.person = Some(person);
                event.subject = Some(unit.id.to_string());
                event.reason = Some("record_stay: opening an episode needs ordinary work need".into());
                audit::append(&mut tx, &event).await?;
                tx.commit().await.map_err(map_sqlx)?;
                return Err(Error::Forbidden);
            }
            let id = EpisodeId::generate();
            store::open_stay_episode(&mut tx, &grant, id, unit.service, &period, now).await?;
            self.record(&mut tx, ctx, &grant, AuditAction::EpisodeStarted, Some(id.to_string())).await?;
            if period.to.is_some() {
                self.record(&mut tx, ctx, &grant, AuditAction::EpisodeEnded, Some(id.to_string())).await?;
            }
            Some(id)
        };
        let id = StayId::generate();
        store::insert_stay(&mut tx, &grant, id, unit.id, &period, episode, now).await?;
        self.record(&mut tx, ctx, &grant, AuditAction::StayRecorded, Some(id.to_string())).await?;
        let saved = store::stay(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, today))
    }

    /// Records the day the person moved out of a stay still at `version`, and ends the episode
    /// the stay opened.
    pub async fn end_stay(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: StayId,
        version: i64,
        to: &str,
    ) -> Result<StayView, Error> {
        let parties = {
            let mut tx = self.store.read().await?;
            store::stay_parties(&mut tx, id).await?.ok_or(Error::NotFound { what: "stay" })?
        };
        let (mut tx, grant) =
            self.begin_person(ctx, actor, parties.person, PersonAction::Change(DataCategory::Housing)).await?;
        if parties.provider != actor.organization {
            let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
            event.person = Some(parties.person);
            event.subject = Some(id.to_string());
            event.reason = Some("end_stay: not_the_providing_organization".into());
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
            return Err(Error::Forbidden);
        }
        let current = store::stay(&mut tx, &grant, id).await?;
        if current.version != version || current.period.to.is_some() {
            return Err(Error::Conflict { what: "stay" });
        }
        let today = self.local_today();
        let to = housing::validate_move_out(current.period.from, to, today)?;
        store::end_stay(&mut tx, &grant, id, version, to).await?;
        if let Some(episode) = current.episode
            && store::end_stay_episode(&mut tx, &grant, episode, to).await?
        {
            self.record(&mut tx, ctx, &grant, AuditAction::EpisodeEnded, Some(episode.to_string())).await?;
        }
        self.record(&mut tx, ctx, &grant, AuditAction::StayEnded, Some(id.to_string())).await?;
        let saved = store::stay(&mut tx, &grant, id).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(view(saved, today))
    }

    /// The person's stays, newest first, each with its length against the target.
    pub async fn stays_for_person(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        person: PersonId,
    ) -> Result<Vec<StayView>, Error> {
        let (mut read, grant, _) =
            self.begin_person_read(ctx, actor, person, PersonAction::Read(DataCategory::Housing)).await?;
        let stays = store::stays_of_person(read.tx(), &grant).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::StaysViewed, None));
        read.finish(&self.store).await?;
        let today = self.local_today();
        Ok(stays.into_iter().map(|stay| view(stay, today)).collect())
    }

    /// One stay.
    pub async fn stay(&self, ctx: &RequestContext, actor: &Actor, id: StayId) -> Result<StayView, Error> {
        let parties = {
            let mut tx = self.store.read().await?;
            store::stay_parties(&mut tx, id).await?.ok_or(Error::NotFound { what: "stay" })?
        };
        let (mut read, grant, _) =
            self.begin_person_read(ctx, actor, parties.person, PersonAction::Read(DataCategory::Housing)).await?;
        let stay = store::stay(read.tx(), &grant, id).await?;
        read.record(self.access_event(ctx, &grant, AuditAction::StaysViewed, Some(id.to_string())));
        read.finish(&self.store).await?;
        Ok(view(stay, self.local_today()))
    }
}
