//! The service catalogue and the chain pages.

use los_core::account::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn catalogue(server: &TestServer) {
    use reqwest::Method;
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    let municipality: Value = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/municipalities",
        Some(json!({"country": "NO", "number": "4001", "name": "Porsgrunn"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let other: Value = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/municipalities",
        Some(json!({"country": "NO", "number": "4003", "name": "Skien"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let (porsgrunn, skien) = (municipality["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    let region: Value = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/regions",
        Some(json!({"name": "Grenland", "host_municipality_id": porsgrunn, "member_municipality_ids": [skien]})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let provider = server.organization.to_string();
    let service = json!({
        "municipality_id": porsgrunn, "provider_organization_id": provider, "name": "Natthjem",
        "category": "housing", "phases": ["pre_treatment", "aftercare"], "target_group": "Bostedsløse over 18 år",
        "goals": "Ingen skal sove ute.\nVidere til egen bolig innen tre måneder.", "legal_bases": [],
        "capacity": {"amount": 8, "unit": "beds"}, "opening_hours": "21–09", "focus_areas": ["Bolig først"],
        "years": [{"year": 2025, "budget": 4000000, "fte": 6.5}]
    });

    // A leader of the providing organisation describes it; a caseworker may not.
    let leader = server.account("leder", Role::Leader, true).await;
    let leader_token = server.token(&leader).await;
    let caseworker = server.account("kari", Role::Caseworker, true).await;
    let caseworker_token = server.token(&caseworker).await;
    assert_eq!(
        send_if(server, &caseworker_token, Method::POST, "/api/v1/services", Some(service.clone()), None)
            .await
            .status(),
        403
    );
    let created = send_if(server, &leader_token, Method::POST, "/api/v1/services", Some(service.clone()), None).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["years"][0]["fte"], 6.5);
    assert_eq!(created["phases"], json!(["pre_treatment", "aftercare"]));
    let id = created["id"].as_str().unwrap().to_string();

    // A leader of another organisation may not describe it, nor may this leader move it away.
    let foreign = server.account_in("annenleder", Role::Leader, server.other_organization, true).await;
    let foreign_token = server.token(&foreign).await;
    assert_eq!(
        send_if(
            server,
            &foreign_token,
            Method::PUT,
            &format!("/api/v1/services/{id}"),
            Some(service.clone()),
            Some("\"1\"")
        )
        .await
        .status(),
        403
    );
    let mut moved = service.clone();
    moved["provider_organization_id"] = json!(server.other_organization.to_string());
    assert_eq!(
        send_if(server, &leader_token, Method::PUT, &format!("/api/v1/services/{id}"), Some(moved), Some("\"1\""))
            .await
            .status(),
        403
    );

    // Bad input names every field and saves nothing.
    let bad = json!({
        "municipality_id": porsgrunn, "region_id": region["id"], "provider_organization_id": "nope", "name": "",
        "category": "leisure", "phases": ["someday"], "legal_bases": ["no.such.law"],
        "capacity": {"amount": 3, "unit": "rooms"}, "years": [{"year": 2025, "fte": 1.234}]
    });
    let refused = send_if(server, &admin_token, Method::POST, "/api/v1/services", Some(bad), None).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(
        field_errors(&problem),
        [("years".to_string(), "invalid-format".to_string())],
        "the fte is refused before the rest"
    );
    let bad = json!({
        "municipality_id": porsgrunn, "region_id": region["id"], "provider_organization_id": "nope", "name": "",
        "category": "leisure", "phases": ["someday"], "legal_bases": ["no.such.law"], "capacity": {"amount": 3, "unit": "rooms"}
    });
    let problem: Value =
        send_if(server, &admin_token, Method::POST, "/api/v1/services", Some(bad), None).await.json().await.unwrap();
    assert_eq!(
        field_errors(&problem),
        [
            ("capacity_unit".to_string(), "unknown-value".to_string()),
            ("category".into(), "unknown-value".into()),
            ("legal_bases".into(), "unknown".into()),
            ("name".into(), "required".into()),
            ("phases".into(), "unknown-value".into()),
            ("provider".into(), "unknown".into()),
            ("region".into(), "not-allowed".into()),
        ]
    );

    // Concurrent edits: one wins, the stale one gets 409.
    let mut renamed = service.clone();
    renamed["name"] = json!("Natthjemmet");
    assert_eq!(
        send_if(
            server,
            &leader_token,
            Method::PUT,
            &format!("/api/v1/services/{id}"),
            Some(renamed.clone()),
            Some("\"1\"")
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        send_if(server, &admin_token, Method::PUT, &format!("/api/v1/services/{id}"), Some(renamed), Some("\"1\""))
            .await
            .status(),
        409
    );

    // A regional service shows in each member municipality's chain and in the region's.
    let regional = json!({"region_id": region["id"], "provider_organization_id": server.other_organization.to_string(),
        "name": "Bolig og behandling", "category": "health", "phases": ["treatment"],
        "years": [{"year": 2024, "budget": 100, "fte": 1.0}, {"year": 2026, "budget": null, "fte": 2.0}]});
    assert_eq!(
        send_if(server, &admin_token, Method::POST, "/api/v1/services", Some(regional), None).await.status(),
        201
    );
    let chain: Value =
        send_if(server, &caseworker_token, Method::GET, &format!("/api/v1/services?municipality={skien}"), None, None)
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(chain["items"].as_array().unwrap().len(), 1, "Skien sees the regional service only");
    let chain: Value = send_if(
        server,
        &caseworker_token,
        Method::GET,
        &format!("/api/v1/services?municipality={porsgrunn}"),
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(chain["items"].as_array().unwrap().len(), 2);
    // The list reads the years of all its services at once; each keeps its own.
    let year_counts: Vec<usize> =
        chain["items"].as_array().unwrap().iter().map(|s| s["years"].as_array().unwrap().len()).collect();
    assert_eq!(year_counts.iter().sum::<usize>(), 3, "{chain}");
    for listed in chain["items"].as_array().unwrap() {
        let path = format!("/api/v1/services/{}", listed["id"].as_str().unwrap());
        let single: Value =
            send_if(server, &caseworker_token, Method::GET, &path, None, None).await.json().await.unwrap();
        assert_eq!(listed["years"], single["years"], "{}", listed["name"]);
    }
    let missing = send_if(server, &caseworker_token, Method::GET, "/api/v1/services", None, None).await;
    assert_eq!(missing.status(), 422);
    assert_eq!(server.audit_count("service_created").await, 2);
    assert_eq!(server.audit_count("service_updated").await, 1);

    // The chain page groups by category and links to the service page.
    let client = server.signed_in(&caseworker).await;
    let page =
        client.get(server.url(&format!("/chain/municipality/{porsgrunn}"))).send().await.unwrap().text().await.unwrap();
    let housing = page.find("<h2 class=\"ds-heading\" data-size=\"sm\" id=\"h-2\">Bolig</h2>").expect("housing group");
    let health = page.find(">Helse</h2>").expect("health group");
    assert!(health < housing, "health comes first in the chain");
    assert!(page[housing..].contains("Natthjemmet") && page[health..housing].contains("Bolig og behandling"));
    assert!(page.contains(&format!("/services/{id}")));
    let service_page = client.get(server.url(&format!("/services/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        service_page.contains("8 senger")
            && service_page.contains("6,5")
            && service_page.contains("4\u{202f}000\u{202f}000")
    );
    assert_eq!(client.get(server.url("/services/not-an-id")).send().await.unwrap().status(), 404);
}
both_backends!(service_catalogue_and_chain, catalogue);

async fn service_form(server: &TestServer) {
    use reqwest::Method;
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    let municipality: Value = send_if(
        server,
        &admin_token,
        Method::POST,
        "/api/v1/municipalities",
        Some(json!({"country": "NO", "number": "4001", "name": "Porsgrunn"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let porsgrunn = municipality["id"].as_str().unwrap().to_string();
    let leader = server.account("leder", Role::Leader, true).await;
    let client = server.signed_in(&leader).await;
    let path = format!("/services/new?municipality={porsgrunn}");
    let form_page = client.get(server.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(form_page.contains("sosialtjenesteloven § 27"), "Norwegian legal bases are offered");
    let csrf = csrf_in(&form_page).unwrap();
    let provider = server.organization.to_string();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut all: Vec<(&str, String)> =
            vec![("csrf_token", csrf.clone()), ("municipality", porsgrunn.clone()), ("provider", provider.clone())];
        all.extend(fields);
        client.post(server.url("/services/new")).form(&all).send()
    };
    // Errors are shown per field and nothing is saved.
    let refused = post(vec![("name", String::new()), ("category", "housing".into()), ("years", "2025: mange".into())])
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Skjemaet har feil") && html.contains("har feil format"), "{html}");
    let saved = post(vec![
        ("name", "Natthjem".into()),
        ("category", "housing".into()),
        ("phases", "pre_treatment".into()),
        ("phases", "aftercare".into()),
        ("legal_bases", "no.sotjl.27".into()),
        ("capacity", "8".into()),
        ("capacity_unit", "beds".into()),
        ("focus_areas", "Bolig først\nBostedsløshet".into()),
        ("years", "2025: 4 000 000; 6,5\n2026: ; 7".into()),
    ])
    .await
    .unwrap();
    assert_eq!(saved.status(), 303);
    let location = location(&saved);
    let id = location.trim_start_matches("/services/").to_string();
    let stored: Value = send_if(server, &admin_token, Method::GET, &format!("/api/v1/services/{id}"), None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["phases"], json!(["pre_treatment", "aftercare"]));
    assert_eq!(stored["years"][1], json!({"year": 2026, "budget": null, "fte": 7.0}));
    assert_eq!(stored["focus_areas"], json!(["Bolig først", "Bostedsløshet"]));

    // Someone else saves first: the form says so instead of overwriting.
    let edit = client.get(server.url(&format!("/services/{id}/edit"))).send().await.unwrap().text().await.unwrap();
    assert!(edit.contains("name=\"version\" value=\"1\""));
    let mut renamed = stored.clone();
    for key in ["id", "provider_name", "version"] {
        renamed.as_object_mut().unwrap().remove(key);
    }
    renamed["name"] = json!("Natthjemmet");
    renamed.as_object_mut().unwrap().remove("region_id");
    assert_eq!(
        send_if(server, &admin_token, Method::PUT, &format!("/api/v1/services/{id}"), Some(renamed), Some("\"1\""))
            .await
            .status(),
        200
    );
    let stale = client
        .post(server.url(&format!("/services/{id}/edit")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("municipality", porsgrunn.as_str()),
            ("provider", provider.as_str()),
            ("version", "1"),
            ("name", "Natthjem 2"),
            ("category", "housing"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Noen andre har endret"));
    let current: Value = send_if(server, &admin_token, Method::GET, &format!("/api/v1/services/{id}"), None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["name"], "Natthjemmet", "the other edit was not lost");
}
both_backends!(service_form_creates_and_refuses_stale_edits, service_form);
