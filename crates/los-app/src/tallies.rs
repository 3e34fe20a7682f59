//! Low-threshold tallies (design item 11): the counters a service keeps (set by those who
//! manage the service), the daily entry by its staff, anonymous or for one person, and the
//! history of a day's corrections. Every read and change is audited.

use std::collections::BTreeMap;

use jiff::civil::Date;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::consent::DataCategory;
use los_core::ids::{PersonId, ServiceId, TallyEntryId};
use los_core::person::parse_date;
use los_core::policy::{Action, Actor, PersonAction};
use los_core::tally::{self, Counter, TallyFields};
use los_core::{Error, Reason};
use los_store::tallies::{self as store, EntryRecord};
use los_store::{audit, map_sqlx};

use crate::{App, RequestContext};

/// The longest period one tally listing covers.
pub const MAX_LIST_DAYS: i64 = 366;

/// One day at a service: the counters it keeps, the anonymous entry in force and the earlier
/// ones it corrected.
#[derive(Debug, Clone)]
pub struct TallyDay {
    pub service: ServiceId,
    pub service_name: String,
    pub day: Date,
    pub today: Date,
    pub counters: Vec<Counter>,
    /// Newest first: the first is in force.
    pub entries: Vec<EntryRecord>,
}

impl TallyDay {
    pub fn current(&self) -> Option<&EntryRecord> {
        self.entries.first()
    }
}

/// The counts in force per day over a period.
#[derive(Debug, Clone)]
pub struct TallyPeriod {
    pub service: ServiceId,
    pub from: Date,
    pub to: Date,
    pub counters: Vec<Counter>,
    pub days: BTreeMap<Date, BTreeMap<Counter, i64>>,
}

impl App {
    /// Sets which counters a service keeps.
    pub async fn set_tally_counters(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        codes: &[String],
    ) -> Result<Vec<Counter>, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::ManageService { provider: found.provider }).await?;
        let counters = tally::validate_counters(codes)?;
        let mut tx = self.store.write().await?;
        store::set_counters(&mut tx, &grant, service, found.provider, &counters).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::TallyCountersChanged, AuditOutcome::Success);
        event.subject = Some(service.to_string());
        event.reason = Some(counters.iter().map(|c| c.code()).collect::<Vec<_>>().join(","));
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(counters)
    }

    /// The counters a service keeps (no personal data; anyone signed in may know them).
    pub async fn tally_counters(&self, service: ServiceId) -> Result<Vec<Counter>, Error> {
        self.service_or_not_found(service).await?;
        let mut tx = self.store.read().await?;
        store::counters(&mut tx, service).await
    }

    /// One day's anonymous counts at a service with their corrections; `day` empty is today.
    pub async fn tally_day(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        day: &str,
    ) -> Result<TallyDay, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::ReadTallies { provider: found.provider }).await?;
        let today = self.local_today();
        let day = match parse_date("day", day) {
            Ok(Some(day)) if day > today => return Err(Error::invalid("day", Reason::InFuture)),
            Ok(Some(day)) => day,
            Ok(None) => today,
            Err(error) => return Err(Error::Invalid(vec![error])),
        };
        let mut read = self.store.audited_read().await?;
        let counters = store::counters(read.tx(), service).await?;
        let entries = store::day_history(read.tx(), &grant, service, found.provider, day).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::TalliesViewed, AuditOutcome::Success);
        event.subject = Some(format!("{service}:{day}"));
        read.record(event);
        read.finish(&self.store).await?;
        Ok(TallyDay { service, service_name: found.description.name, day, today, counters, entries })
    }

    /// Records a day's counts at a service of the actor's organisation, anonymous or (when
    /// `person` is given) for that person. A second entry for the same day and person corrects
    /// the first, which stays as history.
    pub async fn record_tally(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        fields: &TallyFields,
        person: &str,
    ) -> Result<TallyDay, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::RecordTallies { provider: found.provider }).await?;
        let counters = {
            let mut tx = self.store.read().await?;
            store::counters(&mut tx, service).await?
        };
        if counters.is_empty() {
            return Err(Error::invalid("counters", Reason::TooFew { min: 1 }));
        }
        let today = self.local_today();
        let entry = tally::validate_entry(fields, &counters, today)?;
        let id = TallyEntryId::generate();
        let now = self.now();
        match person.trim() {
            "" => {
                let mut tx = self.store.write().await?;
                store::insert_anonymous(&mut tx, &grant, id, service, found.provider, &entry, now).await?;
                let mut event = ctx.event(now, Some(actor), AuditAction::TallyRecorded, AuditOutcome::Success);
                event.subject = Some(format!("{service}:{}:{id}", entry.day));
                audit::append(&mut tx, &event).await?;
                tx.commit().await.map_err(map_sqlx)?;
            }
            raw => {
                let person = raw.parse::<PersonId>().map_err(|_| Error::invalid("person", Reason::Unknown))?;
                let (mut tx, person_grant) =
                    match self.begin_person(ctx, actor, person, PersonAction::Change(DataCategory::Notes)).await {
                        Err(Error::NotFound { .. }) => return Err(Error::invalid("person", Reason::Unknown)),
                        other => other?,
                    };
                store::insert_for_person(&mut tx, &person_grant, id, service, &entry, now).await?;
                self.record(
                    &mut tx,
                    ctx,
                    &person_grant,
                    AuditAction::TallyRecorded,
                    Some(format!("{service}:{}:{id}", entry.day)),
                )
                .await?;
                tx.commit().await.map_err(map_sqlx)?;
            }
        }
        self.tally_day(ctx, actor, service, &entry.day.to_string()).await
    }

    /// The counts in force per day at a service over `from..=to` (persons' entries included in
    /// the sums, never named).
    pub async fn tallies(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        service: ServiceId,
        from: &str,
        to: &str,
    ) -> Result<TallyPeriod, Error> {
        let found = self.service_or_not_found(service).await?;
        let grant = self.grant(ctx, actor, Action::ReadTallies { provider: found.provider }).await?;
        let today = self.local_today();
        let (from, to) = crate::dashboards::parse_period(from, to, today, MAX_LIST_DAYS)?;
        let mut read = self.store.audited_read().await?;
        let counters = store::counters(read.tx(), service).await?;
        let totals = store::daily_totals(read.tx(), &grant, &[service], from, to).await?;
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::TalliesViewed, AuditOutcome::Success);
        event.subject = Some(format!("{service}:{from}..{to}"));
        read.record(event);
        read.finish(&self.store).await?;
        let mut days: BTreeMap<Date, BTreeMap<Counter, i64>> = BTreeMap::new();
        for ((day, counter), count) in totals {
            days.entry(day).or_default().insert(counter, count);
        }
        Ok(TallyPeriod { service, from, to, counters, days })
    }
}
