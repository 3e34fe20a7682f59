//! The printed individual plan: a clean plan in plain language the person can read, in the
//! person's own language (not the staff member's), as a printable page and as a PDF laid out
//! with the decision letter's machinery. Reading it is audited as printed.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use los_app::RequestContext;
use los_app::auth::SessionInfo;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::decision_letter::{LETTER_CSS_PATH, letter_date};
use crate::pages::decision_letter_pdf::{BODY, BOLD, Face, H1, H2, MARGIN, TEXT_W, Writer, document};
use crate::pages::failure;
use crate::pages::persons::{PERSONS_PATH, actor_of, person_id};
use crate::pages::plans::{PlanBody, plan_body};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/plan/print", get(print)).route("/persons/{id}/plan.pdf", get(pdf))
}

#[derive(Template)]
#[template(path = "plan_print.html")]
struct PrintPage {
    /// The staff member's language, for the screen-only bar.
    staff: Tr,
    /// The person's language, for the plan.
    tr: Tr,
    css: &'static str,
    person_id: String,
    title: String,
    name: String,
    date: String,
    period: String,
    revision: String,
    consent: String,
    sharing: String,
    p: PlanBody,
}

async fn load(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw: &str,
) -> Result<PrintPage, Response> {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let staff = layout.tr;
    let actor = actor_of(session, staff)?;
    let person = person_id(raw, staff)?;
    let view = state.app.plan_for_print(ctx, &actor, person).await.map_err(|e| failure(staff, &e))?;
    let locale = view.person_language;
    let tr = Tr::new(locale);
    let p = plan_body(tr, &view).ok_or_else(|| failure(staff, &los_core::Error::NotFound { what: "plan" }))?;
    let when = |date| letter_date(locale, date);
    Ok(PrintPage {
        staff,
        css: LETTER_CSS_PATH,
        person_id: person.to_string(),
        title: tr.t1("print-title", "kind", &p.kind),
        name: view.person.display_name.clone(),
        date: when(view.today),
        period: tr.t_args("print-period", &[("from", when(p.period_from)), ("to", when(p.period_to))]),
        revision: tr.t1("print-revision", "date", &when(p.next_revision_date)),
        consent: match p.consent_given_on {
            Some(on) => tr.t1("print-consent-given", "date", &when(on)),
            None => tr.t("print-consent-missing"),
        },
        sharing: tr.t(if view.plan.as_ref().is_some_and(|plan| plan.header.consent_to_sharing) {
            "print-sharing-yes"
        } else {
            "print-sharing-no"
        }),
        tr,
        p,
    })
}

async fn print(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &headers, &ctx, &session, &id).await {
        Ok(page) => {
            let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
            layout.render(&page)
        }
        Err(response) => response,
    }
}

/// Label and value rows, the label column as wide as the widest label.
fn rows(w: &mut Writer, rows: Vec<(String, String)>) {
    let gap = 18.0;
    let label_w = rows.iter().map(|(label, _)| BOLD.width(label, BODY)).fold(0.0, f32::max).min(TEXT_W * 0.4);
    let value_x = MARGIN + label_w + gap;
    for (label, value) in rows {
        w.columns(
            (MARGIN, label_w, vec![(Face::Bold, label)]),
            (value_x, MARGIN + TEXT_W - value_x, vec![(Face::Regular, value)]),
        );
        w.y -= BODY * 0.25;
    }
}

fn text_or(tr: Tr, text: &str) -> String {
    if text.trim().is_empty() { tr.t("print-nothing-written") } else { text.to_string() }
}

/// The printed plan as PDF bytes: the same content as the print page.
fn render(page: &PrintPage) -> Vec<u8> {
    let tr = page.tr;
    let p = &page.p;
    let mut w = Writer::new();
    w.heading(H1, &page.title);
    w.paragraph(Face::Bold, BODY, &page.name);
    w.paragraph(Face::Regular, BODY, &format!("{}: {}", tr.t("letter-date"), page.date));
    w.paragraph(Face::Regular, BODY, &tr.t("print-intro"));

    w.heading(H2, &tr.t("print-h-goals"));
    w.paragraph(Face::Regular, BODY, &text_or(tr, &p.resources_and_needs));
    for group in &p.areas {
        w.paragraph(Face::Bold, BODY, &group.area);
        for goal in &group.goals {
            if !goal.own_words.is_empty() {
                w.paragraph(Face::Regular, BODY, &tr.t1("print-goal-own-words", "text", &goal.own_words));
            }
            if !goal.professional.is_empty() {
                w.paragraph(Face::Regular, BODY, &tr.t1("print-goal-professional", "text", &goal.professional));
            }
            w.paragraph(Face::Regular, BODY, &format!("{}: {}", tr.t("print-status"), goal.status));
        }
    }

    w.heading(H2, &tr.t("print-h-measures"));
    if p.measures.is_empty() {
        w.paragraph(Face::Regular, BODY, &tr.t("print-nothing-written"));
    }
    for m in &p.measures {
        w.paragraph(Face::Bold, BODY, &m.description);
        rows(
            &mut w,
            vec![
                (tr.t("print-measure-who"), m.owner.clone()),
                (tr.t("print-measure-how-much"), m.extent.clone()),
                (tr.t("print-measure-when"), m.period.clone()),
                (tr.t("print-measure-where"), m.linked.clone()),
                (tr.t("print-status"), m.status.clone()),
            ],
        );
    }

    w.heading(H2, &tr.t("print-h-people"));
    let mut people: Vec<String> = Vec::new();
    if p.person_takes_part {
        people.push(tr.t("print-you-take-part"));
    }
    people.extend(p.relatives_taking_part.iter().cloned());
    people.extend(p.members.iter().map(|m| format!("{} – {} ({})", m.name, m.organization, m.role)));
    w.paragraph(Face::Regular, BODY, &people.join("\n"));
    w.paragraph(
        Face::Regular,
        BODY,
        &tr.t_args(
            "print-coordinator",
            &[("name", p.coordinator.clone()), ("organization", p.coordinator_organization.clone())],
        ),
    );

    w.heading(H2, &tr.t("print-h-contributions"));
    rows(
        &mut w,
        vec![
            (tr.t("print-you-contribute"), text_or(tr, &p.person_contribution)),
            (tr.t("print-services-contribute"), text_or(tr, &p.services_contribution)),
            (tr.t("print-relatives-contribute"), text_or(tr, &p.relatives_contribution)),
        ],
    );

    w.heading(H2, &tr.t("print-h-how"));
    w.paragraph(Face::Regular, BODY, &text_or(tr, &p.how_carried_out));

    w.heading(H2, &tr.t("print-h-period"));
    w.paragraph(Face::Regular, BODY, &page.period);
    w.paragraph(Face::Regular, BODY, &page.revision);

    w.heading(H2, &tr.t("print-h-consent"));
    w.paragraph(Face::Regular, BODY, &page.consent);
    w.paragraph(Face::Regular, BODY, &page.sharing);

    w.heading(H2, &tr.t("print-h-cooperation"));
    w.paragraph(Face::Regular, BODY, &text_or(tr, &p.cooperation));
    if !p.overall_responsible.is_empty() {
        w.paragraph(Face::Regular, BODY, &tr.t1("print-overall", "organization", &p.overall_responsible));
    }
    w.paragraph(Face::Regular, BODY, &tr.t("print-questions"));
    document(&page.title, w)
}

async fn pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let page = match load(&state, &headers, &ctx, &session, &id).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let mut response = render(&page).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The id is a parsed person id, so the name is plain ASCII.
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename=\"plan-{}.pdf\"", page.person_id)) {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}
