//! The deadline rules Los ships with. Codes are stable: they are stored with every deadline.
//!
//! Each rule names its source. Whether a rule moves to the next working day follows the source:
//! time limits for acting (appeals, replies, local processing times) move; maximum durations of
//! coercion and indicative pathway targets do not.

use super::{DeadlineRule, LocalizedText, Period, RuleKind, RuleSource};
use crate::organization::Country;

fn statute(law: &str, section: &str, country: Country) -> RuleSource {
    RuleSource::Statute { law: law.to_string(), section: section.to_string(), country }
}

fn tsb_pathway() -> RuleSource {
    RuleSource::Guideline {
        issuer: "Helsedirektoratet".to_string(),
        document: "pakkeforløp for psykisk helse og rus (tverrfaglig spesialisert rusbehandling)".to_string(),
        country: Country::Norway,
    }
}

fn night_shelter() -> RuleSource {
    RuleSource::Local { description: "service standard for the night shelter (natthjemmet)".to_string() }
}

#[allow(clippy::too_many_arguments)]
fn rule(
    code: &str,
    title: LocalizedText,
    source: RuleSource,
    country: Option<Country>,
    kind: RuleKind,
    start_event: &str,
    period: Period,
    extends_to_working_day: bool,
) -> DeadlineRule {
    DeadlineRule {
        code: Some(code.to_string()),
        title,
        source,
        country,
        kind,
        start_event: start_event.to_string(),
        period,
        extends_to_working_day,
    }
}

/// Every seeded rule, in a stable order.
pub fn seeded_rules() -> Vec<DeadlineRule> {
    let no = Some(Country::Norway);
    let se = Some(Country::Sweden);
    vec![
        // Pasientrettighetsloven § 2-2: the specialist health service assesses a referral within
        // 10 working days of receiving it. Already a working day, so no move is needed.
        rule(
            "no.pasrl.referral_assessment",
            LocalizedText::new(
                "Vurdering av henvisning til spesialisthelsetjenesten",
                "Bedömning av remiss till specialistvården (Norge)",
                "Assessment of a referral to specialist health care",
            ),
            statute("pasientrettighetsloven", "§ 2-2", Country::Norway),
            no,
            RuleKind::Deadline,
            "referral_received",
            Period::WorkingDays(10),
            false,
        ),
        // Forvaltningsloven § 29: three weeks from the notice reaching the party; a last day on a
        // Saturday, Sunday or holiday moves to the next working day (domstolloven §§ 148-149).
        rule(
            "no.fvl.appeal",
            LocalizedText::new(
                "Klagefrist for enkeltvedtak",
                "Överklagandetid för förvaltningsbeslut (Norge)",
                "Time limit for appealing an individual decision",
            ),
            statute("forvaltningsloven", "§ 29", Country::Norway),
            no,
            RuleKind::Deadline,
            "notice_received",
            Period::Weeks(3),
            true,
        ),
        // Forvaltningsloven § 11 a: a provisional reply when an enquiry cannot be answered within one
        // month of its arrival.
        rule(
            "no.fvl.provisional_reply",
            LocalizedText::new(
                "Foreløpig svar når saken tar mer enn en måned",
                "Preliminärt besked när ärendet tar mer än en månad (Norge)",
                "Provisional reply when a case takes longer than one month",
            ),
            statute("forvaltningsloven", "§ 11 a", Country::Norway),
            no,
            RuleKind::Deadline,
            "case_received",
            Period::Months(1),
            true,
        ),
        // Helse- og omsorgstjenesteloven § 10-2: detention without consent for at most three months.
        // A statutory maximum: it never moves.
        rule(
            "no.hol.detention_max",
            LocalizedText::new(
                "Tilbakeholdelse uten eget samtykke: lengste varighet",
                "Kvarhållande utan samtycke: längsta tid (Norge)",
                "Detention without consent: maximum duration",
            ),
            statute("helse- og omsorgstjenesteloven", "§ 10-2", Country::Norway),
            no,
            RuleKind::MaximumDuration,
            "detention_started",
            Period::Months(3),
            false,
        ),
        // Helse- og omsorgstjenesteloven § 10-3: after an emergency (interim) decision to detain a
        // pregnant woman, the case goes to the county board (fylkesnemnda) within two weeks, or the
        // decision lapses. Because it lapses, the engine does not move this one.
        rule(
            "no.hol.pregnant_emergency_to_county_board",
            LocalizedText::new(
                "Midlertidig vedtak om gravid rusmiddelavhengig: sak til fylkesnemnda",
                "Interimistiskt beslut om gravid med missbruk: ärendet till fylkesnemnda (Norge)",
                "Emergency decision on a pregnant woman: case to the county board",
            ),
            statute("helse- og omsorgstjenesteloven", "§ 10-3", Country::Norway),
            no,
            RuleKind::Deadline,
            "emergency_decision_made",
            Period::Weeks(2),
            false,
        ),
        // Pakkeforløp TSB: indicative targets in calendar days; they never move.
        rule(
            "no.tsb.clinical_decision.outpatient",
            LocalizedText::new(
                "Fra første oppmøte til klinisk beslutning (poliklinisk)",
                "Från första besöket till kliniskt beslut (öppenvård, Norge)",
                "First attendance to clinical decision (outpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "first_attendance",
            Period::CalendarDays(21),
            false,
        ),
        rule(
            "no.tsb.clinical_decision.inpatient",
            LocalizedText::new(
                "Fra første oppmøte til klinisk beslutning (døgn)",
                "Från första besöket till kliniskt beslut (heldygnsvård, Norge)",
                "First attendance to clinical decision (inpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "first_attendance",
            Period::CalendarDays(7),
            false,
        ),
        rule(
            "no.tsb.after_detox.outpatient",
            LocalizedText::new(
                "Fra avsluttet avrusning til videre behandling (poliklinisk)",
                "Från avslutad avgiftning till fortsatt behandling (öppenvård, Norge)",
                "End of detoxification to further treatment (outpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "detox_ended",
            Period::CalendarDays(3),
            false,
        ),
        rule(
            "no.tsb.after_detox.inpatient",
            LocalizedText::new(
                "Fra avsluttet avrusning til videre behandling (døgn)",
                "Från avslutad avgiftning till fortsatt behandling (heldygnsvård, Norge)",
                "End of detoxification to further treatment (inpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "detox_ended",
            Period::CalendarDays(0),
            false,
        ),
        rule(
            "no.tsb.evaluation.outpatient",
            LocalizedText::new(
                "Tid mellom evalueringer (poliklinisk)",
                "Tid mellan utvärderingar (öppenvård, Norge)",
                "Time between evaluations (outpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "evaluation_held",
            Period::CalendarDays(56),
            false,
        ),
        rule(
            "no.tsb.evaluation.inpatient",
            LocalizedText::new(
                "Tid mellom evalueringer (døgn)",
                "Tid mellan utvärderingar (heldygnsvård, Norge)",
                "Time between evaluations (inpatient)",
            ),
            tsb_pathway(),
            no,
            RuleKind::Target,
            "evaluation_held",
            Period::CalendarDays(42),
            false,
        ),
        // Local service standard for the night shelter; valid in either country.
        rule(
            "local.night_shelter.decision",
            LocalizedText::new(
                "Natthjem: vedtak innen 14 dager",
                "Härbärge: beslut inom 14 dagar",
                "Night shelter: decision within 14 days",
            ),
            night_shelter(),
            None,
            RuleKind::Deadline,
            "application_received",
            Period::CalendarDays(14),
            true,
        ),
        rule(
            "local.night_shelter.settled_in_housing",
            LocalizedText::new(
                "Natthjem: bosatt i egen bolig innen 3 måneder",
                "Härbärge: i eget boende inom 3 månader",
                "Night shelter: settled in housing within 3 months",
            ),
            night_shelter(),
            None,
            RuleKind::Target,
            "shelter_stay_started",
            Period::Months(3),
            false,
        ),
        // LVM 20 §: care under the act ends at the latest when it has lasted six months. A statutory
        // maximum: it never moves.
        rule(
            "se.lvm.care_max",
            LocalizedText::new(
                "LVM-vård: lengste varighet (Sverige)",
                "LVM-vård: längsta tid",
                "Compulsory care under LVM: maximum duration (Sweden)",
            ),
            statute("lagen (1988:870) om vård av missbrukare i vissa fall", "20 §", Country::Sweden),
            se,
            RuleKind::MaximumDuration,
            "care_started",
            Period::Months(6),
            false,
        ),
        // Förvaltningslagen 44 §: an appeal within three weeks of the day the party was notified; a
        // last day on a weekend, holiday, Midsummer Eve, Christmas Eve or New Year's Eve moves to the
        // next working day (lag (1930:173) 2 §).
        rule(
            "se.fl.appeal",
            LocalizedText::new(
                "Klagefrist for forvaltningsvedtak (Sverige)",
                "Överklagandetid för förvaltningsbeslut",
                "Time limit for appealing an administrative decision (Sweden)",
            ),
            statute("förvaltningslagen (2017:900)", "44 §", Country::Sweden),
            se,
            RuleKind::Deadline,
            "notice_received",
            Period::Weeks(3),
            true,
        ),
    ]
}

/// The seeded rule with the given code.
pub fn seeded_rule(code: &str) -> Option<DeadlineRule> {
    seeded_rules().into_iter().find(|rule| rule.code.as_deref() == Some(code))
}
