//! Municipalities and regions through the API and the page.

use los_core::account::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

struct Api<'a> {
    server: &'a TestServer,
    token: String,
}

impl Api<'_> {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.server.bare_client().request(method, self.server.url(path)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(etag) = if_match {
            request = request.header("if-match", etag);
        }
        request.send().await.unwrap()
    }
}

fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["reason"].as_str().unwrap().to_string()))
        .collect()
}

async fn municipalities_and_regions(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api { server, token: server.token(&admin).await };
    use reqwest::Method;

    let created = api
        .send(
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "NO", "number": "4001", "name": "Porsgrunn",
            "populations": [{"year": 2025, "inhabitants": 37500}, {"year": 2024, "inhabitants": 37300}]})),
            None,
        )
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["etag"], "\"1\"");
    let porsgrunn: Value = created.json().await.unwrap();
    assert_eq!(porsgrunn["time_zone"], "Europe/Oslo", "the country's zone by default");
    assert_eq!(porsgrunn["populations"][0]["year"], 2024, "sorted by year");
    let id = porsgrunn["id"].as_str().unwrap().to_string();

    // Bad input: every field named, nothing saved.
    let bad = api
        .send(Method::POST, "/api/v1/municipalities", Some(json!({"country": "DK", "number": "40", "name": " ",
            "time_zone": "Mars/Olympus", "populations": [{"year": 2024, "inhabitants": 1}, {"year": 2024, "inhabitants": 2}]})), None)
        .await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    let mut got = fields(&problem);
    got.sort();
    assert_eq!(
        got,
        [
            ("country".to_string(), "unknown-value".to_string()),
            ("name".into(), "required".into()),
            ("number".into(), "invalid-format".into()),
            ("populations".into(), "already-exists".into()),
            ("time_zone".into(), "unknown-value".into()),
        ]
    );
    let duplicate = api
        .send(
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "NO", "number": "4001", "name": "Igjen"})),
            None,
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    assert_eq!(fields(&duplicate.json().await.unwrap()), [("number".to_string(), "already-exists".to_string())]);
    let list: Value = api.send(Method::GET, "/api/v1/municipalities", None, None).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Updates need the current version.
    let body = json!({"country": "NO", "number": "4001", "name": "Porsgrunn kommune", "time_zone": "Europe/Oslo",
        "populations": [{"year": 2025, "inhabitants": 37500}]});
    assert_eq!(
        api.send(Method::PUT, &format!("/api/v1/municipalities/{id}"), Some(body.clone()), None).await.status(),
        428
    );
    let updated =
        api.send(Method::PUT, &format!("/api/v1/municipalities/{id}"), Some(body.clone()), Some("\"1\"")).await;
    assert_eq!(updated.status(), 200);
    let stale = api.send(Method::PUT, &format!("/api/v1/municipalities/{id}"), Some(body), Some("\"1\"")).await;
    assert_eq!(stale.status(), 409);

    let skien: Value = api
        .send(
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "NO", "number": "4003", "name": "Skien",
            "populations": [{"year": 2024, "inhabitants": 56000}]})),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let skien_id = skien["id"].as_str().unwrap().to_string();

    // A region needs at least two members and known municipalities; the host is always a member.
    let lonely = api
        .send(
            Method::POST,
            "/api/v1/regions",
            Some(json!({"name": "Alene", "host_municipality_id": id, "member_municipality_ids": []})),
            None,
        )
        .await;
    assert_eq!(lonely.status(), 422);
    assert_eq!(fields(&lonely.json().await.unwrap()), [("members".to_string(), "too-few".to_string())]);
    let unknown = api
        .send(
            Method::POST,
            "/api/v1/regions",
            Some(json!({"name": "Ukjent", "host_municipality_id": "nope",
            "member_municipality_ids": [skien_id, "0190aaaa-0000-7000-8000-000000000000"]})),
            None,
        )
        .await;
    assert_eq!(unknown.status(), 422);
    let mut got = fields(&unknown.json().await.unwrap());
    got.sort();
    assert_eq!(got, [("host".to_string(), "unknown".to_string()), ("members".into(), "unknown".into())]);
    let region = api
        .send(
            Method::POST,
            "/api/v1/regions",
            Some(json!({"name": "Grenland", "host_municipality_id": id,
            "member_municipality_ids": [skien_id]})),
            None,
        )
        .await;
    assert_eq!(region.status(), 201);
    let region: Value = region.json().await.unwrap();
    assert_eq!(region["member_municipality_ids"].as_array().unwrap().len(), 2, "the host was added");
    assert_eq!(server.audit_count("municipality_created").await, 2);
    assert_eq!(server.audit_count("municipality_updated").await, 1);
    assert_eq!(server.audit_count("region_created").await, 1);

    // Everyone signed in sees the page, with the region's population summed.
    let caseworker = server.account("kari", Role::Caseworker, true).await;
    let client = server.signed_in(&caseworker).await;
    let page = client.get(server.url("/municipalities")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Porsgrunn kommune") && page.contains("Grenland"), "{page}");
    assert!(page.contains("93\u{202f}500"), "37 500 + 56 000 in the region");

    // Only administrators change them; refusals are audited.
    let api = Api { server, token: server.token(&caseworker).await };
    let refused = api
        .send(
            Method::POST,
            "/api/v1/municipalities",
            Some(json!({"country": "SE", "number": "0581", "name": "Norrköping"})),
            None,
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(server.audit_count("access_denied").await, 1);
}
both_backends!(municipalities_and_regions_api, municipalities_and_regions);

async fn municipality_forms(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let client = server.signed_in(&admin).await;
    let list = client.get(server.url("/municipalities")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("/municipalities/new") && list.contains("/regions/new"), "administrators get the forms");
    let csrf = server.csrf(&client, "/municipalities/new").await;
    let post = |path: &str, fields: Vec<(&str, &str)>| {
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend(fields);
        client.post(server.url(path)).form(&all).send()
    };
    let refused = post(
        "/municipalities/new",
        vec![("country", "NO"), ("number", "40a1"), ("name", "Porsgrunn"), ("populations", "2025 mange")],
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Kommunenummer: har feil format") && html.contains("Innbyggertall: har feil format"),
        "{html}"
    );
    assert!(server.app.list_municipalities().await.unwrap().is_empty(), "nothing saved");
    let saved = post(
        "/municipalities/new",
        vec![("country", "NO"), ("number", "4001"), ("name", "Porsgrunn"), ("populations", "2025: 37 500")],
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), 303);
    post("/municipalities/new", vec![("country", "NO"), ("number", "4003"), ("name", "Skien")]).await.unwrap();
    let all = server.app.list_municipalities().await.unwrap();
    let porsgrunn = all.iter().find(|m| m.number == "4001").unwrap();
    assert_eq!(porsgrunn.populations[0].inhabitants, 37_500);

    // Two edits from version 1: the second is told, not lost.
    let path = format!("/municipalities/{}/edit", porsgrunn.id);
    let first =
        post(&path, vec![("version", "1"), ("country", "NO"), ("number", "4001"), ("name", "Porsgrunn kommune")])
            .await
            .unwrap();
    assert_eq!(first.status(), 303);
    let second = post(&path, vec![("version", "1"), ("country", "NO"), ("number", "4001"), ("name", "Porsgrunn by")])
        .await
        .unwrap();
    assert_eq!(second.status(), 409);
    assert_eq!(server.app.municipality(porsgrunn.id).await.unwrap().name, "Porsgrunn kommune");

    let skien = all.iter().find(|m| m.number == "4003").unwrap().id.to_string();
    let host = porsgrunn.id.to_string();
    let alone = post("/regions/new", vec![("name", "Grenland"), ("host", &host)]).await.unwrap();
    assert_eq!(alone.status(), 422);
    assert!(alone.text().await.unwrap().contains("må ha minst 2 valg"));
    let region = post("/regions/new", vec![("name", "Grenland"), ("host", &host), ("members", &skien)]).await.unwrap();
    assert_eq!(region.status(), 303);
    assert_eq!(server.app.list_regions().await.unwrap()[0].members.len(), 2);

    // Others see the list but not the forms.
    let caseworker = server.account("kari", Role::Caseworker, true).await;
    let other = server.signed_in(&caseworker).await;
    let list = other.get(server.url("/municipalities")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("/municipalities/new"));
    assert_eq!(other.get(server.url("/municipalities/new")).send().await.unwrap().status(), 403);
}
both_backends!(municipality_and_region_forms, municipality_forms);
