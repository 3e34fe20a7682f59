//! The deadline rules for administrators: every rule in force (statutory and guideline rules
//! read-only, local ones editable), the forms for local rules, and the calendar option for the
//! days customarily off in Norway.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::deadline_rules::{KINDS, RuleEntry, RuleInput, UNITS, kind_code};
use los_core::Error;
use los_core::deadline::RuleSource;
use los_core::organization::Country;
use los_core::policy::Actor;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

const PATH: &str = "/admin/deadline-rules";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list))
        .route("/admin/deadline-rules/calendar", post(set_calendar))
        .route("/admin/deadline-rules/new", get(new_form).post(create))
        .route("/admin/deadline-rules/{code}/edit", get(edit_form).post(update))
}

pub struct RuleRow {
    pub code: String,
    pub title: String,
    pub source: String,
    pub period: String,
    pub kind: String,
    pub country: String,
    pub moves: String,
    pub read_only: bool,
}

#[derive(Template)]
#[template(path = "deadline_rules.html")]
struct ListPage {
    layout: Layout,
    rules: Vec<RuleRow>,
    customary_days_off: bool,
}

#[derive(Template)]
#[template(path = "deadline_rule_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    heading_key: &'static str,
    is_new: bool,
    code: String,
    version: i64,
    title_nb: String,
    title_sv: String,
    title_en: String,
    description: String,
    kinds: Vec<SelectOption>,
    countries: Vec<SelectOption>,
    start_event: String,
    units: Vec<SelectOption>,
    amount: String,
    extends_to_working_day: bool,
    errors: FormErrors,
    conflict: bool,
}

const LABELS: [(&str, &str); 10] = [
    ("code", "field-rule-code"),
    ("title.nb", "field-rule-title-nb"),
    ("title.sv", "field-rule-title-sv"),
    ("title.en", "field-rule-title-en"),
    ("source.description", "field-rule-description"),
    ("kind", "field-rule-kind"),
    ("country", "field-rule-country"),
    ("start_event", "field-rule-start-event"),
    ("period.unit", "field-rule-unit"),
    ("period.amount", "field-rule-amount"),
];

/// The signed-in administrator, or the page to show instead.
fn admin(layout: &Layout, actor: Option<&Actor>) -> Result<Actor, Response> {
    match actor {
        Some(actor) if layout.user.as_ref().is_some_and(|u| u.is_admin) => Ok(actor.clone()),
        _ => Err(failure(layout.tr, &Error::Forbidden)),
    }
}

fn source_text(tr: Tr, source: &RuleSource) -> String {
    match source {
        RuleSource::Local { description } => tr.t1("deadline-rule-source-local", "description", description),
        other => other.text(),
    }
}

fn row(tr: Tr, entry: &RuleEntry) -> RuleRow {
    let rule = &entry.rule;
    RuleRow {
        code: entry.code().to_string(),
        title: rule.title.get(tr.locale).to_string(),
        source: source_text(tr, &rule.source),
        period: rule.period.describe(tr.locale),
        kind: tr.t(&format!("rule-kind-{}", kind_code(rule.kind))),
        country: match rule.country {
            Some(country) => tr.t(&format!("country-{}", country.code())),
            None => tr.t("field-rule-country-any"),
        },
        moves: tr.t(if rule.extends_to_working_day { "yes" } else { "no" }),
        read_only: entry.read_only,
    }
}

async fn list(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PATH);
    if let Err(page) = admin(&layout, session.actor.as_ref()) {
        return page;
    }
    let (rules, customary_days_off) = match (state.app.deadline_rules().await, state.app.customary_days_off().await) {
        (Ok(rules), Ok(on)) => (rules, on),
        (Err(error), _) | (_, Err(error)) => return failure(layout.tr, &error),
    };
    let tr = layout.tr;
    let template =
        ListPage { rules: rules.iter().map(|e| row(tr, e)).collect(), customary_days_off, layout: layout.clone() };
    layout.render(&template)
}

async fn set_calendar(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PATH);
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let on = pairs.iter().any(|(k, v)| k == "customary_days_off" && v == "on");
    match state.app.set_customary_days_off(&ctx, &actor, on).await {
        Ok(()) => Redirect::to(PATH).into_response(),
        Err(error) => failure(layout.tr, &error),
    }
}

/// The form's values as typed, kept when it is shown again.
#[derive(Debug, Clone, Default)]
struct Values {
    version: i64,
    input: RuleInput,
}

impl Values {
    fn from_pairs(pairs: &[(String, String)]) -> Values {
        let one = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        Values {
            version: one("version").trim().parse().unwrap_or(-1),
            input: RuleInput {
                code: one("code"),
                title_nb: one("title.nb"),
                title_sv: one("title.sv"),
                title_en: one("title.en"),
                description: one("source.description"),
                kind: one("kind"),
                country: one("country"),
                start_event: one("start_event"),
                unit: one("period.unit"),
                amount: one("period.amount"),
                extends_to_working_day: one("extends_to_working_day") == "on",
            },
        }
    }

    fn from_entry(entry: &RuleEntry) -> Values {
        let rule = &entry.rule;
        Values {
            version: entry.version,
            input: RuleInput {
                code: entry.code().to_string(),
                title_nb: rule.title.nb.clone(),
                title_sv: rule.title.sv.clone(),
                title_en: rule.title.en.clone(),
                description: match &rule.source {
                    RuleSource::Local { description } => description.clone(),
                    _ => String::new(),
                },
                kind: kind_code(rule.kind).to_string(),
                country: rule.country.map(|c| c.code().to_string()).unwrap_or_default(),
                start_event: rule.start_event.clone(),
                unit: rule.period.unit().to_string(),
                amount: rule.period.amount().to_string(),
                extends_to_working_day: rule.extends_to_working_day,
            },
        }
    }
}

fn page(layout: Layout, action: String, is_new: bool, values: &Values, errors: FormErrors, conflict: bool) -> Response {
    let tr = layout.tr;
    let v = &values.input;
    let status = errors.status(conflict);
    let mut countries = vec![SelectOption {
        value: String::new(),
        label: tr.t("field-rule-country-any"),
        selected: v.country.trim().is_empty(),
    }];
    countries.extend(Country::ALL.iter().map(|c| SelectOption {
        value: c.code().into(),
        label: tr.t(&format!("country-{}", c.code())),
        selected: c.code() == v.country.trim(),
    }));
    let template = FormPage {
        action,
        heading_key: if is_new { "deadline-rule-new" } else { "deadline-rule-edit" },
        is_new,
        code: v.code.clone(),
        version: values.version,
        title_nb: v.title_nb.clone(),
        title_sv: v.title_sv.clone(),
        title_en: v.title_en.clone(),
        description: v.description.clone(),
        kinds: KINDS
            .iter()
            .map(|k| SelectOption {
                value: kind_code(*k).into(),
                label: tr.t(&format!("rule-kind-{}", kind_code(*k))),
                selected: kind_code(*k) == v.kind,
            })
            .collect(),
        countries,
        start_event: v.start_event.clone(),
        units: UNITS
            .iter()
            .map(|u| SelectOption {
                value: (*u).into(),
                label: tr.t(&format!("rule-unit-{u}")),
                selected: *u == v.unit,
            })
            .collect(),
        amount: v.amount.clone(),
        extends_to_working_day: v.extends_to_working_day,
        errors,
        conflict,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &template)
}

async fn new_form(State(state): State<AppState>, headers: HeaderMap, SignedIn(session): SignedIn) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PATH);
    if let Err(page) = admin(&layout, session.actor.as_ref()) {
        return page;
    }
    let values = Values {
        version: 0,
        input: RuleInput {
            code: "local.".into(),
            kind: "deadline".into(),
            unit: "calendar_days".into(),
            extends_to_working_day: true,
            ..RuleInput::default()
        },
    };
    page(layout, format!("{PATH}/new"), true, &values, FormErrors::default(), false)
}

async fn save(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &los_app::auth::SessionInfo,
    existing: Option<&str>,
    values: Values,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PATH);
    let Some(actor) = session.actor.clone() else { return failure(layout.tr, &Error::Forbidden) };
    let (action, is_new) = match existing {
        Some(code) => (format!("{PATH}/{code}/edit"), false),
        None => (format!("{PATH}/new"), true),
    };
    let result =
        state.app.save_local_rule(ctx, &actor, existing.map(|code| (code, values.version)), &values.input).await;
    match result {
        Ok(_) => Redirect::to(PATH).into_response(),
        Err(Error::Conflict { .. }) => {
            let mut shown = values;
            if let Some(code) = existing
                && let Ok(Some(current)) = state.app.deadline_rule(code).await
            {
                shown.version = current.version;
            }
            page(layout, action, is_new, &shown, FormErrors::default(), true)
        }
        Err(error) => match FormErrors::from_error(layout.tr, &error, &LABELS) {
            Some(errors) => page(layout, action, is_new, &values, errors, false),
            None => failure(layout.tr, &error),
        },
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    save(&state, &headers, &ctx, &session, None, Values::from_pairs(&pairs)).await
}

async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(session): SignedIn,
    Path(code): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PATH);
    if let Err(page) = admin(&layout, session.actor.as_ref()) {
        return page;
    }
    match state.app.deadline_rule(&code).await {
        Ok(Some(entry)) if !entry.read_only => page(
            layout,
            format!("{PATH}/{code}/edit"),
            false,
            &Values::from_entry(&entry),
            FormErrors::default(),
            false,
        ),
        Ok(Some(_)) => failure(layout.tr, &Error::Forbidden),
        Ok(None) => failure(layout.tr, &Error::NotFound { what: "deadline rule" }),
        Err(error) => failure(layout.tr, &error),
    }
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(code): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    save(&state, &headers, &ctx, &session, Some(&code), Values::from_pairs(&pairs)).await
}
