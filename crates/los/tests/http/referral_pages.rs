//! The referral pages: sending a referral through the form, receiving and accepting it on the
//! referral page, the waiting list with its follow-up flag as days pass, a step dated before the
//! previous one, a stale version, and who may see a waiting list.

use jiff::Timestamp;
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::person::PersonFields;
use los_core::policy::Actor;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Moves the clock to 08:00 UTC on `date`.
fn set_day(server: &TestServer, date: Date) {
    server.clock.set(date.at(8, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp());
}

async fn api(server: &TestServer, token: &str, path: &str, body: Value) -> Value {
    let response = server.bare_client().post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    re.captures(html).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()).expect("a version in the step form")
}

async fn pages(server: &TestServer) {
    server.clock.set("2026-03-02T08:00:00Z".parse::<Timestamp>().unwrap());
    let (org_a, org_b) = (server.organization, server.other_organization);
    let admin = server.account_in("admin", Role::Admin, org_a, true).await;
    let admin_token = server.token(&admin).await;
    let municipality = api(
        server,
        &admin_token,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4001", "name": "Porsgrunn"}),
    )
    .await;
    let mut services = Vec::new();
    for (name, provider) in [("Rustjenesten", org_a), ("TSB poliklinikk", org_b)] {
        let created = api(
            server,
            &admin_token,
            "/api/v1/services",
            json!({"municipality_id": municipality["id"], "provider_organization_id": provider.to_string(),
                "name": name, "category": "health", "phases": ["treatment"]}),
        )
        .await;
        services.push(created["id"].as_str().unwrap().to_string());
    }
    let (service_a, service_b) = (services[0].clone(), services[1].clone());
    let kari = server.account_in("kari", Role::Caseworker, org_a, true).await;
    let bjorn = server.account_in("bjorn", Role::Caseworker, org_b, true).await;
    let leader = server.account_in("bleder", Role::Leader, org_b, true).await;

    // A person followed by the sender's service.
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(day("2005-06-15"), 7, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Henny".into(),
        family_name: "Henvist".into(),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service_a.clone(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    let kari_actor = Actor { account: kari.id, organization: org_a, role: Role::Caseworker };
    let person = server.app.register_person(&RequestContext::default(), &kari_actor, &input).await.unwrap();

    // Sending through the form: the catalogue's services are offered with their provider.
    let sender = server.signed_in(&kari).await;
    let (status, form) = get(&sender, server, &format!("/persons/{person}/referrals/new")).await;
    assert_eq!(status, 200);
    assert!(form.contains("TSB poliklinikk") && form.contains("for=\"f-to_service\""), "{form}");
    let csrf = csrf_in(&form).unwrap();
    let refused = post_form(
        &sender,
        &server.url(&format!("/persons/{person}/referrals/new")),
        &csrf,
        &[("to_service", ""), ("from_service", &service_a), ("reason", ""), ("priority", "high"), ("sent_on", "")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("href=\"#f-to_service\"") && refused.contains("må fylles ut"), "{refused}");
    assert_eq!(server.audit_count("referral_sent").await, 0);
    let sent = post_form(
        &sender,
        &server.url(&format!("/persons/{person}/referrals/new")),
        &csrf,
        &[
            ("to_service", &service_b),
            ("from_service", &service_a),
            ("reason", "Trenger vurdering i TSB"),
            ("priority", "high"),
            ("sent_on", ""),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let referral_path = location(&sent);
    assert!(referral_path.starts_with("/referrals/"), "{referral_path}");
    let (status, list) = get(&sender, server, &format!("/persons/{person}/referrals")).await;
    assert_eq!(status, 200);
    assert!(list.contains("Sendt") && list.contains("TSB poliklinikk") && list.contains("Under 23"), "{list}");
    assert!(list.contains(&referral_path));

    // Received the next day by the receiving organisation: the deadline explains itself.
    set_day(server, day("2026-03-03"));
    let receiver = server.signed_in(&bjorn).await;
    let (status, page) = get(&receiver, server, &referral_path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("value=\"received\"") && !page.contains("value=\"accepted\""), "only the next steps");
    let csrf = csrf_in(&page).unwrap();
    let steps_url = server.url(&format!("{referral_path}/steps"));
    let received = post_form(
        &receiver,
        &steps_url,
        &csrf,
        &[("version", &version_in(&page)), ("status", "received"), ("on", "2026-03-03")],
    )
    .await;
    assert_eq!(received.status(), 303);
    let (_, page) = get(&receiver, server, &referral_path).await;
    assert!(page.contains("2026-03-17") && page.contains("pasientrettighetsloven § 2-2"), "{page}");
    assert!(page.contains("Henvisningen mottatt") && page.contains("Test bjorn"), "who and when: {page}");
    let version = version_in(&page);

    // A step dated before the previous one: the translated reason, nothing changed.
    set_day(server, day("2026-03-10"));
    let receiver = server.signed_in(&bjorn).await;
    let (_, page) = get(&receiver, server, &referral_path).await;
    let csrf = csrf_in(&page).unwrap();
    let steps_before = server.audit_count("referral_step").await;
    let early = post_form(
        &receiver,
        &steps_url,
        &csrf,
        &[
            ("version", &version),
            ("status", "accepted"),
            ("on", "2026-03-02"),
            ("right_to_care", "true"),
            ("start_deadline", "2026-04-30"),
        ],
    )
    .await;
    assert_eq!(early.status(), 422);
    let early = early.text().await.unwrap();
    assert!(early.contains("href=\"#f-on\"") && early.contains("slutter før den starter"), "{early}");
    assert!(early.contains("aria-describedby=\"f-on-err"), "the error is tied to the field");
    assert_eq!(server.audit_count("referral_step").await, steps_before);

    // A stale version: the 409 message, nothing changed.
    let stale = post_form(
        &receiver,
        &steps_url,
        &csrf,
        &[("version", "1"), ("status", "accepted"), ("on", "2026-03-10"), ("start_deadline", "")],
    )
    .await;
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Noen andre har behandlet henvisningen"));
    assert_eq!(server.audit_count("referral_step").await, steps_before);

    // Accepted with a start deadline.
    let accepted = post_form(
        &receiver,
        &steps_url,
        &csrf,
        &[
            ("version", &version),
            ("status", "accepted"),
            ("on", "2026-03-10"),
            ("right_to_care", "true"),
            ("start_deadline", "2026-04-30"),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let (_, page) = get(&receiver, server, &referral_path).await;
    assert!(page.contains("Godkjent") && page.contains("2026-04-30") && page.contains("value=\"offered\""));

    // On the waiting list; after the follow-up interval without contact, flagged.
    let waiting_path = format!("/services/{service_b}/waiting-list");
    let (status, waiting) = get(&receiver, server, &waiting_path).await;
    assert_eq!(status, 200, "{waiting}");
    assert!(waiting.contains("Henvist, Henny") && !waiting.contains("data-follow-up=\"due\""), "{waiting}");
    set_day(server, day("2026-03-24"));
    let receiver = server.signed_in(&bjorn).await;
    let (_, waiting) = get(&receiver, server, &waiting_path).await;
    assert!(waiting.contains("data-follow-up=\"due\"") && waiting.contains("Trenger oppfølging"), "{waiting}");
    assert!(waiting.contains(">21<"), "21 days waited since receipt: {waiting}");

    // A contact logged on the referral page clears the flag.
    let (_, page) = get(&receiver, server, &referral_path).await;
    let csrf = csrf_in(&page).unwrap();
    let logged = post_form(
        &receiver,
        &server.url(&format!("{referral_path}/contacts")),
        &csrf,
        &[("contact_on", "2026-03-24"), ("contact_kind", "phone"), ("contact_note", "Ringte")],
    )
    .await;
    assert_eq!(logged.status(), 303);
    let (_, waiting) = get(&receiver, server, &waiting_path).await;
    assert!(!waiting.contains("data-follow-up=\"due\"") && waiting.contains("2026-03-24"), "{waiting}");
    assert!(!waiting.contains("f-follow_up_days"), "only leaders set the interval");

    // The leader sets the interval through the form.
    let boss = server.signed_in(&leader).await;
    let (status, waiting) = get(&boss, server, &waiting_path).await;
    assert_eq!(status, 200);
    let csrf = csrf_in(&waiting).unwrap();
    let bad =
        post_form(&boss, &server.url(&format!("{waiting_path}/follow-up")), &csrf, &[("follow_up_days", "0")]).await;
    assert_eq!(bad.status(), 422);
    let set =
        post_form(&boss, &server.url(&format!("{waiting_path}/follow-up")), &csrf, &[("follow_up_days", "7")]).await;
    assert_eq!(set.status(), 303);
    let (_, waiting) = get(&boss, server, &waiting_path).await;
    assert!(waiting.contains("value=\"7\""), "{waiting}");

    // Another organisation's caseworker may not see the queue.
    let sender = server.signed_in(&kari).await;
    let (status, _) = get(&sender, server, &waiting_path).await;
    assert_eq!(status, 403);
}

both_backends!(referral_pages, pages);
