//! Deadline rules as data: local rules made by administrators and used by the preview, the
//! read-only statutory rules, and the Norwegian customary days off as a local calendar option.

use los_core::account::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    list.sort();
    list
}

async fn stored_rules(server: &TestServer) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM local_deadline_rules")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    row.0
}

fn local_rule(code: &str, unit: &str, amount: i64) -> Value {
    json!({
        "code": code,
        "title": {"nb": "Svar på søknad om bolig", "sv": "Svar på ansökan om boende", "en": "Reply to a housing application"},
        "description": "Tjenestestandard for boligkontoret, vedtatt 2026",
        "kind": "deadline",
        "country": "NO",
        "start_event": "application_received",
        "period": {"unit": unit, "amount": amount},
        "extends_to_working_day": true,
    })
}

async fn preview(server: &TestServer, token: &str, query: &str) -> Value {
    let response =
        send_if(server, token, reqwest::Method::GET, &format!("/api/v1/deadlines/preview?{query}"), None, None).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

async fn local_rules_api(server: &TestServer) {
    use reqwest::Method;
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    let leader = server.account("leader", Role::Leader, true).await;
    let leader_token = server.token(&leader).await;

    // The list: statutory rules read-only, the seeded local rules editable at version 0.
    let list: Value =
        send_if(server, &leader_token, Method::GET, "/api/v1/deadline-rules", None, None).await.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    let appeal = items.iter().find(|r| r["code"] == "no.fvl.appeal").unwrap();
    assert_eq!(appeal["read_only"], true);
    assert_eq!(appeal["source"]["type"], "statute");
    let shelter = items.iter().find(|r| r["code"] == "local.night_shelter.decision").unwrap();
    assert_eq!(shelter["read_only"], false);
    assert_eq!(shelter["version"], 0);

    // An administrator makes a local rule; the preview computes with it.
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("local.housing.reply", "calendar_days", 10)),
        None,
    )
    .await;
    assert_eq!(response.status(), 201);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, "\"1\"");
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["code"], "local.housing.reply");
    assert_eq!(created["source"]["type"], "local");
    assert_eq!(server.audit_count("deadline_rule_created").await, 1);
    // Saturday 10 October 2026 + 10 days = Tuesday 20 October.
    let body = preview(server, &leader_token, "start=2026-10-10&country=NO&rule=local.housing.reply").await;
    assert_eq!(body["due"], "2026-10-20");
    assert_eq!(body["explanation"]["rule_code"], "local.housing.reply");
    assert_eq!(body["explanation"]["source"]["type"], "local");
    // The rule is Norwegian: a Swedish calendar is refused.
    let response = send_if(
        server,
        &leader_token,
        Method::GET,
        "/api/v1/deadlines/preview?start=2026-10-10&country=SE&rule=local.housing.reply",
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), 422);

    // The same code again is refused.
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("local.housing.reply", "calendar_days", 10)),
        None,
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("code", "already-exists")]));

    // Edited with the current version: 14 days, and the preview follows.
    let path = "/api/v1/deadline-rules/local.housing.reply";
    let mut changed = local_rule("local.housing.reply", "calendar_days", 14);
    changed.as_object_mut().unwrap().remove("code");
    let response = send_if(server, &admin_token, Method::PUT, path, Some(changed.clone()), Some(&etag)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"].to_str().unwrap(), "\"2\"");
    assert_eq!(server.audit_count("deadline_rule_updated").await, 1);
    let body = preview(server, &leader_token, "start=2026-10-10&country=NO&rule=local.housing.reply").await;
    // Saturday 24 October, moved to Monday 26.
    assert_eq!(body["due"], "2026-10-26");
    // A stale version: 409, nothing changed.
    let response = send_if(server, &admin_token, Method::PUT, path, Some(changed.clone()), Some(&etag)).await;
    assert_eq!(response.status(), 409);
    assert_eq!(server.audit_count("deadline_rule_updated").await, 1);
    // Without If-Match: 428.
    let response = send_if(server, &admin_token, Method::PUT, path, Some(changed.clone()), None).await;
    assert_eq!(response.status(), 428);

    // A seeded local rule is overridden by a stored row; its first version is 0.
    let shelter_path = "/api/v1/deadline-rules/local.night_shelter.decision";
    let mut shelter_rule = local_rule("local.night_shelter.decision", "calendar_days", 7);
    shelter_rule["country"] = Value::Null;
    let response = send_if(server, &admin_token, Method::PUT, shelter_path, Some(shelter_rule), Some("\"0\"")).await;
    assert_eq!(response.status(), 200);
    let body = preview(server, &leader_token, "start=2026-10-10&country=SE&rule=local.night_shelter.decision").await;
    // Saturday 10 + 7 = Saturday 17 October, moved to Monday 19.
    assert_eq!(body["due"], "2026-10-19");

    // A non-administrator is refused and the refusal is audited.
    let denied_before = server.audit_count("access_denied").await;
    let response = send_if(
        server,
        &leader_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("local.leader.rule", "calendar_days", 5)),
        None,
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = send_if(server, &leader_token, Method::PUT, path, Some(changed.clone()), Some("\"2\"")).await;
    assert_eq!(response.status(), 403);
    assert_eq!(server.audit_count("access_denied").await, denied_before + 2);

    // A statutory rule can never be overwritten, neither by a new rule nor by an edit.
    let before = stored_rules(server).await;
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("no.fvl.appeal", "weeks", 4)),
        None,
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("code", "not-allowed")]));
    let response = send_if(
        server,
        &admin_token,
        Method::PUT,
        "/api/v1/deadline-rules/no.fvl.appeal",
        Some(local_rule("no.fvl.appeal", "weeks", 4)),
        Some("\"0\""),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("code", "not-allowed")]));
    // A code outside `local.` is refused too.
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("no.my.rule", "weeks", 4)),
        None,
    )
    .await;
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("code", "not-allowed")]));
    let body = preview(server, &leader_token, "start=2026-10-10&country=NO&rule=no.fvl.appeal").await;
    assert_eq!(body["explanation"]["period"], json!({"unit": "weeks", "amount": 3}));

    // Bad input: every field named, nothing stored.
    let mut bad = local_rule("local.bad.unit", "fortnights", 3);
    bad["title"]["en"] = json!("  ");
    let response = send_if(server, &admin_token, Method::POST, "/api/v1/deadline-rules", Some(bad), None).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        field_errors(&response.json().await.unwrap()),
        pairs(&[("period.unit", "unknown-value"), ("title.en", "required")])
    );
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("local.bad.zero", "working_days", 0)),
        None,
    )
    .await;
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("period.amount", "not-allowed")]));
    let response = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/deadline-rules",
        Some(local_rule("local.bad.large", "working_days", 10_001)),
        None,
    )
    .await;
    assert_eq!(field_errors(&response.json().await.unwrap()), pairs(&[("period.amount", "too-long")]));
    let mut bad = local_rule("local.bad.kind", "months", 2);
    bad["kind"] = json!("wish");
    bad["country"] = json!("DK");
    bad["start_event"] = json!("Started!");
    bad["description"] = json!("");
    let response = send_if(server, &admin_token, Method::POST, "/api/v1/deadline-rules", Some(bad), None).await;
    assert_eq!(
        field_errors(&response.json().await.unwrap()),
        pairs(&[
            ("country", "unknown-value"),
            ("kind", "unknown-value"),
            ("source.description", "required"),
            ("start_event", "invalid-characters"),
        ])
    );
    assert_eq!(stored_rules(server).await, before);
    assert_eq!(server.audit_count("deadline_rule_created").await, 1);
}

both_backends!(local_rules_api_works, local_rules_api);

async fn customary_days_off(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    // Tuesday 22 December 2026 + 2 working days: Thursday 24 December when Christmas Eve is a
    // working day; Monday 28 December when it is off (25 and 26 are holidays, 27 a Sunday).
    let query = "start=2026-12-22&country=NO&working_days=2";
    assert_eq!(preview(server, &admin_token, query).await["due"], "2026-12-24");
    // A working-day rule with the move: appeal notice on 3 December + 3 weeks = 24 December.
    let appeal = "start=2026-12-03&country=NO&rule=no.fvl.appeal";
    assert_eq!(preview(server, &admin_token, appeal).await["due"], "2026-12-24");
    // Sweden: the eves are always off.
    assert_eq!(preview(server, &admin_token, "start=2026-12-22&country=SE&working_days=2").await["due"], "2026-12-28");

    // Only administrators change the option.
    let leader = server.account("leader", Role::Leader, true).await;
    let leader_client = server.signed_in(&leader).await;
    let csrf = server.csrf(&leader_client, "/account").await;
    let denied_before = server.audit_count("access_denied").await;
    let response = post_form(
        &leader_client,
        &server.url("/admin/deadline-rules/calendar"),
        &csrf,
        &[("customary_days_off", "on")],
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(server.audit_count("access_denied").await, denied_before + 1);
    assert_eq!(preview(server, &admin_token, query).await["due"], "2026-12-24");

    let client = server.signed_in(&admin).await;
    let html = client.get(server.url("/admin/deadline-rules")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"customary_days_off\""), "{html}");
    assert!(
        !html.contains(
            "name=\"customary_days_off\" value=\"on\" aria-describedby=\"f-customary_days_off-desc\" checked"
        )
    );
    let csrf = csrf_in(&html).unwrap();
    let response =
        post_form(&client, &server.url("/admin/deadline-rules/calendar"), &csrf, &[("customary_days_off", "on")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(server.audit_count("calendar_option_changed").await, 1);
    let on = preview(server, &admin_token, query).await;
    assert_eq!(on["due"], "2026-12-28");
    assert_eq!(on["explanation"]["calendar"]["options"]["christmas_eve_off"], true);
    assert_eq!(preview(server, &admin_token, appeal).await["due"], "2026-12-28");
    // New Year's Eve too: Wednesday 30 December + 1 working day = Monday 4 January 2027.
    assert_eq!(preview(server, &admin_token, "start=2026-12-30&country=NO&working_days=1").await["due"], "2027-01-04");
    let html = client.get(server.url("/admin/deadline-rules")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("f-customary_days_off-desc\" checked"), "{html}");

    // Off again (an unticked box sends nothing).
    let response = post_form(&client, &server.url("/admin/deadline-rules/calendar"), &csrf, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(preview(server, &admin_token, query).await["due"], "2026-12-24");
    assert_eq!(preview(server, &admin_token, "start=2026-12-30&country=NO&working_days=1").await["due"], "2026-12-31");
    assert_eq!(server.audit_count("calendar_option_changed").await, 2);
}

both_backends!(customary_days_off_is_a_local_option, customary_days_off);

async fn admin_pages(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let client = server.signed_in(&admin).await;
    let response = client.get(server.url("/admin/deadline-rules")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    // The account speaks Norwegian: titles, periods and kinds in Norwegian.
    assert!(html.contains("Fristregler"), "{html}");
    assert!(html.contains("no.fvl.appeal"));
    assert!(html.contains("3 uker"));
    assert!(html.contains("forvaltningsloven § 29"));
    assert!(html.contains("Fra lov eller retningslinje"));
    assert!(html.contains("href=\"/admin/deadline-rules/local.night_shelter.decision/edit\""));
    assert!(!html.contains("href=\"/admin/deadline-rules/no.fvl.appeal/edit\""));
    assert!(html.contains("href=\"/admin/deadline-rules\""), "the navigation links the page");

    // A form with errors is shown again, translated, and nothing is stored.
    let csrf = server.csrf(&client, "/admin/deadline-rules/new").await;
    let response = post_form(
        &client,
        &server.url("/admin/deadline-rules/new"),
        &csrf,
        &[
            ("version", "0"),
            ("code", "no.fvl.appeal"),
            ("title.nb", "Ny"),
            ("title.sv", "Ny"),
            ("title.en", ""),
            ("source.description", "Lokalt"),
            ("kind", "deadline"),
            ("country", ""),
            ("start_event", "start"),
            ("period.unit", "weeks"),
            ("period.amount", "0"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Tittel på engelsk: må fylles ut"), "{html}");
    assert!(html.contains("Kode: er ikke tillatt her"), "{html}");
    assert!(html.contains("Antall: er ikke tillatt her"), "{html}");
    assert_eq!(stored_rules(server).await, 0);

    // A good form is saved and listed; editing it works, a stale edit gets 409.
    let good = |version: &'static str, amount: &'static str| {
        vec![
            ("version", version),
            ("code", "local.outreach.first_contact"),
            ("title.nb", "Oppsøkende: første kontakt"),
            ("title.sv", "Uppsökande: första kontakt"),
            ("title.en", "Outreach: first contact"),
            ("source.description", "Tjenestestandard"),
            ("kind", "target"),
            ("country", "NO"),
            ("start_event", "referral_received"),
            ("period.unit", "working_days"),
            ("period.amount", amount),
            ("extends_to_working_day", "on"),
        ]
    };
    let response = post_form(&client, &server.url("/admin/deadline-rules/new"), &csrf, &good("0", "5")).await;
    assert_eq!(response.status(), 303);
    let html = client.get(server.url("/admin/deadline-rules")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Oppsøkende: første kontakt"));
    assert!(html.contains("5 virkedager"));
    let edit = "/admin/deadline-rules/local.outreach.first_contact/edit";
    let html = client.get(server.url(edit)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"version\" value=\"1\""), "{html}");
    let response = post_form(&client, &server.url(edit), &csrf, &good("1", "6")).await;
    assert_eq!(response.status(), 303);
    let response = post_form(&client, &server.url(edit), &csrf, &good("1", "7")).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("name=\"version\" value=\"2\""), "{html}");
    // Statutory rules have no form.
    let response = client.get(server.url("/admin/deadline-rules/no.fvl.appeal/edit")).send().await.unwrap();
    assert_eq!(response.status(), 403);

    // Not for others.
    let caseworker = server.account("caseworker", Role::Caseworker, true).await;
    let other = server.signed_in(&caseworker).await;
    let response = other.get(server.url("/admin/deadline-rules")).send().await.unwrap();
    assert_eq!(response.status(), 403);
}

both_backends!(admin_pages_work, admin_pages);
