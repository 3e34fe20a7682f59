//! The start page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use los_app::deadlines::DeadlineLine;
use los_app::plans::OwnPlans;
use los_core::Error;
use los_core::deadline::DueStatus;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    first_name: String,
    has_role: bool,
    second_factor_missing: bool,
    recovery_codes_left: i64,
    /// `None` for roles that have no deadlines to see (analysts) or without a role.
    my_deadlines: Option<Vec<DeadlineRow>>,
    organization_deadlines: Option<Vec<DeadlineRow>>,
    /// The coordinator's section; `None` for analysts and those without a role.
    own: Option<OwnSection>,
}

/// The coordinator's section: plans I coordinate, next meetings, transitions due.
struct OwnSection {
    plans: Vec<OwnPlanRow>,
    meetings: Vec<OwnMeetingRow>,
    transitions: Vec<OwnTransitionRow>,
    hidden: usize,
}

struct OwnPlanRow {
    href: String,
    person: String,
    phase: String,
    next_revision: String,
    /// `overdue`, `soon` or empty.
    state: &'static str,
}

struct OwnMeetingRow {
    href: String,
    when: String,
    person: String,
    place: String,
}

struct OwnTransitionRow {
    href: String,
    person: String,
    kind: String,
    due_on: String,
    overdue_items: Vec<String>,
}

fn own_section(tr: Tr, own: OwnPlans) -> OwnSection {
    OwnSection {
        plans: own
            .plans
            .into_iter()
            .map(|line| OwnPlanRow {
                href: format!("/persons/{}/plan", line.person),
                person: line.person_name,
                phase: tr.t(&format!("phase-{}", line.phase.code())),
                next_revision: line.next_revision.to_string(),
                state: if line.revision_overdue {
                    "overdue"
                } else if line.revision_due_soon {
                    "soon"
                } else {
                    ""
                },
            })
            .collect(),
        meetings: own
            .meetings
            .into_iter()
            .map(|line| OwnMeetingRow {
                href: format!("/meetings/{}", line.meeting),
                when: crate::pages::persons::local_time(line.starts_at),
                person: line.person_name,
                place: line.place,
            })
            .collect(),
        transitions: own
            .transitions
            .into_iter()
            .map(|line| OwnTransitionRow {
                href: format!("/persons/{}/plan#transitions", line.person),
                person: line.person_name,
                kind: tr.t(&format!("plan-transition-{}", line.transition.kind.code())),
                due_on: line.transition.due_on.to_string(),
                overdue_items: line
                    .overdue_items
                    .iter()
                    .map(|item| tr.t(&format!("plan-item-{}", item.code())))
                    .collect(),
            })
            .collect(),
        hidden: own.hidden,
    }
}

/// One line of "my deadlines", translated.
struct DeadlineRow {
    kind: String,
    due: String,
    status: String,
    status_color: &'static str,
    person: String,
    service: String,
    href: String,
    source: String,
}

fn deadline_row(tr: Tr, line: DeadlineLine) -> DeadlineRow {
    let (status, status_color) = match line.status {
        DueStatus::Overdue { days } => (tr.t1("deadline-overdue", "days", &days.to_string()), "danger"),
        DueStatus::DueToday => (tr.t("deadline-due-today"), "warning"),
        DueStatus::DueSoon { days } => (tr.t1("deadline-due-soon", "days", &days.to_string()), "warning"),
        DueStatus::Later => (tr.t("deadline-later"), "neutral"),
    };
    DeadlineRow {
        kind: tr.t(&format!("deadline-kind-{}", line.kind.code())),
        due: line.due.to_string(),
        status,
        status_color,
        person: line.person_name,
        service: line.service_name,
        href: line.href,
        source: line.source,
    }
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/");
    let recovery_codes_left = if session.account.has_second_factor() {
        match state.app.unused_recovery_codes(session.account.id).await {
            Ok(n) => n,
            Err(error) => return crate::pages::failure(layout.tr, &error),
        }
    } else {
        0
    };
    let (my_deadlines, organization_deadlines) = match &session.actor {
        Some(actor) if actor.role != los_core::account::Role::Analyst => {
            match state.app.my_deadlines(&ctx, actor).await {
                Ok(lists) => (
                    Some(lists.mine.into_iter().map(|line| deadline_row(layout.tr, line)).collect()),
                    lists.organization.map(|all| all.into_iter().map(|line| deadline_row(layout.tr, line)).collect()),
                ),
                Err(error) => return crate::pages::failure(layout.tr, &error),
            }
        }
        _ => (None, None),
    };
    // Analysts see aggregates only: the use case refuses them, so they are not asked.
    let own = match &session.actor {
        Some(actor) if actor.role != los_core::account::Role::Analyst => match state.app.own_plans(&ctx, actor).await {
            Ok(own) => Some(own_section(layout.tr, own)),
            Err(Error::Forbidden) => None,
            Err(error) => return crate::pages::failure(layout.tr, &error),
        },
        _ => None,
    };
    let page = HomePage {
        layout: layout.clone(),
        first_name: session.account.display_name.split_whitespace().next().unwrap_or_default().to_string(),
        has_role: session.actor.is_some(),
        second_factor_missing: !session.account.has_second_factor(),
        recovery_codes_left,
        my_deadlines,
        organization_deadlines,
        own,
    };
    layout.render(&page)
}
