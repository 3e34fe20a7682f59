//! Care-team meetings (*ansvarsgruppemøter*): the meeting with its invited members and agenda,
//! the minutes form (held or cancelled, minutes, the next meeting), the decisions made into
//! measures of the plan, and an iCalendar file (`/meetings/{id}.ics`) to put the meeting in
//! one's own calendar. Reads and changes go through `los_app::plans`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use los_app::RequestContext;
use los_app::auth::SessionInfo;
use los_app::plans::{MeetingUpdate, MeetingView};
use los_core::Error;
use los_core::ics::{CalendarEvent, calendar};
use los_core::ids::MeetingId;
use los_core::plan::{MeetingFields, MeetingStatus};
use los_core::policy::Actor;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, Values, actor_of, local_time};
use crate::pages::plan_forms::{Builder, Form, MEETING_LABELS, measure_status_label, section};
use crate::pages::{FormErrors, PageForm, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/meetings/{id}", get(show).post(save))
}

const LOCAL_TIME_ZONE: &str = "Europe/Oslo";

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(LOCAL_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC)
}

fn meeting_id(raw: &str, tr: Tr) -> Result<MeetingId, Response> {
    raw.parse::<MeetingId>().map_err(|_| failure(tr, &Error::NotFound { what: "meeting" }))
}

fn status_label(tr: Tr, status: MeetingStatus) -> String {
    tr.t(&format!("meeting-status-{}", status.code()))
}

struct Decided {
    description: String,
    owner: String,
    status: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    id: String,
    person: String,
    name: String,
    when: String,
    duration: String,
    place: String,
    status: String,
    status_color: &'static str,
    agenda: String,
    minutes: String,
    invited: Vec<String>,
    decided: Vec<Decided>,
    can_change: bool,
    form: Option<Form>,
}

/// The meeting as saved, as form values.
fn saved_values(view: &MeetingView) -> Values {
    let m = &view.meeting;
    let local = m.starts_at.to_zoned(zone());
    let mut values = Values::default();
    values.set("date", local.date().to_string());
    values.set("time", local.strftime("%H:%M").to_string());
    values.set("duration_minutes", m.duration_minutes.to_string());
    values.set("place", m.place.clone());
    values.set("agenda", m.agenda.clone());
    values.set("minutes", m.minutes.clone());
    values.set("status", m.status.code());
    values.set("version", m.version.to_string());
    values
}

fn minutes_form(tr: Tr, view: &MeetingView, values: &Values, errors: FormErrors, conflict: bool) -> Form {
    let b = Builder { tr, values, errors: &errors, labels: &MEETING_LABELS };
    let statuses = MeetingStatus::ALL.iter().map(|s| (s.code().to_string(), status_label(tr, *s))).collect();
    let sections = vec![
        section(
            tr.t("meeting-minutes-heading"),
            vec![b.select("status", statuses, false, ""), b.field("minutes", "textarea", "meeting-minutes-hint")],
        ),
        section(
            tr.t("meeting-details-heading"),
            vec![
                b.field("date", "date", ""),
                b.field("time", "time", "meeting-time-hint"),
                b.field("duration_minutes", "number", "meeting-duration-hint"),
                b.field("place", "text", ""),
                b.field("agenda", "textarea", ""),
            ],
        ),
        section(
            tr.t("meeting-next-heading"),
            vec![b.field("next_date", "date", "meeting-next-hint"), b.field("next_time", "time", "")],
        ),
    ];
    Form {
        action: format!("/meetings/{}", view.meeting.id),
        version: Some(values.get("version").parse().unwrap_or(-1)),
        hidden: Vec::new(),
        sections,
        errors,
        conflict,
        submit: tr.t("form-save"),
        cancel: format!("/persons/{}/plan#meetings", view.person.id),
    }
}

fn page(layout: &Layout, view: &MeetingView, form: Option<Form>) -> MeetingPage {
    let tr = layout.tr;
    let m = &view.meeting;
    MeetingPage {
        layout: layout.clone(),
        id: m.id.to_string(),
        person: view.person.id.to_string(),
        name: view.person.display_name.clone(),
        when: local_time(m.starts_at),
        duration: tr.t1("meeting-duration-value", "minutes", &m.duration_minutes.to_string()),
        place: m.place.clone(),
        status: status_label(tr, m.status),
        status_color: match m.status {
            MeetingStatus::Planned => "info",
            MeetingStatus::Held => "success",
            MeetingStatus::Cancelled => "neutral",
        },
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        invited: m.invited.iter().map(|(_, name)| name.clone()).collect(),
        decided: view
            .decided
            .iter()
            .map(|d| Decided {
                description: d.description.clone(),
                owner: d.owner.clone(),
                status: measure_status_label(tr, d.status),
            })
            .collect(),
        can_change: view.can_change,
        form,
    }
}

async fn load(
    state: &AppState,
    ctx: &RequestContext,
    actor: &Actor,
    id: MeetingId,
    tr: Tr,
) -> Result<MeetingView, Response> {
    state.app.meeting_view(ctx, actor, id).await.map_err(|e| failure(tr, &e))
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(raw): Path<String>,
) -> Response {
    // `/meetings/{id}.ics` shares the segment with the page.
    if let Some(id) = raw.strip_suffix(".ics") {
        return ics(&state, &headers, &ctx, &session, id).await;
    }
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), meeting_id(&raw, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let view = match load(&state, &ctx, &actor, id, tr).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let form = view.can_change.then(|| minutes_form(tr, &view, &saved_values(&view), FormErrors::default(), false));
    layout.render(&page(&layout, &view, form))
}

fn update_of(values: &Values) -> MeetingUpdate {
    let fields = MeetingFields {
        date: values.get("date"),
        time: values.get("time"),
        duration_minutes: values.get("duration_minutes"),
        place: values.get("place"),
        agenda: values.get("agenda"),
    };
    let next = if values.get("next_date").trim().is_empty() && values.get("next_time").trim().is_empty() {
        None
    } else {
        Some(MeetingFields {
            date: values.get("next_date"),
            time: values.get("next_time"),
            duration_minutes: fields.duration_minutes.clone(),
            place: fields.place.clone(),
            agenda: String::new(),
        })
    };
    MeetingUpdate { fields, minutes: values.get("minutes"), status: values.get("status"), next }
}

async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(raw): Path<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(&session, tr), meeting_id(&raw, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let mut values = Values(pairs);
    let version = values.get("version").trim().parse().unwrap_or(-1);
    let (errors, conflict) = match state.app.update_meeting(&ctx, &actor, id, version, &update_of(&values)).await {
        Ok(Some(next)) => return Redirect::to(&format!("/meetings/{next}")).into_response(),
        Ok(None) => return Redirect::to(&format!("/meetings/{id}")).into_response(),
        Err(Error::Conflict { .. }) => (FormErrors::default(), true),
        Err(error) => match FormErrors::from_error(tr, &error, &MEETING_LABELS) {
            Some(errors) => (errors, false),
            None => return failure(tr, &error),
        },
    };
    let view = match load(&state, &ctx, &actor, id, tr).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    if conflict {
        values.set("version", view.meeting.version.to_string());
    }
    let form = minutes_form(tr, &view, &values, errors, conflict);
    let status = form.status();
    layout.render_with_status(status, &page(&layout, &view, Some(form)))
}

/// The meeting as an iCalendar file: the same policy check and audited read as the page.
async fn ics(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw: &str,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(session, tr), meeting_id(raw, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let view = match load(state, ctx, &actor, id, tr).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let m = &view.meeting;
    let ends_at =
        m.starts_at.saturating_add(jiff::SignedDuration::from_mins(m.duration_minutes)).unwrap_or(m.starts_at);
    let event = CalendarEvent {
        uid: m.id.to_string(),
        sequence: m.version,
        stamp: state.app.now(),
        starts_at: m.starts_at,
        ends_at,
        summary: tr.t1("meeting-ics-summary", "name", &view.person.display_name),
        location: m.place.clone(),
        description: m.agenda.clone(),
        cancelled: m.status == MeetingStatus::Cancelled,
        attendees: m.invited.iter().map(|(account, name)| (account.to_string(), name.clone())).collect(),
    };
    let mut response = calendar(&event).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"meeting-{id}.ics\"")) {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}
