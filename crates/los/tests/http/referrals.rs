//! Referrals and waiting lists over the API: the full path from sent to started (which opens
//! the episode), a decline returned to the sender, the receiving organisation's ground through
//! the open referral, bad input that changes nothing, waiting-time statistics on a constructed
//! dataset, the follow-up flag, and who may see a waiting list.

use jiff::Timestamp;
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
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
    token: String,
}

struct World {
    ctx: RequestContext,
    /// Caseworker of the municipal substance-use service (the sender).
    a_case: Member,
    /// Caseworker and leader of the hospital trust (the receiver).
    b_case: Member,
    b_leader: Member,
    b_analyst: Member,
    /// Caseworker of a third organisation.
    c_case: Member,
    service_a: String,
    service_b: String,
}

/// A Monday morning in Oslo.
fn start_instant() -> Timestamp {
    "2026-03-02T08:00:00Z".parse().unwrap()
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
    Member { actor: Actor { account: account.id, organization, role }, token }
}

async fn scalar(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql).fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

async fn last_seq(server: &TestServer) -> i64 {
    scalar(server, "SELECT COALESCE(MAX(seq), 0) FROM audit_events").await
}

/// Audit events after `seq` by `actor` with this action and outcome.
async fn events_since(server: &TestServer, seq: i64, actor: AccountId, action: &str, outcome: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE seq > $1 AND actor_account = $2 AND action = $3 AND outcome = $4",
    )
    .bind(seq)
    .bind(actor.to_string())
    .bind(action.to_string())
    .bind(outcome.to_string())
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap()
    .0
}

async fn world(server: &TestServer) -> World {
    server.clock.set(start_instant());
    let (org_a, org_b) = (server.organization, server.other_organization);
    let ctx = RequestContext::default();
    let org_c = server
        .app
        .create_organization(
            &ctx,
            Operator::CommandLine,
            &OrganizationInput { name: "Tredje – NAV".into(), kind: "municipal_unit".into(), country: "NO".into() },
        )
        .await
        .unwrap()
        .id;
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
    let mut services = Vec::new();
    for (name, provider) in [("Rustjenesten", org_a), ("TSB poliklinikk", org_b)] {
        let created = json_ok(
            send(
                server,
                &admin.token,
                Method::POST,
                "/api/v1/services",
                Some(json!({"municipality_id": municipality["id"], "provider_organization_id": provider.to_string(),
                    "name": name, "category": "health", "phases": ["treatment"]})),
            )
            .await,
            201,
        )
        .await;
        services.push(created["id"].as_str().unwrap().to_string());
    }
    World {
        ctx,
        a_case: member(server, "kari", Role::Caseworker, org_a).await,
        b_case: member(server, "bjorn", Role::Caseworker, org_b).await,
        b_leader: member(server, "bleder", Role::Leader, org_b).await,
        b_analyst: member(server, "banalytiker", Role::Analyst, org_b).await,
        c_case: member(server, "cecilie", Role::Caseworker, org_c).await,
        service_a: services[0].clone(),
        service_b: services[1].clone(),
    }
}

/// A person registered by the sender's caseworker at the sender's service, born on `birth`.
async fn person(server: &TestServer, w: &World, n: u16, birth: Date) -> PersonId {
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(birth, n, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Henvist".into(),
        family_name: format!(
            "Person{}",
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"][usize::from(n) % 14]
                .repeat(usize::from(n) / 14 + 1)
        ),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: w.service_a.clone(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    server.app.register_person(&w.ctx, &w.a_case.actor, &input).await.unwrap()
}

async fn refer(server: &TestServer, w: &World, person: PersonId, priority: &str) -> Value {
    json_ok(
        send(
            server,
            &w.a_case.token,
            Method::POST,
            &format!("/api/v1/persons/{person}/referrals"),
            Some(json!({"to_service": w.service_b, "from_service": w.service_a,
                "reason": "Trenger vurdering i TSB", "priority": priority})),
        )
        .await,
        201,
    )
    .await
}

async fn step_raw(server: &TestServer, token: &str, referral: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = referral["version"].clone();
    send(
        server,
        token,
        Method::POST,
        &format!("/api/v1/referrals/{}/steps", referral["id"].as_str().unwrap()),
        Some(body),
    )
    .await
}

async fn step(server: &TestServer, token: &str, referral: &Value, body: Value) -> Value {
    json_ok(step_raw(server, token, referral, body).await, 200).await
}

async fn basis(server: &TestServer, token: &str, person: PersonId) -> Option<String> {
    let response = send(server, token, Method::GET, &format!("/api/v1/persons/{person}"), None).await;
    match response.status().as_u16() {
        200 => Some(response.json::<Value>().await.unwrap()["access_basis"].as_str().unwrap().to_string()),
        403 => None,
        other => panic!("unexpected status {other}"),
    }
}

async fn waiting_list(server: &TestServer, w: &World) -> Value {
    json_ok(
        send(server, &w.b_leader.token, Method::GET, &format!("/api/v1/services/{}/waiting-list", w.service_b), None)
            .await,
        200,
    )
    .await
}

// ---------------------------------------------------------------------------------------------

async fn full_path(server: &TestServer) {
    let w = world(server).await;
    let young = person(server, &w, 1, day("2005-06-15")).await;
    let older = person(server, &w, 2, day("1970-01-20")).await;
    assert_eq!(basis(server, &w.b_case.token, young).await, None, "no ground before the referral");

    let referral = refer(server, &w, young, "high").await;
    assert_eq!(referral["status"], "sent");
    assert_eq!(referral["youth_guarantee"], true);
    assert_eq!(referral["sent_on"], "2026-03-02");
    assert_eq!(referral["next_steps"], json!(["received", "withdrawn"]));
    assert!(referral["assessment_deadline"].is_null());
    assert_eq!(refer(server, &w, older, "normal").await["youth_guarantee"], false);
    assert_eq!(basis(server, &w.b_case.token, young).await.as_deref(), Some("referral"));
    assert_eq!(basis(server, &w.c_case.token, young).await, None);

    // Received the next day: the assessment is due 10 working days later.
    set_day(server, day("2026-03-03"));
    let referral = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;
    assert_eq!(referral["received_on"], "2026-03-03");
    let deadline = &referral["assessment_deadline"];
    assert_eq!(deadline["due"], "2026-03-17");
    assert_eq!(deadline["explanation"]["rule_code"], "no.pasrl.referral_assessment");
    assert_eq!(deadline["explanation"]["start"], "2026-03-03");

    // Only the receiving organisation assesses; the refusal is audited.
    let seq = last_seq(server).await;
    let refused = step_raw(server, &w.a_case.token, &referral, json!({"status": "accepted"})).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(events_since(server, seq, w.a_case.actor.account, "access_denied", "denied").await, 1);

    set_day(server, day("2026-03-10"));
    let referral = step(
        server,
        &w.b_case.token,
        &referral,
        json!({"status": "accepted", "right_to_care": true, "start_deadline": "2026-04-30"}),
    )
    .await;
    assert_eq!((referral["status"].as_str(), referral["assessed_on"].as_str()), (Some("accepted"), Some("2026-03-10")));
    assert_eq!(
        (referral["right_to_care"].as_bool(), referral["start_deadline"].as_str()),
        (Some(true), Some("2026-04-30"))
    );
    let list = waiting_list(server, &w).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["person_id"], young.to_string());
    assert_eq!(list["items"][0]["waiting_days"], 7);

    set_day(server, day("2026-03-12"));
    let referral =
        step(server, &w.b_case.token, &referral, json!({"status": "offered", "offered_date": "2026-03-20"})).await;
    assert_eq!(referral["offered_date"], "2026-03-20");
    set_day(server, day("2026-03-20"));
    let referral = step(server, &w.b_case.token, &referral, json!({"status": "started"})).await;
    assert_eq!(referral["status"], "started");
    assert_eq!(referral["started_on"], "2026-03-20");
    let episode = referral["episode_id"].as_str().expect("an episode was opened").to_string();
    let steps: Vec<&str> =
        referral["steps"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["sent", "received", "accepted", "offered", "started"]);
    assert!(referral["steps"].as_array().unwrap().iter().all(|s| s["account_id"].is_string()));

    // Started: the referral ground is gone, the episode gives the receiver its ground.
    assert_eq!(basis(server, &w.b_case.token, young).await.as_deref(), Some("episode"));
    let record =
        json_ok(send(server, &w.b_case.token, Method::GET, &format!("/api/v1/persons/{young}"), None).await, 200).await;
    let episodes = record["episodes"].as_array().unwrap();
    assert!(
        episodes.iter().any(|e| e["id"] == episode.as_str()
            && e["service_id"] == w.service_b.as_str()
            && e["start"] == "2026-03-20")
    );
    assert!(waiting_list(server, &w).await["items"].as_array().unwrap().is_empty());

    // Both ends read the referral; the receiving side through the episode now.
    let id = referral["id"].as_str().unwrap();
    for token in [&w.a_case.token, &w.b_case.token] {
        let got = json_ok(send(server, token, Method::GET, &format!("/api/v1/referrals/{id}"), None).await, 200).await;
        assert_eq!(got["status"], "started");
    }
    let listed = json_ok(
        send(server, &w.a_case.token, Method::GET, &format!("/api/v1/persons/{young}/referrals"), None).await,
        200,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(server.audit_count("referral_sent").await, 2);
    assert_eq!(server.audit_count("referral_step").await, 4);
    assert!(server.audit_count("referrals_viewed").await >= 3);
}
both_backends!(referral_full_path_opens_an_episode, full_path);

async fn declined(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 3, day("1985-05-05")).await;
    let referral = refer(server, &w, p, "normal").await;
    let referral = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;
    assert_eq!(basis(server, &w.b_case.token, p).await.as_deref(), Some("referral"));

    let problem = json_ok(step_raw(server, &w.b_case.token, &referral, json!({"status": "declined"})).await, 422).await;
    assert_eq!(field_errors(&problem), [("reason".to_string(), "required".to_string())]);

    set_day(server, day("2026-03-04"));
    let referral = step(
        server,
        &w.b_case.token,
        &referral,
        json!({"status": "declined", "reason": "Bør følges opp i kommunen først"}),
    )
    .await;
    assert_eq!(referral["status"], "declined");
    assert_eq!(referral["assessed_on"], "2026-03-04");
    assert!(referral["next_steps"].as_array().unwrap().is_empty());

    // Returned to the sender with the reason; the receiver lost its ground.
    let id = referral["id"].as_str().unwrap();
    let seen =
        json_ok(send(server, &w.a_case.token, Method::GET, &format!("/api/v1/referrals/{id}"), None).await, 200).await;
    assert_eq!(seen["decline_reason"], "Bør følges opp i kommunen først");
    assert_eq!(basis(server, &w.b_case.token, p).await, None);
    let seq = last_seq(server).await;
    let hidden = send(server, &w.b_case.token, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!(hidden.status(), 403);
    assert_eq!(events_since(server, seq, w.b_case.actor.account, "access_denied", "denied").await, 1);

    // A withdrawal by the sender of another referral also ends the ground.
    let second = refer(server, &w, p, "normal").await;
    assert_eq!(basis(server, &w.b_case.token, p).await.as_deref(), Some("referral"));
    let withdrawn = step(server, &w.a_case.token, &second, json!({"status": "withdrawn", "reason": "Flyttet"})).await;
    assert_eq!(
        (withdrawn["status"].as_str(), withdrawn["withdraw_reason"].as_str()),
        (Some("withdrawn"), Some("Flyttet"))
    );
    assert_eq!(basis(server, &w.b_case.token, p).await, None);
}
both_backends!(a_declined_referral_returns_to_the_sender, declined);

async fn bad_input(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 4, day("1990-09-09")).await;
    let path = format!("/api/v1/persons/{p}/referrals");
    let count = "SELECT COUNT(*) FROM referrals";
    for to_service in [los_core::ids::ServiceId::generate().to_string(), "not-an-id".to_string()] {
        let problem = json_ok(
            send(
                server,
                &w.a_case.token,
                Method::POST,
                &path,
                Some(json!({"to_service": to_service, "reason": "x", "priority": "normal"})),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(field_errors(&problem), [("to_service".to_string(), "unknown".to_string())]);
    }
    let problem = json_ok(
        send(
            server,
            &w.a_case.token,
            Method::POST,
            &path,
            Some(json!({"to_service": w.service_b, "reason": " ", "priority": "soon", "sent_on": "2026-03-03"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        [
            ("priority".to_string(), "unknown-value".to_string()),
            ("reason".to_string(), "required".to_string()),
            ("sent_on".to_string(), "in-future".to_string()),
        ]
    );
    // Someone without a ground to the person cannot refer them.
    let refused = send(
        server,
        &w.c_case.token,
        Method::POST,
        &path,
        Some(json!({"to_service": w.service_b, "reason": "x", "priority": "normal"})),
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(scalar(server, count).await, 0);

    let referral = refer(server, &w, p, "normal").await;
    // One open referral per person and service.
    let again = send(
        server,
        &w.a_case.token,
        Method::POST,
        &path,
        Some(json!({"to_service": w.service_b, "reason": "x", "priority": "normal"})),
    )
    .await;
    assert_eq!(field_errors(&json_ok(again, 422).await), [("to_service".to_string(), "already-exists".to_string())]);
    assert_eq!(scalar(server, count).await, 1);
    let steps = "SELECT COUNT(*) FROM referral_steps";
    let before = (scalar(server, steps).await, scalar(server, "SELECT MAX(version) FROM referrals").await);
    // A step that may not follow the current one.
    let problem = json_ok(step_raw(server, &w.b_case.token, &referral, json!({"status": "started"})).await, 422).await;
    assert_eq!(field_errors(&problem), [("status".to_string(), "not-allowed".to_string())]);
    let problem = json_ok(step_raw(server, &w.b_case.token, &referral, json!({"status": "finished"})).await, 422).await;
    assert_eq!(field_errors(&problem), [("status".to_string(), "unknown-value".to_string())]);
    assert_eq!((scalar(server, steps).await, scalar(server, "SELECT MAX(version) FROM referrals").await), before);

    set_day(server, day("2026-03-05"));
    let received = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;
    // An assessment dated before receipt, and one in the future.
    let before = (scalar(server, steps).await, scalar(server, "SELECT MAX(version) FROM referrals").await);
    let problem = json_ok(
        step_raw(server, &w.b_case.token, &received, json!({"status": "accepted", "on": "2026-03-04"})).await,
        422,
    )
    .await;
    assert_eq!(field_errors(&problem), [("on".to_string(), "ends-before-start".to_string())]);
    let problem = json_ok(
        step_raw(server, &w.b_case.token, &received, json!({"status": "accepted", "on": "2026-03-06"})).await,
        422,
    )
    .await;
    assert_eq!(field_errors(&problem), [("on".to_string(), "in-future".to_string())]);
    // A stale version: 409, nothing changes.
    let stale = step_raw(server, &w.b_case.token, &referral, json!({"status": "accepted"})).await;
    assert_eq!(stale.status(), 409);
    assert!(stale.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    // Without any version: the field is required.
    let id = received["id"].as_str().unwrap();
    let missing = send(
        server,
        &w.b_case.token,
        Method::POST,
        &format!("/api/v1/referrals/{id}/steps"),
        Some(json!({"status": "accepted"})),
    )
    .await;
    assert_eq!(field_errors(&json_ok(missing, 422).await), [("version".to_string(), "required".to_string())]);
    // With If-Match from the ETag instead of the body.
    let response = server
        .bare_client()
        .post(server.url(&format!("/api/v1/referrals/{id}/steps")))
        .bearer_auth(&w.b_case.token)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "accepted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    assert_eq!((scalar(server, steps).await, scalar(server, "SELECT MAX(version) FROM referrals").await), before);
    let got =
        json_ok(send(server, &w.b_case.token, Method::GET, &format!("/api/v1/referrals/{id}"), None).await, 200).await;
    assert_eq!(got["status"], "received");
    let response = server
        .bare_client()
        .post(server.url(&format!("/api/v1/referrals/{id}/steps")))
        .bearer_auth(&w.b_case.token)
        .header("if-match", format!("\"{}\"", got["version"]))
        .json(&json!({"status": "accepted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Unknown referral.
    let unknown = send(
        server,
        &w.b_case.token,
        Method::GET,
        &format!("/api/v1/referrals/{}", los_core::ids::ServiceId::generate()),
        None,
    )
    .await;
    assert_eq!(unknown.status(), 404);
}
both_backends!(bad_referral_input_changes_nothing, bad_input);

async fn statistics(server: &TestServer) {
    let w = world(server).await;
    // Ten referrals received and accepted on the same day, started after these many days.
    let waits: [i64; 10] = [10, 30, 20, 40, 100, 50, 60, 70, 80, 90];
    let received = day("2026-03-02");
    let mut referrals = Vec::new();
    for (n, wait) in waits.iter().enumerate() {
        let p = person(server, &w, 10 + n as u16, day("1980-02-02") + jiff::Span::new().days(n as i64)).await;
        let referral = refer(server, &w, p, "normal").await;
        let referral = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;
        let referral = step(server, &w.b_case.token, &referral, json!({"status": "accepted"})).await;
        referrals.push((*wait, referral));
    }
    // One still waiting: not counted.
    let waiting = person(server, &w, 30, day("1981-03-03")).await;
    let still = refer(server, &w, waiting, "urgent").await;
    let still = step(server, &w.b_case.token, &still, json!({"status": "received"})).await;
    step(server, &w.b_case.token, &still, json!({"status": "accepted"})).await;
    referrals.sort_by_key(|(wait, _)| *wait);
    for (wait, referral) in &referrals {
        set_day(server, received + jiff::Span::new().days(*wait));
        step(server, &w.b_case.token, referral, json!({"status": "started"})).await;
    }
    let path = |from: &str, to: &str, target: &str| {
        format!("/api/v1/services/{}/waiting-statistics?from={from}&to={to}&target_days={target}", w.service_b)
    };
    let all =
        json_ok(send(server, &w.b_leader.token, Method::GET, &path("2026-03-01", "2026-06-30", "45"), None).await, 200)
            .await;
    assert_eq!(all["started"], 10);
    assert_eq!(all["median_days"], 55.0);
    assert_eq!(all["p90_days"], 91.0);
    assert_eq!(all["share_within_target"], 0.4);
    assert_eq!(all["suppressed"], false);
    // The first 45 days: waits 10, 20, 30, 40.
    let early =
        json_ok(send(server, &w.b_case.token, Method::GET, &path("2026-03-02", "2026-04-16", "30"), None).await, 200)
            .await;
    assert_eq!((early["started"].as_u64(), early["median_days"].as_f64()), (Some(4), Some(25.0)));
    assert_eq!(early["p90_days"].as_f64(), Some(37.0));
    assert_eq!(early["share_within_target"].as_f64(), Some(0.75));
    // An analyst of the providing organisation sees aggregates, small ones suppressed.
    let analyst = json_ok(
        send(server, &w.b_analyst.token, Method::GET, &path("2026-03-01", "2026-06-30", "45"), None).await,
        200,
    )
    .await;
    assert_eq!(analyst["median_days"], 55.0);
    let small = json_ok(
        send(server, &w.b_analyst.token, Method::GET, &path("2026-03-02", "2026-04-16", "30"), None).await,
        200,
    )
    .await;
    assert_eq!(small["suppressed"], true);
    assert!(small["started"].is_null() && small["median_days"].is_null());
    // Another organisation gets 403; bad periods are field errors.
    let seq = last_seq(server).await;
    let refused = send(server, &w.c_case.token, Method::GET, &path("2026-03-01", "2026-06-30", "45"), None).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(events_since(server, seq, w.c_case.actor.account, "access_denied", "denied").await, 1);
    let problem =
        json_ok(send(server, &w.b_leader.token, Method::GET, &path("2026-06-30", "2026-03-01", "x"), None).await, 422)
            .await;
    assert_eq!(
        field_errors(&problem),
        [
            ("target_days".to_string(), "invalid-format".to_string()),
            ("to".to_string(), "ends-before-start".to_string()),
        ]
    );
    assert!(server.audit_count("waiting_statistics_viewed").await >= 4);
}
both_backends!(waiting_statistics_on_a_constructed_dataset, statistics);

async fn follow_up(server: &TestServer) {
    let w = world(server).await;
    let settings = format!("/api/v1/services/{}/waiting-list-settings", w.service_b);
    // Caseworkers do not set the interval; the leader does.
    assert_eq!(
        send(server, &w.b_case.token, Method::PUT, &settings, Some(json!({"follow_up_days": 7}))).await.status(),
        403
    );
    let problem =
        json_ok(send(server, &w.b_leader.token, Method::PUT, &settings, Some(json!({"follow_up_days": 0}))).await, 422)
            .await;
    assert_eq!(field_errors(&problem), [("follow_up_days".to_string(), "not-allowed".to_string())]);
    let set =
        json_ok(send(server, &w.b_leader.token, Method::PUT, &settings, Some(json!({"follow_up_days": 7}))).await, 200)
            .await;
    assert_eq!(set["follow_up_days"], 7);

    let normal = person(server, &w, 40, day("1975-07-07")).await;
    let urgent = person(server, &w, 41, day("1976-08-08")).await;
    let first = refer(server, &w, normal, "normal").await;
    let first = step(server, &w.b_case.token, &first, json!({"status": "received"})).await;
    let first = step(server, &w.b_case.token, &first, json!({"status": "accepted"})).await;
    set_day(server, day("2026-03-03"));
    let second = refer(server, &w, urgent, "urgent").await;
    let second = step(server, &w.b_case.token, &second, json!({"status": "received"})).await;
    step(server, &w.b_case.token, &second, json!({"status": "accepted"})).await;

    let list = waiting_list(server, &w).await;
    assert_eq!(list["follow_up_days"], 7);
    let order: Vec<&str> = list["items"].as_array().unwrap().iter().map(|e| e["person_id"].as_str().unwrap()).collect();
    assert_eq!(order, [urgent.to_string(), normal.to_string()], "urgent first");
    assert!(list["items"].as_array().unwrap().iter().all(|e| e["needs_follow_up"] == false));

    // Seven days after acceptance without contact: the first needs follow-up, the second not yet.
    set_day(server, day("2026-03-09"));
    let list = waiting_list(server, &w).await;
    assert_eq!(
        (list["items"][1]["needs_follow_up"].as_bool(), list["items"][0]["needs_follow_up"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(list["items"][1]["waiting_days"], 7);

    // A phone call resets it.
    let id = first["id"].as_str().unwrap();
    let contacts = format!("/api/v1/referrals/{id}/contacts");
    let problem =
        json_ok(send(server, &w.b_case.token, Method::POST, &contacts, Some(json!({"kind": "pigeon"}))).await, 422)
            .await;
    assert_eq!(field_errors(&problem), [("kind".to_string(), "unknown-value".to_string())]);
    let logged = json_ok(
        send(
            server,
            &w.b_case.token,
            Method::POST,
            &contacts,
            Some(json!({"kind": "phone", "note": "Venter fortsatt"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(logged["contacts"][0]["on"], "2026-03-09");
    assert_eq!(
        send(server, &w.c_case.token, Method::POST, &contacts, Some(json!({"kind": "phone"}))).await.status(),
        403
    );
    let list = waiting_list(server, &w).await;
    assert_eq!(list["items"][1]["needs_follow_up"], false);
    assert_eq!(list["items"][1]["last_contact"], "2026-03-09");
    set_day(server, day("2026-03-15"));
    let list = waiting_list(server, &w).await;
    assert_eq!(
        (list["items"][1]["needs_follow_up"].as_bool(), list["items"][0]["needs_follow_up"].as_bool()),
        (Some(false), Some(true))
    );
    set_day(server, day("2026-03-16"));
    assert_eq!(waiting_list(server, &w).await["items"][1]["needs_follow_up"], true);
    assert_eq!(server.audit_count("referral_contact_logged").await, 1);
    assert_eq!(server.audit_count("waiting_list_settings_changed").await, 1);
}
both_backends!(follow_up_flag_after_days_without_contact, follow_up);

async fn waiting_list_access(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 50, day("1988-08-18")).await;
    let referral = refer(server, &w, p, "normal").await;
    let referral = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;
    step(server, &w.b_case.token, &referral, json!({"status": "accepted"})).await;
    let path = format!("/api/v1/services/{}/waiting-list", w.service_b);
    for who in [&w.c_case, &w.b_analyst, &w.a_case] {
        let seq = last_seq(server).await;
        let response = send(server, &who.token, Method::GET, &path, None).await;
        assert_eq!(response.status(), 403, "{:?}", who.actor.role);
        assert_eq!(events_since(server, seq, who.actor.account, "access_denied", "denied").await, 1);
        assert_eq!(events_since(server, seq, who.actor.account, "waiting_list_viewed", "success").await, 0);
    }
    for who in [&w.b_case, &w.b_leader] {
        let seq = last_seq(server).await;
        let list = json_ok(send(server, &who.token, Method::GET, &path, None).await, 200).await;
        assert_eq!(list["items"][0]["display_name"].as_str().map(|n| n.contains("Henvist")), Some(true));
        // One event naming the person, one for the list.
        assert_eq!(events_since(server, seq, who.actor.account, "waiting_list_viewed", "success").await, 2);
    }
    // A person who blocked the receiving organisation is only counted.
    server
        .app
        .set_block(
            &w.ctx,
            &w.a_case.actor,
            p,
            &server.other_organization.to_string(),
            "",
            "Ønsker ikke at TSB ser journalen",
        )
        .await
        .unwrap();
    let list = json_ok(send(server, &w.b_leader.token, Method::GET, &path, None).await, 200).await;
    assert_eq!((list["items"].as_array().map(Vec::len), list["hidden"].as_u64()), (Some(0), Some(1)));
    let unknown = send(
        server,
        &w.b_leader.token,
        Method::GET,
        &format!("/api/v1/services/{}/waiting-list", los_core::ids::ServiceId::generate()),
        None,
    )
    .await;
    assert_eq!(unknown.status(), 404);
}
both_backends!(waiting_list_only_for_the_providing_organisation, waiting_list_access);

/// "My deadlines": a received referral shows its assessment deadline on the receiving
/// caseworker's list and the leader's organisation list, turns overdue the day after the due
/// date, leaves the list once assessed; a coercion decision's end and its review date show for
/// the caseworker who recorded it; nobody else's list names the person.
async fn my_deadlines(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 41, day("1980-05-05")).await;
    let referral = refer(server, &w, p, "normal").await;
    set_day(server, day("2026-03-03"));
    let received = step(server, &w.b_case.token, &referral, json!({"status": "received"})).await;

    let list = |token: String| async move {
        json_ok(send(server, &token, Method::GET, "/api/v1/me/deadlines", None).await, 200).await
    };
    let mine = list(w.b_case.token.clone()).await;
    assert!(mine.get("organization").is_none(), "a caseworker has no organisation list: {mine}");
    let lines = mine["mine"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{mine}");
    assert_eq!(lines[0]["kind"], "referral_assessment");
    assert_eq!(lines[0]["due"], "2026-03-17");
    assert_eq!(lines[0]["status"], "later");
    assert_eq!(lines[0]["days"], 14);
    assert_eq!(lines[0]["person_id"], p.to_string());
    assert_eq!(lines[0]["href"], format!("/referrals/{}", referral["id"].as_str().unwrap()));
    let leader = list(w.b_leader.token.clone()).await;
    assert_eq!(leader["mine"].as_array().unwrap().len(), 0, "the leader took no step: {leader}");
    assert_eq!(leader["organization"].as_array().unwrap().len(), 1, "{leader}");

    set_day(server, day("2026-03-17"));
    assert_eq!(list(w.b_case.token.clone()).await["mine"][0]["status"], "due_today");
    set_day(server, day("2026-03-18"));
    let late = list(w.b_case.token.clone()).await;
    assert_eq!((late["mine"][0]["status"].clone(), late["mine"][0]["days"].clone()), (json!("overdue"), json!(-1)));

    // The sender's caseworker has no line for it; a third organisation sees nothing; an analyst is refused.
    assert_eq!(list(w.a_case.token.clone()).await["mine"].as_array().unwrap().len(), 0);
    assert_eq!(list(w.c_case.token.clone()).await["mine"].as_array().unwrap().len(), 0);
    let seq = last_seq(server).await;
    let refused = send(server, &w.b_analyst.token, Method::GET, "/api/v1/me/deadlines", None).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(events_since(server, seq, w.b_analyst.actor.account, "access_denied", "denied").await, 1);

    // Assessed: the assessment clock stops; the start deadline takes over.
    let accepted = step(
        server,
        &w.b_case.token,
        &received,
        json!({"status": "accepted", "right_to_care": true, "start_deadline": "2026-04-10"}),
    )
    .await;
    let after = list(w.b_case.token.clone()).await;
    let kinds: Vec<_> = after["mine"].as_array().unwrap().iter().map(|l| l["kind"].clone()).collect();
    assert_eq!(kinds, vec![json!("referral_start")], "{after}");
    assert_eq!(after["mine"][0]["due"], "2026-04-10");
    step(server, &w.b_case.token, &accepted, json!({"status": "started"})).await;
    assert_eq!(list(w.b_case.token.clone()).await["mine"].as_array().unwrap().len(), 0);

    // A coercion decision recorded by the sender's caseworker: review date and statutory end.
    let decision = json!({
        "service": w.service_a, "legal_basis": "no.hol.10-2", "outcome": "granted", "extent": "Døgnopphold",
        "valid_from": "2026-03-18", "valid_to": "2026-04-15", "review_on": "2026-04-01",
        "grounds": "Vedtak etter helse- og omsorgstjenesteloven § 10-2.",
    });
    json_ok(
        send(server, &w.a_case.token, Method::POST, &format!("/api/v1/persons/{p}/decisions"), Some(decision)).await,
        201,
    )
    .await;
    let sender = list(w.a_case.token.clone()).await;
    let got: Vec<_> =
        sender["mine"].as_array().unwrap().iter().map(|l| (l["kind"].clone(), l["due"].clone())).collect();
    assert_eq!(
        got,
        vec![(json!("decision_review"), json!("2026-04-01")), (json!("coercion_ends"), json!("2026-04-15"))]
    );
    // Each listed person is audited against that person.
    let seq = last_seq(server).await;
    list(w.a_case.token.clone()).await;
    let person_events = sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE seq > $1 AND action = 'deadlines_viewed' AND person = $2",
    )
    .bind(seq)
    .bind(p.to_string())
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap()
    .0;
    assert_eq!(person_events, 1);
}

both_backends!(my_deadlines_follow_the_cases_and_the_clock, my_deadlines);
