//! Administration: accounts and roles, and the audit log.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::accounts::{NewAccountInput, Operator};
use los_app::auth::SessionInfo;
use los_core::account::Role;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::ids::AccountId;
use los_core::locale::Locale;
use los_core::policy::Actor;
use los_core::{Error, Reason};
use los_store::audit::AuditFilter;
use serde::Deserialize;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::PageForm;
use crate::pages::{FormErrors, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts", get(accounts).post(create_account))
        .route("/admin/accounts/new", get(new_account))
        .route("/admin/accounts/{id}", get(account))
        .route("/admin/accounts/{id}/disable", post(disable))
        .route("/admin/accounts/{id}/enable", post(enable))
        .route("/admin/accounts/{id}/reset-second-factor", post(reset_second_factor))
        .route("/admin/accounts/{id}/roles", post(grant_role))
        .route("/admin/accounts/{id}/roles/revoke", post(revoke_role))
        .route("/admin/audit", get(audit))
}

fn actor_of(session: &SessionInfo, tr: Tr) -> Result<Actor, Response> {
    session.actor.clone().ok_or_else(|| failure(tr, &Error::Forbidden))
}

pub struct MembershipRow {
    pub organization_id: String,
    pub organization: String,
    pub role: String,
    pub role_key: String,
}

pub struct AccountRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub second_factor: bool,
    pub memberships: Vec<MembershipRow>,
}

fn row(overview: los_app::accounts::AccountOverview) -> AccountRow {
    AccountRow {
        id: overview.account.id.to_string(),
        username: overview.account.username.clone(),
        display_name: overview.account.display_name.clone(),
        disabled: overview.account.is_disabled(),
        second_factor: overview.account.has_second_factor(),
        memberships: overview
            .memberships
            .into_iter()
            .map(|m| MembershipRow {
                organization_id: m.organization_id.to_string(),
                organization: m.organization_name,
                role: m.role.code().into(),
                role_key: format!("role-{}", m.role.code()),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage {
    layout: Layout,
    rows: Vec<AccountRow>,
}

async fn accounts(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/admin/accounts");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    match state.app.list_accounts(&ctx, &actor).await {
        Ok(list) => layout.render(&AccountsPage { layout: layout.clone(), rows: list.into_iter().map(row).collect() }),
        Err(error) => failure(layout.tr, &error),
    }
}

#[derive(Template)]
#[template(path = "admin_account_new.html")]
struct NewAccountPage {
    layout: Layout,
    username: String,
    display_name: String,
    organizations: Vec<SelectOption>,
    roles: Vec<SelectOption>,
    locales: Vec<SelectOption>,
    errors: FormErrors,
}

fn role_options(tr: Tr, selected: &str) -> Vec<SelectOption> {
    Role::ALL
        .iter()
        .map(|r| SelectOption {
            value: r.code().into(),
            label: tr.t(&format!("role-{}", r.code())),
            selected: r.code() == selected,
        })
        .collect()
}

async fn organization_options(state: &AppState, selected: &str) -> Result<Vec<SelectOption>, Error> {
    Ok(state
        .app
        .list_organizations()
        .await?
        .into_iter()
        .map(|o| SelectOption { selected: o.id.to_string() == selected, value: o.id.to_string(), label: o.name })
        .collect())
}

fn locale_options(selected: &str) -> Vec<SelectOption> {
    Locale::ALL
        .iter()
        .map(|l| SelectOption { value: l.tag().into(), label: l.native_name().into(), selected: l.tag() == selected })
        .collect()
}

async fn new_account_page(state: &AppState, layout: Layout, form: &AccountForm, errors: FormErrors) -> Response {
    let organizations = match organization_options(state, &form.organization).await {
        Ok(options) => options,
        Err(error) => return failure(layout.tr, &error),
    };
    let status = errors.status(false);
    let page = NewAccountPage {
        layout: layout.clone(),
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        organizations,
        roles: role_options(layout.tr, &form.role),
        locales: locale_options(&form.locale),
        errors,
    };
    layout.render_with_status(status, &page)
}

#[derive(Debug, Deserialize, Default)]
struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    role: String,
}

async fn new_account(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/admin/accounts");
    if !layout.user.as_ref().is_some_and(|u| u.is_admin) {
        return failure(layout.tr, &Error::Forbidden);
    }
    let form = AccountForm { role: "caseworker".into(), locale: "nb".into(), ..AccountForm::default() };
    new_account_page(&state, layout, &form, FormErrors::default()).await
}

const ACCOUNT_LABELS: [(&str, &str); 6] = [
    ("username", "field-username"),
    ("display_name", "field-display-name"),
    ("password", "field-password"),
    ("locale", "field-language"),
    ("organization", "field-organization"),
    ("role", "field-role"),
];

async fn create_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(form): PageForm<AccountForm>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/admin/accounts");
    let actor = match actor_of(&session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let input = NewAccountInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        locale: Some(form.locale.clone()),
        organization: form.organization.clone(),
        role: form.role.clone(),
    };
    match state.app.create_account(&ctx, Operator::Actor(&actor), &input).await {
        Ok(id) => Redirect::to(&format!("/admin/accounts/{id}")).into_response(),
        Err(error) => match FormErrors::from_error(layout.tr, &error, &ACCOUNT_LABELS) {
            Some(errors) => new_account_page(&state, layout, &form, errors).await,
            None => failure(layout.tr, &error),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    layout: Layout,
    account: AccountRow,
    is_self: bool,
    organizations: Vec<SelectOption>,
    roles: Vec<SelectOption>,
    errors: FormErrors,
}

async fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), "/admin/accounts");
    let actor = match actor_of(session, layout.tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<AccountId>() else { return failure(layout.tr, &Error::NotFound { what: "account" }) };
    let overview = match state.app.account_overview(ctx, &actor, id).await {
        Ok(overview) => overview,
        Err(error) => return failure(layout.tr, &error),
    };
    let organizations = match organization_options(state, "").await {
        Ok(options) => options,
        Err(error) => return failure(layout.tr, &error),
    };
    let status = errors.status(false);
    let page = AccountPage {
        layout: layout.clone(),
        is_self: overview.account.id == actor.account,
        account: row(overview),
        organizations,
        roles: role_options(layout.tr, "caseworker"),
        errors,
    };
    layout.render_with_status(status, &page)
}

async fn account(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    account_page(&state, &headers, &ctx, &session, &id, FormErrors::default()).await
}

enum Change {
    Disable,
    Enable,
    ResetSecondFactor,
}

async fn change(
    state: AppState,
    ctx: los_app::RequestContext,
    session: SessionInfo,
    id: String,
    change: Change,
) -> Response {
    let tr = Tr::new(session.account.locale);
    let actor = match actor_of(&session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(account) = id.parse::<AccountId>() else { return failure(tr, &Error::NotFound { what: "account" }) };
    let operator = Operator::Actor(&actor);
    let result = match change {
        Change::Disable => state.app.set_account_disabled(&ctx, operator, account, true).await,
        Change::Enable => state.app.set_account_disabled(&ctx, operator, account, false).await,
        Change::ResetSecondFactor => state.app.reset_second_factor(&ctx, operator, account).await,
    };
    match result {
        Ok(()) => Redirect::to(&format!("/admin/accounts/{account}")).into_response(),
        Err(error) => failure(tr, &error),
    }
}

async fn disable(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    change(state, ctx, session, id, Change::Disable).await
}

async fn enable(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    change(state, ctx, session, id, Change::Enable).await
}

async fn reset_second_factor(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    change(state, ctx, session, id, Change::ResetSecondFactor).await
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    organization: String,
    #[serde(default)]
    role: String,
}

async fn role_change(
    state: AppState,
    headers: HeaderMap,
    ctx: los_app::RequestContext,
    session: SessionInfo,
    id: String,
    form: RoleForm,
    grant: bool,
) -> Response {
    let tr = Tr::new(session.account.locale);
    let actor = match actor_of(&session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(account) = id.parse::<AccountId>() else { return failure(tr, &Error::NotFound { what: "account" }) };
    match state.app.change_role(&ctx, Operator::Actor(&actor), account, &form.organization, &form.role, grant).await {
        Ok(()) => Redirect::to(&format!("/admin/accounts/{account}")).into_response(),
        Err(error) => {
            match FormErrors::from_error(tr, &error, &[("organization", "field-organization"), ("role", "field-role")])
            {
                Some(errors) => account_page(&state, &headers, &ctx, &session, &id, errors).await,
                None => failure(tr, &error),
            }
        }
    }
}

async fn grant_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    role_change(state, headers, ctx, session, id, form, true).await
}

async fn revoke_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    role_change(state, headers, ctx, session, id, form, false).await
}

/// Query of the audit page; every field optional.
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub before: String,
}

/// Turns the audit query into a store filter, or field errors.
pub fn audit_filter(query: &AuditQuery) -> Result<AuditFilter, Error> {
    let mut v = los_core::error::Validator::new();
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let action = text(&query.action);
    if action.as_deref().is_some_and(|a| AuditAction::from_code(a).is_none()) {
        v.add("action", Reason::UnknownValue);
    }
    let outcome = text(&query.outcome);
    if outcome.as_deref().is_some_and(|o| AuditOutcome::from_code(o).is_none()) {
        v.add("outcome", Reason::UnknownValue);
    }
    let id = |field: &str, raw: &str, v: &mut los_core::error::Validator| -> Option<String> {
        let raw = text(raw)?;
        match raw.parse::<uuid::Uuid>() {
            Ok(uuid) => Some(uuid.hyphenated().to_string()),
            Err(_) => {
                v.add(field, Reason::InvalidFormat);
                None
            }
        }
    };
    let actor_account = id("actor", &query.actor, &mut v);
    let person = id("person", &query.person, &mut v);
    let day = |field: &str, raw: &str, v: &mut los_core::error::Validator, end: bool| -> Option<i64> {
        let raw = text(raw)?;
        match raw.parse::<jiff::civil::Date>() {
            Ok(date) => {
                let date = if end { date.tomorrow().ok()? } else { date };
                date.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp().as_microsecond())
            }
            Err(_) => {
                v.add(field, Reason::InvalidFormat);
                None
            }
        }
    };
    let from_micros = day("from", &query.from, &mut v, false);
    let to_micros = day("to", &query.to, &mut v, true);
    let before_seq = match text(&query.before) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                v.add("before", Reason::InvalidFormat);
                None
            }
        },
    };
    v.finish()?;
    Ok(AuditFilter { action, outcome, actor_account, person, from_micros, to_micros, before_seq })
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub action_key: String,
    pub outcome_key: String,
    pub actor: String,
    pub role_key: Option<String>,
    pub subject: String,
    pub person: String,
    pub reason: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    actions: Vec<SelectOption>,
    outcomes: Vec<SelectOption>,
    query: AuditQuery,
    errors: FormErrors,
    older: Option<String>,
}

async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Query(query): Query<AuditQuery>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), "/admin/audit");
    let tr = layout.tr;
    let actor = match actor_of(&session, tr) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let mut actions =
        vec![SelectOption { value: String::new(), label: tr.t("audit-any"), selected: query.action.is_empty() }];
    actions.extend(AuditAction::ALL.iter().map(|a| SelectOption {
        value: a.code().into(),
        label: tr.t(&format!("audit-action-{}", a.code())),
        selected: a.code() == query.action,
    }));
    let mut outcomes =
        vec![SelectOption { value: String::new(), label: tr.t("audit-any"), selected: query.outcome.is_empty() }];
    outcomes.extend(AuditOutcome::ALL.iter().map(|o| SelectOption {
        value: o.code().into(),
        label: tr.t(&format!("audit-outcome-{}", o.code())),
        selected: o.code() == query.outcome,
    }));
    let (rows, errors, older) = match audit_filter(&query) {
        Err(error) => match FormErrors::from_error(
            tr,
            &error,
            &[
                ("action", "audit-action"),
                ("outcome", "audit-outcome"),
                ("actor", "audit-actor"),
                ("person", "audit-person"),
                ("from", "audit-from"),
                ("to", "audit-to"),
                ("before", "audit-before"),
            ],
        ) {
            Some(errors) => (Vec::new(), errors, None),
            None => return failure(tr, &error),
        },
        Ok(filter) => match state.app.list_audit_events(&ctx, &actor, &filter).await {
            Err(error) => return failure(tr, &error),
            Ok(events) => {
                let names = match audit_names(&state, &ctx, &actor, tr).await {
                    Ok(names) => names,
                    Err(error) => return failure(tr, &error),
                };
                let older = (events.len() as i64 == los_app::audit::AUDIT_PAGE_SIZE)
                    .then(|| events.last().map(|e| e.seq))
                    .flatten()
                    .map(|seq| {
                        serde_urlencoded::to_string([
                            ("action", query.action.as_str()),
                            ("outcome", query.outcome.as_str()),
                            ("actor", query.actor.as_str()),
                            ("person", query.person.as_str()),
                            ("from", query.from.as_str()),
                            ("to", query.to.as_str()),
                            ("before", seq.to_string().as_str()),
                        ])
                        .unwrap_or_default()
                    });
                let rows = events
                    .into_iter()
                    .map(|e| AuditRow {
                        seq: e.seq,
                        at: jiff::Timestamp::from_microsecond(e.record.at_micros)
                            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_default(),
                        action_key: format!("audit-action-{}", e.record.action),
                        outcome_key: format!("audit-outcome-{}", e.record.outcome),
                        actor: e.actor_username.or(e.record.actor_account).unwrap_or_default(),
                        role_key: e.record.actor_role.map(|r| format!("role-{r}")),
                        subject: e.record.subject.as_deref().map(|s| humanize(s, &names)).unwrap_or_default(),
                        person: e.record.person.unwrap_or_default(),
                        reason: e.record.reason.unwrap_or_default(),
                        request_id: e.record.request_id.unwrap_or_default(),
                    })
                    .collect();
                (rows, FormErrors::default(), older)
            }
        },
    };
    let status = errors.status(false);
    layout.render_with_status(
        status,
        &AuditPage { layout: layout.clone(), rows, actions, outcomes, query, errors, older },
    )
}

/// Names for the ids and codes that audit subjects hold, so the log reads as text.
async fn audit_names(
    state: &AppState,
    ctx: &los_app::RequestContext,
    actor: &Actor,
    tr: Tr,
) -> Result<std::collections::HashMap<String, String>, Error> {
    let mut names = std::collections::HashMap::new();
    for account in state.app.list_accounts(ctx, actor).await? {
        names.insert(account.account.id.to_string(), account.account.username.clone());
    }
    for organization in state.app.list_organizations().await? {
        names.insert(organization.id.to_string(), organization.name);
    }
    for role in Role::ALL {
        names.insert(role.code().to_string(), tr.t(&format!("role-{}", role.code())));
    }
    Ok(names)
}

fn humanize(subject: &str, names: &std::collections::HashMap<String, String>) -> String {
    subject
        .split(' ')
        .map(|word| names.get(word).cloned().unwrap_or_else(|| word.to_string()))
        .collect::<Vec<_>>()
        .join(" · ")
}
