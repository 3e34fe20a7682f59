//! Decisions (vedtak) over the API and the printable letter: record → read → update (a stale
//! version gets 409); the appeal deadline from the deadline engine over Easter; an appeal
//! registered and forwarded; bad input that changes nothing; another organisation without
//! consent refused and audited; the letter in the person's language, not the staff member's.

use jiff::Timestamp;
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, OrganizationId, PersonId};
use los_core::person::PersonFields;
use los_core::policy::Actor;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

struct Member {
    actor: Actor,
    account: TestAccount,
    token: String,
}

struct World {
    /// Caseworker of the municipal service that decides.
    a_case: Member,
    /// Caseworker of another organisation, with no ground and no consent.
    b_case: Member,
    service_a: String,
    person: PersonId,
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Moves the clock to 08:00 UTC on `date`.
fn set_day(server: &TestServer, date: Date) {
    server.clock.set(date.at(8, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp());
}

async fn member(server: &TestServer, name: &str, role: Role, organization: OrganizationId) -> Member {
    let account = server.account_in(name, role, organization, true).await;
    let token = server.token(&account).await;
    Member { actor: Actor { account: account.id, organization, role }, account, token }
}

async fn decision_rows(server: &TestServer) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM decisions")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap()
        .0
}

/// Audit events by `actor` with this action and outcome.
async fn events(server: &TestServer, actor: AccountId, action: &str, outcome: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE actor_account = $1 AND action = $2 AND outcome = $3",
    )
    .bind(actor.to_string())
    .bind(action.to_string())
    .bind(outcome.to_string())
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap()
    .0
}

/// A municipal service, two caseworkers in two organisations and a Norwegian person (enrolled
/// at the service) who reads `language`.
async fn world(server: &TestServer, start: Timestamp, language: &str) -> World {
    server.clock.set(start);
    let (org_a, org_b) = (server.organization, server.other_organization);
    let admin = member(server, "admin", Role::Admin, org_a).await;
    let municipality = json_ok(
        send(
            server,
            &admin.token,
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "NO", "number": "4001", "name": "Porsgrunn"})),
        )
        .await,
        201,
    )
    .await;
    let service = json_ok(
        send(
            server,
            &admin.token,
            Method::POST,
            "/api/v1/services",
            Some(json!({"municipality_id": municipality["id"], "provider_organization_id": org_a.to_string(),
                "name": "Praktisk bistand", "category": "health", "phases": ["treatment"]})),
        )
        .await,
        201,
    )
    .await;
    let service_a = service["id"].as_str().unwrap().to_string();
    let a_case = member(server, "kari", Role::Caseworker, org_a).await;
    let b_case = member(server, "bjorn", Role::Caseworker, org_b).await;
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(day("1985-06-15"), 7, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Vedtak".into(),
        family_name: "Mottaker".into(),
        address: "Storgata 1, 3915 Porsgrunn".into(),
        language: language.into(),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service_a.clone(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    let person = server.app.register_person(&RequestContext::default(), &a_case.actor, &input).await.unwrap();
    World { a_case, b_case, service_a, person }
}

fn terms(w: &World) -> Value {
    json!({
        "service": w.service_a,
        "legal_basis": "no.hol.3-2",
        "outcome": "partly_granted",
        "extent": "6 timer per uke",
        "valid_from": "2025-04-01",
        "valid_to": "2025-12-31",
        "review_on": "2025-09-30",
        "grounds": "Behovet er kartlagt sammen med deg.",
        "notice_on": "2025-03-28",
    })
}

/// Monday 31 March 2025: the notice went out on Friday 28 March.
fn monday_after_notice() -> Timestamp {
    "2025-03-31T08:00:00Z".parse().unwrap()
}

async fn record(server: &TestServer, w: &World, body: Value) -> reqwest::Response {
    send(server, &w.a_case.token, Method::POST, &format!("/api/v1/persons/{}/decisions", w.person), Some(body)).await
}

async fn record_read_update_appeal(server: &TestServer) {
    let w = world(server, monday_after_notice(), "nb").await;
    let response = record(server, &w, terms(&w)).await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created = json_ok(response, 201).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["outcome"], "partly_granted");
    assert_eq!(created["legal_basis_citation"], "helse- og omsorgstjenesteloven § 3-2");
    assert_eq!(created["extent"], "6 timer per uke");
    assert_eq!(events(server, w.a_case.actor.account, "decision_recorded", "success").await, 1);

    // Read: the list and the one, each audited.
    let list = json_ok(
        send(server, &w.a_case.token, Method::GET, &format!("/api/v1/persons/{}/decisions", w.person), None).await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let one =
        json_ok(send(server, &w.a_case.token, Method::GET, &format!("/api/v1/decisions/{id}"), None).await, 200).await;
    assert_eq!(one["review_on"], "2025-09-30");
    assert_eq!(one["review_status"]["status"], "later");
    assert_eq!(events(server, w.a_case.actor.account, "decisions_viewed", "success").await, 1);
    assert_eq!(events(server, w.a_case.actor.account, "decision_viewed", "success").await, 1);

    // Update with the right version, then with the stale one.
    let mut changed = terms(&w);
    changed["extent"] = json!("8 timer per uke");
    changed["outcome"] = json!("granted");
    let update = |version: &str, body: Value| {
        server
            .bare_client()
            .put(server.url(&format!("/api/v1/decisions/{id}")))
            .bearer_auth(&w.a_case.token)
            .header("If-Match", version.to_string())
            .json(&body)
            .send()
    };
    let response = update("\"1\"", changed.clone()).await.unwrap();
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated = json_ok(response, 200).await;
    assert_eq!(updated["extent"], "8 timer per uke");
    assert_eq!(updated["version"], 2);
    changed["extent"] = json!("2 timer per uke");
    let stale = update("\"1\"", changed).await.unwrap();
    assert_eq!(stale.status(), 409);
    let now =
        json_ok(send(server, &w.a_case.token, Method::GET, &format!("/api/v1/decisions/{id}"), None).await, 200).await;
    assert_eq!(now["extent"], "8 timer per uke", "the stale edit changed nothing");
    assert_eq!(events(server, w.a_case.actor.account, "decision_updated", "success").await, 1);

    // An appeal received before the notice is refused and changes nothing.
    let appeal_path = format!("/api/v1/decisions/{id}/appeal");
    let appeal = |body: Value| send(server, &w.a_case.token, Method::POST, &appeal_path, Some(body));
    let early = json_ok(appeal(json!({"received_on": "2025-03-27", "version": 2})).await, 422).await;
    assert_eq!(field_errors(&early), vec![("received_on".to_string(), "ends-before-start".to_string())]);
    let stale = appeal(json!({"received_on": "2025-03-31", "version": 1})).await;
    assert_eq!(stale.status(), 409);
    let registered = json_ok(appeal(json!({"received_on": "2025-03-31", "version": 2})).await, 200).await;
    assert_eq!(registered["appeal"]["received_on"], "2025-03-31");
    assert_eq!(registered["appeal"]["late"], false);
    assert_eq!(events(server, w.a_case.actor.account, "appeal_registered", "success").await, 1);

    // Forwarded: not before it was received; then to the county governor.
    let forward_path = format!("/api/v1/decisions/{id}/appeal/forward");
    let forward = |body: Value| send(server, &w.a_case.token, Method::POST, &forward_path, Some(body));
    let early = json_ok(
        forward(json!({"forwarded_on": "2025-03-30", "forwarded_to": "Statsforvalteren", "version": 3})).await,
        422,
    )
    .await;
    assert_eq!(field_errors(&early), vec![("forwarded_on".to_string(), "ends-before-start".to_string())]);
    let forwarded = json_ok(
        forward(json!({"forwarded_on": "2025-03-31", "forwarded_to": "Statsforvalteren i Vestfold og Telemark", "version": 3}))
            .await,
        200,
    )
    .await;
    assert_eq!(forwarded["appeal"]["forwarded_to"], "Statsforvalteren i Vestfold og Telemark");
    assert_eq!(forwarded["version"], 4);
    assert_eq!(events(server, w.a_case.actor.account, "appeal_forwarded", "success").await, 1);
}
both_backends!(record_read_update_and_appeal, record_read_update_appeal);

async fn appeal_deadline_over_easter(server: &TestServer) {
    let w = world(server, monday_after_notice(), "nb").await;
    let created = json_ok(record(server, &w, terms(&w)).await, 201).await;
    // Notice on Friday 28 March 2025; three weeks later is Good Friday (18 April); Easter
    // Saturday, Sunday and Monday follow, so the deadline is Tuesday 22 April.
    let deadline = &created["appeal_deadline"];
    assert_eq!(deadline["due"], "2025-04-22", "{deadline}");
    let explanation = &deadline["explanation"];
    assert_eq!(explanation["rule_code"], "no.fvl.appeal");
    assert_eq!(explanation["source_text"], "forvaltningsloven § 29");
    assert_eq!(explanation["start"], "2025-03-28");
    assert_eq!(explanation["base_due"], "2025-04-18");
    assert_eq!(explanation["moved"]["to"], "2025-04-22");
    // A decision without notice has no appeal deadline yet, and no appeal can be registered.
    let mut body = terms(&w);
    body["notice_on"] = json!("");
    let without = json_ok(record(server, &w, body).await, 201).await;
    assert!(without["appeal_deadline"].is_null());
    let id = without["id"].as_str().unwrap();
    let refused = json_ok(
        send(
            server,
            &w.a_case.token,
            Method::POST,
            &format!("/api/v1/decisions/{id}/appeal"),
            Some(json!({"received_on": "2025-03-31", "version": 1})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field_errors(&refused), vec![("notice_on".to_string(), "required".to_string())]);
    // A review date that has passed shows as overdue.
    set_day(server, day("2025-10-02"));
    let later = json_ok(
        send(
            server,
            &w.a_case.token,
            Method::GET,
            &format!("/api/v1/decisions/{}", created["id"].as_str().unwrap()),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(later["review_status"]["status"], "overdue");
    assert_eq!(later["review_status"]["days"], 2);
}
both_backends!(appeal_deadline_is_computed_over_easter, appeal_deadline_over_easter);

async fn bad_input(server: &TestServer) {
    let w = world(server, monday_after_notice(), "nb").await;
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (json!({"service": "0190a4c2-0000-7000-8000-000000000000"}), vec![("service", "unknown")]),
        (json!({"service": "not-an-id"}), vec![("service", "unknown")]),
        (json!({"legal_basis": "no.hol.99-9"}), vec![("legal_basis", "unknown")]),
        (json!({"legal_basis": "se.lvm.4"}), vec![("legal_basis", "not-allowed")]),
        (json!({"valid_to": "2025-03-31", "review_on": ""}), vec![("valid_to", "ends-before-start")]),
        (json!({"outcome": "perhaps"}), vec![("outcome", "unknown-value")]),
        (json!({"grounds": " "}), vec![("grounds", "required")]),
        (json!({"notice_on": "2025-04-01"}), vec![("notice_on", "in-future")]),
        (
            // Detention without consent (hol. § 10-2): at most three months.
            json!({"legal_basis": "no.hol.10-2", "valid_from": "2025-04-01", "valid_to": "2025-07-02", "review_on": ""}),
            vec![("valid_to", "later-than")],
        ),
    ];
    for (change, expected) in cases {
        let mut body = terms(&w);
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let problem = json_ok(record(server, &w, body.clone()).await, 422).await;
        let expected: Vec<(String, String)> = expected.iter().map(|(f, r)| (f.to_string(), r.to_string())).collect();
        assert_eq!(field_errors(&problem), expected, "{body}");
    }
    assert_eq!(decision_rows(server).await, 0, "nothing was saved");
    assert_eq!(events(server, w.a_case.actor.account, "decision_recorded", "success").await, 0);
    // Exactly three months is allowed.
    let mut body = terms(&w);
    body["legal_basis"] = json!("no.hol.10-2");
    body["valid_to"] = json!("2025-07-01");
    body["review_on"] = json!("");
    let created = json_ok(record(server, &w, body).await, 201).await;
    assert_eq!(created["coercion"], true);
}
both_backends!(bad_input_changes_nothing, bad_input);

async fn other_organisation(server: &TestServer) {
    let w = world(server, monday_after_notice(), "nb").await;
    let created = json_ok(record(server, &w, terms(&w)).await, 201).await;
    let id = created["id"].as_str().unwrap().to_string();
    let b = &w.b_case;
    let denied_before = events(server, b.actor.account, "access_denied", "denied").await;
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/persons/{}/decisions", w.person), None),
        (Method::POST, format!("/api/v1/persons/{}/decisions", w.person), Some(terms(&w))),
        (Method::GET, format!("/api/v1/decisions/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/decisions/{id}/appeal"),
            Some(json!({"received_on": "2025-03-31", "version": 1})),
        ),
    ] {
        let response = send(server, &b.token, method.clone(), &path, body).await;
        assert_eq!(response.status(), 403, "{method} {path}");
    }
    let client = server.signed_in(&b.account).await;
    let letter = client.get(server.url(&format!("/decisions/{id}/letter"))).send().await.unwrap();
    assert_eq!(letter.status(), 403);
    assert_eq!(events(server, b.actor.account, "access_denied", "denied").await - denied_before, 5);
    assert_eq!(decision_rows(server).await, 1, "the refused POST saved nothing");
    let stored =
        json_ok(send(server, &w.a_case.token, Method::GET, &format!("/api/v1/decisions/{id}"), None).await, 200).await;
    assert!(stored["appeal"]["received_on"].is_null());
}
both_backends!(another_organisation_without_consent_is_refused, other_organisation);

async fn letter_language(server: &TestServer) {
    let w = world(server, monday_after_notice(), "sv").await;
    let created = json_ok(record(server, &w, terms(&w)).await, 201).await;
    let id = created["id"].as_str().unwrap().to_string();
    // The staff account reads Norwegian bokmål; the person reads Swedish.
    let client = server.signed_in(&w.a_case.account).await;
    let response = client.get(server.url(&format!("/decisions/{id}/letter"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store", "a letter holds personal data");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"sv\""), "{html}");
    assert!(html.contains("Du kan överklaga"), "{html}");
    assert!(html.contains("Beslut om Praktisk bistand"), "{html}");
    assert!(html.contains("Överklagandet måste ha kommit in senast 22 april 2025."), "{html}");
    assert!(html.contains("helse- og omsorgstjenesteloven § 3-2"), "{html}");
    assert!(html.contains("6 timer per uke"), "{html}");
    assert!(html.contains("från 1 april 2025 till och med 31 december 2025"), "{html}");
    assert!(html.contains("30 september 2025"), "{html}");
    assert!(html.contains("Behovet er kartlagt sammen med deg."), "{html}");
    assert!(html.contains("/letters/decision.css"), "{html}");
    assert!(!html.contains("Du kan klage"), "no Norwegian in the letter itself");
    // The screen-only bar speaks the staff member's language.
    assert!(html.contains("Tilbake til personen"), "{html}");
    assert_eq!(events(server, w.a_case.actor.account, "decision_letter_viewed", "success").await, 1);
    let css = client.get(server.url("/letters/decision.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.text().await.unwrap().contains("@media print"));
}
both_backends!(letter_is_in_the_persons_language, letter_language);
