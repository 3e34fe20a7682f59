//! A person's access log: who has read or changed the record, when, what and why, with the
//! emergency accesses and their reasons. Printable.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use los_core::policy::AccessBasis;
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::failure;
use crate::pages::persons::{PERSONS_PATH, actor_of, basis_text, local_time, person_id};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/access-log", get(access_log))
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct LogPage {
    layout: Layout,
    id: String,
    name: String,
    entries: Vec<Entry>,
    emergencies: Vec<Emergency>,
    next: Option<String>,
}

struct Entry {
    when: String,
    who: String,
    role: String,
    organization: String,
    what: String,
    outcome: String,
    why: String,
}

struct Emergency {
    who: String,
    role: String,
    organization: String,
    reason: String,
    opened: String,
    expires: String,
    reviewed: String,
}

#[derive(Debug, Deserialize)]
struct LogQuery {
    #[serde(default)]
    before: Option<i64>,
}

/// Why an access happened, from the audit reason: the basis in brackets, translated.
fn why(tr: Tr, reason: Option<&str>) -> String {
    let Some(reason) = reason else { return String::new() };
    let basis = reason
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .or(Some(reason))
        .and_then(AccessBasis::from_code);
    match basis {
        Some(basis) => basis_text(tr, basis),
        None => reason.to_string(),
    }
}

async fn access_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), person_id(&id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let log = match state.app.access_log(&ctx, &actor, id, query.before).await {
        Ok(log) => log,
        Err(error) => return failure(tr, &error),
    };
    let role = |code: Option<&str>| code.map(|c| tr.t(&format!("role-{c}"))).unwrap_or_default();
    let entries = log
        .entries
        .iter()
        .map(|e| {
            let r = &e.record;
            let action_key = format!("audit-action-{}", r.action);
            let outcome_key = format!("audit-outcome-{}", r.outcome);
            Entry {
                when: Timestamp::from_microsecond(r.at_micros).map(local_time).unwrap_or_default(),
                who: e.actor_name.clone().unwrap_or_else(|| tr.t("access-log-system")),
                role: role(r.actor_role.as_deref()),
                organization: e.organization_name.clone().unwrap_or_default(),
                what: if tr.has(&action_key) { tr.t(&action_key) } else { r.action.clone() },
                outcome: if tr.has(&outcome_key) { tr.t(&outcome_key) } else { r.outcome.clone() },
                why: why(tr, r.reason.as_deref()),
            }
        })
        .collect();
    let emergencies = log
        .emergency_accesses
        .iter()
        .map(|a| Emergency {
            who: a.account_name.clone(),
            role: tr.t(&format!("role-{}", a.role.code())),
            organization: a.organization_name.clone(),
            reason: a.reason.clone(),
            opened: local_time(a.opened_at),
            expires: local_time(a.expires_at),
            reviewed: a.reviewed_at.map(local_time).unwrap_or_else(|| tr.t("emergency-not-reviewed")),
        })
        .collect();
    let page = LogPage {
        id: id.to_string(),
        name: log.person.record.identity.display_name(),
        entries,
        emergencies,
        next: log.next_before.map(|b| format!("/persons/{id}/access-log?before={b}")),
        layout: layout.clone(),
    };
    layout.render(&page)
}
