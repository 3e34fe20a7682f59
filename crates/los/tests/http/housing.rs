//! Housing, tallies and dashboards over the API, on constructed data with known answers: nights
//! and occupancy across the leap day and a month boundary, length of stay against the night
//! shelter's target, episodes kept in step with stays, syringe return rate and visits per day,
//! corrections that keep their history, bad input that changes nothing, who is refused (and
//! audited), the share of persons served who have a plan, and the suppressed figures analysts
//! and area pages get.

use jiff::Timestamp;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
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
    admin: Member,
    municipality: String,
    a_leader: Member,
    a_case: Member,
    a_analyst: Member,
    /// A caseworker of another organisation, with no ground to see anyone here.
    b_case: Member,
    follow_up: String,
    shelter: String,
    low_threshold: String,
}

async fn member(server: &TestServer, name: &str, role: Role, organization: OrganizationId) -> Member {
    let account = server.account_in(name, role, organization, true).await;
    let token = server.token(&account).await;
    Member { actor: Actor { account: account.id, organization, role }, token }
}

async fn scalar(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql).fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

async fn denied_by(server: &TestServer, account: AccountId) -> i64 {
    sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE actor_account = $1 AND action = 'access_denied' AND outcome = 'denied'",
    )
    .bind(account.to_string())
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap()
    .0
}

async fn world(server: &TestServer) -> World {
    // 2 March 2026, 09:00 in Oslo.
    server.clock.set("2026-03-02T08:00:00Z".parse::<Timestamp>().unwrap());
    let org_a = server.organization;
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
    for (name, category) in [("Rustjenesten", "follow_up"), ("Natthjem", "housing"), ("Lavterskel helse", "health")] {
        let created = json_ok(
            send(
                server,
                &admin.token,
                Method::POST,
                "/api/v1/services",
                Some(json!({"municipality_id": municipality["id"], "provider_organization_id": org_a.to_string(),
                    "name": name, "category": category, "phases": ["pre_treatment"]})),
            )
            .await,
            201,
        )
        .await;
        services.push(created["id"].as_str().unwrap().to_string());
    }
    World {
        ctx: RequestContext::default(),
        admin,
        municipality: municipality["id"].as_str().unwrap().to_string(),
        a_leader: member(server, "leder", Role::Leader, org_a).await,
        a_case: member(server, "kari", Role::Caseworker, org_a).await,
        a_analyst: member(server, "analytiker", Role::Analyst, org_a).await,
        b_case: member(server, "bjorn", Role::Caseworker, server.other_organization).await,
        follow_up: services[0].clone(),
        shelter: services[1].clone(),
        low_threshold: services[2].clone(),
    }
}

/// A pseudonymous person enrolled with the follow-up service since 2024.
async fn person(server: &TestServer, w: &World, n: u16) -> PersonId {
    person_at(server, w, n, &w.follow_up.clone(), "2024-01-01").await
}

/// A pseudonymous person enrolled with `service` from `start`.
async fn person_at(server: &TestServer, w: &World, n: u16, service: &str, start: &str) -> PersonId {
    let input = NewPersonInput {
        fields: PersonFields {
            kind: "pseudonymous".into(),
            pseudonym: format!("LT-{n:04}"),
            birth_year: "1980".into(),
            sex: "male".into(),
            ..Default::default()
        },
        service: service.to_string(),
        start: start.into(),
        confirm_not_duplicate: true,
    };
    server.app.register_person(&w.ctx, &w.a_case.actor, &input).await.unwrap()
}

async fn unit(server: &TestServer, w: &World, name: &str, unit_type: &str, capacity: i64) -> String {
    let created = json_ok(
        send(
            server,
            &w.a_leader.token,
            Method::POST,
            &format!("/api/v1/services/{}/housing-units", w.shelter),
            Some(json!({"name": name, "unit_type": unit_type, "capacity": capacity})),
        )
        .await,
        201,
    )
    .await;
    created["id"].as_str().unwrap().to_string()
}

async fn stay_raw(
    server: &TestServer,
    token: &str,
    person: PersonId,
    unit: &str,
    from: &str,
    to: &str,
) -> reqwest::Response {
    send(
        server,
        token,
        Method::POST,
        &format!("/api/v1/persons/{person}/stays"),
        Some(json!({"unit_id": unit, "from": from, "to": to})),
    )
    .await
}

/// Stays and episodes stored.
async fn row_counts(server: &TestServer) -> (i64, i64) {
    (scalar(server, "SELECT COUNT(*) FROM stays").await, scalar(server, "SELECT COUNT(*) FROM episodes").await)
}

async fn dashboard(server: &TestServer, token: &str, path: &str, from: &str, to: &str) -> Value {
    json_ok(send(server, token, Method::GET, &format!("{path}/dashboard?from={from}&to={to}"), None).await, 200).await
}

async fn housing_flow(server: &TestServer) {
    let w = world(server).await;
    let (p1, p2, p3) = (person(server, &w, 1).await, person(server, &w, 2).await, person(server, &w, 3).await);
    let room = unit(server, &w, "Natthjem – rom 1", "night_shelter", 2).await;
    let flat = unit(server, &w, "Leilighet 1", "low_threshold_flat", 1).await;

    // A stay across the leap day: nights of 27, 28 and 29 February and 1 March.
    let first = json_ok(stay_raw(server, &w.a_case.token, p1, &room, "2024-02-27", "2024-03-02").await, 201).await;
    assert_eq!((first["nights"].as_i64(), first["target_nights"].as_i64()), (Some(4), Some(92)));
    // It opened an episode at the shelter, from the day in to the day out.
    let episode = first["episode_id"].as_str().unwrap();
    let (start, end): (String, Option<String>) =
        sqlx::query_as("SELECT start_date, end_date FROM episodes WHERE id = $1 AND service_id = $2")
            .bind(episode)
            .bind(&w.shelter)
            .fetch_one(server.store.raw_pool_for_tests())
            .await
            .unwrap();
    assert_eq!((start.as_str(), end.as_deref()), ("2024-02-27", Some("2024-03-02")));
    let second = json_ok(stay_raw(server, &w.a_case.token, p2, &room, "2024-02-28", "2024-03-01").await, 201).await;
    assert_eq!(second["nights"], 2);
    json_ok(stay_raw(server, &w.a_case.token, p2, &flat, "2025-01-01", "2025-02-01").await, 201).await;

    // Bad input: the answer names the field and the reason, and nothing is saved.
    let before = row_counts(server).await;
    for (who, unit_id, from, to, expected) in [
        // Both beds of the room are taken on the night of 28 February.
        (p3, &room, "2024-02-28", "2024-02-29", vec![("unit", "overlaps")]),
        // The flat (one place) is taken in January 2025.
        (p1, &flat, "2025-01-15", "", vec![("unit", "overlaps")]),
        // p1 sleeps in the room on the night of 29 February.
        (p1, &flat, "2024-02-29", "2024-03-05", vec![("from", "overlaps")]),
        (p3, &flat, "2026-03-03", "", vec![("from", "in-future")]),
        (p3, &flat, "2026-02-01", "2026-03-09", vec![("to", "in-future")]),
        (p3, &flat, "2026-02-01", "2026-01-31", vec![("to", "ends-before-start")]),
    ] {
        let problem = json_ok(stay_raw(server, &w.a_case.token, who, unit_id, from, to).await, 422).await;
        let expected: Vec<(String, String)> = expected.iter().map(|(f, r)| (f.to_string(), r.to_string())).collect();
        assert_eq!(field_errors(&problem), expected, "{from}..{to}");
    }
    assert_eq!(row_counts(server).await, before, "nothing saved");

    // Someone without the right: another organisation's caseworker has no ground to see p1.
    let denied = denied_by(server, w.b_case.actor.account).await;
    let response = stay_raw(server, &w.b_case.token, p1, &room, "2026-02-01", "").await;
    assert_eq!(response.status(), 403);
    assert_eq!(denied_by(server, w.b_case.actor.account).await, denied + 1);
    let response = stay_raw(server, &w.a_analyst.token, p1, &room, "2026-02-01", "").await;
    assert_eq!(response.status(), 403);
    assert_eq!(row_counts(server).await, before, "nothing saved");

    // Length of stay against the night shelter's three months: 93 nights is over.
    let long = json_ok(stay_raw(server, &w.a_case.token, p3, &room, "2025-06-01", "2025-09-02").await, 201).await;
    assert_eq!((long["nights"].as_i64(), long["over_target"].as_bool()), (Some(93), Some(true)));

    // An open stay counts tonight; ending it ends the episode it opened.
    let open = send(
        server,
        &w.a_case.token,
        Method::POST,
        &format!("/api/v1/persons/{p3}/stays"),
        Some(json!({"unit_id": flat, "from": "2026-02-01"})),
    )
    .await;
    let open = json_ok(open, 201).await;
    assert_eq!((open["nights"].as_i64(), open["to"].is_null()), (Some(30), true));
    let vacancies = json_ok(
        send(server, &w.a_case.token, Method::GET, &format!("/api/v1/services/{}/housing-units", w.shelter), None)
            .await,
        200,
    )
    .await;
    let flat_now = vacancies["items"].as_array().unwrap().iter().find(|u| u["id"] == flat.as_str()).unwrap().clone();
    assert_eq!((flat_now["occupied"].as_i64(), flat_now["free"].as_i64()), (Some(1), Some(0)));
    let stay_path = format!("/api/v1/stays/{}", open["id"].as_str().unwrap());
    let late = json_ok(
        send(
            server,
            &w.a_case.token,
            Method::POST,
            &format!("{stay_path}/end"),
            Some(json!({"to": "2026-03-03", "version": 1})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field_errors(&late), vec![("to".to_string(), "in-future".to_string())]);
    let stale = send_if(
        server,
        &w.a_case.token,
        Method::POST,
        &format!("{stay_path}/end"),
        Some(json!({"to": "2026-02-20"})),
        Some("\"7\""),
    )
    .await;
    assert_eq!(stale.status(), 409);
    let ended = json_ok(
        send_if(
            server,
            &w.a_case.token,
            Method::POST,
            &format!("{stay_path}/end"),
            Some(json!({"to": "2026-02-20"})),
            Some("\"1\""),
        )
        .await,
        200,
    )
    .await;
    assert_eq!((ended["nights"].as_i64(), ended["to"].as_str()), (Some(19), Some("2026-02-20")));
    let episode_end: (Option<String>,) = sqlx::query_as("SELECT end_date FROM episodes WHERE id = $1")
        .bind(open["episode_id"].as_str().unwrap())
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    assert_eq!(episode_end.0.as_deref(), Some("2026-02-20"));

    // Nights and occupancy in the leap February: 3 + 2 nights of (2 + 1 beds) × 29 nights.
    let shelter = format!("/api/v1/services/{}", w.shelter);
    let february = dashboard(server, &w.a_leader.token, &shelter, "2024-02-01", "2024-02-29").await;
    assert_eq!((february["suppressed"].as_bool(), february["whole_months"].as_bool()), (Some(false), Some(false)));
    assert_eq!(
        (february["current"]["nights"].as_u64(), february["current"]["available_nights"].as_i64()),
        (Some(5), Some(87))
    );
    assert!((february["current"]["occupancy"].as_f64().unwrap() - 5.0 / 87.0).abs() < 1e-9);
    let nights = february["charts"].as_array().unwrap().iter().find(|c| c["key"] == "nights-by-month").unwrap().clone();
    assert_eq!(nights["columns"], json!(["night_shelter", "low_threshold_flat"]));
    assert_eq!(nights["rows"][0]["values"], json!([5, 0]));
    // March 2024 holds one night (p1's of 1 March); the previous period of 31 days ends 29 February.
    let march = dashboard(server, &w.a_leader.token, &shelter, "2024-03-01", "2024-03-31").await;
    assert_eq!((march["current"]["nights"].as_u64(), march["previous"]["nights"].as_u64()), (Some(1), Some(5)));
    assert_eq!(
        (march["previous_from"].as_str(), march["previous_to"].as_str()),
        (Some("2024-01-30"), Some("2024-02-29"))
    );
    // Persons served in March: p1 and p2 had episodes at the shelter then (p2's ended 1 March).
    assert_eq!(march["current"]["persons_served"], 2);

    // The analyst gets the same dashboard with small counts hidden.
    let analyst_march = dashboard(server, &w.a_analyst.token, &shelter, "2024-03-01", "2024-03-31").await;
    assert_eq!(analyst_march["suppressed"], true);
    assert!(analyst_march["current"]["nights"].is_null() && analyst_march["current"]["occupancy"].is_null());
    assert!(analyst_march["current"]["persons_served"].is_null());
    assert_eq!(analyst_march["previous"]["nights"], 5);
    // March is a whole month that has ended, so the analyst's period is the one asked for; it is
    // compared with the whole month before (the leader's with the 31 days before).
    assert_eq!(
        (
            analyst_march["whole_months"].as_bool(),
            analyst_march["from"].as_str(),
            analyst_march["to"].as_str(),
            analyst_march["previous_from"].as_str(),
            analyst_march["previous_to"].as_str()
        ),
        (Some(true), Some("2024-03-01"), Some("2024-03-31"), Some("2024-02-01"), Some("2024-02-29"))
    );
    // A unit is changed with If-Match: a stale or missing version is refused.
    let unit_path = format!("/api/v1/housing-units/{room}");
    let body = json!({"name": "Natthjem – rom 1", "unit_type": "night_shelter", "capacity": 3});
    let missing = send(server, &w.a_leader.token, Method::PUT, &unit_path, Some(body.clone())).await;
    assert_eq!(missing.status(), 428);
    let changed = send_if(server, &w.a_leader.token, Method::PUT, &unit_path, Some(body.clone()), Some("\"1\"")).await;
    assert_eq!(changed.headers()["etag"], "\"2\"");
    assert_eq!(json_ok(changed, 200).await["capacity"], 3);
    let stale = send_if(server, &w.a_leader.token, Method::PUT, &unit_path, Some(body), Some("\"1\"")).await;
    assert_eq!(stale.status(), 409);
    let caseworker = send_if(
        server,
        &w.a_case.token,
        Method::PUT,
        &unit_path,
        Some(json!({"name": "x", "unit_type": "night_shelter", "capacity": 1})),
        Some("\"2\""),
    )
    .await;
    assert_eq!(caseworker.status(), 403);

    // The capacity may not drop below the places taken from tonight on.
    let house = unit(server, &w, "Bofellesskap", "shared_housing_with_staff", 2).await;
    for who in [p1, p2] {
        json_ok(stay_raw(server, &w.a_case.token, who, &house, "2026-02-25", "").await, 201).await;
    }
    let smaller = json!({"name": "Bofellesskap", "unit_type": "shared_housing_with_staff", "capacity": 1});
    let refused = send_if(
        server,
        &w.a_leader.token,
        Method::PUT,
        &format!("/api/v1/housing-units/{house}"),
        Some(smaller),
        Some("\"1\""),
    )
    .await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), vec![("capacity".to_string(), "not-allowed".to_string())]);

    // Someone of another organisation may not see the service's dashboard.
    let response = send(server, &w.b_case.token, Method::GET, &format!("{shelter}/dashboard"), None).await;
    assert_eq!(response.status(), 403);
}
both_backends!(stays_nights_occupancy_and_episodes, housing_flow);

async fn tally(server: &TestServer, token: &str, w: &World, body: Value) -> reqwest::Response {
    send(server, token, Method::POST, &format!("/api/v1/services/{}/tallies", w.low_threshold), Some(body)).await
}

async fn tallies_flow(server: &TestServer) {
    let w = world(server).await;
    let counters = json_ok(
        send(
            server,
            &w.a_leader.token,
            Method::PUT,
            &format!("/api/v1/services/{}/tally-counters", w.low_threshold),
            Some(json!({"counters": ["visits", "syringes_out", "syringes_returned"]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(counters["counters"], json!(["visits", "syringes_out", "syringes_returned"]));
    for (day, out, returned, visits) in
        [("2024-02-28", 100, 60, 20), ("2024-02-29", 50, 40, 25), ("2024-03-01", 30, 30, 4)]
    {
        let body =
            json!({"day": day, "counts": {"syringes_out": out, "syringes_returned": returned, "visits": visits}});
        json_ok(tally(server, &w.a_case.token, &w, body).await, 201).await;
    }
    // A correction of the leap day, a minute later: the latest entry wins, the first stays as history.
    server.clock.advance(jiff::SignedDuration::from_mins(1));
    let corrected = json_ok(
        tally(server, &w.a_case.token, &w, json!({"day": "2024-02-29", "counts": {"syringes_out": 60, "syringes_returned": 40, "visits": 25}, "note": "Telt feil"}))
            .await,
        201,
    )
    .await;
    assert_eq!(corrected["current"]["counts"]["syringes_out"], 60);
    assert_eq!(corrected["history"].as_array().unwrap().len(), 1);
    assert_eq!(corrected["history"][0]["counts"]["syringes_out"], 50);

    // Bad input changes nothing.
    let entries = scalar(server, "SELECT COUNT(*) FROM tally_entries").await;
    let negative = json_ok(
        tally(server, &w.a_case.token, &w, json!({"day": "2026-03-01", "counts": {"syringes_out": -3, "visits": 2}}))
            .await,
        422,
    )
    .await;
    assert_eq!(field_errors(&negative), vec![("syringes_out".to_string(), "negative".to_string())]);
    let future =
        json_ok(tally(server, &w.a_case.token, &w, json!({"day": "2026-03-03", "counts": {"visits": 2}})).await, 422)
            .await;
    assert_eq!(field_errors(&future), vec![("day".to_string(), "in-future".to_string())]);
    let unkept =
        json_ok(tally(server, &w.a_case.token, &w, json!({"day": "2026-03-01", "counts": {"meals": 2}})).await, 422)
            .await;
    assert_eq!(field_errors(&unkept), vec![("meals".to_string(), "not-allowed".to_string())]);
    // Another organisation and an analyst may not record; both refusals are audited.
    let denied = denied_by(server, w.b_case.actor.account).await;
    assert_eq!(
        tally(server, &w.b_case.token, &w, json!({"day": "2026-03-01", "counts": {"visits": 2}})).await.status(),
        403
    );
    assert_eq!(denied_by(server, w.b_case.actor.account).await, denied + 1);
    assert_eq!(
        tally(server, &w.a_analyst.token, &w, json!({"day": "2026-03-01", "counts": {"visits": 2}})).await.status(),
        403
    );
    assert_eq!(scalar(server, "SELECT COUNT(*) FROM tally_entries").await, entries);

    // Return rate and visits per day over the leap February: (100 + 60) out, (60 + 40) back.
    let service = format!("/api/v1/services/{}", w.low_threshold);
    let february = dashboard(server, &w.a_leader.token, &service, "2024-02-01", "2024-02-29").await;
    let f = &february["current"];
    assert_eq!((f["syringes_out"].as_u64(), f["syringes_returned"].as_u64()), (Some(160), Some(100)));
    assert_eq!(f["return_rate"].as_f64(), Some(0.625));
    assert_eq!(
        (f["visits"].as_u64(), f["open_days"].as_i64(), f["visits_per_day"].as_f64()),
        (Some(45), Some(2), Some(22.5))
    );
    let both = dashboard(server, &w.a_leader.token, &service, "2024-02-01", "2024-03-31").await;
    assert_eq!(both["current"]["return_rate"].as_f64(), Some(130.0 / 190.0));
    let csv = send(
        server,
        &w.a_leader.token,
        Method::GET,
        &format!("{service}/dashboard/charts/syringes-by-month?from=2024-02-01&to=2024-03-31"),
        None,
    )
    .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.text().await.unwrap(),
        "month,syringes_out,syringes_returned\n2024-02,160,100\n2024-03,30,30\ntotal,190,130\n"
    );

    // The analyst: March's 4 visits are hidden, and February's with them, else the total gives
    // March away; the total of 49 is still published.
    let analyst = dashboard(server, &w.a_analyst.token, &service, "2024-02-01", "2024-03-31").await;
    let visits = analyst["charts"].as_array().unwrap().iter().find(|c| c["key"] == "visits-by-month").unwrap().clone();
    assert_eq!(visits["rows"][0]["values"], json!([null]));
    assert_eq!(visits["rows"][1]["values"], json!([null]));
    assert_eq!(visits["column_totals"], json!([49]));
    let leader = dashboard(server, &w.a_leader.token, &service, "2024-02-01", "2024-03-31").await;
    let visits = leader["charts"].as_array().unwrap().iter().find(|c| c["key"] == "visits-by-month").unwrap().clone();
    assert_eq!((visits["rows"][0]["values"].clone(), visits["rows"][1]["values"].clone()), (json!([45]), json!([4])));
    let analyst_csv = send(
        server,
        &w.a_analyst.token,
        Method::GET,
        &format!("{service}/dashboard/charts/visits-by-month?from=2024-02-01&to=2024-03-31"),
        None,
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(analyst_csv, "month,visits\n2024-02,.\n2024-03,.\ntotal,49\n");

    // Counts about one (pseudonymous) person are summed with the day's anonymous counts; the
    // person's own correction replaces only their entry.
    let person_id = person(server, &w, 7).await;
    for out in [10, 12] {
        server.clock.advance(jiff::SignedDuration::from_mins(1));
        let body = json!({"day": "2024-02-28", "person_id": person_id.to_string(),
            "counts": {"syringes_out": out, "syringes_returned": 10}});
        json_ok(tally(server, &w.a_case.token, &w, body).await, 201).await;
    }
    let with_person = dashboard(server, &w.a_leader.token, &service, "2024-02-01", "2024-02-29").await;
    assert_eq!(with_person["current"]["syringes_out"], 172);
    assert_eq!(with_person["current"]["syringes_returned"], 110);
    let audited: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'tally_recorded' AND person = $1")
            .bind(person_id.to_string())
            .fetch_one(server.store.raw_pool_for_tests())
            .await
            .unwrap();
    assert_eq!(audited.0, 2);
    let body = json!({"day": "2024-02-28", "person_id": person_id.to_string(), "counts": {"syringes_out": 1}});
    assert_eq!(tally(server, &w.b_case.token, &w, body).await.status(), 403);

    // The municipality's page is always suppressed; caseworkers work with their own service.
    let area = dashboard(
        server,
        &w.a_leader.token,
        &format!("/api/v1/municipalities/{}", w.municipality),
        "2024-02-01",
        "2024-03-31",
    )
    .await;
    assert_eq!((area["suppressed"].as_bool(), area["whole_months"].as_bool()), (Some(true), Some(true)));
    assert_eq!((area["from"].as_str(), area["to"].as_str()), (Some("2024-02-01"), Some("2024-03-31")));
    assert_eq!(area["current"]["syringes_out"], 202);
    // So is the region's, which holds its members' services.
    let skien = json_ok(
        send(
            server,
            &w.admin.token,
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "NO", "number": "4003", "name": "Skien"})),
        )
        .await,
        201,
    )
    .await;
    let region = json_ok(
        send(server, &w.admin.token, Method::POST, "/api/v1/regions",
            Some(json!({"name": "Grenland", "host_municipality_id": w.municipality, "member_municipality_ids": [w.municipality, skien["id"]]}))).await,
        201,
    )
    .await;
    let region_path = format!("/api/v1/regions/{}", region["id"].as_str().unwrap());
    let grenland = dashboard(server, &w.a_analyst.token, &region_path, "2024-02-01", "2024-03-31").await;
    assert_eq!(
        (grenland["suppressed"].as_bool(), grenland["current"]["syringes_out"].as_u64()),
        (Some(true), Some(202))
    );
    let csv = send(
        server,
        &w.a_analyst.token,
        Method::GET,
        &format!("{region_path}/dashboard/charts/visits-by-month?from=2024-02-01&to=2024-03-31"),
        None,
    )
    .await;
    assert_eq!(csv.text().await.unwrap(), "month,visits\n2024-02,.\n2024-03,.\ntotal,49\n");
    let response = send(
        server,
        &w.a_case.token,
        Method::GET,
        &format!("/api/v1/municipalities/{}/dashboard", w.municipality),
        None,
    )
    .await;
    assert_eq!(response.status(), 403);
}
both_backends!(tallies_return_rate_corrections_and_suppression, tallies_flow);

/// Gives the person an individual plan, coordinated by the caseworker who registered them.
async fn plan_for(server: &TestServer, w: &World, person: PersonId) {
    let body = json!({"person": person.to_string(), "phase": "pre_treatment", "period_from": "2026-03-01",
        "period_to": "2026-12-31", "next_revision": "2026-06-01", "resources_and_needs": "Bolig.",
        "person_contribution": "Møter opp.", "person_takes_part": true});
    json_ok(send(server, &w.a_case.token, Method::POST, "/api/v1/plans", Some(body)).await, 201).await;
}

/// (persons served, with a plan, share with a plan) of a period of a dashboard.
fn plan_figures(dashboard: &Value, period: &str) -> (Option<u64>, Option<u64>, Option<f64>) {
    let f = &dashboard[period];
    (f["persons_served"].as_u64(), f["persons_with_plan"].as_u64(), f["plan_share"].as_f64())
}

async fn chart_csv(server: &TestServer, token: &str, path: &str, chart: &str, from: &str, to: &str) -> String {
    let response =
        send(server, token, Method::GET, &format!("{path}/dashboard/charts/{chart}?from={from}&to={to}"), None).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn page_html(server: &TestServer, account: &TestAccount, path: &str) -> String {
    let response = server.signed_in(account).await.get(server.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn plans_flow(server: &TestServer) {
    let w = world(server).await;
    let follow_up = format!("/api/v1/services/{}", w.follow_up);
    let municipality = format!("/api/v1/municipalities/{}", w.municipality);
    let (from, to) = ("2026-01-01", "2026-02-28");
    // Six persons served at the follow-up service since 2024 (in both periods), two more from
    // 15 January (this period only); four of the first six and both newcomers have a plan.
    let mut since_2024 = Vec::new();
    for n in 1..=6 {
        since_2024.push(person(server, &w, n).await);
    }
    let newcomers = [
        person_at(server, &w, 7, &w.follow_up.clone(), "2026-01-15").await,
        person_at(server, &w, 8, &w.follow_up.clone(), "2026-01-15").await,
    ];
    for p in since_2024.iter().take(4).chain(newcomers.iter()) {
        plan_for(server, &w, *p).await;
    }
    // Not served at the follow-up service in either period, with plans: one who starts
    // after the period there, and one served at another service of the municipality.
    let later = person_at(server, &w, 9, &w.follow_up.clone(), "2026-03-01").await;
    plan_for(server, &w, later).await;
    let elsewhere = person_at(server, &w, 10, &w.low_threshold.clone(), "2026-01-15").await;
    plan_for(server, &w, elsewhere).await;

    // The leader sees the exact figures: 6 of 8 (75 %), and before it 4 of 6.
    let leader = dashboard(server, &w.a_leader.token, &follow_up, from, to).await;
    assert_eq!((leader["suppressed"].as_bool(), leader["previous_from"].as_str()), (Some(false), Some("2025-11-03")));
    assert_eq!(plan_figures(&leader, "current"), (Some(8), Some(6), Some(0.75)));
    let (served, with_plan, share) = plan_figures(&leader, "previous");
    assert_eq!((served, with_plan), (Some(6), Some(4)));
    assert!(share.is_some_and(|s| (s - 4.0 / 6.0).abs() < 1e-9), "{share:?}");
    assert_eq!(
        chart_csv(server, &w.a_leader.token, &follow_up, "persons-with-plan", from, to).await,
        "period,with_plan,without_plan,total\n2026-01-01/2026-02-28,6,2,8\n2025-11-03/2025-12-31,4,2,6\n"
    );

    // The page shows the same in its figures table, and the chart with its text alternative.
    let row = |label: &str, current: &str, previous: &str| {
        format!(
            "<th scope=\"row\">{label}</th><td class=\"los-num\">{current}</td><td class=\"los-num\">{previous}</td>"
        )
    };
    let page = format!("/services/{}/dashboard?from={from}&to={to}", w.follow_up);
    let leader_account = server.account_in("planleder", Role::Leader, server.organization, true).await;
    let html = page_html(server, &leader_account, &page).await;
    assert!(html.contains(&row("Av dem med individuell plan", "6", "4")), "{html}");
    assert!(html.contains(&row("Andel med individuell plan", "75,0 %", "66,7 %")), "{html}");
    assert!(html.contains("<desc id=\"chart-persons-with-plan-desc\">"));
    let analyst_account = server.account_in("plananalytiker", Role::Analyst, server.organization, true).await;
    let html = page_html(server, &analyst_account, &page).await;
    assert!(html.contains(&row("Av dem med individuell plan", ".", ".")), "{html}");
    assert!(html.contains(&row("Andel med individuell plan", "–", "–")), "{html}");

    // The analyst gets the persons served, but not who has a plan: this period the 2 without
    // one would be a small count (8 − 6), the period before the 4 with one is.
    let analyst = dashboard(server, &w.a_analyst.token, &follow_up, from, to).await;
    assert_eq!(analyst["suppressed"], true);
    // January and February are whole months that have ended: the analyst's period is the one
    // asked for, and the previous one the two whole months before it (not the leader's 59 days).
    assert_eq!(
        (analyst["whole_months"].as_bool(), analyst["previous_from"].as_str(), analyst["previous_to"].as_str()),
        (Some(true), Some("2025-11-01"), Some("2025-12-31"))
    );
    assert_eq!(plan_figures(&analyst, "current"), (Some(8), None, None));
    assert_eq!(plan_figures(&analyst, "previous"), (Some(6), None, None));
    assert!(analyst["current"]["persons_with_plan"].is_null() && analyst["current"]["plan_share"].is_null());
    assert_eq!(
        chart_csv(server, &w.a_analyst.token, &follow_up, "persons-with-plan", from, to).await,
        "period,with_plan,without_plan,total\n2026-01-01/2026-02-28,.,.,8\n2025-11-01/2025-12-31,.,.,6\n"
    );
    // The municipality's page (its three services) counts the person served elsewhere too:
    // 7 of 9, the 2 without a plan hidden.
    let area = dashboard(server, &w.a_leader.token, &municipality, from, to).await;
    assert_eq!(plan_figures(&area, "current"), (Some(9), None, None));

    // With plans for the last two of the first six, no count is small any more this period:
    // everyone served has a plan. Before it, 6 of 6.
    for p in &since_2024[4..] {
        plan_for(server, &w, *p).await;
    }
    let analyst = dashboard(server, &w.a_analyst.token, &follow_up, from, to).await;
    assert_eq!(plan_figures(&analyst, "current"), (Some(8), Some(8), Some(1.0)));
    assert_eq!(plan_figures(&analyst, "previous"), (Some(6), Some(6), Some(1.0)));
    let area = dashboard(server, &w.a_analyst.token, &municipality, from, to).await;
    assert_eq!(plan_figures(&area, "current"), (Some(9), Some(9), Some(1.0)));
    assert_eq!(
        chart_csv(server, &w.a_analyst.token, &municipality, "persons-with-plan", from, to).await,
        "period,with_plan,without_plan,total\n2026-01-01/2026-02-28,9,0,9\n2025-11-01/2025-12-31,6,0,6\n"
    );
}
both_backends!(dashboard_share_of_persons_with_a_plan, plans_flow);

async fn lar_flow(server: &TestServer) {
    let w = world(server).await;
    let municipality = format!("/api/v1/municipalities/{}", w.municipality);
    let (from, to) = ("2026-01-01", "2026-02-28");
    let lar_service = json_ok(
        send(
            server,
            &w.admin.token,
            Method::POST,
            "/api/v1/services",
            Some(
                json!({"municipality_id": w.municipality, "provider_organization_id": server.organization.to_string(),
                "name": "LAR-poliklinikk", "category": "health", "phases": ["pre_treatment"], "focus_areas": ["LAR"]}),
            ),
        )
        .await,
        201,
    )
    .await;
    let lar_service = lar_service["id"].as_str().unwrap().to_string();
    // Eight LAR clients and two persons served who are not: 10 served, 8 of them LAR clients.
    for n in 1..=8 {
        person_at(server, &w, n, &lar_service, "2024-01-01").await;
    }
    for n in 9..=10 {
        person(server, &w, n).await;
    }
    let lar = |dashboard: &Value| {
        (dashboard["current"]["persons_served"].as_u64(), dashboard["current"]["lar_clients"].as_u64())
    };
    // The 2 non-LAR clients would be 10 − 8: the LAR clients are hidden with them.
    let analyst = dashboard(server, &w.a_analyst.token, &municipality, from, to).await;
    assert_eq!(analyst["suppressed"], true);
    assert_eq!(lar(&analyst), (Some(10), None));
    // With five non-LAR clients no count is small: the LAR clients are shown.
    for n in 11..=13 {
        person(server, &w, n).await;
    }
    let analyst = dashboard(server, &w.a_analyst.token, &municipality, from, to).await;
    assert_eq!(lar(&analyst), (Some(13), Some(8)));
}
both_backends!(dashboard_hides_lar_clients_with_a_small_count_of_others, lar_flow);

/// The figures, the period and the flag of a dashboard, each as the API gave it.
fn period_of(dashboard: &Value) -> (String, String, String, String, Option<bool>) {
    let text = |key: &str| dashboard[key].as_str().unwrap_or_default().to_string();
    (text("from"), text("to"), text("previous_from"), text("previous_to"), dashboard["whole_months"].as_bool())
}

fn period(
    from: &str,
    to: &str,
    previous_from: &str,
    previous_to: &str,
    whole: bool,
) -> (String, String, String, String, Option<bool>) {
    (from.into(), to.into(), previous_from.into(), previous_to.into(), Some(whole))
}

/// (persons served, visits, syringes out) of a period of a dashboard.
fn additive(dashboard: &Value, which: &str) -> (Option<u64>, Option<u64>, Option<u64>) {
    let f = &dashboard[which];
    (f["persons_served"].as_u64(), f["visits"].as_u64(), f["syringes_out"].as_u64())
}

async fn whole_months_flow(server: &TestServer) {
    // Today is 2 March 2026: February is the last month that has ended.
    let w = world(server).await;
    let service = format!("/api/v1/services/{}", w.low_threshold);
    let municipality = format!("/api/v1/municipalities/{}", w.municipality);
    json_ok(
        send(
            server,
            &w.a_leader.token,
            Method::PUT,
            &format!("{service}/tally-counters"),
            Some(json!({"counters": ["visits", "syringes_out", "syringes_returned"]})),
        )
        .await,
        200,
    )
    .await;
    // Six persons served since 2024 and a seventh from 16 January; 20 visits on 10 January and 3
    // on the 16th; 10 visits on 20 December.
    for n in 1..=6 {
        person_at(server, &w, n, &w.low_threshold.clone(), "2024-01-01").await;
    }
    person_at(server, &w, 7, &w.low_threshold.clone(), "2026-01-16").await;
    for (day, visits, out) in [("2025-12-20", 10, 40), ("2026-01-10", 20, 30), ("2026-01-16", 3, 2)] {
        let body = json!({"day": day, "counts": {"visits": visits, "syringes_out": out, "syringes_returned": 0}});
        json_ok(tally(server, &w.a_case.token, &w, body).await, 201).await;
    }

    // The service's own staff get the days they ask for: two periods a day apart differ by the
    // 16th's one person, 3 visits and 2 syringes.
    let leader_15 = dashboard(server, &w.a_leader.token, &service, "2026-01-01", "2026-01-15").await;
    let leader_16 = dashboard(server, &w.a_leader.token, &service, "2026-01-01", "2026-01-16").await;
    assert_eq!(leader_15["suppressed"], false);
    assert_eq!(period_of(&leader_15), period("2026-01-01", "2026-01-15", "2025-12-17", "2025-12-31", false));
    assert_eq!(period_of(&leader_16), period("2026-01-01", "2026-01-16", "2025-12-16", "2025-12-31", false));
    assert_eq!(additive(&leader_15, "current"), (Some(6), Some(20), Some(30)));
    assert_eq!(additive(&leader_16, "current"), (Some(7), Some(23), Some(32)));
    assert_eq!(additive(&leader_16, "previous"), (Some(6), Some(10), Some(40)));

    // The analyst asking for the same two periods gets the whole of January both times, compared
    // with the whole of December: the same answer, so nothing is left to subtract.
    let analyst_15 = dashboard(server, &w.a_analyst.token, &service, "2026-01-01", "2026-01-15").await;
    let analyst_16 = dashboard(server, &w.a_analyst.token, &service, "2026-01-01", "2026-01-16").await;
    assert_eq!(analyst_15["suppressed"], true);
    assert_eq!(period_of(&analyst_15), period("2026-01-01", "2026-01-31", "2025-12-01", "2025-12-31", true));
    assert_eq!(analyst_15, analyst_16, "identical figures, charts and periods");
    assert_eq!(additive(&analyst_15, "current"), (Some(7), Some(23), Some(32)));
    assert_eq!(additive(&analyst_15, "previous"), (Some(6), Some(10), Some(40)));
    let later_start = dashboard(server, &w.a_analyst.token, &service, "2026-01-02", "2026-01-16").await;
    assert_eq!(analyst_15, later_start, "moving the first day changes nothing either");
    // The CSV downloads are written for the same period.
    let mut downloads = Vec::new();
    for to in ["2026-01-15", "2026-01-16"] {
        let response = send(
            server,
            &w.a_analyst.token,
            Method::GET,
            &format!("{service}/dashboard/charts/visits-by-month?from=2026-01-01&to={to}"),
            None,
        )
        .await;
        assert_eq!(response.status(), 200);
        let file = response.headers()["content-disposition"].to_str().unwrap().to_string();
        downloads.push((file, response.text().await.unwrap()));
    }
    assert_eq!(downloads[0], downloads[1]);
    assert_eq!(
        downloads[0],
        (
            "attachment; filename=\"visits-by-month-2026-01-01-2026-01-31.csv\"".to_string(),
            "month,visits\n2026-01,23\ntotal,23\n".to_string()
        )
    );

    // The month that has not ended is left out: both days in March give February, compared with
    // January; a period up to today ends with February.
    let march = dashboard(server, &w.a_analyst.token, &service, "2026-03-01", "2026-03-02").await;
    assert_eq!(period_of(&march), period("2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31", true));
    assert_eq!(additive(&march, "previous"), (Some(7), Some(23), Some(32)));
    let up_to_today = dashboard(server, &w.a_analyst.token, &service, "2025-12-15", "2026-03-02").await;
    assert_eq!(period_of(&up_to_today), period("2025-12-01", "2026-02-28", "2025-09-01", "2025-11-30", true));
    // Nothing asked for: the twelve months up to February, and the twelve before.
    let default =
        json_ok(send(server, &w.a_analyst.token, Method::GET, &format!("{service}/dashboard"), None).await, 200).await;
    assert_eq!(period_of(&default), period("2025-03-01", "2026-02-28", "2024-03-01", "2025-02-28", true));
    // The municipality's page is suppressed for the leader too, so it is whole months as well.
    let area = dashboard(server, &w.a_leader.token, &municipality, "2026-01-01", "2026-01-15").await;
    assert_eq!(period_of(&area), period("2026-01-01", "2026-01-31", "2025-12-01", "2025-12-31", true));
    assert_eq!(additive(&area, "current"), (Some(7), Some(23), Some(32)));

    // Bad input is still refused as asked, though whole months would have made something of it.
    for (from, to, expected) in [
        ("2026-01-16", "2026-01-15", ("to", "ends-before-start")),
        ("2026-03-01", "2026-03-03", ("to", "in-future")),
        ("2026-1-01", "2026-01-15", ("from", "invalid-format")),
        ("2022-01-01", "2026-01-31", ("from", "not-allowed")),
    ] {
        let path = format!("{service}/dashboard?from={from}&to={to}");
        let problem = json_ok(send(server, &w.a_analyst.token, Method::GET, &path, None).await, 422).await;
        assert_eq!(field_errors(&problem), vec![(expected.0.to_string(), expected.1.to_string())], "{from}..{to}");
    }

    // The flag is part of the published API.
    let doc: Value =
        server.bare_client().get(server.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let schema = &doc["components"]["schemas"]["DashboardOut"];
    assert_eq!(schema["properties"]["whole_months"]["type"], "boolean");
    assert!(schema["required"].as_array().unwrap().iter().any(|r| r == "whole_months"));
}
both_backends!(suppressed_dashboard_periods_are_whole_months_so_no_day_can_be_subtracted, whole_months_flow);

async fn housing_consent_only(server: &TestServer) {
    let w = world(server).await;
    let org_b = server.other_organization;
    // Organisation B runs a shelter in the municipality; the person is enrolled with A only.
    let service_b = json_ok(
        send(
            server,
            &w.admin.token,
            Method::POST,
            "/api/v1/services",
            Some(json!({"municipality_id": w.municipality, "provider_organization_id": org_b.to_string(),
                "name": "Frivillig natthjem", "category": "housing", "phases": ["pre_treatment"]})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b_leader = member(server, "b.leder", Role::Leader, org_b).await;
    let unit_b = json_ok(
        send(
            server,
            &b_leader.token,
            Method::POST,
            &format!("/api/v1/services/{service_b}/housing-units"),
            Some(json!({"name": "Seng 1", "unit_type": "night_shelter", "capacity": 1})),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let p = person(server, &w, 41).await;
    let consent = los_core::consent::ConsentFields {
        categories: vec!["housing".into()],
        valid_from: "2026-03-01".into(),
        valid_to: "2027-02-28".into(),
        note: "Skriftlig".into(),
    };
    server.app.give_consent(&w.ctx, &w.a_case.actor, p, &org_b.to_string(), &consent).await.unwrap();
    // The consent lets B read the person's housing, but recording a stay would open an episode
    // at B — ordinary work need in every category. Refused and audited; nothing saved.
    let listed = send(server, &w.b_case.token, Method::GET, &format!("/api/v1/persons/{p}/stays"), None).await;
    assert_eq!(listed.status(), 200);
    let before = row_counts(server).await;
    let denied = denied_by(server, b_leader.actor.account).await;
    let refused = stay_raw(server, &b_leader.token, p, &unit_b, "2026-03-01", "").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(row_counts(server).await, before);
    assert_eq!(denied_by(server, b_leader.actor.account).await, denied + 1);
    let decisions = send(server, &w.b_case.token, Method::GET, &format!("/api/v1/persons/{p}/decisions"), None).await;
    assert_eq!(decisions.status(), 403, "no wider access came of it");
}
both_backends!(a_housing_consent_alone_does_not_let_a_stay_open_an_episode, housing_consent_only);
