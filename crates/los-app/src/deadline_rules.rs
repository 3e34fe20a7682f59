//! Deadline rules as data: the seeded statutory and guideline rules (read-only), the local rules
//! (seeded ones that a stored row with the same code overrides, and new ones made by
//! administrators), and the working-day calendar with the installation's local options.

use jiff::Timestamp;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::calendar::{CalendarOptions, WorkingCalendar};
use los_core::deadline::{DeadlineRule, LocalizedText, Period, RuleKind, RuleSource, seeded_rule, seeded_rules};
use los_core::error::Validator;
use los_core::organization::Country;
use los_core::policy::{Action, Actor};
use los_core::{Error, Reason};
use los_store::deadline_rules::{self as store, StoredRule};
use los_store::{audit, map_sqlx};

use crate::{App, RequestContext};

/// Codes of local rules start with this.
pub const LOCAL_PREFIX: &str = "local.";

/// A rule as in force, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEntry {
    pub rule: DeadlineRule,
    /// Seeded from law or a national guideline: never edited here.
    pub read_only: bool,
    /// Shipped with Los (a local seeded rule may be overridden by a stored row).
    pub seeded: bool,
    /// The version to send when editing: 0 for a seeded local rule not yet stored.
    pub version: i64,
    pub updated_at: Option<Timestamp>,
}

impl RuleEntry {
    pub fn code(&self) -> &str {
        self.rule.code.as_deref().unwrap_or_default()
    }
}

/// A local rule as submitted by a form or the API; everything as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub code: String,
    pub title_nb: String,
    pub title_sv: String,
    pub title_en: String,
    /// The local decision behind the rule (becomes [`RuleSource::Local`]).
    pub description: String,
    /// `deadline`, `maximum_duration` or `target`.
    pub kind: String,
    /// Empty for any country, otherwise `NO` or `SE`.
    pub country: String,
    pub start_event: String,
    /// `working_days`, `calendar_days`, `weeks` or `months`.
    pub unit: String,
    pub amount: String,
    pub extends_to_working_day: bool,
}

/// The stable code of a rule kind.
pub fn kind_code(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Deadline => "deadline",
        RuleKind::MaximumDuration => "maximum_duration",
        RuleKind::Target => "target",
    }
}

pub const KINDS: [RuleKind; 3] = [RuleKind::Deadline, RuleKind::MaximumDuration, RuleKind::Target];
pub const UNITS: [&str; 4] = ["working_days", "calendar_days", "weeks", "months"];

fn is_seeded_national(code: &str) -> bool {
    seeded_rule(code).is_some_and(|rule| !matches!(rule.source, RuleSource::Local { .. }))
}

fn seeded_entry(rule: DeadlineRule) -> RuleEntry {
    let read_only = !matches!(rule.source, RuleSource::Local { .. });
    RuleEntry { rule, read_only, seeded: true, version: 0, updated_at: None }
}

fn stored_entry(stored: StoredRule, seeded: bool) -> RuleEntry {
    RuleEntry {
        rule: stored.rule,
        read_only: false,
        seeded,
        version: stored.version,
        updated_at: Some(stored.updated_at),
    }
}

impl RuleInput {
    /// The rule the input describes, or every field error (together with `rule.validate()`'s).
    pub fn to_rule(&self, code: &str) -> Result<DeadlineRule, Error> {
        let mut v = Validator::new();
        let kind = match self.kind.trim() {
            "" => {
                v.add("kind", Reason::Required);
                None
            }
            code => {
                let kind = KINDS.into_iter().find(|k| kind_code(*k) == code);
                if kind.is_none() {
                    v.add("kind", Reason::UnknownValue);
                }
                kind
            }
        };
        let country = match self.country.trim() {
            "" => None,
            code => v.check(Country::parse("country", code)),
        };
        let amount = match self.amount.trim() {
            "" => {
                v.add("period.amount", Reason::Required);
                None
            }
            text if text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) => {
                v.add("period.amount", Reason::InvalidFormat);
                None
            }
            text => match text.parse::<u32>() {
                Ok(0) | Err(_) => {
                    v.add("period.amount", Reason::NotAllowed);
                    None
                }
                Ok(n) => Some(n),
            },
        };
        let unit = self.unit.trim();
        let period = match unit {
            "" => {
                v.add("period.unit", Reason::Required);
                None
            }
            "working_days" | "calendar_days" | "weeks" | "months" => amount.map(|n| match unit {
                "working_days" => Period::WorkingDays(n),
                "calendar_days" => Period::CalendarDays(n),
                "weeks" => Period::Weeks(n),
                _ => Period::Months(n),
            }),
            _ => {
                v.add("period.unit", Reason::UnknownValue);
                None
            }
        };
        if let Some(period) = period
            && period.check().is_err()
        {
            v.add("period.amount", Reason::TooLong { max: period.max_amount() as usize });
        }
        let rule = DeadlineRule {
            code: Some(code.to_string()),
            title: LocalizedText::new(self.title_nb.trim(), self.title_sv.trim(), self.title_en.trim()),
            source: RuleSource::Local { description: self.description.trim().to_string() },
            country,
            kind: kind.unwrap_or(RuleKind::Deadline),
            start_event: self.start_event.trim().to_string(),
            period: period.unwrap_or(Period::CalendarDays(1)),
            extends_to_working_day: self.extends_to_working_day,
        };
        if let Err(Error::Invalid(fields)) = rule.validate() {
            for field in fields {
                // The period is checked above, field by field.
                if field.field != "period" {
                    v.add(field.field, field.reason);
                }
            }
        }
        v.finish()?;
        Ok(rule)
    }
}

impl App {
    /// Every rule in force: the seeded ones in their order (a seeded local rule replaced by a
    /// stored row with its code), then the other stored local rules by code.
    pub async fn deadline_rules(&self) -> Result<Vec<RuleEntry>, Error> {
        let mut tx = self.store.read().await?;
        let mut stored = store::list(&mut tx).await?;
        let mut entries = Vec::new();
        for rule in seeded_rules() {
            let code = rule.code.clone().unwrap_or_default();
            let own = stored.iter().position(|s| s.rule.code.as_deref() == Some(code.as_str()));
            match own {
                Some(index) if !is_seeded_national(&code) => entries.push(stored_entry(stored.remove(index), true)),
                _ => entries.push(seeded_entry(rule)),
            }
        }
        entries.extend(
            stored.into_iter().filter(|s| !is_seeded_national(s.rule.code.as_deref().unwrap_or_default())).map(|s| {
                let seeded = seeded_rule(s.rule.code.as_deref().unwrap_or_default()).is_some();
                stored_entry(s, seeded)
            }),
        );
        Ok(entries)
    }

    /// The rule in force with this code, resolved as in [`App::deadline_rules`].
    pub async fn deadline_rule(&self, code: &str) -> Result<Option<RuleEntry>, Error> {
        let code = code.trim();
        if is_seeded_national(code) {
            return Ok(seeded_rule(code).map(seeded_entry));
        }
        let mut tx = self.store.read().await?;
        let seeded = seeded_rule(code);
        Ok(match store::by_code(&mut tx, code).await? {
            Some(stored) => Some(stored_entry(stored, seeded.is_some())),
            None => seeded.map(seeded_entry),
        })
    }

    /// Creates a local rule (`existing` is `None`; the code comes from the input) or changes one
    /// (`existing` names its code and the version the editor saw; 0 for a seeded local rule not
    /// yet changed). Administrators only.
    pub async fn save_local_rule(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        existing: Option<(&str, i64)>,
        input: &RuleInput,
    ) -> Result<RuleEntry, Error> {
        let grant = self.grant(ctx, actor, Action::ManageDeadlineRules).await?;
        let code = match existing {
            Some((code, _)) => code.trim().to_string(),
            None => input.code.trim().to_string(),
        };
        let current = if existing.is_some() {
            if is_seeded_national(&code) {
                return Err(Error::invalid("code", Reason::NotAllowed));
            }
            Some(self.deadline_rule(&code).await?.ok_or(Error::NotFound { what: "deadline rule" })?)
        } else {
            None
        };
        let mut v = Validator::new();
        let mut code_refused = false;
        if existing.is_some() && !input.code.trim().is_empty() && input.code.trim() != code {
            v.add("code", Reason::NotAllowed);
            code_refused = true;
        }
        if existing.is_none() && !code.is_empty() {
            if is_seeded_national(&code) || !code.starts_with(LOCAL_PREFIX) {
                v.add("code", Reason::NotAllowed);
                code_refused = true;
            } else if self.deadline_rule(&code).await?.is_some() {
                v.add("code", Reason::AlreadyExists);
                code_refused = true;
            }
        }
        let rule = match input.to_rule(&code) {
            Ok(rule) => Some(rule),
            Err(Error::Invalid(fields)) => {
                for field in fields {
                    if !(field.field == "code" && code_refused) {
                        v.add(field.field, field.reason);
                    }
                }
                None
            }
            Err(other) => return Err(other),
        };
        v.finish()?;
        let rule = rule.ok_or(Error::Internal)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let action = match (existing, current) {
            (None, _) => {
                store::insert(&mut tx, &grant, &rule, now).await?;
                AuditAction::DeadlineRuleCreated
            }
            (Some((_, version)), Some(current)) => {
                if version != current.version {
                    return Err(Error::Conflict { what: "deadline rule" });
                }
                if current.version == 0 {
                    // A seeded local rule changed for the first time: its stored row starts here.
                    store::insert(&mut tx, &grant, &rule, now).await?;
                } else {
                    store::update(&mut tx, &grant, &rule, version, now).await?;
                }
                AuditAction::DeadlineRuleUpdated
            }
            (Some(_), None) => return Err(Error::Internal),
        };
        let mut event = ctx.event(now, Some(actor), action, AuditOutcome::Success);
        event.subject = Some(code.clone());
        audit::append(&mut tx, &event).await?;
        let saved = store::by_code(&mut tx, &code).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(stored_entry(saved, seeded_rule(&code).is_some()))
    }

    /// Whether Christmas Eve and New Year's Eve are days off in Norwegian deadline calendars.
    pub async fn customary_days_off(&self) -> Result<bool, Error> {
        let mut tx = self.store.read().await?;
        store::customary_days_off(&mut tx).await
    }

    /// Both countries' calendars with this installation's local options, for pure functions
    /// that compute several deadlines.
    pub async fn calendars(&self) -> Result<Calendars, Error> {
        Ok(Calendars {
            norway: self.calendar_for(Country::Norway).await?,
            sweden: self.calendar_for(Country::Sweden).await?,
        })
    }

    /// The working-day calendar of a country with this installation's local options.
    pub async fn calendar_for(&self, country: Country) -> Result<WorkingCalendar, Error> {
        let options = match country {
            Country::Norway => {
                let on = self.customary_days_off().await?;
                CalendarOptions { christmas_eve_off: on, new_years_eve_off: on }
            }
            // The Swedish eves are always off in the deadline calendar.
            Country::Sweden => CalendarOptions::default(),
        };
        Ok(WorkingCalendar::with_options(country, options))
    }

    /// Turns the Norwegian customary days off on or off. Administrators only; audited.
    pub async fn set_customary_days_off(&self, ctx: &RequestContext, actor: &Actor, on: bool) -> Result<(), Error> {
        let grant = self.grant(ctx, actor, Action::ManageDeadlineRules).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::set_customary_days_off(&mut tx, &grant, on).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::CalendarOptionChanged, AuditOutcome::Success);
        event.subject = Some(store::CUSTOMARY_DAYS_OFF_KEY.to_string());
        event.reason = Some(if on { "on" } else { "off" }.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }
}

/// The working-day calendars of both countries as this installation configures them.
#[derive(Debug, Clone)]
pub struct Calendars {
    pub norway: WorkingCalendar,
    pub sweden: WorkingCalendar,
}

impl Calendars {
    pub fn of(&self, country: Country) -> &WorkingCalendar {
        match country {
            Country::Norway => &self.norway,
            Country::Sweden => &self.sweden,
        }
    }
}
