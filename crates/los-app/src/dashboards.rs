//! Dashboards (design item 13): figures for a service, a municipality or a region over a period
//! and the period of the same length before it, and the data of each chart.
//!
//! What is counted:
//! - **persons served**: distinct persons with an episode at one of the services on some day of
//!   the period (a stay opens an episode, so housing is included); **LAR clients**: those of them
//!   who also had an episode at a LAR service (one whose focus areas name "LAR") in the period;
//!   **persons with a plan** and the **share with a plan**: those of them who have an individual
//!   plan (a plan as stored now: plans are not dated, so the previous period counts today's
//!   plans too), out of the persons served;
//! - **waiting list**: referrals accepted (or offered) and not yet started or withdrawn, counted
//!   at the end of each week and on the last day; **median waiting time**: days from receipt to
//!   start of the referrals started in the period;
//! - **nights** and **occupancy** of the services' housing units (see [`los_core::housing`]);
//! - **syringe return rate**: syringes returned / syringes handed out in the period;
//! - **visits per day**: visits divided by the days on which visits were recorded (the days the
//!   service was open).
//!
//! Analysts, and everyone on a municipality or region dashboard, get the figures published with
//! small counts suppressed ([`los_core::suppression`]): a rate or a median is left out when the
//! count it rests on is hidden (or, for the median, rests on fewer than five referrals). The
//! persons with and without a plan are published as one row whose total is the persons served,
//! so when either is small both are hidden, and the share with them.
//!
//! A suppressed dashboard also covers **whole calendar months that have ended** (see
//! [`dashboard_period`]): were the period free by the day, two periods a day apart would give
//! away that day's small counts by subtraction of their published sums.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use los_core::account::Role;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::housing::{StayPeriod, UnitType, days_in};
use los_core::ids::{HousingUnitId, MunicipalityId, RegionId, ServiceId};
use los_core::person::parse_date;
use los_core::policy::{Action, Actor, Grant};
use los_core::referral::waiting_statistics;
use los_core::suppression::{self, Cell, SMALL_CELL_MIN};
use los_core::tally::{Counter, return_rate};
use los_core::{Error, Reason};
use los_store::services::ServiceOwner;
use los_store::{Tx, dashboards as store, housing, tallies};

use crate::{App, RequestContext};

/// The longest period a dashboard covers.
pub const MAX_DASHBOARD_DAYS: i64 = 3 * 366;
/// The period a dashboard shows when none is asked for: the year up to today.
pub const DEFAULT_DASHBOARD_DAYS: i64 = 365;
/// The period a suppressed dashboard shows when none is asked for: the twelve months up to and
/// including the last month that has ended.
pub const DEFAULT_DASHBOARD_MONTHS: i64 = 12;

/// What a dashboard is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Service(ServiceId),
    Municipality(MunicipalityId),
    Region(RegionId),
}

impl Scope {
    pub fn code(self) -> &'static str {
        match self {
            Scope::Service(_) => "service",
            Scope::Municipality(_) => "municipality",
            Scope::Region(_) => "region",
        }
    }

    pub fn id(self) -> String {
        match self {
            Scope::Service(id) => id.to_string(),
            Scope::Municipality(id) => id.to_string(),
            Scope::Region(id) => id.to_string(),
        }
    }
}

/// The key figures of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub persons_served: Cell,
    /// Persons served who are LAR clients (hidden with those who are not: see `compute`).
    pub lar_clients: Cell,
    /// Persons served who have a plan.
    pub persons_with_plan: Cell,
    /// Persons served who have none (the chart's second column; hidden with the first).
    pub persons_without_plan: Cell,
    /// Persons with a plan / persons served, 0–1.
    pub plan_share: Option<f64>,
    pub waiting_at_end: Cell,
    pub started: Cell,
    pub median_wait_days: Option<f64>,
    pub nights: Cell,
    pub available_nights: i64,
    /// 0–1.
    pub occupancy: Option<f64>,
    pub syringes_out: Cell,
    pub syringes_returned: Cell,
    /// 0–1.
    pub return_rate: Option<f64>,
    pub visits: Cell,
    pub open_days: i64,
    pub visits_per_day: Option<f64>,
}

/// One row of a chart's table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    pub label: String,
    pub cells: Vec<Cell>,
    /// The row's total, where adding the columns makes sense.
    pub total: Option<Cell>,
}

/// A chart's data: a table of rows (months, weeks) by columns (codes: unit types, counters).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Stable name, used in the CSV address and the translations (`chart-<key>`).
    pub key: &'static str,
    /// What the rows are (`month`, `week`).
    pub row_kind: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<ChartRow>,
    /// Column totals (and their grand total in `total`), where adding the rows makes sense.
    pub column_totals: Option<Vec<Cell>>,
    pub total: Option<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub scope: Scope,
    pub name: String,
    pub from: Date,
    pub to: Date,
    pub previous_from: Date,
    pub previous_to: Date,
    /// Small counts are hidden.
    pub suppressed: bool,
    /// The period (and the previous one) was widened to whole calendar months that have ended,
    /// as it always is when small counts are hidden (see [`dashboard_period`]).
    pub whole_months: bool,
    pub services: usize,
    pub units: usize,
    pub current: Figures,
    pub previous: Figures,
    pub charts: Vec<Chart>,
}

impl Dashboard {
    pub fn chart(&self, key: &str) -> Option<&Chart> {
        self.charts.iter().find(|chart| chart.key == key)
    }
}

/// The chart keys, in the order shown.
pub const CHART_KEYS: [&str; 5] =
    ["nights-by-month", "waiting-list", "syringes-by-month", "visits-by-month", "persons-with-plan"];

/// Parses a period `from..=to` of dates no later than today. An empty `to` is today; an empty
/// `from` makes the period `default_days` long. At most `max_days` long.
pub fn parse_period(from: &str, to: &str, today: Date, max_days: i64) -> Result<(Date, Date), Error> {
    parse_period_or(from, to, today, DEFAULT_DASHBOARD_DAYS.min(max_days), max_days)
}

fn parse_period_or(from: &str, to: &str, today: Date, default_days: i64, max_days: i64) -> Result<(Date, Date), Error> {
    let mut v = los_core::error::Validator::new();
    let to = match v.check(parse_date("to", to)) {
        Some(None) => Some(today),
        Some(Some(day)) if day > today => {
            v.add("to", Reason::InFuture);
            None
        }
        other => other.flatten(),
    };
    let from = match v.check(parse_date("from", from)) {
        Some(None) => to.map(|to| minus_days(to, default_days - 1)),
        other => other.flatten(),
    };
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            v.add("to", Reason::EndsBeforeStart);
        } else if days_in(from, to) > max_days {
            v.add("from", Reason::NotAllowed);
        }
    }
    v.finish()?;
    match (from, to) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(Error::Internal),
    }
}

/// A dashboard's period and the period of the same length just before it, which it is compared
/// with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    pub previous_from: Date,
    pub previous_to: Date,
    /// Both periods are whole calendar months that have ended.
    pub whole_months: bool,
}

/// The period of a dashboard asked for as `from`..=`to` (raw fields), and the previous period.
///
/// The input is first checked as [`parse_period`] checks it (a bad date, an end after today, an
/// end before the start or a period over [`MAX_DASHBOARD_DAYS`] are refused with the field and
/// the reason). Then, if `whole_months` (the dashboard is suppressed), the period is widened or
/// narrowed to whole calendar months that have ended, so that two periods differing by a day
/// give the same figures:
/// - `from` moves back to the first day of its month; left empty, the period is the
///   [`DEFAULT_DASHBOARD_MONTHS`] months ending with `to`'s;
/// - `to` moves on to the last day of its month if that day is before today, otherwise (the
///   month has not ended) back to the last day of the month before; left empty, it is today, so
///   the last day of the last month that has ended;
/// - if `to` then lies before `from` (both were in this month), the period is the last month
///   that has ended;
/// - were it now longer than [`MAX_DASHBOARD_DAYS`], its first months are left out;
/// - the previous period is the same number of whole months just before.
///
/// Otherwise the period is the days asked for, and the previous one the same number of days just
/// before.
pub fn dashboard_period(from: &str, to: &str, today: Date, whole_months: bool) -> Result<Period, Error> {
    let (first, last) = parse_period(from, to, today, MAX_DASHBOARD_DAYS)?;
    if !whole_months {
        let previous_to = minus_days(first, 1);
        let previous_from = minus_days(previous_to, days_in(first, last) - 1);
        return Ok(Period { from: first, to: last, previous_from, previous_to, whole_months });
    }
    let asked_from = matches!(parse_date("from", from), Ok(Some(_))).then_some(first);
    let (first, last) = snap_to_whole_months(asked_from, last, today, MAX_DASHBOARD_DAYS);
    let months = month_number(last) - month_number(first) + 1;
    let previous_to = minus_days(first, 1);
    let previous_from = first.checked_sub(months.months()).unwrap_or(first);
    Ok(Period { from: first, to: last, previous_from, previous_to, whole_months })
}

/// `from..=to` (already checked) as whole months that have ended; `from` is `None` when not asked
/// for. See [`dashboard_period`].
fn snap_to_whole_months(from: Option<Date>, to: Date, today: Date, max_days: i64) -> (Date, Date) {
    let last_ended = minus_days(today.first_of_month(), 1);
    let to = if to.last_of_month() < today { to.last_of_month() } else { last_ended };
    let mut from = match from {
        Some(from) => from.first_of_month(),
        None => to.first_of_month().checked_sub((DEFAULT_DASHBOARD_MONTHS - 1).months()).unwrap_or(to.first_of_month()),
    };
    if to < from {
        from = to.first_of_month();
    }
    while days_in(from, to) > max_days && from < to.first_of_month() {
        match from.last_of_month().checked_add(1.day()) {
            Ok(next) => from = next,
            Err(_) => break,
        }
    }
    (from, to)
}

/// Months since year 0, to count the months of a period.
fn month_number(day: Date) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month())
}

fn minus_days(day: Date, days: i64) -> Date {
    day.checked_sub(days.days()).unwrap_or(day)
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The months touched by `first..=last`, each clipped to the period, labelled `YYYY-MM`.
fn months(first: Date, last: Date) -> Vec<(String, Date, Date)> {
    let mut out = Vec::new();
    let mut start = first;
    while start <= last {
        let month_end = start.last_of_month();
        let end = month_end.min(last);
        out.push((format!("{:04}-{:02}", start.year(), start.month()), start, end));
        match month_end.checked_add(1.day()) {
            Ok(next) => start = next,
            Err(_) => break,
        }
    }
    out
}

/// The days on which the waiting list is counted: the end of each week from `first`, and `last`.
fn week_ends(first: Date, last: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = first.checked_add(6.days()).unwrap_or(last);
    while day < last {
        out.push(day);
        match day.checked_add(7.days()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out.push(last);
    out
}

struct Computed {
    figures: Figures,
    charts: Vec<Chart>,
}

fn shown(cell: Cell) -> Option<f64> {
    cell.value().map(|v| v as f64)
}

impl App {
    /// The dashboard of a service, a municipality or a region for `from..=to` (see the module).
    pub async fn dashboard(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        scope: Scope,
        from: &str,
        to: &str,
    ) -> Result<Dashboard, Error> {
        let (name, services, grant, suppressed) = match scope {
            Scope::Service(id) => {
                let found = self.service_or_not_found(id).await?;
                let grant = self.grant(ctx, actor, Action::ReadServiceDashboard { provider: found.provider }).await?;
                (found.description.name, vec![id], grant, actor.role == Role::Analyst)
            }
            Scope::Municipality(id) => {
                let municipality = self.municipality(id).await?;
                let grant = self.grant(ctx, actor, Action::ReadAreaDashboard).await?;
                let services = self
                    .municipality_chain(id)
                    .await?
                    .into_iter()
                    .filter(|s| s.owner == ServiceOwner::Municipality(id))
                    .map(|s| s.id)
                    .collect();
                (municipality.name, services, grant, true)
            }
            Scope::Region(id) => {
                let region = self.region(id).await?;
                let grant = self.grant(ctx, actor, Action::ReadAreaDashboard).await?;
                let services = self.region_chain(id).await?.into_iter().map(|s| s.id).collect();
                (region.name, services, grant, true)
            }
        };
        let today = self.local_today();
        let Period { from, to, previous_from, previous_to, whole_months } =
            dashboard_period(from, to, today, suppressed)?;
        let mut read = self.store.audited_read().await?;
        let units = housing::units_of_services(read.tx(), &services).await?;
        let both =
            Shared::read(read.tx(), &grant, &services, &units, previous_from.min(from), to.max(previous_to)).await?;
        let current = compute(read.tx(), &grant, &services, &units, &both, from, to, today, suppressed).await?;
        let previous =
            compute(read.tx(), &grant, &services, &units, &both, previous_from, previous_to, today, suppressed).await?;
        let mut charts = current.charts;
        charts.push(plan_chart([(from, to, &current.figures), (previous_from, previous_to, &previous.figures)]));
        let mut event = ctx.event(self.now(), Some(actor), AuditAction::DashboardViewed, AuditOutcome::Success);
        event.subject = Some(format!("{}:{}", scope.code(), scope.id()));
        event.reason = Some(format!("{from}..{to}{}", if suppressed { " suppressed" } else { "" }));
        read.record(event);
        read.finish(&self.store).await?;
        Ok(Dashboard {
            scope,
            name,
            from,
            to,
            previous_from,
            previous_to,
            suppressed,
            whole_months,
            services: services.len(),
            units: units.len(),
            current: current.figures,
            previous: previous.figures,
            charts,
        })
    }
}

/// What both periods are computed from, read once for the span that covers them.
struct Shared {
    spells: Vec<(Date, Option<Date>)>,
    periods: Vec<(HousingUnitId, StayPeriod)>,
    tallies: BTreeMap<(Date, Counter), i64>,
}

impl Shared {
    async fn read(
        tx: &mut Tx,
        grant: &Grant,
        services: &[ServiceId],
        units: &[housing::Unit],
        first: Date,
        last: Date,
    ) -> Result<Self, Error> {
        let unit_ids: Vec<HousingUnitId> = units.iter().map(|u| u.id).collect();
        Ok(Self {
            spells: store::waiting_spells(tx, grant, services).await?,
            periods: housing::periods_of_units(tx, grant, &unit_ids).await?,
            tallies: tallies::daily_totals(tx, grant, services, first, last).await?,
        })
    }
}

#[allow(clippy::too_many_arguments)]
async fn compute(
    tx: &mut Tx,
    grant: &Grant,
    services: &[ServiceId],
    units: &[housing::Unit],
    shared: &Shared,
    first: Date,
    last: Date,
    today: Date,
    suppressed: bool,
) -> Result<Computed, Error> {
    let publish =
        |value: i64| if suppressed { suppression::publish_count(count(value)) } else { Cell::Shown(count(value)) };
    let table = |counts: &[Vec<u64>]| {
        if suppressed { suppression::suppress_table(counts) } else { suppression::unsuppressed(counts) }
    };
    let series = |counts: &[u64]| {
        if suppressed {
            suppression::suppress_series(counts)
        } else {
            (counts.iter().map(|&c| Cell::Shown(c)).collect(), Cell::Shown(counts.iter().sum()))
        }
    };
    let month_list = months(first, last);

    // Persons.
    let persons = store::persons_served(tx, grant, services, first, last).await?;
    // With and without a plan as one row whose total is the persons served: the count without
    // a plan is the difference of two published counts, so it is suppressed with them.
    let plans = table(&[vec![count(persons.with_plan), count(persons.served - persons.with_plan)]]);
    let plan_cell = |c: usize| plans.cells.first().and_then(|row| row.get(c)).copied().unwrap_or(Cell::Suppressed);
    let (with_plan, without_plan) = (plan_cell(0), plan_cell(1));
    // LAR and non-LAR clients the same way: the count of non-LAR clients is the difference of
    // the persons served and the LAR clients, so it is suppressed with them.
    let lar = table(&[vec![count(persons.lar), count(persons.served - persons.lar)]]);
    let lar_clients = lar.cells.first().and_then(|row| row.first()).copied().unwrap_or(Cell::Suppressed);

    // Waiting list and waiting time.
    let spells = &shared.spells;
    let waiting_on = |day: Date| {
        spells.iter().filter(|(accepted, ended)| *accepted <= day && ended.is_none_or(|end| end > day)).count() as i64
    };
    let waiting_rows: Vec<ChartRow> = week_ends(first, last)
        .into_iter()
        .map(|day| ChartRow { label: day.to_string(), cells: vec![publish(waiting_on(day))], total: None })
        .collect();
    let waits = store::started_waits(tx, grant, services, first, last).await?;
    let statistics = waiting_statistics(&waits, 0);
    let enough_for_median = !suppressed || waits.len() as u64 >= SMALL_CELL_MIN;

    // Housing: nights by month and unit type.
    let periods = &shared.periods;
    let types: Vec<UnitType> =
        UnitType::ALL.into_iter().filter(|t| units.iter().any(|u| u.description.unit_type == *t)).collect();
    let type_of: BTreeMap<HousingUnitId, UnitType> = units.iter().map(|u| (u.id, u.description.unit_type)).collect();
    let nights: Vec<Vec<u64>> = month_list
        .iter()
        .map(|(_, start, end)| {
            types
                .iter()
                .map(|t| {
                    periods
                        .iter()
                        .filter(|(unit, _)| type_of.get(unit) == Some(t))
                        .map(|(_, p)| count(p.nights_in(*start, *end, today)))
                        .sum()
                })
                .collect()
        })
        .collect();
    let nights_table = table(&nights);
    let available: i64 = if last < first || first > today {
        0
    } else {
        units.iter().map(|u| i64::from(u.description.capacity)).sum::<i64>() * days_in(first, last.min(today))
    };
    let nights_total = if types.is_empty() { Cell::Shown(0) } else { nights_table.total };

    // Tallies by month.
    let mut by_month: Vec<BTreeMap<Counter, i64>> = vec![BTreeMap::new(); month_list.len()];
    let mut open_days = std::collections::BTreeSet::new();
    for (&(day, counter), &value) in shared.tallies.iter().filter(|((day, _), _)| first <= *day && *day <= last) {
        if counter == Counter::Visits {
            open_days.insert(day);
        }
        if let Some(slot) = month_list.iter().position(|(_, start, end)| *start <= day && day <= *end) {
            *by_month[slot].entry(counter).or_insert(0) += value;
        }
    }
    let column =
        |counter: Counter| by_month.iter().map(|m| count(m.get(&counter).copied().unwrap_or(0))).collect::<Vec<u64>>();
    let (out_cells, out_total) = series(&column(Counter::SyringesOut));
    let (returned_cells, returned_total) = series(&column(Counter::SyringesReturned));
    let (visit_cells, visit_total) = series(&column(Counter::Visits));
    let open_days = open_days.len() as i64;

    let figures = Figures {
        persons_served: publish(persons.served),
        lar_clients,
        persons_with_plan: with_plan,
        persons_without_plan: without_plan,
        plan_share: match (with_plan.value(), without_plan.value()) {
            (Some(with), Some(without)) if with + without > 0 => Some(with as f64 / (with + without) as f64),
            _ => None,
        },
        waiting_at_end: publish(waiting_on(last)),
        started: publish(waits.len() as i64),
        median_wait_days: if enough_for_median { statistics.median_days } else { None },
        nights: nights_total,
        available_nights: available,
        occupancy: shown(nights_total).filter(|_| available > 0).map(|n| n / available as f64),
        syringes_out: out_total,
        syringes_returned: returned_total,
        return_rate: match (out_total.value(), returned_total.value()) {
            (Some(out), Some(returned)) => return_rate(out as i64, returned as i64),
            _ => None,
        },
        visits: visit_total,
        open_days,
        visits_per_day: shown(visit_total).filter(|_| open_days > 0).map(|v| v / open_days as f64),
    };

    let month_labels: Vec<String> = month_list.iter().map(|(label, _, _)| label.clone()).collect();
    let charts = vec![
        Chart {
            key: "nights-by-month",
            row_kind: "month",
            columns: types.iter().map(|t| t.code().to_string()).collect(),
            rows: month_labels
                .iter()
                .enumerate()
                .map(|(i, label)| ChartRow {
                    label: label.clone(),
                    cells: nights_table.cells.get(i).cloned().unwrap_or_default(),
                    total: nights_table.row_totals.get(i).copied(),
                })
                .collect(),
            column_totals: Some(nights_table.column_totals.clone()),
            total: Some(nights_total),
        },
        Chart {
            key: "waiting-list",
            row_kind: "week",
            columns: vec!["waiting".into()],
            rows: waiting_rows,
            column_totals: None,
            total: None,
        },
        Chart {
            key: "syringes-by-month",
            row_kind: "month",
            columns: vec![Counter::SyringesOut.code().into(), Counter::SyringesReturned.code().into()],
            rows: month_labels
                .iter()
                .enumerate()
                .map(|(i, label)| ChartRow {
                    label: label.clone(),
                    cells: vec![
                        out_cells.get(i).copied().unwrap_or(Cell::Shown(0)),
                        returned_cells.get(i).copied().unwrap_or(Cell::Shown(0)),
                    ],
                    total: None,
                })
                .collect(),
            column_totals: Some(vec![out_total, returned_total]),
            total: None,
        },
        Chart {
            key: "visits-by-month",
            row_kind: "month",
            columns: vec![Counter::Visits.code().into()],
            rows: month_labels
                .iter()
                .enumerate()
                .map(|(i, label)| ChartRow {
                    label: label.clone(),
                    cells: vec![visit_cells.get(i).copied().unwrap_or(Cell::Shown(0))],
                    total: None,
                })
                .collect(),
            column_totals: Some(vec![visit_total]),
            total: None,
        },
    ];
    Ok(Computed { figures, charts })
}

/// Persons served with and without a plan, one row per period (`YYYY-MM-DD/YYYY-MM-DD`, the
/// period shown first) with the persons served as its total. No column totals: the same person
/// may be served in both periods.
fn plan_chart(periods: [(Date, Date, &Figures); 2]) -> Chart {
    Chart {
        key: "persons-with-plan",
        row_kind: "period",
        columns: vec!["with_plan".into(), "without_plan".into()],
        rows: periods
            .iter()
            .map(|(first, last, figures)| ChartRow {
                label: format!("{first}/{last}"),
                cells: vec![figures.persons_with_plan, figures.persons_without_plan],
                total: Some(figures.persons_served),
            })
            .collect(),
        column_totals: None,
        total: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_default_to_the_year_up_to_today_and_refuse_the_future() {
        let today = date(2026, 12, 3);
        assert_eq!(parse_period("", "", today, MAX_DASHBOARD_DAYS).unwrap(), (date(2025, 12, 4), today));
        let Err(Error::Invalid(errors)) = parse_period("2026-12-01", "2026-12-04", today, 10) else {
            panic!("a future end is refused")
        };
        assert_eq!(errors[0].field, "to");
        assert!(parse_period("2026-11-01", "2026-11-30", today, 10).is_err());
    }

    /// (from, to, previous_from, previous_to) of a suppressed dashboard's period.
    fn whole(from: &str, to: &str, today: Date) -> (Date, Date, Date, Date) {
        let period = dashboard_period(from, to, today, true).unwrap();
        assert!(period.whole_months);
        (period.from, period.to, period.previous_from, period.previous_to)
    }

    fn refused(from: &str, to: &str, today: Date) -> Vec<(String, String)> {
        let Err(Error::Invalid(errors)) = dashboard_period(from, to, today, true) else {
            panic!("{from}..{to} is refused")
        };
        errors.iter().map(|e| (e.field.to_string(), e.reason.code().to_string())).collect()
    }

    #[test]
    fn suppressed_periods_are_whole_months_at_the_boundaries() {
        let today = date(2026, 3, 2);
        // Whole months stay as they are; the previous period is as many months just before.
        assert_eq!(
            whole("2025-04-01", "2025-06-30", today),
            (date(2025, 4, 1), date(2025, 6, 30), date(2025, 1, 1), date(2025, 3, 31))
        );
        // Days inside months widen to the months they lie in.
        assert_eq!(
            whole("2025-04-30", "2025-06-01", today),
            (date(2025, 4, 1), date(2025, 6, 30), date(2025, 1, 1), date(2025, 3, 31))
        );
        // The last month that has ended ends the day before the first of this month.
        assert_eq!(
            whole("2026-02-01", "2026-02-28", today),
            (date(2026, 2, 1), date(2026, 2, 28), date(2026, 1, 1), date(2026, 1, 31))
        );
        // Periods a day apart are the same period: nothing to subtract.
        assert_eq!(whole("2026-01-01", "2026-01-15", today), whole("2026-01-01", "2026-01-16", today));
        assert_eq!(whole("2026-01-01", "2026-01-16", today), whole("2026-01-02", "2026-01-16", today));
        assert_eq!(whole("2026-01-01", "2026-01-15", today).1, date(2026, 1, 31));
    }

    #[test]
    fn suppressed_periods_leave_out_the_month_not_yet_ended() {
        let today = date(2026, 3, 17);
        // Up to today in mid-month: up to the end of February.
        let up_to_february = (date(2026, 1, 1), date(2026, 2, 28), date(2025, 11, 1), date(2025, 12, 31));
        assert_eq!(whole("2026-01-10", "2026-03-17", today), up_to_february);
        assert_eq!(whole("2026-01-10", "", today), up_to_february);
        assert_eq!(whole("2026-01-10", "2026-03-01", today), up_to_february);
        // Both days in this month: the last month that has ended.
        let february = (date(2026, 2, 1), date(2026, 2, 28), date(2026, 1, 1), date(2026, 1, 31));
        assert_eq!(whole("2026-03-02", "2026-03-10", today), february);
        assert_eq!(whole("2026-03-17", "2026-03-17", today), february);
        // On the first of a month the month before has ended.
        assert_eq!(whole("2026-02-01", "2026-03-01", date(2026, 3, 1)), february);
        // On the last day of a month it has not.
        assert_eq!(
            whole("2026-02-01", "2026-02-28", date(2026, 2, 28)),
            (date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 1), date(2025, 12, 31))
        );
        // Nothing asked for: the twelve months ending with the last month that has ended.
        assert_eq!(
            whole("", "", date(2026, 3, 2)),
            (date(2025, 3, 1), date(2026, 2, 28), date(2024, 3, 1), date(2025, 2, 28))
        );
        assert_eq!(
            whole("", "2025-06-15", today),
            (date(2024, 7, 1), date(2025, 6, 30), date(2023, 7, 1), date(2024, 6, 30))
        );
    }

    #[test]
    fn suppressed_periods_in_a_leap_february() {
        let february = (date(2024, 2, 1), date(2024, 2, 29), date(2024, 1, 1), date(2024, 1, 31));
        assert_eq!(whole("2024-02-10", "2024-02-20", date(2024, 3, 5)), february);
        assert_eq!(whole("2024-02-29", "2024-02-29", date(2024, 3, 1)), february);
        // On the leap day itself February has not ended.
        assert_eq!(
            whole("2024-02-01", "2024-02-29", date(2024, 2, 29)),
            (date(2024, 1, 1), date(2024, 1, 31), date(2023, 12, 1), date(2023, 12, 31))
        );
        // March 2024 is compared with the leap February, one month.
        assert_eq!(
            whole("2024-03-01", "2024-03-31", date(2026, 3, 2)),
            (date(2024, 3, 1), date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29))
        );
    }

    #[test]
    fn the_previous_period_of_three_months_crosses_the_year() {
        assert_eq!(
            whole("2026-01-05", "2026-03-31", date(2026, 4, 10)),
            (date(2026, 1, 1), date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31))
        );
        assert_eq!(
            whole("2025-12-20", "2026-02-03", date(2026, 4, 10)),
            (date(2025, 12, 1), date(2026, 2, 28), date(2025, 9, 1), date(2025, 11, 30))
        );
    }

    #[test]
    fn suppressed_periods_check_the_input_before_widening_it() {
        let today = date(2026, 3, 17);
        // Refused as asked, though whole months would make them valid.
        assert_eq!(refused("2026-03-01", "2026-03-18", today), [("to".to_string(), "in-future".to_string())]);
        assert_eq!(refused("2026-02-10", "2026-02-05", today), [("to".to_string(), "ends-before-start".to_string())]);
        assert_eq!(refused("2026-02-1", "2026-02-05", today), [("from".to_string(), "invalid-format".to_string())]);
        assert_eq!(refused("2023-01-01", "2026-03-01", today), [("from".to_string(), "not-allowed".to_string())]);
        // A period of at most the longest, widened past it, loses its first month.
        let (from, to, previous_from, previous_to) = whole("2023-03-31", "2026-03-31", date(2026, 4, 10));
        assert_eq!((from, to), (date(2023, 4, 1), date(2026, 3, 31)));
        assert!(days_in(from, to) <= MAX_DASHBOARD_DAYS);
        assert_eq!((previous_from, previous_to), (date(2020, 4, 1), date(2023, 3, 31)));
    }

    #[test]
    fn unsuppressed_periods_are_the_days_asked_for() {
        let today = date(2026, 3, 2);
        let period = dashboard_period("2026-01-01", "2026-01-15", today, false).unwrap();
        assert_eq!(
            period,
            Period {
                from: date(2026, 1, 1),
                to: date(2026, 1, 15),
                previous_from: date(2025, 12, 17),
                previous_to: date(2025, 12, 31),
                whole_months: false,
            }
        );
        let period = dashboard_period("", "", today, false).unwrap();
        assert_eq!((period.from, period.to), (date(2025, 3, 3), today));
        assert_eq!((period.previous_from, period.previous_to), (date(2024, 3, 3), date(2025, 3, 2)));
    }

    #[test]
    fn months_and_weeks_cover_the_period_clipped() {
        let list = months(date(2024, 1, 15), date(2024, 3, 2));
        assert_eq!(
            list,
            vec![
                ("2024-01".to_string(), date(2024, 1, 15), date(2024, 1, 31)),
                ("2024-02".to_string(), date(2024, 2, 1), date(2024, 2, 29)),
                ("2024-03".to_string(), date(2024, 3, 1), date(2024, 3, 2)),
            ]
        );
        assert_eq!(
            week_ends(date(2026, 1, 1), date(2026, 1, 16)),
            vec![date(2026, 1, 7), date(2026, 1, 14), date(2026, 1, 16)]
        );
    }
}
