//! The individual plan as pages: a plan created through the form and shown with the nine
//! required contents headed, a goal added, a measure that ends before it starts refused with
//! the translated reason and nothing saved, a stale version answered with 409 and the conflict
//! message (what was typed kept), the PDF with the goal in it, the printed plan in Swedish for a
//! Swedish-speaking person, a meeting's .ics file, the coordinator's start page with an overdue
//! revision, coverage on the municipality page, and an outsider refused.

use jiff::civil::Date;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_app::plans::PlanInput;
use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::PersonId;
use los_core::person::PersonFields;
use los_core::plan::PlanFields;
use los_core::policy::Actor;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn api(server: &TestServer, token: &str, path: &str, body: Value) -> Value {
    let response = server.bare_client().post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// The plan version a form carries, or the one the plan page states.
fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)"|Versjon (\d+)\."#).unwrap();
    re.captures(html)
        .and_then(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
        .unwrap_or_else(|| panic!("no version in {html}"))
}

/// The PDF's text joined with single spaces (lines are wrapped in the PDF).
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn new_person(
    server: &TestServer,
    actor: &Actor,
    service: &str,
    n: u16,
    given: &str,
    language: &str,
) -> PersonId {
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(day("1985-06-15"), n, IdentifierKind::NoSynthetic).unwrap(),
        given_name: given.into(),
        family_name: "Planperson".into(),
        language: language.into(),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service.to_string(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    server.app.register_person(&RequestContext::default(), actor, &input).await.unwrap()
}

async fn plan_pages(server: &TestServer) {
    // Monday 31 March 2025.
    server.clock.set("2025-03-31T08:00:00Z".parse().unwrap());
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    let municipality = api(
        server,
        &admin_token,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4001", "name": "Porsgrunn"}),
    )
    .await;
    let service = api(
        server,
        &admin_token,
        "/api/v1/services",
        json!({"municipality_id": municipality["id"], "provider_organization_id": server.organization.to_string(),
            "name": "Oppfølging i bolig", "category": "health", "phases": ["aftercare"]}),
    )
    .await;
    let service_id = service["id"].as_str().unwrap().to_string();
    let kari = server.account("kari", Role::Caseworker, true).await;
    let actor = Actor { account: kari.id, organization: server.organization, role: Role::Caseworker };
    let person = new_person(server, &actor, &service_id, 7, "Ida", "nb").await;
    let plan_path = format!("/persons/{person}/plan");

    let client = server.signed_in(&kari).await;
    // No plan yet: what an IP is, and the form.
    let (status, page) = get(&client, server, &plan_path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Personen har ingen plan ennå") && page.contains("Opprett en plan"), "{page}");
    assert!(page.contains("individuell plan (IP)"), "the page explains what an IP is");
    let csrf = csrf_in(&page).unwrap();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut all: Vec<(&str, String)> = vec![("csrf_token", csrf.clone())];
        all.extend(fields);
        client.post(server.url(&path)).form(&all).send()
    };

    // Created through the form; the revision date (1 March) has passed.
    let created = post(
        plan_path.clone(),
        vec![
            ("coordinator", kari.id.to_string()),
            ("phase", "aftercare".into()),
            ("period_from", "2025-01-01".into()),
            ("period_to", "2025-12-31".into()),
            ("next_revision", "2025-03-01".into()),
            ("consent_given_on", "2025-01-01".into()),
            ("consent_to_sharing", "true".into()),
            ("person_takes_part", "true".into()),
            ("resources_and_needs", "Ida vil bo for seg selv og komme i jobb.".into()),
            ("person_contribution", "Møter opp på avtaler.".into()),
            ("how_carried_out", "Ukentlige hjemmebesøk.".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    assert_eq!(location(&created), plan_path);

    let (status, page) = get(&client, server, &plan_path).await;
    assert_eq!(status, 200, "{page}");
    for heading in [
        "1. Mål, ressurser og behov",
        "2. Hvem som deltar",
        "3. Koordinator",
        "4. Bidrag fra personen, tjenestene og pårørende",
        "5. Tiltak",
        "6. Hvordan tiltakene gjennomføres",
        "7. Planperiode og revisjon",
        "8. Samtykke",
        "9. Samarbeid",
    ] {
        assert!(page.contains(heading), "{heading} in {page}");
    }
    assert!(page.contains("Ida vil bo for seg selv og komme i jobb."));
    assert!(page.contains("Test kari") && page.contains("Revisjon forfalt"), "coordinator and overdue revision");
    let version = version_in(&page);

    // A goal in the person's own words.
    let goal = post(
        format!("{plan_path}/goals/new"),
        vec![
            ("version", version.clone()),
            ("area", "housing".into()),
            ("own_words", "Egen leilighet innen jul".into()),
            ("professional", "Etablere seg i egen bolig".into()),
            ("status", "in_progress".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(goal.status(), 303, "{}", goal.text().await.unwrap());
    let (_, page) = get(&client, server, &plan_path).await;
    assert!(page.contains("«Egen leilighet innen jul»") && page.contains("Bolig") && page.contains("Pågår"), "{page}");
    let current = version_in(&page);
    assert_ne!(current, version);

    // A measure that ends before it starts: 422 with the reason at the field, nothing saved.
    let measure = |to: &'static str, version: String| {
        vec![
            ("version", version),
            ("description", "Bolig med oppfølging".to_string()),
            ("owner", "Boligkontoret".into()),
            ("extent", "2 timer i uka".into()),
            ("from", "2025-04-01".into()),
            ("to", to.into()),
            ("status", "planned".into()),
        ]
    };
    let refused = post(format!("{plan_path}/measures/new"), measure("2025-03-01", current.clone())).await.unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("slutter før den starter") && refused.contains("href=\"#f-to\""), "{refused}");
    assert!(refused.contains("Bolig med oppfølging") && refused.contains("2 timer i uka"), "typed values are kept");
    let (_, page) = get(&client, server, &plan_path).await;
    assert_eq!(version_in(&page), current, "nothing saved");
    assert!(!page.contains("Bolig med oppfølging"));

    // A stale version: 409 with the message, what was typed kept, nothing saved.
    let stale = post(format!("{plan_path}/measures/new"), measure("2025-06-30", version.clone())).await.unwrap();
    assert_eq!(stale.status(), 409);
    let stale = stale.text().await.unwrap();
    assert!(stale.contains("Planen ble endret av noen andre"), "{stale}");
    assert!(stale.contains("Bolig med oppfølging") && stale.contains("2025-06-30"), "typed values are kept");
    assert_eq!(version_in(&stale), current, "the form now carries the current version");
    let saved = post(format!("{plan_path}/measures/new"), measure("2025-06-30", current.clone())).await.unwrap();
    assert_eq!(saved.status(), 303);

    // A stale removal on the plan page: 409 with the message.
    let (_, page) = get(&client, server, &plan_path).await;
    let goal_id =
        regex::Regex::new(r#"/plan/goals/([0-9a-f-]+)/remove"#).unwrap().captures(&page).unwrap()[1].to_string();
    let stale = post(format!("{plan_path}/goals/{goal_id}/remove"), vec![("version", version.clone())]).await.unwrap();
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Planen ble endret av noen andre"));

    // The plan's contents changed through the edit form, starting from what is saved.
    let (status, form) = get(&client, server, &format!("{plan_path}/edit")).await;
    assert_eq!(status, 200, "{form}");
    assert!(
        form.contains("Ida vil bo for seg selv og komme i jobb.") && form.contains("value=\"2025-03-01\""),
        "{form}"
    );
    let edited = post(
        format!("{plan_path}/edit"),
        vec![
            ("version", version_in(&form)),
            ("coordinator", kari.id.to_string()),
            ("phase", "treatment".into()),
            ("period_from", "2025-01-01".into()),
            ("period_to", "2025-12-31".into()),
            ("next_revision", "2025-03-01".into()),
            ("consent_given_on", "2025-01-01".into()),
            ("consent_to_sharing", "true".into()),
            ("person_takes_part", "true".into()),
            ("resources_and_needs", "Ida vil bo for seg selv og komme i jobb.".into()),
            ("person_contribution", "Møter opp på avtaler.".into()),
            ("how_carried_out", "Ukentlige hjemmebesøk.".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(edited.status(), 303, "{}", edited.text().await.unwrap());

    // The history lists the versions, newest first, with what changed.
    let (status, history) = get(&client, server, &format!("{plan_path}/history")).await;
    assert_eq!(status, 200, "{history}");
    assert!(
        history.contains("Planen ble opprettet.") && history.contains("Nytt mål (Bolig): Egen leilighet innen jul")
    );
    assert!(
        history.find("Nytt tiltak: Bolig med oppfølging").unwrap() < history.find("Planen ble opprettet.").unwrap()
    );

    // The PDF holds the goals and measures.
    let response = client.get(server.url(&format!("{plan_path}.pdf"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for expected in
        ["Individuell plan", "Målene dine", "Egen leilighet innen jul", "Bolig med oppfølging", "Boligkontoret"]
    {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // A meeting: scheduled through the form, with an .ics file.
    let (_, form) = get(&client, server, &format!("{plan_path}/meetings/new")).await;
    let scheduled = post(
        format!("{plan_path}/meetings/new"),
        vec![
            ("version", version_in(&form)),
            ("date", "2025-04-10".into()),
            ("time", "09:30".into()),
            ("duration_minutes", "60".into()),
            ("place", "Rådhuset, møterom 2".into()),
            ("agenda", "Bolig; arbeid".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(scheduled.status(), 303);
    let meeting_path = location(&scheduled);
    assert!(meeting_path.starts_with("/meetings/"), "{meeting_path}");
    let (status, meeting) = get(&client, server, &meeting_path).await;
    assert_eq!(status, 200, "{meeting}");
    assert!(meeting.contains("Rådhuset, møterom 2") && meeting.contains("Test kari"), "invited: {meeting}");
    assert!(meeting.contains(&format!("href=\"{meeting_path}.ics\"")));
    let response = client.get(server.url(&format!("{meeting_path}.ics"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = response.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Ansvarsgruppemøte – Planperson\\, Ida") && ics.contains("DTSTART:20250410T073000Z"),
        "{ics}"
    );

    // A member from another organisation: the account must belong to it; once added, the
    // member reads the plan, and loses it when the membership ends.
    let berit = server.account_in("berit", Role::Caseworker, server.other_organization, true).await;
    let (status, form) = get(&client, server, &format!("{plan_path}/members/new")).await;
    assert_eq!(status, 200);
    assert!(form.contains("Test berit"), "the directory offers accounts: {form}");
    let member = |account: String, organization: String, version: String| {
        vec![
            ("version", version),
            ("account", account),
            ("organization", organization),
            ("role", "NAV-veileder".into()),
        ]
    };
    let other_org = server.other_organization.to_string();
    let refused =
        post(format!("{plan_path}/members/new"), member(kari.id.to_string(), other_org.clone(), version_in(&form)))
            .await
            .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("hører ikke til den valgte virksomheten"));
    let added = post(format!("{plan_path}/members/new"), member(berit.id.to_string(), other_org, version_in(&form)))
        .await
        .unwrap();
    assert_eq!(added.status(), 303);
    let berit_client = server.signed_in(&berit).await;
    let (status, seen) = get(&berit_client, server, &plan_path).await;
    assert_eq!(status, 200, "a member reads the plan");
    assert!(seen.contains("Egen leilighet innen jul"));
    let (_, page) = get(&client, server, &plan_path).await;
    let member_id =
        regex::Regex::new(r#"/plan/members/([0-9a-f-]+)/end"#).unwrap().captures(&page).unwrap()[1].to_string();
    let ended =
        post(format!("{plan_path}/members/{member_id}/end"), vec![("version", version_in(&page))]).await.unwrap();
    assert_eq!(ended.status(), 303);
    let (status, _) = get(&berit_client, server, &plan_path).await;
    assert_eq!(status, 403, "an ended member loses access");

    // A release from prison ten days ago with only housing in place: the open items are overdue.
    let (_, form) = get(&client, server, &format!("{plan_path}/transitions/new")).await;
    assert!(
        form.contains("Fastlege") && form.contains("Dato for første kontakt med kommunen"),
        "the checklist: {form}"
    );
    let planned = post(
        format!("{plan_path}/transitions/new"),
        vec![
            ("version", version_in(&form)),
            ("kind", "release_from_prison".into()),
            ("due_on", "2025-03-21".into()),
            ("institution", "Skien fengsel".into()),
            ("done", "housing".into()),
            ("note_housing", "Kommunal leilighet".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(planned.status(), 303, "{}", planned.text().await.unwrap());
    let (_, page) = get(&client, server, &plan_path).await;
    assert!(page.contains("Løslatelse fra fengsel – 2025-03-21 (Skien fengsel)"), "{page}");
    assert!(page.contains("Bolig: Kommunal leilighet") && page.contains("Forfalt</span> Fastlege"), "{page}");

    // The coordinator's start page: my persons with the overdue revision, the next meeting.
    let (status, home) = get(&client, server, "/").await;
    assert_eq!(status, 200, "{home}");
    assert!(home.contains("Mine personer") && home.contains("Planperson, Ida"), "{home}");
    assert!(home.contains("Revisjon forfalt") && home.contains(&format!("href=\"{plan_path}\"")), "{home}");
    assert!(home.contains(&format!("href=\"{meeting_path}\"")), "the next meeting: {home}");
    assert!(home.contains("Løslatelse fra fengsel, 2025-03-21") && home.contains("Inntekt, Fastlege"), "{home}");

    // The minutes: held, with a decision added as a measure of the plan from the meeting.
    let minutes = post(
        meeting_path.clone(),
        vec![
            ("version", version_in(&meeting)),
            ("status", "held".into()),
            ("minutes", "Ida fortalte om leiligheten.".into()),
            ("date", "2025-04-10".into()),
            ("time", "09:30".into()),
            ("duration_minutes", "60".into()),
            ("place", "Rådhuset, møterom 2".into()),
            ("agenda", "Bolig; arbeid".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(minutes.status(), 303, "{}", minutes.text().await.unwrap());
    let meeting_id = meeting_path.trim_start_matches("/meetings/").to_string();
    let (status, form) = get(&client, server, &format!("{plan_path}/measures/new?meeting={meeting_id}")).await;
    assert_eq!(status, 200);
    assert!(form.contains(&format!("name=\"meeting\" value=\"{meeting_id}\"")), "{form}");
    let decided = post(
        format!("{plan_path}/measures/new"),
        vec![
            ("version", version_in(&form)),
            ("meeting", meeting_id.clone()),
            ("description", "Søke om startlån".into()),
            ("owner", "NAV-veileder".into()),
            ("from", "2025-04-11".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(decided.status(), 303);
    assert_eq!(location(&decided), meeting_path, "back to the meeting");
    let (_, meeting) = get(&client, server, &meeting_path).await;
    assert!(meeting.contains("Ida fortalte om leiligheten.") && meeting.contains("Holdt"), "{meeting}");
    assert!(meeting.contains("Søke om startlån – NAV-veileder"), "{meeting}");
    // A stale minutes form: 409, what was typed kept.
    let stale = post(
        meeting_path.clone(),
        vec![
            ("version", "1".into()),
            ("status", "held".into()),
            ("minutes", "Et annet referat".into()),
            ("date", "2025-04-10".into()),
            ("time", "09:30".into()),
            ("place", "Rådhuset".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Et annet referat"));

    // The municipality page shows coverage: one person with an active episode, with a plan.
    let (status, municipalities) = get(&client, server, "/municipalities").await;
    assert_eq!(status, 200);
    assert!(
        municipalities.contains("Dekning av individuell plan") && municipalities.contains("100\u{a0}%"),
        "{municipalities}"
    );

    // An analyst sees the coverage with the small numbers hidden, and why; no start-page section.
    let analyst = server.account("anna", Role::Analyst, true).await;
    let analyst = server.signed_in(&analyst).await;
    let (status, municipalities) = get(&analyst, server, "/municipalities").await;
    assert_eq!(status, 200);
    assert!(municipalities.contains("skjult") && municipalities.contains("Små tall skjules"), "{municipalities}");
    let (status, home) = get(&analyst, server, "/").await;
    assert_eq!(status, 200);
    assert!(!home.contains("Mine personer"), "{home}");

    // The printed plan is in the person's language: Swedish for a Swedish speaker.
    let svea = new_person(server, &actor, &service_id, 8, "Svea", "sv").await;
    let input = PlanInput {
        fields: PlanFields {
            phase: "treatment".into(),
            period_from: "2025-03-01".into(),
            period_to: "2025-12-31".into(),
            next_revision: "2025-09-01".into(),
            ..PlanFields::default()
        },
        ..PlanInput::default()
    };
    server.app.create_plan(&RequestContext::default(), &actor, svea, &input).await.unwrap();
    let (status, print) = get(&client, server, &format!("/persons/{svea}/plan/print")).await;
    assert_eq!(status, 200, "{print}");
    assert!(print.contains("<html lang=\"sv\""), "{print}");
    assert!(print.contains("Det här är din plan.") && print.contains("Dina mål"), "{print}");
    assert!(print.contains("Tillbaka till planen") || print.contains("Tilbake til planen"));

    // Someone from another organisation, outside the care team, is refused.
    let outsider = server.account_in("olav", Role::Caseworker, server.other_organization, true).await;
    let other = server.signed_in(&outsider).await;
    let (status, _) = get(&other, server, &plan_path).await;
    assert_eq!(status, 403);
    let (status, _) = get(&other, server, &format!("{plan_path}.pdf")).await;
    assert_eq!(status, 403);
    let (status, _) = get(&other, server, &format!("{meeting_path}.ics")).await;
    assert_eq!(status, 403);
}

both_backends!(plan_pages_work, plan_pages);
