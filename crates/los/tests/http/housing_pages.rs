//! The housing, tally and dashboard pages: adding a unit, the daily tally form with a refused
//! negative count and a correction kept in the history, recording a stay on the person's page,
//! and the dashboards with their SVG charts, tables and CSV downloads, suppressed for analysts
//! and on the municipality's page.

use jiff::Timestamp;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::person::PersonFields;
use los_core::policy::Actor;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn api(server: &TestServer, token: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
    json_ok(
        send(server, token, method.clone(), path, Some(body)).await,
        if method == reqwest::Method::POST { 201 } else { 200 },
    )
    .await
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn count(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql).fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

async fn pages(server: &TestServer) {
    server.clock.set("2026-03-02T08:00:00Z".parse::<Timestamp>().unwrap());
    let org = server.organization;
    let admin = server.account_in("admin", Role::Admin, org, true).await;
    let admin_token = server.token(&admin).await;
    let municipality = api(
        server,
        &admin_token,
        reqwest::Method::POST,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4001", "name": "Porsgrunn"}),
    )
    .await;
    let mut services = Vec::new();
    for (name, category) in [("Natthjem", "housing"), ("Lavterskel helse", "health")] {
        let created = api(
            server,
            &admin_token,
            reqwest::Method::POST,
            "/api/v1/services",
            json!({"municipality_id": municipality["id"], "provider_organization_id": org.to_string(),
                "name": name, "category": category, "phases": ["pre_treatment"]}),
        )
        .await;
        services.push(created["id"].as_str().unwrap().to_string());
    }
    let (shelter, low_threshold) = (services[0].clone(), services[1].clone());
    let leader = server.account_in("leder", Role::Leader, org, true).await;
    let kari = server.account_in("kari", Role::Caseworker, org, true).await;
    let analyst = server.account_in("analytiker", Role::Analyst, org, true).await;

    // A leader adds a unit; a negative capacity is refused with the reason in bokmål.
    let leader_client = server.signed_in(&leader).await;
    let path = format!("/services/{shelter}/housing");
    let (status, html) = get(&leader_client, server, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"unit_type\""), "the unit form is there");
    let csrf = server.csrf(&leader_client, &path).await;
    let refused = post_form(
        &leader_client,
        &server.url(&path),
        &csrf,
        &[("name", "Seng 1"), ("unit_type", "night_shelter"), ("capacity", "-1")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("kan ikke være negativt"));
    assert_eq!(count(server, "SELECT COUNT(*) FROM housing_units").await, 0);
    let saved = post_form(
        &leader_client,
        &server.url(&path),
        &csrf,
        &[("name", "Seng 1"), ("unit_type", "night_shelter"), ("capacity", "1")],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let (_, html) = get(&leader_client, server, &path).await;
    assert!(html.contains("Seng 1") && html.contains("92 netter"));

    // The daily tally form: all the service's counters, a negative count refused, a correction kept.
    let leader_token = server.token(&leader).await;
    let tallies = format!("/services/{low_threshold}/tallies");
    let csrf = server.csrf(&leader_client, &tallies).await;
    let counters = server.url(&format!("{tallies}/counters"));
    let none = post_form(&leader_client, &counters, &csrf, &[]).await;
    assert_eq!(none.status(), 422, "a service counts at least one thing");
    let chosen = post_form(
        &leader_client,
        &counters,
        &csrf,
        &[("counters", "visits"), ("counters", "syringes_out"), ("counters", "syringes_returned")],
    )
    .await;
    assert_eq!(chosen.status(), 303);
    let kari_client = server.signed_in(&kari).await;
    let (status, html) = get(&kari_client, server, &tallies).await;
    assert_eq!(status, 200);
    assert!(!html.contains("/tallies/counters"), "caseworkers do not choose the counters");
    for code in ["visits", "syringes_out", "syringes_returned"] {
        assert!(html.contains(&format!("id=\"f-{code}\"")), "{code} has a box");
    }
    let csrf = server.csrf(&kari_client, &tallies).await;
    let refused = post_form(
        &kari_client,
        &server.url(&tallies),
        &csrf,
        &[("day", "2026-03-01"), ("visits", "12"), ("syringes_out", "-2"), ("syringes_returned", "")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("kan ikke være negativt") && html.contains("value=\"-2\""), "the typed values are kept");
    assert_eq!(count(server, "SELECT COUNT(*) FROM tally_entries").await, 0);
    for out in ["40", "45"] {
        server.clock.advance(jiff::SignedDuration::from_mins(1));
        let saved = post_form(
            &kari_client,
            &server.url(&tallies),
            &csrf,
            &[("day", "2026-03-01"), ("visits", "12"), ("syringes_out", out), ("syringes_returned", "30")],
        )
        .await;
        assert_eq!(saved.status(), 303);
        assert_eq!(location(&saved), format!("{tallies}?day=2026-03-01"));
    }
    let (_, html) = get(&kari_client, server, &format!("{tallies}?day=2026-03-01")).await;
    assert!(html.contains("value=\"45\""), "the correction is in force");
    assert!(html.contains("Rettet") && html.contains("Sprøyter ut: 40"), "the first entry stays as history");

    // A stay recorded on the person's page; one overlapping it is refused.
    let person = server
        .app
        .register_person(
            &RequestContext::default(),
            &Actor { account: kari.id, organization: org, role: Role::Caseworker },
            &NewPersonInput {
                fields: PersonFields {
                    kind: "pseudonymous".into(),
                    pseudonym: "NH-0001".into(),
                    birth_year: "1990".into(),
                    sex: "male".into(),
                    ..Default::default()
                },
                service: shelter.clone(),
                start: "2026-01-01".into(),
                confirm_not_duplicate: true,
            },
        )
        .await
        .unwrap();
    let units = api(
        server,
        &leader_token,
        reqwest::Method::GET,
        &format!("/api/v1/services/{shelter}/housing-units"),
        json!(null),
    )
    .await;
    let unit = units["items"][0]["id"].as_str().unwrap().to_string();
    let stays = format!("/persons/{person}/stays");
    let (status, html) = get(&kari_client, server, &stays).await;
    assert_eq!(status, 200);
    assert!(html.contains(&unit), "the unit can be chosen");
    let csrf = server.csrf(&kari_client, &stays).await;
    let saved =
        post_form(&kari_client, &server.url(&stays), &csrf, &[("unit", &unit), ("from", "2026-02-01"), ("to", "")])
            .await;
    assert_eq!(saved.status(), 303);
    let refused =
        post_form(&kari_client, &server.url(&stays), &csrf, &[("unit", &unit), ("from", "2026-02-10"), ("to", "")])
            .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(count(server, "SELECT COUNT(*) FROM stays").await, 1);
    let (_, html) = get(&kari_client, server, &stays).await;
    assert!(html.contains("Bor der nå") && html.contains(">30<"), "open, 30 nights with tonight");

    // The service's dashboard: figures, an SVG chart with its text alternative, a table, a CSV link.
    let dashboard = format!("/services/{low_threshold}/dashboard?from=2026-02-01&to=2026-03-01");
    let (status, html) = get(&leader_client, server, &dashboard).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<svg")
            && html.contains("role=\"img\"")
            && html.contains("<desc id=\"chart-syringes-by-month-desc\">")
    );
    assert!(html.contains("Sprøyter delt ut") && !html.contains("data-testid=\"suppressed-note\""));
    // The leader's period is the days asked for, 1 March included.
    assert!(!html.contains("data-testid=\"whole-months-note\""));
    assert!(html.contains("value=\"2026-03-01\""), "the period asked for stays in the form");
    let csv =
        leader_client
            .get(server.url(&format!(
                "/services/{low_threshold}/dashboard/syringes-by-month/csv?from=2026-02-01&to=2026-03-01"
            )))
            .send()
            .await
            .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.text().await.unwrap(),
        "month,syringes_out,syringes_returned\n2026-02,0,0\n2026-03,45,30\ntotal,45,30\n"
    );
    // The analyst sees the same page with small counts hidden, over whole months that have
    // ended: February only, since March has not ended (its 45 syringes are left out). The page
    // says so next to the period form, which shows the period used.
    let analyst_client = server.signed_in(&analyst).await;
    let (status, html) = get(&analyst_client, server, &dashboard).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"suppressed-note\""));
    assert!(
        html.contains(
            "<p class=\"ds-paragraph\" data-testid=\"whole-months-note\">Tallene er skjermet, så perioden gjelder \
             hele avsluttede måneder: 2026-02-01 – 2026-02-28.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("value=\"2026-02-28\"") && !html.contains("value=\"2026-03-01\""));
    assert!(html.contains("/syringes-by-month/csv?from=2026-02-01&#38;to=2026-02-28"), "{html}");
    let csv =
        analyst_client
            .get(server.url(&format!(
                "/services/{low_threshold}/dashboard/syringes-by-month/csv?from=2026-02-01&to=2026-03-01"
            )))
            .send()
            .await
            .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.text().await.unwrap(), "month,syringes_out,syringes_returned\n2026-02,0,0\ntotal,0,0\n");
    // The municipality's dashboard is suppressed for everyone; caseworkers are refused.
    let area = format!("/municipalities/{}/dashboard", municipality["id"].as_str().unwrap());
    let (status, html) = get(&leader_client, server, &area).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"suppressed-note\""));
    // With no period asked for, the twelve months up to February.
    assert!(html.contains("hele avsluttede måneder: 2025-03-01 – 2026-02-28."), "{html}");
    let (status, _) = get(&kari_client, server, &area).await;
    assert_eq!(status, 403);
}
both_backends!(housing_tally_and_dashboard_pages, pages);
