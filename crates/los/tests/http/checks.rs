//! The as-you-type checks: identifier validation and deadline preview.

use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn post_json(server: &TestServer, token: &str, body: Value) -> reqwest::Response {
    server
        .bare_client()
        .post(server.url("/api/v1/identifiers/validate"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn identifiers(server: &TestServer) {
    let account = server.account("sjekk", Role::Caseworker, true).await;
    let token = server.token(&account).await;
    let birth = jiff::civil::date(1985, 6, 15);
    let number = norwegian_number_from(birth, 123, IdentifierKind::NoSynthetic).unwrap();

    let ok: Value = post_json(server, &token, json!({"value": number, "country": "NO"})).await.json().await.unwrap();
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["kind"], "no_synthetic");
    assert_eq!(ok["birth_date"], "1985-06-15");
    assert_eq!(ok["synthetic"], true);
    let masked = ok["masked"].as_str().unwrap_or_else(|| panic!("{ok}"));
    assert!(!masked.contains(&number[6..]), "the personal part is masked: {masked}");

    // Every single-digit change is refused with a reason.
    let mut changed = number.clone().into_bytes();
    changed[10] = if changed[10] == b'9' { b'0' } else { changed[10] + 1 };
    let bad: Value = post_json(server, &token, json!({"value": String::from_utf8(changed).unwrap(), "country": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["reason"]["code"], "check-digit");
    let short: Value = post_json(server, &token, json!({"value": "1234", "country": "NO"})).await.json().await.unwrap();
    assert_eq!(short["reason"]["code"], "wrong-length");

    let unknown = post_json(server, &token, json!({"value": number, "country": "DK"})).await;
    assert_eq!(unknown.status(), 422);
    let problem: Value = unknown.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "country");
    let extra = post_json(server, &token, json!({"value": number, "name": "x"})).await;
    assert_eq!(extra.status(), 422);
    let anonymous = server
        .bare_client()
        .post(server.url("/api/v1/identifiers/validate"))
        .json(&json!({"value": number}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
both_backends!(identifier_validation, identifiers);

async fn preview(server: &TestServer, token: &str, query: &str) -> reqwest::Response {
    server
        .bare_client()
        .get(server.url(&format!("/api/v1/deadlines/preview?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn deadlines(server: &TestServer) {
    let account = server.account("frist", Role::Caseworker, true).await;
    let token = server.token(&account).await;
    // 10 working days from Friday 27 March 2026 skip Maundy Thursday, Good Friday and Easter Monday.
    let referral: Value = preview(server, &token, "start=2026-03-27&country=NO&rule=no.pasrl.referral_assessment")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(referral["due"], "2026-04-15");
    assert_eq!(referral["explanation"]["rule_code"], "no.pasrl.referral_assessment");
    // 14 calendar days from 12 December 2026 end on Boxing Day (a Saturday): moved to Monday.
    let days: Value = preview(server, &token, "start=2026-12-12&country=NO&days=14").await.json().await.unwrap();
    assert_eq!(days["due"], "2026-12-28");
    assert!(days["explanation"]["moved"].is_object(), "{days}");
    let working: Value =
        preview(server, &token, "start=2026-12-23&country=SE&working_days=1").await.json().await.unwrap();
    assert_eq!(working["due"], "2026-12-28", "Swedish deadlines skip Christmas Eve");

    for (query, field) in [
        ("country=NO&days=3", "start"),
        ("start=2026-13-01&country=NO&days=3", "start"),
        ("start=2026-01-01&country=DK&days=3", "country"),
        ("start=2026-01-01&country=NO", "rule"),
        ("start=2026-01-01&country=NO&days=3&working_days=2", "rule"),
        ("start=2026-01-01&country=NO&rule=no.such.rule", "rule"),
        ("start=2026-01-01&country=NO&days=many", "days"),
    ] {
        let response = preview(server, &token, query).await;
        assert_eq!(response.status(), 422, "{query}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
    let unknown = preview(server, &token, "start=2026-01-01&country=NO&days=3&colour=red").await;
    assert_eq!(unknown.status(), 400);
}
both_backends!(deadline_preview, deadlines);
