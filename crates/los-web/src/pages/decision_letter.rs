//! The printable decision letter (*vedtaksbrev*): plain language in the person's own language
//! (not the staff member's), with the legal basis, outcome, extent, period, review date,
//! grounds and how to appeal, with the deadline from the deadline engine. Reading it is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use los_app::decisions::DecisionLetter;
use los_core::Error;
use los_core::deadline::seeded_rule;
use los_core::decision::{Outcome, appeal_rule_code};
use los_core::locale::Locale;
use los_store::decisions::DecisionId;

use crate::auth::{Ctx, SignedIn};
use crate::i18n::Tr;
use crate::layout::Layout;
use crate::pages::persons::{PERSONS_PATH, actor_of};
use crate::pages::{decision_letter_pdf, failure};
use crate::state::AppState;

/// The letter's own stylesheet (screen and print), served by this module (the embedded asset list
/// belongs to `assets.rs`); it holds no personal data.
pub const LETTER_CSS_PATH: &str = "/letters/decision.css";

const LETTER_CSS: &str = r#"
.los-letter { max-width: 48rem; margin: 2rem auto; padding: 0 1rem; font-size: 1.05rem; line-height: 1.55; }
.los-letter__bar { max-width: 48rem; margin: 1rem auto; padding: 0 1rem; display: flex; gap: 1.5rem; flex-wrap: wrap; }
.los-letter__head { display: flex; justify-content: space-between; gap: 2rem; flex-wrap: wrap; margin-bottom: 2rem; }
.los-letter__head p { margin: 0; }
.los-letter h1 { font-size: 1.6rem; margin: 1.5rem 0 1rem; }
.los-letter h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.los-letter dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.5rem; margin: 1rem 0; }
.los-letter dt { font-weight: 600; }
.los-letter dd { margin: 0; }
.los-letter__grounds { white-space: pre-line; }
.los-letter__appeal { border: 2px solid currentColor; padding: 0.75rem 1rem; margin-top: 1.5rem; }
@media print {
  @page { margin: 2cm; }
  body { background: #fff; color: #000; }
  .los-letter__bar, .los-no-print { display: none !important; }
  .los-letter { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .los-letter h1 { font-size: 16pt; }
  .los-letter h2 { font-size: 12pt; break-after: avoid; }
  .los-letter__appeal { break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}
"#;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/decisions/{id}/letter", get(letter))
        .route("/decisions/{id}/letter.pdf", get(letter_pdf))
        .route(LETTER_CSS_PATH, get(stylesheet))
}

async fn stylesheet() -> Response {
    let mut response = LETTER_CSS.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    response
}

#[derive(Template)]
#[template(path = "decision_letter.html")]
pub(super) struct LetterPage {
    /// The staff member's language, for the screen-only bar.
    pub(super) staff: Tr,
    /// The person's language, for the letter.
    pub(super) tr: Tr,
    pub(super) css: &'static str,
    pub(super) person_id: String,
    pub(super) decision_id: String,
    pub(super) title: String,
    pub(super) organization: String,
    pub(super) date: String,
    pub(super) addressee: String,
    pub(super) address: String,
    pub(super) outcome: String,
    pub(super) legal_basis: String,
    pub(super) legal_basis_title: String,
    pub(super) service: String,
    pub(super) extent: String,
    pub(super) period: String,
    pub(super) review: Option<String>,
    pub(super) grounds: String,
    pub(super) coercion_limit: Option<String>,
    pub(super) appeal_deadline: String,
    pub(super) appeal_due: Option<String>,
    pub(super) appeal_to: String,
    pub(super) appeal_received: Option<String>,
    pub(super) appeal_forwarded: Option<String>,
}

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people write it in a letter: "2. april 2024", "2 april 2024", "2 April 2024".
pub fn letter_date(locale: Locale, date: Date) -> String {
    let month = usize::try_from(date.month() - 1).unwrap_or(0).min(11);
    match locale {
        Locale::NorwegianBokmal => format!("{}. {} {}", date.day(), MONTHS_NB[month], date.year()),
        Locale::Swedish => format!("{} {} {}", date.day(), MONTHS_SV[month], date.year()),
        Locale::English => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
    }
}

pub(super) fn page(staff: Tr, letter: DecisionLetter) -> LetterPage {
    let locale = letter.addressee.language;
    let tr = Tr::new(locale);
    let d = &letter.view.decision;
    let when = |date: Date| letter_date(locale, date);
    let basis = letter.view.legal_basis;
    let service = d.service_name.clone();
    let outcome_key = match d.outcome {
        Outcome::Granted => "letter-outcome-granted",
        Outcome::PartlyGranted => "letter-outcome-partly-granted",
        Outcome::Denied => "letter-outcome-denied",
    };
    let period = match d.valid_to {
        Some(to) => tr.t_args("letter-period-from-to", &[("from", when(d.valid_from)), ("to", when(to))]),
        None => tr.t1("letter-period-from", "from", &when(d.valid_from)),
    };
    let country = basis.map(|b| b.country).unwrap_or(letter.addressee.country);
    let rule = seeded_rule(appeal_rule_code(country));
    let (appeal_period, appeal_source) =
        rule.as_ref().map(|r| (r.period.describe(locale), r.source.text())).unwrap_or_default();
    let appeal_due = letter.view.appeal_deadline.as_ref().and_then(|r| r.due).map(when);
    let appeal_deadline = tr.t_args("letter-appeal-deadline", &[("period", appeal_period), ("source", appeal_source)]);
    LetterPage {
        staff,
        css: LETTER_CSS_PATH,
        person_id: d.person.to_string(),
        decision_id: d.id.to_string(),
        title: tr.t1("letter-title", "service", &service),
        organization: d.organization_name.clone(),
        date: when(letter.view.today),
        addressee: letter.addressee.display_name.clone(),
        address: letter.addressee.address.clone(),
        outcome: tr.t1(outcome_key, "service", &service),
        legal_basis: basis.map(|b| b.citation()).unwrap_or_else(|| d.legal_basis.clone()),
        legal_basis_title: basis.map(|b| b.title(locale).to_string()).unwrap_or_default(),
        service,
        extent: d.extent.clone(),
        period,
        review: d.review_on.map(when),
        grounds: d.grounds.clone(),
        coercion_limit: basis.and_then(|b| b.coercion.as_ref()).map(|c| c.description.get(locale).to_string()),
        appeal_deadline,
        appeal_due: appeal_due.map(|due| tr.t1("letter-appeal-due", "date", &due)),
        appeal_to: tr.t1("letter-appeal-send-to", "organization", &d.organization_name),
        appeal_received: d.appeal_received_on.map(|r| tr.t1("letter-appeal-received", "date", &when(r))),
        appeal_forwarded: match (d.appeal_forwarded_on, &d.appeal_forwarded_to) {
            (Some(on), Some(to)) => {
                Some(tr.t_args("letter-appeal-forwarded", &[("to", to.clone()), ("date", when(on))]))
            }
            _ => None,
        },
        tr,
    }
}

/// The letter for decision `id` if the signed-in user may read it (the same policy check and
/// audited read for the HTML letter and the PDF), with the staff member's translator; otherwise
/// the error page.
async fn load(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &los_app::RequestContext,
    session: &los_app::auth::SessionInfo,
    id: &str,
) -> Result<(Layout, LetterPage), Response> {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let staff = layout.tr;
    let actor = actor_of(session, staff)?;
    let Ok(id) = id.parse::<DecisionId>() else { return Err(failure(staff, &Error::NotFound { what: "decision" })) };
    match state.app.decision_letter(ctx, &actor, id).await {
        Ok(letter) => Ok((layout, page(staff, letter))),
        Err(error) => Err(failure(staff, &error)),
    }
}

async fn letter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &headers, &ctx, &session, &id).await {
        Ok((layout, letter)) => layout.render(&letter),
        Err(response) => response,
    }
}

/// The same letter as a PDF, shown inline; never cached (it holds personal data).
async fn letter_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let letter = match load(&state, &headers, &ctx, &session, &id).await {
        Ok((_, letter)) => letter,
        Err(response) => return response,
    };
    let mut response = decision_letter_pdf::render(&letter).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The id is a parsed decision id, so the name is plain ASCII.
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename=\"vedtak-{}.pdf\"", letter.decision_id)) {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_dates_are_written_the_way_each_language_writes_them() {
        let date: Date = "2024-04-02".parse().unwrap();
        assert_eq!(letter_date(Locale::NorwegianBokmal, date), "2. april 2024");
        assert_eq!(letter_date(Locale::Swedish, date), "2 april 2024");
        assert_eq!(letter_date(Locale::English, date), "2 April 2024");
    }
}
