//! "My deadlines": the clocks running on an organisation's cases — referrals waiting for
//! assessment or for their start, decisions due for review, coercion periods ending — as one
//! list for a caseworker (the cases they took a step on or recorded) and one for a service
//! leader (the whole organisation). Each line names a person only if the policy lets the actor
//! see that person, and each person shown is audited.

use std::collections::BTreeMap;

use jiff::civil::Date;
use los_core::Error;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::consent::DataCategory;
use los_core::deadline::{self, DueStatus};
use los_core::ids::PersonId;
use los_core::legal_basis::legal_basis;
use los_core::policy::{self, Action, Actor, PersonAction, PersonGrant};
use los_store::deadlines::{self as store, DeadlineKind, DeadlineSource};
use los_store::persons;

use crate::deadline_rules::Calendars;
use crate::referrals::assessment_deadline_from;
use crate::{App, RequestContext};

/// Lines due within this many days (or overdue) are listed; later ones are not yet news.
pub const HORIZON_DAYS: i64 = 30;
/// "Due soon" starts this many days before the due date.
pub const SOON_DAYS: u32 = 7;
/// The most lines one list shows.
pub const MAX_LINES: usize = 100;

/// One deadline, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineLine {
    pub kind: DeadlineKind,
    pub due: Date,
    pub status: DueStatus,
    /// Calendar days from today to the due date; negative when overdue.
    pub days_left: i64,
    pub person: PersonId,
    pub person_name: String,
    pub service_name: String,
    /// Where the case is handled: `/referrals/{id}` or `/decisions/{id}`.
    pub href: String,
    /// The rule or source the date comes from, for the line's explanation.
    pub source: String,
}

/// The lists on the start page.
#[derive(Debug, Clone, Default)]
pub struct MyDeadlines {
    pub mine: Vec<DeadlineLine>,
    /// For service leaders and administrators: the whole organisation.
    pub organization: Option<Vec<DeadlineLine>>,
    /// Lines left out because the policy does not let the actor see the person.
    pub hidden: usize,
}

fn lines_of(
    source: &DeadlineSource,
    calendars: &Calendars,
) -> Vec<(DeadlineKind, Date, String, PersonId, String, String)> {
    match source {
        DeadlineSource::Referral { id, person, service_name, status, received_on, start_deadline, .. } => {
            let href = format!("/referrals/{id}");
            let mut out = Vec::new();
            if status == "received"
                && let Some(result) = received_on.and_then(|received| assessment_deadline_from(received, calendars))
                && let Some(due) = result.due
            {
                out.push((
                    DeadlineKind::ReferralAssessment,
                    due,
                    result.explanation.source_text.clone(),
                    *person,
                    service_name.clone(),
                    href.clone(),
                ));
            }
            if let Some(due) = start_deadline
                && status != "received"
            {
                out.push((
                    DeadlineKind::ReferralStart,
                    *due,
                    "pasientrettighetsloven § 2-1 b".to_string(),
                    *person,
                    service_name.clone(),
                    href,
                ));
            }
            out
        }
        DeadlineSource::Decision { id, person, service_name, legal_basis: code, review_on, valid_to, .. } => {
            let href = format!("/decisions/{id}");
            let basis = legal_basis(code);
            let citation = basis.map(|b| b.citation()).unwrap_or_else(|| code.clone());
            let mut out = Vec::new();
            if let Some(review) = review_on {
                out.push((
                    DeadlineKind::DecisionReview,
                    *review,
                    citation.clone(),
                    *person,
                    service_name.clone(),
                    href.clone(),
                ));
            }
            if let Some(end) = valid_to
                && basis.is_some_and(|b| b.coercion.is_some())
            {
                out.push((DeadlineKind::CoercionEnds, *end, citation, *person, service_name.clone(), href));
            }
            out
        }
    }
}

fn within_horizon(due: Date, today: Date) -> bool {
    today.until(due).map(|span| i64::from(span.get_days()) <= HORIZON_DAYS).unwrap_or(false)
}

impl App {
    /// The actor's deadlines and, for leaders and administrators, the organisation's.
    pub async fn my_deadlines(&self, ctx: &RequestContext, actor: &Actor) -> Result<MyDeadlines, Error> {
        let own =
            self.grant(ctx, actor, Action::ListDeadlines { organization: actor.organization, all: false }).await?;
        let whole =
            policy::authorize(actor, Action::ListDeadlines { organization: actor.organization, all: true }).ok();
        let today = self.local_today();
        let now = self.now();
        let calendars = self.calendars().await?;
        let mut read = self.store.audited_read().await?;
        let grant = whole.as_ref().unwrap_or(&own);
        let horizon = today.checked_add(jiff::Span::new().days(HORIZON_DAYS)).unwrap_or(today);
        let sources = store::open_cases(read.tx(), grant, today, horizon).await?;
        let mut due_lines = Vec::new();
        for source in &sources {
            let is_mine = match source {
                DeadlineSource::Referral { mine, .. } | DeadlineSource::Decision { mine, .. } => *mine,
            };
            due_lines.extend(
                lines_of(source, &calendars)
                    .into_iter()
                    .filter(|line| within_horizon(line.1, today))
                    .map(|line| (is_mine, line)),
            );
        }
        // Earliest first; only the persons of the lines that will be shown are decided and
        // audited, a batch at a time, until both lists are full.
        due_lines.sort_by_key(|(_, line)| (line.1, line.0, line.3));
        let mut decided: BTreeMap<PersonId, Option<PersonGrant>> = BTreeMap::new();
        let mut mine = Vec::new();
        let mut organization = Vec::new();
        let mut hidden = 0;
        let mut lines = due_lines.into_iter().peekable();
        while lines.peek().is_some() && (mine.len() < MAX_LINES || organization.len() < MAX_LINES) {
            let batch: Vec<_> = lines.by_ref().take(2 * MAX_LINES).collect();
            let mut people: Vec<PersonId> =
                batch.iter().map(|(_, line)| line.3).filter(|p| !decided.contains_key(p)).collect();
            people.sort_unstable();
            people.dedup();
            let all_relations =
                persons::relations_of_many(read.tx(), &people, actor.account, actor.organization, today, now).await?;
            for person in people {
                let cases = PersonAction::Read(DataCategory::ReferralsDecisions);
                let identity = PersonAction::Read(DataCategory::IdentityContact);
                let grant = all_relations.get(&person).and_then(|relations| {
                    policy::authorize_person(actor, person, cases, relations)
                        .and_then(|_| policy::authorize_person(actor, person, identity, relations))
                        .ok()
                });
                decided.insert(person, grant);
            }
            for (is_mine, line) in batch {
                if decided.get(&line.3).is_none_or(Option::is_none) {
                    hidden += 1;
                    continue;
                }
                if is_mine && mine.len() < MAX_LINES {
                    mine.push(line.clone());
                }
                if organization.len() < MAX_LINES {
                    organization.push(line);
                }
            }
        }
        let mut shown: Vec<PersonId> = mine.iter().chain(&organization).map(|line| line.3).collect();
        shown.sort_unstable();
        shown.dedup();
        let grants: Vec<PersonGrant> = shown.iter().filter_map(|p| decided.get(p).cloned().flatten()).collect();
        for grant in &grants {
            let mut event = ctx.event(now, Some(actor), AuditAction::DeadlinesViewed, AuditOutcome::Success);
            event.person = Some(grant.person());
            event.reason = Some(format!("read:referrals_decisions ({})", grant.basis().code()));
            read.record(event);
        }
        let names: BTreeMap<PersonId, String> = persons::summaries(read.tx(), &grants)
            .await?
            .into_iter()
            .map(|summary| (summary.id, summary.display_name))
            .collect();
        let mut event = ctx.event(now, Some(actor), AuditAction::DeadlinesViewed, AuditOutcome::Success);
        event.subject = Some(format!("lines={}", organization.len()));
        read.record(event);
        read.finish(&self.store).await?;
        let to_line =
            |(kind, due, rule, person, service_name, href): (DeadlineKind, Date, String, PersonId, String, String)| {
                DeadlineLine {
                    kind,
                    due,
                    status: deadline::status(due, today, SOON_DAYS),
                    days_left: today.until(due).map(|span| i64::from(span.get_days())).unwrap_or(0),
                    person,
                    person_name: names.get(&person).cloned().unwrap_or_default(),
                    service_name,
                    href,
                    source: rule,
                }
            };
        let mut mine: Vec<DeadlineLine> = mine.into_iter().map(to_line).collect();
        let mut organization: Vec<DeadlineLine> = organization.into_iter().map(to_line).collect();
        for list in [&mut mine, &mut organization] {
            list.sort_by(|a, b| (a.due, a.kind, &a.person_name).cmp(&(b.due, b.kind, &b.person_name)));
        }
        Ok(MyDeadlines { mine, organization: whole.map(|_| organization), hidden })
    }
}
