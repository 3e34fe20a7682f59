//! The individual plan's forms with anything typed in any field: field errors, never a panic.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use jiff::civil::Date;
use libfuzzer_sys::fuzz_target;
use los_core::plan::{
    GoalFields, MeasureFields, MeetingFields, PlanFields, TransitionFields, validate_goal, validate_measure,
    validate_meeting, validate_plan, validate_transition,
};

#[derive(Debug, Arbitrary)]
struct Input {
    texts: [String; 8],
    flags: (bool, bool),
    done: Vec<String>,
    notes: Vec<(String, String)>,
}

fuzz_target!(|input: Input| {
    let [a, b, c, d, e, f, g, h] = input.texts;
    let today = Date::new(2026, 12, 3).expect("a valid date");
    let plan = PlanFields {
        phase: a.clone(),
        period_from: b.clone(),
        period_to: c.clone(),
        next_revision: d.clone(),
        consent_given_on: e.clone(),
        consent_to_sharing: input.flags.0,
        resources_and_needs: f.clone(),
        person_contribution: g.clone(),
        person_takes_part: input.flags.1,
        ..PlanFields::default()
    };
    let _ = validate_plan(&plan, today);
    let goal = GoalFields { area: a.clone(), own_words: b.clone(), professional: c.clone(), status: d.clone() };
    let goals: Vec<_> = validate_goal(&goal, "g".into()).into_iter().collect();
    let measure = MeasureFields {
        description: e.clone(),
        goal: f.clone(),
        owner: g.clone(),
        extent: h.clone(),
        from: b.clone(),
        to: c.clone(),
        status: d.clone(),
        ..MeasureFields::default()
    };
    if let Ok(measure) = validate_measure(&measure, "m".into(), &goals) {
        assert!(measure.to.is_none_or(|to| to >= measure.from));
    }
    let meeting = MeetingFields { date: a, time: b, duration_minutes: c, place: d, agenda: e };
    let _ = validate_meeting(&meeting);
    let transition = TransitionFields {
        kind: f,
        due_on: g,
        institution: h,
        first_contact_on: String::new(),
        done: input.done,
        notes: input.notes.into_iter().collect::<BTreeMap<_, _>>(),
    };
    let _ = validate_transition(&transition, "t".into());
});
