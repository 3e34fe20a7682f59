//! Synthetic decisions (*vedtak*, design item 8) for the demo installation: the municipal
//! substance-use team and its housing services decide on follow-up for most of the persons they
//! serve — mostly granted, some partly granted, a few denied — with extents such as "2 timer per
//! uke", periods of 6–12 months around today and review dates, some already passed (overdue) and
//! some in the next weeks. A few decisions were sent out so recently that the appeal window is
//! still open; a few were appealed, and some of those appeals are forwarded to the county
//! governor. Two detentions without consent (helse- og omsorgstjenesteloven § 10-2) end within
//! their three months in the coming weeks.
//!
//! Everything goes through the decision use cases, acted by `koordinator` of the organisation
//! providing the services, so that validation, the policy and the audit log all run and the
//! decisions show in that account's "my deadlines". Dates count back from the clock's local
//! today; no notice, appeal or forwarding lies in the future. A fixed-seed generator makes the
//! data repeatable; it is loaded once (any decision on a person of the team means it is there).

use std::time::Instant;

use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::decision::{DecisionFields, coercion_latest_end};
use los_core::ids::{OrganizationId, PersonId, ServiceId};
use los_core::legal_basis::legal_basis;
use los_core::policy::{self, Action, Actor, PersonAction};
use los_store::decisions::{self as decision_store, Decision};
use los_store::episodes;
use los_store::persons::{self as person_store, SearchQuery};

use crate::decisions::DecisionInput;
use crate::demo_persons::Staff;
use crate::demo_rng::{DemoRng, days_between, plus_days};
use crate::{App, RequestContext};

const RUSTEAM: &str = "Rusteamet – oppfølging og LAR i kommunen";
const HOUSING: &str = "Boligoppfølgingsteamet";
const LOW_THRESHOLD_FLATS: &str = "Lavterskelboliger";
const DUAL_DIAGNOSIS_FLATS: &str = "ROP-boliger";
const SHARED_FLATS: &str = "Bofellesskap med bemanning";

/// Where appeals on municipal health, care and social housing decisions go.
const APPEAL_BODY: &str = "Statsforvalteren i Vestfold og Telemark";
const DETENTION: &str = "no.hol.10-2";

/// One kind of decision a service makes: the legal basis, the extents it grants (the first
/// is what a partly granted application asked for too much of), and its grounds.
struct Kind {
    legal_basis: &'static str,
    extents: &'static [&'static str],
    granted: &'static str,
    partly: &'static str,
    denied: &'static str,
}

/// The decisions of one service: the share of its persons (percent) that have one.
struct DemoService {
    name: &'static str,
    percent: u64,
    kinds: &'static [Kind],
}

const SERVICES: [DemoService; 5] = [
    DemoService {
        name: RUSTEAM,
        percent: 40,
        kinds: &[
            Kind {
                legal_basis: "no.hol.3-2",
                extents: &["2 timer per uke", "1 time per uke", "3 timer per uke", "1 time annenhver uke"],
                granted: "Kartleggingen viser at du trenger fast oppfølging for å holde deg i behandling og få \
                          hverdagen til å gå rundt. Du får samtaler og praktisk hjelp hjemme eller på kontoret \
                          vårt, og vi samarbeider med fastlegen og LAR.",
                partly: "Du søkte om mer oppfølging enn vi har innvilget. Vi mener omfanget i vedtaket dekker \
                         behovet ditt nå, sammen med oppfølgingen du får fra LAR. Vi vurderer behovet på nytt \
                         på revurderingsdatoen, eller tidligere om situasjonen endrer seg.",
                denied: "Vi har vurdert søknaden og mener at behovet ditt dekkes av tjenestene du har i dag \
                         (fastlege og lavterskeltilbudet). Du kan søke igjen om situasjonen endrer seg.",
            },
            Kind {
                legal_basis: "no.hol.7-2",
                extents: &["Koordinator i rusteamet, oppfølging etter behov"],
                granted: "Du har behov for langvarige og koordinerte tjenester fra flere steder. Du får en \
                          koordinator i rusteamet som holder sammen tjenestene og arbeidet med individuell plan.",
                partly: "Du får koordinator i rusteamet. Ønsket om faste ukentlige møter er ikke innvilget; \
                         koordinatoren avtaler møter med deg etter behov.",
                denied: "Du har i dag tjenester fra ett sted, og behovet for samordning dekkes der. Du kan søke \
                         igjen om du får tjenester fra flere.",
            },
        ],
    },
    DemoService {
        name: HOUSING,
        percent: 50,
        kinds: &[
            Kind {
                legal_basis: "no.hol.3-2",
                extents: &[
                    "Oppfølging i bolig 3 timer per uke",
                    "Oppfølging i bolig 2 timer per uke",
                    "Hjemmebesøk 1 gang per uke",
                ],
                granted: "Du trenger hjelp for å klare deg i egen bolig: husleie, innkjøp, renhold og kontakt \
                          med naboer. Du får oppfølging i boligen etter prinsippet bolig først.",
                partly: "Du søkte om daglig oppfølging i boligen. Vi mener omfanget i vedtaket er nok til at du \
                         kan beholde boligen nå, og vurderer det på nytt på revurderingsdatoen.",
                denied: "Du klarer i dag å bo i boligen uten fast oppfølging fra oss. Du kan kontakte teamet \
                         om du trenger hjelp, og søke igjen om behovet endrer seg.",
            },
            Kind {
                legal_basis: "no.boligsosl.6",
                extents: &["Individuell bistand til å skaffe og beholde bolig"],
                granted: "Du har vansker med å skaffe deg og beholde en bolig på egen hånd. Du får hjelp til \
                          boligsøknader, startlån eller bostøtte, og til kontakten med utleier.",
                partly: "Du får hjelp til å søke kommunal bolig. Hjelp til å finne bolig på det private \
                         markedet er ikke innvilget nå, fordi ventetiden på kommunal bolig er kort.",
                denied: "Du har en bolig som dekker behovet ditt, og vi ser ikke at du står i fare for å miste \
                         den. Du kan søke igjen om situasjonen endrer seg.",
            },
        ],
    },
    DemoService {
        name: DUAL_DIAGNOSIS_FLATS,
        percent: 100,
        kinds: &[Kind {
            legal_basis: "no.hol.3-2",
            extents: &["Bolig med døgnbemanning og samordnet behandling"],
            granted: "Du har både rusmiddelproblemer og en psykisk lidelse og trenger tjenester hele døgnet \
                      for å bo trygt. Du får plass i ROP-bolig med døgnbemanning.",
            partly: "Du får plass i ROP-bolig. Ønsket om egen leilighet utenfor fellesskapet er ikke \
                     innvilget nå; vi vurderer det ved revurderingen.",
            denied: "Behovet ditt dekkes av oppfølging i egen bolig. Plass i ROP-bolig er ikke innvilget.",
        }],
    },
    DemoService {
        name: SHARED_FLATS,
        percent: 100,
        kinds: &[Kind {
            legal_basis: "no.hol.3-2",
            extents: &["Plass i bofellesskap med bemanning dag og kveld"],
            granted: "Du trenger fellesskap og hjelp i hverdagen for å bo. Du får plass i bofellesskap med \
                      bemanning.",
            partly: "Du får plass i bofellesskapet. Nattbemanning er ikke innvilget, fordi behovet ikke er \
                     dokumentert.",
            denied: "Behovet ditt dekkes av oppfølging i egen bolig. Plass i bofellesskap er ikke innvilget.",
        }],
    },
    DemoService {
        name: LOW_THRESHOLD_FLATS,
        percent: 100,
        kinds: &[Kind {
            legal_basis: "no.boligsosl.6",
            extents: &["Lavterskelbolig med tett oppfølging"],
            granted: "Du har ikke klart å bo i ordinær bolig og trenger en bolig der rusmiddelbruk ikke fører \
                      til at du mister den. Du får lavterskelbolig med tett oppfølging.",
            partly: "Du får lavterskelbolig. Oppfølging flere ganger om dagen er ikke innvilget; teamet \
                     kommer daglig.",
            denied: "Du har i dag en bolig du kan bo i med oppfølging. Lavterskelbolig er ikke innvilget.",
        }],
    },
];

const DETENTION_EXTENT: &str = "Tilbakeholdelse i døgninstitusjon for rusbehandling";
const DETENTION_GROUNDS: &str = "Rusmiddelbruken er så omfattende og vedvarende at helsen din er i alvorlig \
                                 fare, og frivillige tiltak er forsøkt uten at det har hjulpet. Fylkesnemnda \
                                 har etter begjæring fra kommunen vedtatt at du kan holdes tilbake i \
                                 institusjon uten eget samtykke, i høyst tre måneder.";

fn plus(day: Date, days: i64) -> Date {
    plus_days(day, days)
}

/// A person the coordinator follows: the open episodes (service, start) and the decisions.
pub(crate) struct DecisionCandidate {
    pub(crate) person: PersonId,
    pub(crate) episodes: Vec<(ServiceId, Date)>,
    pub(crate) decisions: Vec<Decision>,
}

/// How many decisions of each kind the demo holds.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DemoDecisionCounts {
    pub(crate) persons: usize,
    pub(crate) decisions: usize,
    pub(crate) granted: usize,
    pub(crate) partly_granted: usize,
    pub(crate) denied: usize,
    pub(crate) coercion: usize,
    pub(crate) review_overdue: usize,
    pub(crate) review_soon: usize,
    pub(crate) appeal_window_open: usize,
    pub(crate) appeals: usize,
    pub(crate) forwarded: usize,
}

/// The dates and terms of one demo decision, and its appeal.
struct Planned {
    fields: DecisionFields,
    appeal: Option<(Date, Option<Date>)>,
}

impl Planned {
    /// A decision of `kind` on a person whose episode began on `episode_start`.
    fn plan(
        rng: &mut DemoRng,
        kind: &Kind,
        episode_start: Date,
        today: Date,
        counts: &mut DemoDecisionCounts,
    ) -> Planned {
        let outcome = match rng.between(0, 99) {
            0..=77 => "granted",
            78..=91 => "partly_granted",
            _ => "denied",
        };
        let extent = kind.extents[rng.between(0, kind.extents.len() as i64 - 1) as usize];
        let mut fields = DecisionFields {
            legal_basis: kind.legal_basis.into(),
            outcome: outcome.into(),
            ..DecisionFields::default()
        };
        let notice;
        if outcome == "denied" {
            let decided = plus(today, -rng.between(5, 150)).max(episode_start).min(today);
            notice = plus(decided, rng.between(0, 3)).min(today);
            fields.valid_from = decided.to_string();
            fields.grounds = kind.denied.into();
            counts.denied += 1;
        } else {
            // Most decisions run since some months; a few were made in the last two weeks.
            let recent = rng.chance(5);
            let from = if recent { plus(today, -rng.between(0, 12)) } else { plus(today, -rng.between(20, 170)) };
            let from = from.max(episode_start).min(today);
            let to = plus(from, rng.between(183, 365));
            let age = days_between(from, today);
            let review = match rng.between(0, 99) {
                // Overdue: the review date passed without a new decision.
                0..=11 if age >= 10 => plus(today, -rng.between(2, (age - 5).min(45))),
                0..=37 => plus(today, rng.between(1, 28)),
                _ => plus(from, days_between(from, to) / 2).max(plus(today, 35)),
            };
            let review = review.max(from).min(to);
            if review < today {
                counts.review_overdue += 1;
            } else if days_between(today, review) <= 28 {
                counts.review_soon += 1;
            }
            notice = if recent { from } else { plus(from, -rng.between(0, 7)) };
            fields.valid_from = from.to_string();
            fields.valid_to = to.to_string();
            fields.review_on = review.to_string();
            fields.extent = extent.into();
            if outcome == "granted" {
                fields.grounds = kind.granted.into();
                counts.granted += 1;
            } else {
                fields.grounds = kind.partly.into();
                counts.partly_granted += 1;
            }
        }
        fields.notice_on = notice.to_string();
        let appealed = match outcome {
            "denied" => rng.chance(50),
            "partly_granted" => rng.chance(25),
            _ => rng.chance(1),
        };
        let appeal = if appealed && notice < today {
            let received = plus(notice, rng.between(4, 20)).min(today);
            let forwarded = (days_between(received, today) >= 5 && rng.chance(60))
                .then(|| plus(received, rng.between(3, 21)).min(today));
            Some((received, forwarded))
        } else {
            // Three weeks and a little for the post: the window is open for about 21 days.
            if days_between(notice, today) <= 18 {
                counts.appeal_window_open += 1;
            }
            None
        };
        Planned { fields, appeal }
    }

    /// A detention without consent that began `days_ago` and ends at its statutory limit.
    fn detention(days_ago: i64, today: Date) -> Option<Planned> {
        let limit = legal_basis(DETENTION)?.coercion.as_ref()?.max_period?;
        let from = plus(today, -days_ago);
        let to = coercion_latest_end(from, limit)?;
        Some(Planned {
            fields: DecisionFields {
                legal_basis: DETENTION.into(),
                outcome: "granted".into(),
                extent: DETENTION_EXTENT.into(),
                valid_from: from.to_string(),
                valid_to: to.to_string(),
                review_on: plus(today, 7).min(to).to_string(),
                grounds: DETENTION_GROUNDS.into(),
                notice_on: from.to_string(),
            },
            appeal: None,
        })
    }
}

impl App {
    /// Adds the demo decisions unless any decision on the team's persons is there already.
    pub(crate) async fn load_demo_decisions(
        &self,
        ctx: &RequestContext,
        organizations: &[OrganizationId],
    ) -> Result<(), Error> {
        let world = self.demo_world(organizations).await?;
        let coordinator = world.actor(Staff::Coordinator)?.clone();
        let mut services = Vec::new();
        for service in &SERVICES {
            services.push(world.service(service.name)?);
        }
        let candidates = self.demo_decision_candidates(&coordinator, &services).await?;
        if candidates.iter().any(|c| !c.decisions.is_empty()) {
            return Ok(());
        }
        let started = Instant::now();
        let counts = self.build_demo_decisions(ctx, &coordinator, &services, &candidates).await?;
        tracing::info!(
            persons = counts.persons,
            decisions = counts.decisions,
            granted = counts.granted,
            partly_granted = counts.partly_granted,
            denied = counts.denied,
            coercion = counts.coercion,
            review_overdue = counts.review_overdue,
            appeals = counts.appeals,
            forwarded = counts.forwarded,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo decisions loaded"
        );
        Ok(())
    }

    /// The persons the actor follows with an open episode at one of `services`, in search order,
    /// with their decisions.
    pub(crate) async fn demo_decision_candidates(
        &self,
        actor: &Actor,
        services: &[ServiceId],
    ) -> Result<Vec<DecisionCandidate>, Error> {
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
            let episodes: Vec<(ServiceId, Date)> = episodes::list(&mut tx, &grant)
                .await?
                .into_iter()
                .filter(|e| e.period.end.is_none() && services.contains(&e.service))
                .map(|e| (e.service, e.period.start))
                .collect();
            if episodes.is_empty() {
                continue;
            }
            let decisions = decision_store::list(&mut tx, &grant).await?;
            found.push(DecisionCandidate { person, episodes, decisions });
        }
        Ok(found)
    }

    async fn build_demo_decisions(
        &self,
        ctx: &RequestContext,
        coordinator: &Actor,
        services: &[ServiceId],
        candidates: &[DecisionCandidate],
    ) -> Result<DemoDecisionCounts, Error> {
        let mut rng = DemoRng(0x5665_6474_616B_4C6F);
        let today = self.local_today();
        let mut counts = DemoDecisionCounts::default();
        let rusteam = services.first().copied().ok_or(Error::Internal)?;
        let mut detentions = [75_i64, 84].into_iter();
        let mut team_decisions = 0;
        for candidate in candidates {
            let mut decided = false;
            for (service, episode_start) in &candidate.episodes {
                let Some(index) = services.iter().position(|s| s == service) else {
                    continue;
                };
                let demo = &SERVICES[index];
                if !rng.chance(demo.percent) {
                    continue;
                }
                if *service == rusteam {
                    team_decisions += 1;
                }
                // The 6th and the 25th decision of the team are detentions.
                let planned = if *service == rusteam
                    && (team_decisions == 6 || team_decisions == 25)
                    && let Some(days_ago) = detentions.next()
                {
                    counts.coercion += 1;
                    Planned::detention(days_ago, today).ok_or(Error::Internal)?
                } else {
                    let kind = &demo.kinds[rng.between(0, demo.kinds.len() as i64 - 1) as usize];
                    Planned::plan(&mut rng, kind, *episode_start, today, &mut counts)
                };
                let input = DecisionInput { service: service.to_string(), fields: planned.fields };
                let view = match self.record_decision(ctx, coordinator, candidate.person, &input).await {
                    Ok(view) => view,
                    // A person who has blocked the team gets no demo decision.
                    Err(Error::Forbidden) => continue,
                    Err(other) => return Err(other),
                };
                counts.decisions += 1;
                decided = true;
                if let Some((received, forwarded)) = planned.appeal {
                    let id = view.decision.id;
                    let view = self
                        .register_appeal(ctx, coordinator, id, view.decision.version, &received.to_string())
                        .await?;
                    counts.appeals += 1;
                    if let Some(on) = forwarded {
                        self.forward_appeal(ctx, coordinator, id, view.decision.version, &on.to_string(), APPEAL_BODY)
                            .await?;
                        counts.forwarded += 1;
                    }
                }
            }
            counts.persons += usize::from(decided);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {

    use los_core::deadline::DueStatus;
    use los_core::decision::Outcome;
    use los_store::deadlines::DeadlineKind;

    use super::*;
    use crate::decisions::view;

    #[tokio::test]
    async fn the_demo_decisions_fill_reviews_appeals_and_deadlines_once() {
        let demo = crate::demo::testing::loaded_demo().await;
        let (app, organizations) = (&demo.app, demo.organizations.clone());
        let world = app.demo_world(&organizations).await.unwrap();
        let coordinator = world.actor(Staff::Coordinator).unwrap().clone();
        let services: Vec<ServiceId> = SERVICES.iter().map(|s| world.service(s.name).unwrap()).collect();
        let today = app.local_today();
        let calendars = app.calendars().await.unwrap();
        let all = |candidates: &[DecisionCandidate]| -> Vec<Decision> {
            candidates.iter().flat_map(|c| c.decisions.iter().cloned()).collect()
        };
        let candidates = app.demo_decision_candidates(&coordinator, &services).await.unwrap();
        let decisions = all(&candidates);
        let persons = candidates.iter().filter(|c| !c.decisions.is_empty()).count();
        let count = |outcome: Outcome| decisions.iter().filter(|d| d.outcome == outcome).count();
        let overdue = decisions.iter().filter(|d| d.review_on.is_some_and(|r| r < today)).count();
        let appeals = decisions.iter().filter(|d| d.appeal_received_on.is_some()).count();
        let forwarded = decisions.iter().filter(|d| d.appeal_forwarded_on.is_some()).count();
        let coercion = decisions.iter().filter(|d| d.legal_basis == DETENTION).count();
        let open_windows = decisions
            .iter()
            .filter(|d| d.appeal_received_on.is_none())
            .map(|d| view(d.clone(), today, &calendars))
            .filter(|v| v.appeal_deadline.as_ref().and_then(|a| a.due).is_some_and(|due| due >= today))
            .count();
        eprintln!(
            "decisions {} on {} persons: granted {}, partly {}, denied {}, coercion {}, review overdue {}, \
             appeal windows open {}, appeals {} (forwarded {})",
            decisions.len(),
            persons,
            count(Outcome::Granted),
            count(Outcome::PartlyGranted),
            count(Outcome::Denied),
            coercion,
            overdue,
            open_windows,
            appeals,
            forwarded
        );
        assert!((80..=120).contains(&persons), "{persons} persons with decisions");
        assert!(count(Outcome::Granted) > count(Outcome::PartlyGranted) + count(Outcome::Denied));
        assert!(count(Outcome::PartlyGranted) >= 3 && count(Outcome::Denied) >= 2);
        assert_eq!(coercion, 2);
        assert!(overdue >= 5, "{overdue} overdue reviews");
        assert!(open_windows >= 2, "{open_windows} open appeal windows");
        assert!(appeals >= 3 && forwarded >= 1 && forwarded < appeals, "{appeals} appeals, {forwarded} forwarded");
        for d in &decisions {
            assert!(d.notice_on.is_some_and(|n| n <= today));
            assert!(d.appeal_received_on.is_none_or(|r| r <= today));
            assert!(d.appeal_forwarded_on.is_none_or(|f| f <= today));
        }

        let ctx = RequestContext::default();
        let mine = app.my_deadlines(&ctx, &coordinator).await.unwrap().mine;
        let reviews_overdue = mine
            .iter()
            .filter(|l| l.kind == DeadlineKind::DecisionReview && matches!(l.status, DueStatus::Overdue { .. }))
            .count();
        let coercion_ends = mine.iter().filter(|l| l.kind == DeadlineKind::CoercionEnds).count();
        eprintln!(
            "koordinator's deadlines: {} lines, {reviews_overdue} overdue reviews, {coercion_ends} coercion ends",
            mine.len()
        );
        assert!(reviews_overdue >= 3, "{reviews_overdue} overdue reviews in my deadlines");
        assert!(coercion_ends >= 1, "{coercion_ends} coercion ends in my deadlines");

        // Loading again adds nothing.
        app.load_demo().await.unwrap();
        let again = all(&app.demo_decision_candidates(&coordinator, &services).await.unwrap());
        assert_eq!(again.len(), decisions.len());
    }
}
