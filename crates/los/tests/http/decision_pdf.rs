//! The decision letter as PDF: a real PDF of the same letter, in the person's language (with
//! æ ø å ä ö written correctly), long grounds wrapped over several pages, not cached, audited as
//! the HTML letter; another organisation without consent is refused.

use jiff::civil::Date;
use los_app::RequestContext;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, OrganizationId, PersonId};
use los_core::person::PersonFields;
use los_core::policy::Actor;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

struct Member {
    actor: Actor,
    account: TestAccount,
    token: String,
}

async fn member(server: &TestServer, name: &str, role: Role, organization: OrganizationId) -> Member {
    let account = server.account_in(name, role, organization, true).await;
    let token = server.token(&account).await;
    Member { actor: Actor { account: account.id, organization, role }, account, token }
}

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

/// A decision (notice Friday 28 March 2025) for a person who reads `language`, recorded by a
/// caseworker of the deciding organisation; also a caseworker of another organisation.
async fn decision(server: &TestServer, language: &str, grounds: &str) -> (Member, Member, String) {
    server.clock.set("2025-03-31T08:00:00Z".parse().unwrap());
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
    let service = service["id"].as_str().unwrap().to_string();
    let a_case = member(server, "kari", Role::Caseworker, org_a).await;
    let b_case = member(server, "bjorn", Role::Caseworker, org_b).await;
    let born: Date = "1985-06-15".parse().unwrap();
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(born, 7, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Åse".into(),
        family_name: "Grønlid".into(),
        address: "Storgata 1, 3915 Porsgrunn".into(),
        language: language.into(),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service.clone(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    let person: PersonId = server.app.register_person(&RequestContext::default(), &a_case.actor, &input).await.unwrap();
    let terms = json!({
        "service": service,
        "legal_basis": "no.hol.3-2",
        "outcome": "partly_granted",
        "extent": "6 timer per uke",
        "valid_from": "2025-04-01",
        "valid_to": "2025-12-31",
        "review_on": "2025-09-30",
        "grounds": grounds,
        "notice_on": "2025-03-28",
    });
    let path = format!("/api/v1/persons/{person}/decisions");
    let created = json_ok(send(server, &a_case.token, Method::POST, &path, Some(terms)).await, 201).await;
    let id = created["id"].as_str().unwrap().to_string();
    (a_case, b_case, id)
}

/// The PDF's text, page by page, joined with single spaces (lines are wrapped in the PDF).
fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (pages.len(), text.split_whitespace().collect::<Vec<_>>().join(" "))
}

async fn get_pdf(client: &reqwest::Client, server: &TestServer, id: &str) -> reqwest::Response {
    client.get(server.url(&format!("/decisions/{id}/letter.pdf"))).send().await.unwrap()
}

async fn norwegian_pdf(server: &TestServer) {
    let long = "Du har behov for hjelp til å gå på butikken, lage mat og holde det rent i boligen. ".repeat(60);
    let grounds = format!("Behovet er kartlagt sammen med deg på hjemmebesøk.\n{long}Siste setning i begrunnelsen.");
    let (a_case, _, id) = decision(server, "nb", &grounds).await;
    let client = server.signed_in(&a_case.account).await;
    let response = get_pdf(&client, server, &id).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-disposition"], format!("inline; filename=\"vedtak-{id}.pdf\"").as_str());
    assert_eq!(headers["cache-control"], "no-store", "a letter holds personal data");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let (pages, text) = pdf_text(&bytes);
    assert!(pages >= 2, "long grounds continue on a new page: {pages}");
    for expected in [
        "Vedtak om Praktisk bistand",
        "Åse Grønlid",
        "Storgata 1, 3915 Porsgrunn",
        "Vi har bestemt at du får Praktisk bistand, men ikke alt du ba om.",
        "helse- og omsorgstjenesteloven § 3-2",
        "6 timer per uke",
        "fra 1. april 2025 til og med 31. desember 2025",
        "30. september 2025",
        "Behovet er kartlagt sammen med deg på hjemmebesøk.",
        "hjelp til å gå på butikken",
        "Siste setning i begrunnelsen.",
        "Du kan klage",
        "Fristen for å klage er",
        "Klagen må være sendt senest 22. april 2025.",
        "Med vennlig hilsen",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in {text}");
    }
    assert_eq!(events(server, a_case.actor.account, "decision_letter_viewed", "success").await, 1);
    // The HTML letter links to the PDF.
    let html = client.get(server.url(&format!("/decisions/{id}/letter"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/decisions/{id}/letter.pdf")), "{html}");
}
both_backends!(pdf_letter_in_norwegian, norwegian_pdf);

async fn swedish_pdf(server: &TestServer) {
    let (a_case, _, id) = decision(server, "sv", "Behovet är kartlagt tillsammans med dig.").await;
    let client = server.signed_in(&a_case.account).await;
    let response = get_pdf(&client, server, &id).await;
    assert_eq!(response.status(), 200);
    let (_, text) = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        "Beslut om Praktisk bistand",
        "Du kan överklaga",
        "Överklagandet måste ha kommit in senast 22 april 2025.",
        "från 1 april 2025 till och med 31 december 2025",
        "Behovet är kartlagt tillsammans med dig.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in {text}");
    }
    assert!(!text.contains("Du kan klage"), "no Norwegian in a Swedish letter: {text}");
}
both_backends!(pdf_letter_in_swedish, swedish_pdf);

async fn other_organisation_pdf(server: &TestServer) {
    let (_, b_case, id) = decision(server, "nb", "Behovet er kartlagt.").await;
    let denied_before = events(server, b_case.actor.account, "access_denied", "denied").await;
    let client = server.signed_in(&b_case.account).await;
    let response = get_pdf(&client, server, &id).await;
    assert_eq!(response.status(), 403);
    assert_ne!(response.headers()["content-type"], "application/pdf");
    assert_eq!(events(server, b_case.actor.account, "access_denied", "denied").await - denied_before, 1);
    assert_eq!(events(server, b_case.actor.account, "decision_letter_viewed", "success").await, 0);
}
both_backends!(pdf_letter_refused_to_another_organisation, other_organisation_pdf);
