//! The decision pages: a decision recorded through the form and listed with its appeal deadline
//! (moved past Easter), a period that ends before it starts refused with the translated reason
//! and nothing saved, a stale edit answered with 409 and its message, an appeal registered and
//! forwarded through the forms, and another organisation's caseworker refused.

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

async fn api(server: &TestServer, token: &str, path: &str, body: Value) -> Value {
    let response = server.bare_client().post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn decision_rows(server: &TestServer) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM decisions")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap()
        .0
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

async fn decision_pages(server: &TestServer) {
    // Monday 31 March 2025; the notice went out on Friday 28 March.
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
            "name": "Praktisk bistand", "category": "health", "phases": ["treatment"]}),
    )
    .await;
    let service_id = service["id"].as_str().unwrap().to_string();
    let kari = server.account("kari", Role::Caseworker, true).await;
    let actor = Actor { account: kari.id, organization: server.organization, role: Role::Caseworker };
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(day("1985-06-15"), 7, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Vedtak".into(),
        family_name: "Mottaker".into(),
        language: "nb".into(),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service_id.clone(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    let person = server.app.register_person(&RequestContext::default(), &actor, &input).await.unwrap();
    let list_path = format!("/persons/{person}/decisions");
    let new_path = format!("{list_path}/new");

    let client = server.signed_in(&kari).await;
    let (status, list) = get(&client, server, &list_path).await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("Ingen vedtak") && list.contains(&format!("href=\"{new_path}\"")), "{list}");

    // The form: every service with its provider, the person's country's legal bases with
    // citation and title, coercion marked.
    let (status, form) = get(&client, server, &new_path).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("Praktisk bistand"), "the service is offered");
    assert!(form.contains("helse- og omsorgstjenesteloven § 3-2"), "bases are cited");
    assert!(form.contains("data-coercion=\"true\"") && form.contains("(tvang)"), "coercion is marked");
    assert!(!form.contains("om vård av missbrukare"), "Swedish bases are not offered for a Norwegian person");
    let csrf = csrf_in(&form).unwrap();

    let terms = |valid_to: &'static str| {
        vec![
            ("service", service_id.clone()),
            ("legal_basis", "no.hol.3-2".to_string()),
            ("outcome", "partly_granted".into()),
            ("extent", "6 timer per uke".into()),
            ("valid_from", "2025-04-01".into()),
            ("valid_to", valid_to.into()),
            ("review_on", String::new()),
            ("notice_on", "2025-03-28".into()),
            ("grounds", "Behovet er kartlagt sammen med deg.".into()),
        ]
    };
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut all: Vec<(&str, String)> = vec![("csrf_token", csrf.clone())];
        all.extend(fields);
        client.post(server.url(&path)).form(&all).send()
    };

    // A period that ends before it starts: the translated reason at the field, nothing saved.
    let refused = post(new_path.clone(), terms("2025-03-01")).await.unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("slutter før den starter") && refused.contains("href=\"#f-valid_to\""), "{refused}");
    assert!(refused.contains("6 timer per uke"), "typed values are kept");
    assert_eq!(decision_rows(server).await, 0);

    // Recorded through the form.
    let created = post(new_path.clone(), terms("2025-12-31")).await.unwrap();
    assert_eq!(created.status(), 303);
    let decision_path = location(&created);
    assert!(decision_path.starts_with("/decisions/"), "{decision_path}");
    assert_eq!(decision_rows(server).await, 1);

    // Listed with the appeal deadline: 28 March + 3 weeks = Good Friday 18 April, moved past
    // Easter Monday to Tuesday 22 April.
    let (status, list) = get(&client, server, &list_path).await;
    assert_eq!(status, 200);
    for text in ["Praktisk bistand", "helse- og omsorgstjenesteloven § 3-2", "Delvis innvilget", "2025-04-22"] {
        assert!(list.contains(text), "{text} in {list}");
    }
    assert!(list.contains("Ingen klage registrert"));

    // The decision explains its deadline and links to the letter.
    let (status, page) = get(&client, server, &decision_path).await;
    assert_eq!(status, 200, "{page}");
    for text in ["forvaltningsloven § 29", "2025-04-22", "2025-04-18", "2025-03-28", "/letter\""] {
        assert!(page.contains(text), "{text} in {page}");
    }

    // A stale edit gets 409 and its message; the first edit stands.
    let (status, edit) = get(&client, server, &format!("{decision_path}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("name=\"version\" value=\"1\""), "{edit}");
    let mut changed = terms("2025-12-31");
    changed.push(("version", "1".into()));
    changed.retain(|(k, _)| *k != "extent");
    changed.push(("extent", "8 timer per uke".into()));
    let saved = post(format!("{decision_path}/edit"), changed.clone()).await.unwrap();
    assert_eq!(saved.status(), 303);
    changed.retain(|(k, _)| *k != "extent");
    changed.push(("extent", "2 timer per uke".into()));
    let stale = post(format!("{decision_path}/edit"), changed).await.unwrap();
    assert_eq!(stale.status(), 409);
    let stale = stale.text().await.unwrap();
    assert!(stale.contains("Noen andre har endret vedtaket"), "{stale}");
    let (_, page) = get(&client, server, &decision_path).await;
    assert!(page.contains("8 timer per uke") && !page.contains("2 timer per uke"));

    // An appeal: refused before the notice, then registered and forwarded.
    let early =
        post(format!("{decision_path}/appeal"), vec![("received_on", "2025-03-27".into()), ("version", "2".into())])
            .await
            .unwrap();
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("slutter før den starter"));
    let registered =
        post(format!("{decision_path}/appeal"), vec![("received_on", "2025-03-31".into()), ("version", "2".into())])
            .await
            .unwrap();
    assert_eq!(registered.status(), 303);
    let (_, page) = get(&client, server, &decision_path).await;
    assert!(page.contains("Klage mottatt 2025-03-31") && page.contains("/forward\""), "{page}");
    let forwarded = post(
        format!("{decision_path}/forward"),
        vec![
            ("forwarded_on", "2025-03-31".into()),
            ("forwarded_to", "Statsforvalteren i Vestfold og Telemark".into()),
            ("version", "3".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(forwarded.status(), 303);
    let (_, list) = get(&client, server, &list_path).await;
    assert!(list.contains("Klagen er sendt til Statsforvalteren i Vestfold og Telemark 2025-03-31"), "{list}");
    assert_eq!(server.audit_count("appeal_forwarded").await, 1);

    // Another organisation's caseworker: refused everywhere, and nothing changes.
    let stranger = server.account_in("fremmed", Role::Caseworker, server.other_organization, true).await;
    let stranger_client = server.signed_in(&stranger).await;
    for path in [list_path.clone(), new_path.clone(), decision_path.clone(), format!("{decision_path}/edit")] {
        let (status, _) = get(&stranger_client, server, &path).await;
        assert_eq!(status, 403, "{path}");
    }
    let stranger_csrf = server.csrf(&stranger_client, "/persons/new").await;
    let mut all: Vec<(&str, String)> = vec![("csrf_token", stranger_csrf)];
    all.extend(terms("2025-12-31"));
    let refused = stranger_client.post(server.url(&new_path)).form(&all).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(decision_rows(server).await, 1);
}
both_backends!(decision_pages_work, decision_pages);
