//! Synthetic referrals for the demo installation (design item 7): the municipal substance-use
//! team refers persons to the hospital trust's LAR and TSB services, and the low-threshold
//! health service refers to the team. The result is waiting lists between 0 and 25 per service,
//! referrals started over the past year (so the waiting-time statistics show), some declined or
//! withdrawn, some with the assessment deadline passed, and some waiting persons nobody has
//! contacted for longer than the service's follow-up interval.
//!
//! Everything goes through the referral use cases, acted by the demo staff accounts, so that
//! validation, the policy and the audit log all run. Dates count back from the clock's local
//! today and no step lies in the future. A fixed-seed generator makes the data repeatable; it is
//! loaded once (a person of the team with any referral means it is there already).

use std::time::Instant;

use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::ids::{OrganizationId, PersonId, ServiceId};
use los_core::policy::{self, Action, Actor, PersonAction};
use los_core::referral::{ReferralFields, StepFields};
use los_core::service::{ServiceFields, ServiceYear};
use los_store::episodes;
use los_store::persons::{self as person_store, SearchQuery};
use los_store::referrals::{self as referral_store, ReferralId};

use crate::accounts::Operator;
use crate::demo_persons::{DemoWorld, Staff};
use crate::demo_rng::{DemoRng, plus_days};
use crate::referrals::NewReferralInput;
use crate::services::ServiceInput;
use crate::{App, RequestContext};

const RUSTEAM: &str = "Rusteamet – oppfølging og LAR i kommunen";
const LOW_THRESHOLD_HEALTH: &str = "Lavterskel helsetilbud";
const LAR: &str = "LAR – legemiddelassistert rehabilitering";
const TSB_OUTPATIENT: &str = "TSB poliklinikk – rus og avhengighet";
const TSB_DETOX: &str = "Avrusning og utredning (TSB døgn)";
const ORG_HOSPITAL_TRUST: usize = 2;

const REASONS: [&str; 6] = [
    "Opioidavhengighet med flere overdoser siste år; ønsker vurdering for LAR.",
    "Langvarig alkoholavhengighet, ønsker behandling. Fastlege er orientert.",
    "Blandingsmisbruk og psykiske plager; trenger utredning i spesialisthelsetjenesten.",
    "Ønsker avrusning før oppstart i poliklinisk behandling.",
    "Tilbakefall etter endt behandling; ber om ny vurdering.",
    "Har bedt om hjelp til å komme i behandling. Bor i kommunal bolig.",
];
const DECLINE_REASONS: [&str; 3] = [
    "Behovet dekkes best av kommunens oppfølging; returnert til henviser med råd.",
    "Ikke rett til nødvendig helsehjelp i spesialisthelsetjenesten nå; kommunen følger opp.",
    "Henvisningen mangler opplysninger om tidligere behandling; returnert til henviser.",
];
const WITHDRAW_REASON: &str = "Personen ønsker ikke behandling nå.";
const CONTACT_NOTES: [&str; 4] = [
    "Snakket med personen om ventetiden.",
    "Personen er motivert og venter på time.",
    "Møtt på rusteamets kontor; ingen endring.",
    "Brev sendt om status i køen.",
];

/// What becomes of one demo referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Accepted (perhaps offered) and waiting; `quiet`: no contact for longer than follow-up.
    Waiting {
        quiet: bool,
    },
    Started,
    Declined,
    /// Received long enough ago that the assessment deadline has passed.
    Overdue,
    /// Sent in the last days, not yet received.
    Sent,
    Withdrawn,
}

/// The referrals to one service.
struct Target {
    service: &'static str,
    sender: Staff,
    from_service: &'static str,
    receiver: Staff,
    waiting: usize,
    quiet: usize,
    started: usize,
    declined: usize,
    overdue: usize,
    sent: usize,
    withdrawn: usize,
}

impl Target {
    fn outcomes(&self) -> Vec<Outcome> {
        let mut list = Vec::new();
        list.extend((0..self.waiting).map(|i| Outcome::Waiting { quiet: i < self.quiet }));
        list.extend((0..self.started).map(|_| Outcome::Started));
        list.extend((0..self.declined).map(|_| Outcome::Declined));
        list.extend((0..self.overdue).map(|_| Outcome::Overdue));
        list.extend((0..self.sent).map(|_| Outcome::Sent));
        list.extend((0..self.withdrawn).map(|_| Outcome::Withdrawn));
        list
    }
}

const TARGETS: [Target; 4] = [
    Target {
        service: LAR,
        sender: Staff::Coordinator,
        from_service: RUSTEAM,
        receiver: Staff::HospitalTrust,
        waiting: 17,
        quiet: 5,
        // Few: most LAR patients came before the period (about 75 in LAR in all).
        started: 4,
        declined: 3,
        overdue: 2,
        sent: 2,
        withdrawn: 1,
    },
    Target {
        service: TSB_OUTPATIENT,
        sender: Staff::Coordinator,
        from_service: RUSTEAM,
        receiver: Staff::HospitalTrust,
        waiting: 23,
        quiet: 7,
        started: 20,
        declined: 4,
        overdue: 3,
        sent: 3,
        withdrawn: 1,
    },
    Target {
        service: TSB_DETOX,
        sender: Staff::Coordinator,
        from_service: RUSTEAM,
        receiver: Staff::HospitalTrust,
        waiting: 5,
        quiet: 1,
        started: 10,
        declined: 2,
        overdue: 1,
        sent: 1,
        withdrawn: 0,
    },
    Target {
        service: RUSTEAM,
        sender: Staff::LowThreshold,
        from_service: LOW_THRESHOLD_HEALTH,
        receiver: Staff::Coordinator,
        waiting: 9,
        quiet: 3,
        started: 5,
        declined: 1,
        overdue: 0,
        sent: 1,
        withdrawn: 0,
    },
];

/// The hospital trust's TSB services this module adds to the Grenland region.
const TSB_SERVICES: [(&str, &str, &str, &str); 2] = [
    (
        TSB_OUTPATIENT,
        "Voksne med rus- og avhengighetslidelser i Grenland.",
        "Poliklinisk utredning og behandling i samarbeid med kommunene.",
        "outpatient",
    ),
    (
        TSB_DETOX,
        "Personer som trenger avrusning eller utredning i døgnenhet.",
        "Trygg avrusning og planlagt overgang til videre behandling.",
        "inpatient",
    ),
];

fn plus(day: Date, days: i64) -> Date {
    plus_days(day, days)
}

fn min(a: Date, b: Date) -> Date {
    if a < b { a } else { b }
}

/// A person the sender follows, with the services where they have had an episode.
struct Candidate {
    person: PersonId,
    services: Vec<ServiceId>,
    has_referrals: bool,
}

/// How many referrals of each outcome the demo holds.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DemoReferralCounts {
    pub(crate) referrals: usize,
    pub(crate) waiting: usize,
    pub(crate) started: usize,
    pub(crate) declined: usize,
    pub(crate) overdue: usize,
    pub(crate) withdrawn: usize,
}

impl App {
    /// Adds the TSB services and the demo referrals unless they are there already.
    pub(crate) async fn load_demo_referrals(
        &self,
        ctx: &RequestContext,
        organizations: &[OrganizationId],
    ) -> Result<(), Error> {
        self.ensure_tsb_services(ctx, organizations).await?;
        let world = self.demo_world(organizations).await?;
        let coordinator = world.actor(Staff::Coordinator)?.clone();
        let team = self.demo_candidates(&coordinator, world.service(RUSTEAM)?).await?;
        if team.iter().any(|c| c.has_referrals) {
            return Ok(());
        }
        let started = Instant::now();
        let counts = self.build_demo_referrals(ctx, &world, team).await?;
        tracing::info!(
            referrals = counts.referrals,
            waiting = counts.waiting,
            started = counts.started,
            declined = counts.declined,
            overdue = counts.overdue,
            withdrawn = counts.withdrawn,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo referrals loaded"
        );
        Ok(())
    }

    async fn ensure_tsb_services(&self, ctx: &RequestContext, organizations: &[OrganizationId]) -> Result<(), Error> {
        let regions = self.list_regions().await?;
        let municipalities = self.list_municipalities().await?;
        let porsgrunn = municipalities.iter().find(|m| m.number == "4001").map(|m| m.id).ok_or(Error::Internal)?;
        let grenland = regions.iter().find(|r| r.host == porsgrunn).map(|r| r.id).ok_or(Error::Internal)?;
        let existing: Vec<String> =
            self.region_chain(grenland).await?.into_iter().map(|s| s.description.name).collect();
        let provider = organizations.get(ORG_HOSPITAL_TRUST).ok_or(Error::Internal)?;
        for (name, target_group, goals, focus) in TSB_SERVICES {
            if existing.iter().any(|n| n == name) {
                continue;
            }
            let input = ServiceInput {
                municipality: String::new(),
                region: grenland.to_string(),
                provider: provider.to_string(),
                fields: ServiceFields {
                    name: name.into(),
                    category: "health".into(),
                    phases: vec!["treatment".into()],
                    target_group: target_group.into(),
                    goals: goals.into(),
                    legal_bases: vec!["no.sphlsl.2-1a".into()],
                    capacity: String::new(),
                    capacity_unit: String::new(),
                    opening_hours: "Man–fre 08–15".into(),
                    focus_areas: vec!["TSB".into(), focus.into()],
                    years: vec![ServiceYear { year: 2026, budget: Some(20_000_000), fte_hundredths: Some(1800) }],
                },
            };
            self.save_service(ctx, Operator::CommandLine, None, &input).await?;
        }
        Ok(())
    }

    /// The persons with a running episode at `service` that the actor follows, in search order.
    async fn demo_candidates(&self, actor: &Actor, service: ServiceId) -> Result<Vec<Candidate>, Error> {
        let search = policy::authorize(actor, Action::SearchPersons).map_err(|_| Error::Forbidden)?;
        let (today, now) = (self.local_today(), self.now());
        let mut tx = self.store.read().await?;
        let ids =
            person_store::search_candidates(&mut tx, &search, &SearchQuery::Name(vec![String::new()]), 100_000).await?;
        let mut found = Vec::new();
        for person in ids {
            let relations =
                person_store::relations(&mut tx, person, actor.account, actor.organization, today, now).await?;
            let Ok(grant) = policy::authorize_person(
                actor,
                person,
                PersonAction::Read(DataCategory::ReferralsDecisions),
                &relations,
            ) else {
                continue;
            };
            let list = episodes::list(&mut tx, &grant).await?;
            if !list.iter().any(|e| e.service == service && e.period.end.is_none()) {
                continue;
            }
            let has_referrals = !referral_store::list(&mut tx, &grant).await?.is_empty();
            found.push(Candidate { person, services: list.iter().map(|e| e.service).collect(), has_referrals });
        }
        Ok(found)
    }

    /// Whether the actor's ground for the person is a consent.
    async fn sees_by_consent(&self, actor: &Actor, person: PersonId) -> Result<bool, Error> {
        let mut tx = self.store.read().await?;
        let relations =
            person_store::relations(&mut tx, person, actor.account, actor.organization, self.local_today(), self.now())
                .await?;
        let read = PersonAction::Read(DataCategory::IdentityContact);
        Ok(policy::authorize_person(actor, person, read, &relations)
            .is_ok_and(|grant| grant.basis() == policy::AccessBasis::Consent))
    }

    async fn build_demo_referrals(
        &self,
        ctx: &RequestContext,
        world: &DemoWorld,
        team: Vec<Candidate>,
    ) -> Result<DemoReferralCounts, Error> {
        let mut rng = DemoRng(0x5265_6665_7272_616C);
        let today = self.local_today();
        let low_threshold = {
            let actor = world.actor(Staff::LowThreshold)?.clone();
            self.demo_candidates(&actor, world.service(LOW_THRESHOLD_HEALTH)?).await?
        };
        let mut counts = DemoReferralCounts::default();
        for (index, target) in TARGETS.iter().enumerate() {
            let service = world.service(target.service)?;
            let follow_up_days = {
                let mut tx = self.store.read().await?;
                referral_store::follow_up_days(&mut tx, service).await?
            };
            let pool = if target.sender == Staff::LowThreshold { &low_threshold } else { &team };
            // Persons who have never been at the service; each target starts further along the
            // list so that the same persons are not referred everywhere.
            // Persons the receiver already sees by consent keep that as their only ground.
            let receiver = world.actor(target.receiver)?;
            let mut eligible = Vec::new();
            for candidate in pool.iter().filter(|c| !c.services.contains(&service)) {
                if !self.sees_by_consent(receiver, candidate.person).await? {
                    eligible.push(candidate.person);
                }
            }
            if eligible.is_empty() {
                continue;
            }
            let offset = index * eligible.len() / TARGETS.len();
            let sender = world.actor(target.sender)?;
            let from_service = world.service(target.from_service)?;
            for (n, outcome) in target.outcomes().into_iter().enumerate() {
                if n >= eligible.len() {
                    break;
                }
                let person = eligible[(offset + n) % eligible.len()];
                let reason = REASONS[rng.between(0, REASONS.len() as i64 - 1) as usize];
                let priority = match rng.between(0, 9) {
                    0 => "urgent",
                    1..=3 => "high",
                    _ => "normal",
                };
                let plan = DemoReferral::plan(&mut rng, outcome, today, follow_up_days);
                let input = NewReferralInput {
                    from_service: from_service.to_string(),
                    to_service: service.to_string(),
                    fields: ReferralFields {
                        reason: reason.into(),
                        priority: priority.into(),
                        sent_on: plan.sent.to_string(),
                    },
                };
                let sent = self.send_referral(ctx, sender, person, &input).await?;
                counts.referrals += 1;
                let withdrawn =
                    self.play_demo_referral(ctx, sender, receiver, &plan, sent.referral.id, &mut rng).await?;
                match outcome {
                    _ if withdrawn => counts.withdrawn += 1,
                    Outcome::Withdrawn => counts.withdrawn += 1,
                    Outcome::Waiting { .. } => counts.waiting += 1,
                    Outcome::Started => counts.started += 1,
                    Outcome::Declined => counts.declined += 1,
                    Outcome::Overdue => counts.overdue += 1,
                    Outcome::Sent => {}
                }
            }
        }
        Ok(counts)
    }

    /// Takes the planned steps. A receiver the person has blocked cannot take them: the sender
    /// then withdraws the referral, as would happen in practice (returns true).
    async fn play_demo_referral(
        &self,
        ctx: &RequestContext,
        sender: &Actor,
        receiver: &Actor,
        plan: &DemoReferral,
        id: ReferralId,
        rng: &mut DemoRng,
    ) -> Result<bool, Error> {
        let mut version = 1;
        for (by_sender, fields) in &plan.steps {
            let actor = if *by_sender { sender } else { receiver };
            match self.take_step(ctx, actor, id, version, fields).await {
                Ok(view) => version = view.referral.version,
                Err(Error::Forbidden) if !*by_sender => {
                    let last = plan.steps.first().map(|(_, f)| f.on.clone()).unwrap_or_default();
                    let withdraw = StepFields {
                        status: "withdrawn".into(),
                        on: last,
                        reason: "Personen har sperret tilgangen for mottakeren.".into(),
                        ..Default::default()
                    };
                    self.take_step(ctx, sender, id, version, &withdraw).await?;
                    return Ok(true);
                }
                Err(other) => return Err(other),
            }
        }
        for (on, kind) in &plan.contacts {
            let note = CONTACT_NOTES[rng.between(0, CONTACT_NOTES.len() as i64 - 1) as usize];
            self.log_contact(ctx, sender, id, &on.to_string(), kind, note).await?;
        }
        Ok(false)
    }
}

/// The dates and steps of one demo referral.
struct DemoReferral {
    sent: Date,
    /// Each step, and whether the sender (not the receiver) takes it.
    steps: Vec<(bool, StepFields)>,
    contacts: Vec<(Date, &'static str)>,
}

fn step(status: &str, on: Date) -> StepFields {
    StepFields { status: status.into(), on: on.to_string(), ..Default::default() }
}

fn accept(on: Date, rng: &mut DemoRng) -> StepFields {
    StepFields {
        right_to_care: true,
        start_deadline: plus(on, rng.between(42, 120)).to_string(),
        ..step("accepted", on)
    }
}

impl DemoReferral {
    fn plan(rng: &mut DemoRng, outcome: Outcome, today: Date, follow_up_days: i64) -> DemoReferral {
        let mut steps = Vec::new();
        let mut contacts = Vec::new();
        let sent = match outcome {
            Outcome::Waiting { quiet } => {
                let received_ago =
                    if quiet { rng.between(follow_up_days + 14, follow_up_days + 160) } else { rng.between(10, 200) };
                let received = plus(today, -received_ago);
                let accepted = min(plus(received, rng.between(2, 12)), today);
                steps.push((false, step("received", received)));
                steps.push((false, accept(accepted, rng)));
                if !quiet {
                    // A contact within the follow-up interval (the sender's team keeps in touch).
                    let recent = plus(today, -rng.between(0, follow_up_days - 3));
                    if recent >= accepted {
                        contacts.push((recent, if rng.between(0, 1) == 0 { "phone" } else { "meeting" }));
                    }
                    if rng.between(0, 3) == 0 {
                        let offered_on = min(plus(accepted, rng.between(1, 10)), today);
                        steps.push((
                            false,
                            StepFields {
                                offered_date: plus(today, rng.between(3, 30)).to_string(),
                                ..step("offered", offered_on)
                            },
                        ));
                    }
                } else if received_ago > follow_up_days * 3 {
                    // An old contact long ago, then nothing.
                    let old = plus(accepted, rng.between(1, 7));
                    if old < plus(today, -follow_up_days - 1) {
                        contacts.push((old, "letter"));
                    }
                }
                plus(received, -rng.between(1, 3))
            }
            Outcome::Started => {
                let started = plus(today, -rng.between(3, 350));
                let wait = rng.between(7, 110);
                let received = plus(started, -wait);
                let accepted = min(plus(received, rng.between(2, 10)), started);
                steps.push((false, step("received", received)));
                steps.push((false, accept(accepted, rng)));
                steps.push((false, step("started", started)));
                plus(received, -rng.between(1, 3))
            }
            Outcome::Declined => {
                let received = plus(today, -rng.between(14, 300));
                let declined = min(plus(received, rng.between(3, 10)), today);
                steps.push((false, step("received", received)));
                steps.push((
                    false,
                    StepFields {
                        reason: DECLINE_REASONS[rng.between(0, DECLINE_REASONS.len() as i64 - 1) as usize].into(),
                        ..step("declined", declined)
                    },
                ));
                plus(received, -rng.between(1, 3))
            }
            Outcome::Overdue => {
                let received = plus(today, -rng.between(20, 35));
                steps.push((false, step("received", received)));
                plus(received, -rng.between(1, 2))
            }
            Outcome::Sent => plus(today, -rng.between(0, 3)),
            Outcome::Withdrawn => {
                let received = plus(today, -rng.between(30, 90));
                steps.push((false, step("received", received)));
                steps.push((
                    true,
                    StepFields {
                        reason: WITHDRAW_REASON.into(),
                        ..step("withdrawn", min(plus(received, rng.between(5, 20)), today))
                    },
                ));
                plus(received, -rng.between(1, 3))
            }
        };
        DemoReferral { sent, steps, contacts }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[tokio::test]
    async fn the_demo_referrals_fill_waiting_lists_and_statistics_once() {
        let demo = crate::demo::testing::loaded_demo().await;
        let (app, organizations) = (&demo.app, demo.organizations.clone());
        let world = app.demo_world(&organizations).await.unwrap();
        let ctx = RequestContext::default();
        let today = app.local_today();
        let year_ago = plus(today, -365).to_string();
        let mut sizes = Vec::new();
        let mut follow_up = 0;
        for target in &TARGETS {
            let actor = world.actor(target.receiver).unwrap();
            let service = world.service(target.service).unwrap();
            let list = app.waiting_list(&ctx, actor, service).await.unwrap();
            assert!(list.entries.len() <= 25, "{} waiting at {}", list.entries.len(), target.service);
            follow_up += list.entries.iter().filter(|e| e.needs_follow_up).count();
            let stats = app
                .waiting_statistics(&ctx, actor, service, &year_ago, &today.to_string(), "30")
                .await
                .unwrap()
                .statistics
                .unwrap();
            eprintln!(
                "{}: waiting {} (hidden {}), started {} median {:?} p90 {:?}",
                target.service,
                list.entries.len(),
                list.hidden,
                stats.started,
                stats.median_days,
                stats.p90_days
            );
            assert!(stats.started >= 3, "{} started at {}", stats.started, target.service);
            sizes.push(list.entries.len() + list.hidden);
        }
        assert!(sizes.iter().any(|&n| n >= 15), "{sizes:?}");
        assert!(follow_up >= 5, "{follow_up} need follow-up");
        let referrals = {
            let actor = world.actor(Staff::Coordinator).unwrap().clone();
            app.demo_candidates(&actor, world.service(RUSTEAM).unwrap()).await.unwrap()
        };
        assert!(referrals.iter().filter(|c| c.has_referrals).count() >= 60);

        // Loading again adds nothing.
        app.load_demo().await.unwrap();
        for (target, size) in TARGETS.iter().zip(&sizes) {
            let actor = world.actor(target.receiver).unwrap();
            let list = app.waiting_list(&ctx, actor, world.service(target.service).unwrap()).await.unwrap();
            assert_eq!(list.entries.len() + list.hidden, *size);
        }
    }
}
