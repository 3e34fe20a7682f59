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
use crate::pages::failure;
use crate::pages::persons::{PERSONS_PATH, actor_of};
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
    Router::new().route("/decisions/{id}/letter", get(letter)).route(LETTER_CSS_PATH, get(stylesheet))
}

async fn stylesheet() -> Response {
    let mut response = LETTER_CSS.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    response
}

#[derive(Template)]
#[template(path = "decision_letter.html")]
struct LetterPage {
    /// The staff member's language, for the screen-only bar.
    staff: Tr,
    /// The person's language, for the letter.
    tr: Tr,
    css: &'static str,
    person_id: String,
    title: String,
    organization: String,
    date: String,
    addressee: String,
    address: String,
    outcome: String,
    legal_basis: String,
    legal_basis_title: String,
    service: String,
    extent: String,
    period: String,
    review: Option<String>,
    grounds: String,
    coercion_limit: Option<String>,
    appeal_deadline: String,
    appeal_due: Option<String>,
    appeal_to: String,
    appeal_received: Option<String>,
    appeal_forwarded: Option<String>,
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

fn page(staff: Tr, letter: DecisionLetter) -> LetterPage {
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

async fn letter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let layout = Layout::new(&state, &headers, Some(&session), PERSONS_PATH);
    let staff = layout.tr;
    let actor = match actor_of(&session, staff) {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<DecisionId>() else { return failure(staff, &Error::NotFound { what: "decision" }) };
    match state.app.decision_letter(&ctx, &actor, id).await {
        Ok(letter) => layout.render(&page(staff, letter)),
        Err(error) => failure(staff, &error),
    }
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
