//! The JSON API: its OpenAPI document, authentication, problem+json errors, optimistic
//! concurrency, accounts, tokens and the operations endpoints.

use std::collections::BTreeSet;

use jiff::SignedDuration;
use los_app::RequestContext;
use los_core::account::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn count(server: &TestServer, sql: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(sql).fetch_one(server.store.raw_pool_for_tests()).await.unwrap();
    row.0
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// Asserts an RFC 9457 problem document with `status` and returns it.
async fn problem(response: reqwest::Response, status: u16) -> Value {
    let url = response.url().path().to_string();
    assert_eq!(response.status(), status, "{url}");
    assert_eq!(header(&response, "content-type"), "application/problem+json", "{url}");
    let body: Value = response.json().await.unwrap();
    assert!(body["type"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert_eq!(body["status"], status, "{body}");
    body
}

/// The `(field, reason)` pairs of a problem's `errors`.
fn field_errors(problem: &Value) -> BTreeSet<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["reason"].as_str().unwrap().to_string()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

struct Api<'a> {
    server: &'a TestServer,
    client: reqwest::Client,
    token: String,
}

impl<'a> Api<'a> {
    async fn for_account(server: &'a TestServer, account: &TestAccount) -> Api<'a> {
        Api { server, client: server.bare_client(), token: server.token(account).await }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.server.url(path)).bearer_auth(&self.token)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path).send().await.unwrap()
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.request(reqwest::Method::POST, path).json(body).send().await.unwrap()
    }

    async fn delete(&self, path: &str, body: Option<&Value>) -> reqwest::Response {
        let request = self.request(reqwest::Method::DELETE, path);
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        request.send().await.unwrap()
    }
}

async fn openapi_document(server: &TestServer) {
    let response = server.bare_client().get(server.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("application/json"));
    let text = response.text().await.unwrap();
    let doc: Value = serde_json::from_str(&text).expect("the document is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].as_str().is_some());
    let methods = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            if !methods.contains(&method.as_str()) {
                continue;
            }
            let responses = operation["responses"].as_object();
            assert!(responses.is_some_and(|r| !r.is_empty()), "{method} {path} documents no response");
            found.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    // Exactly the routes of `los_web::api::router()`.
    let expected: BTreeSet<String> = [
        "GET /healthz",
        "GET /readyz",
        "GET /api/v1/openapi.json",
        "GET /api/v1/me",
        "GET /api/v1/me/deadlines",
        "GET /api/v1/organizations",
        "POST /api/v1/organizations",
        "GET /api/v1/organizations/{id}",
        "PUT /api/v1/organizations/{id}",
        "GET /api/v1/accounts",
        "POST /api/v1/accounts",
        "GET /api/v1/accounts/{id}",
        "POST /api/v1/accounts/{id}/disable",
        "POST /api/v1/accounts/{id}/enable",
        "POST /api/v1/accounts/{id}/reset-second-factor",
        "POST /api/v1/accounts/{id}/roles",
        "DELETE /api/v1/accounts/{id}/roles",
        "GET /api/v1/tokens",
        "POST /api/v1/tokens",
        "DELETE /api/v1/tokens/{id}",
        "GET /api/v1/audit-events",
        "POST /api/v1/identifiers/validate",
        "GET /api/v1/deadlines/preview",
        "GET /api/v1/deadline-rules",
        "POST /api/v1/deadline-rules",
        "PUT /api/v1/deadline-rules/{code}",
        "GET /api/v1/services",
        "POST /api/v1/services",
        "GET /api/v1/services/{id}",
        "PUT /api/v1/services/{id}",
        "GET /api/v1/municipalities",
        "POST /api/v1/municipalities",
        "GET /api/v1/municipalities/{id}",
        "PUT /api/v1/municipalities/{id}",
        "GET /api/v1/regions",
        "POST /api/v1/regions",
        "GET /api/v1/regions/{id}",
        "PUT /api/v1/regions/{id}",
        "GET /api/v1/persons",
        "POST /api/v1/persons",
        "GET /api/v1/persons/{id}",
        "PUT /api/v1/persons/{id}",
        "POST /api/v1/persons/{id}/relatives",
        "DELETE /api/v1/persons/{id}/relatives/{relative_id}",
        "POST /api/v1/persons/{id}/episodes",
        "POST /api/v1/persons/{id}/episodes/{episode_id}/end",
        "POST /api/v1/persons/{id}/consents",
        "POST /api/v1/persons/{id}/consents/{consent_id}/withdraw",
        "POST /api/v1/persons/{id}/blocks",
        "POST /api/v1/persons/{id}/blocks/{block_id}/lift",
        "POST /api/v1/persons/{id}/link",
        "GET /api/v1/persons/{id}/access-log",
        "POST /api/v1/emergency-access",
        "GET /api/v1/emergency-access/reviews",
        "POST /api/v1/emergency-access/{id}/review",
        "GET /api/v1/persons/{id}/referrals",
        "POST /api/v1/persons/{id}/referrals",
        "GET /api/v1/referrals/{id}",
        "POST /api/v1/referrals/{id}/steps",
        "POST /api/v1/referrals/{id}/contacts",
        "GET /api/v1/services/{id}/waiting-list",
        "GET /api/v1/services/{id}/waiting-statistics",
        "PUT /api/v1/services/{id}/waiting-list-settings",
        "GET /api/v1/persons/{id}/decisions",
        "POST /api/v1/persons/{id}/decisions",
        "GET /api/v1/decisions/{id}",
        "PUT /api/v1/decisions/{id}",
        "POST /api/v1/decisions/{id}/appeal",
        "POST /api/v1/decisions/{id}/appeal/forward",
        "POST /api/v1/plans",
        "GET /api/v1/persons/{id}/plan",
        "PUT /api/v1/persons/{id}/plan",
        "GET /api/v1/persons/{id}/plan/history",
        "POST /api/v1/persons/{id}/plan/goals",
        "PUT /api/v1/persons/{id}/plan/goals/{goal}",
        "DELETE /api/v1/persons/{id}/plan/goals/{goal}",
        "POST /api/v1/persons/{id}/plan/measures",
        "PUT /api/v1/persons/{id}/plan/measures/{measure}",
        "DELETE /api/v1/persons/{id}/plan/measures/{measure}",
        "POST /api/v1/persons/{id}/plan/members",
        "DELETE /api/v1/persons/{id}/plan/members/{member}",
        "POST /api/v1/persons/{id}/plan/transitions",
        "PUT /api/v1/persons/{id}/plan/transitions/{transition}",
        "POST /api/v1/persons/{id}/plan/meetings",
        "GET /api/v1/meetings/{id}",
        "PUT /api/v1/meetings/{id}",
        "GET /api/v1/meetings/{id}/calendar.ics",
        "GET /api/v1/me/plans",
        "GET /api/v1/municipalities/{id}/plan-coverage",
        // Housing, tallies and dashboards (issue 6).
        "GET /api/v1/services/{id}/housing-units",
        "POST /api/v1/services/{id}/housing-units",
        "GET /api/v1/housing-units/{id}",
        "PUT /api/v1/housing-units/{id}",
        "GET /api/v1/persons/{id}/stays",
        "POST /api/v1/persons/{id}/stays",
        "GET /api/v1/stays/{id}",
        "POST /api/v1/stays/{id}/end",
        "GET /api/v1/services/{id}/tally-counters",
        "PUT /api/v1/services/{id}/tally-counters",
        "GET /api/v1/services/{id}/tallies",
        "POST /api/v1/services/{id}/tallies",
        "GET /api/v1/services/{id}/tallies/{day}",
        "GET /api/v1/services/{id}/dashboard",
        "GET /api/v1/municipalities/{id}/dashboard",
        "GET /api/v1/regions/{id}/dashboard",
        "GET /api/v1/services/{id}/dashboard/charts/{chart}",
        "GET /api/v1/municipalities/{id}/dashboard/charts/{chart}",
        "GET /api/v1/regions/{id}/dashboard/charts/{chart}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, expected);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object(), "the bearer scheme is described");
    assert!(doc["components"]["schemas"]["Problem"].is_object(), "the problem schema is described");
}
both_backends!(openapi_document_lists_every_route, openapi_document);

async fn me_and_authentication(server: &TestServer) {
    let bare = server.bare_client();
    let anonymous = bare.get(server.url("/api/v1/me")).send().await.unwrap();
    assert!(header(&anonymous, "www-authenticate").starts_with("Bearer"));
    problem(anonymous, 401).await;
    problem(bare.get(server.url("/api/v1/me")).bearer_auth("los_not-a-real-token").send().await.unwrap(), 401).await;
    problem(bare.get(server.url("/api/v1/me")).header("authorization", "Basic YTpi").send().await.unwrap(), 401).await;

    let account = server.account("meg", Role::Leader, true).await;
    let token = server.token(&account).await;
    let me = bare.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["role"], "leader");
    assert_eq!(me["username"], "meg");
    assert_eq!(me["account_id"], account.id.to_string());
    assert_eq!(me["organization_id"], server.organization.to_string());

    // The same through a browser session.
    let client = server.signed_in(&account).await;
    let me: Value = client.get(server.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "leader");

    // Revoked.
    let created = server.app.create_token_for(&RequestContext::default(), account.id, "kortvarig", None).await.unwrap();
    assert_eq!(bare.get(server.url("/api/v1/me")).bearer_auth(&created.secret).send().await.unwrap().status(), 200);
    server.app.revoke_token(&RequestContext::default(), account.id, created.token.id).await.unwrap();
    problem(bare.get(server.url("/api/v1/me")).bearer_auth(&created.secret).send().await.unwrap(), 401).await;

    // Expired.
    let expiring =
        server.app.create_token_for(&RequestContext::default(), account.id, "en dag", Some(1)).await.unwrap();
    assert_eq!(bare.get(server.url("/api/v1/me")).bearer_auth(&expiring.secret).send().await.unwrap().status(), 200);
    server.clock.advance(SignedDuration::from_hours(25));
    problem(bare.get(server.url("/api/v1/me")).bearer_auth(&expiring.secret).send().await.unwrap(), 401).await;
    assert_eq!(bare.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 200);

    // A disabled account's token.
    server
        .app
        .set_account_disabled(&RequestContext::default(), los_app::accounts::Operator::CommandLine, account.id, true)
        .await
        .unwrap();
    problem(bare.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap(), 401).await;
}
both_backends!(me_needs_a_live_token_of_an_enabled_account, me_and_authentication);

async fn organizations_api(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    let orgs_before = count(server, "SELECT COUNT(*) FROM organizations").await;

    let created = api.post("/api/v1/organizations", &json!({"name": "Vest DPS", "kind": "dps", "country": "NO"})).await;
    assert_eq!(created.status(), 201);
    assert_eq!(header(&created, "etag"), "\"1\"");
    let body: Value = created.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(body["name"], "Vest DPS");
    assert_eq!(body["kind"], "dps");
    assert_eq!(body["version"], 1);
    assert_eq!(count(server, "SELECT COUNT(*) FROM organizations").await, orgs_before + 1);

    let fetched = api.get(&format!("/api/v1/organizations/{id}")).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(header(&fetched, "etag"), "\"1\"");
    assert_eq!(fetched.json::<Value>().await.unwrap()["name"], "Vest DPS");
    let listed: Value = api.get("/api/v1/organizations").await.json().await.unwrap();
    assert!(listed["items"].as_array().unwrap().iter().any(|o| o["id"] == id.as_str()));

    let path = format!("/api/v1/organizations/{id}");
    let update = |if_match: Option<&str>, name: &str| {
        let request =
            api.request(reqwest::Method::PUT, &path).json(&json!({"name": name, "kind": "dps", "country": "NO"}));
        let request = match if_match {
            Some(value) => request.header("if-match", value),
            None => request,
        };
        request.send()
    };
    let updated = update(Some("\"1\""), "Vest DPS – rus").await.unwrap();
    assert_eq!(updated.status(), 200);
    assert_eq!(header(&updated, "etag"), "\"2\"");
    assert_eq!(updated.json::<Value>().await.unwrap()["version"], 2);

    let stale = update(Some("\"1\""), "Tapt oppdatering").await.unwrap();
    problem(stale, 409).await;
    let missing = update(None, "Uten versjon").await.unwrap();
    problem(missing, 428).await;
    let garbage = update(Some("not-an-etag"), "Søppel").await.unwrap();
    problem(garbage, 400).await;
    let name: (String, i64) = sqlx::query_as("SELECT name, version FROM organizations WHERE id = $1")
        .bind(&id)
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    assert_eq!(name, ("Vest DPS – rus".to_string(), 2), "no lost update");

    let unknown = api.get(&format!("/api/v1/organizations/{}", uuid::Uuid::new_v4())).await;
    problem(unknown, 404).await;

    // A caseworker may read but not create or change.
    let caseworker = server.account("saksbehandler", Role::Caseworker, true).await;
    let cw = Api::for_account(server, &caseworker).await;
    assert_eq!(cw.get(&path).await.status(), 200);
    let denied_before = server.audit_count("access_denied").await;
    let denied = cw.post("/api/v1/organizations", &json!({"name": "Snik", "kind": "ngo", "country": "NO"})).await;
    problem(denied, 403).await;
    assert_eq!(server.audit_count("access_denied").await, denied_before + 1);
    let row: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT outcome, actor_account, actor_role FROM audit_events WHERE action = 'access_denied' \
         ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap();
    assert_eq!(row, ("denied".into(), Some(caseworker.id.to_string()), Some("caseworker".into())));
    let denied = cw
        .request(reqwest::Method::PUT, &path)
        .header("if-match", "\"2\"")
        .json(&json!({"name": "Kapret", "kind": "dps", "country": "NO"}))
        .send()
        .await
        .unwrap();
    problem(denied, 403).await;
    assert_eq!(server.audit_count("access_denied").await, denied_before + 2);
    assert_eq!(count(server, "SELECT COUNT(*) FROM organizations").await, orgs_before + 1);
    assert_eq!(server.audit_count("organization_created").await, 3, "two by the harness, one by the API");
    assert_eq!(server.audit_count("organization_updated").await, 1);
}
both_backends!(organizations_api_with_etags, organizations_api);

fn new_account(username: &str, organization: &str) -> Value {
    json!({
        "username": username,
        "display_name": format!("Ny {username}"),
        "password": "en lang og trygg setning her",
        "organization_id": organization,
        "role": "caseworker",
    })
}

async fn accounts_api(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    let org = server.organization.to_string();
    let accounts = || count(server, "SELECT COUNT(*) FROM accounts");
    assert_eq!(accounts().await, 1);

    let created = api.post("/api/v1/accounts", &new_account("ny.bruker", &org)).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["username"], "ny.bruker");
    assert_eq!(body["disabled"], false);
    assert_eq!(body["second_factor"], false);
    assert_eq!(body["memberships"][0]["role"], "caseworker");
    assert_eq!(body["memberships"][0]["organization_id"], org.as_str());
    let fetched: Value =
        api.get(&format!("/api/v1/accounts/{}", body["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(fetched["username"], "ny.bruker");
    assert_eq!(accounts().await, 2);

    // Every bad field is named, in one answer.
    let mut bad = new_account("", &uuid::Uuid::new_v4().to_string());
    bad["password"] = json!("kort");
    bad["role"] = json!("trollmann");
    let refused = problem(api.post("/api/v1/accounts", &bad).await, 422).await;
    assert_eq!(
        field_errors(&refused),
        pairs(&[
            ("username", "required"),
            ("password", "too-short"),
            ("role", "unknown-value"),
            ("organization", "unknown")
        ])
    );
    // And each alone.
    let cases: [(&str, Value, (&str, &str)); 6] = [
        ("username", json!(""), ("username", "required")),
        ("username", json!("ugyldig navn!"), ("username", "invalid-characters")),
        ("password", json!("kort"), ("password", "too-short")),
        ("role", json!("trollmann"), ("role", "unknown-value")),
        ("organization_id", json!(uuid::Uuid::new_v4().to_string()), ("organization", "unknown")),
        ("organization_id", json!("ikke-en-id"), ("organization", "unknown")),
    ];
    for (field, value, expected) in cases {
        let mut body = new_account("enkeltfeil", &org);
        body[field] = value;
        let refused = problem(api.post("/api/v1/accounts", &body).await, 422).await;
        assert_eq!(field_errors(&refused), pairs(&[expected]), "{field}");
        assert!(refused["errors"][0]["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let duplicate = problem(api.post("/api/v1/accounts", &new_account("ny.bruker", &org)).await, 422).await;
    assert_eq!(field_errors(&duplicate), pairs(&[("username", "already-exists")]));

    // The body's shape.
    let mut unknown_field = new_account("ekstra", &org);
    unknown_field["is_superuser"] = json!(true);
    let refused = problem(api.post("/api/v1/accounts", &unknown_field).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("is_superuser", "unknown-field")]));
    let mut missing = new_account("mangler", &org);
    missing.as_object_mut().unwrap().remove("display_name");
    let refused = problem(api.post("/api/v1/accounts", &missing).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("display_name", "required")]));
    let invalid = api
        .request(reqwest::Method::POST, "/api/v1/accounts")
        .header("content-type", "application/json")
        .body(r#"{"username": "halv"#)
        .send()
        .await
        .unwrap();
    problem(invalid, 400).await;
    let wrong_type = api
        .request(reqwest::Method::POST, "/api/v1/accounts")
        .header("content-type", "text/plain")
        .body(new_account("tekst", &org).to_string())
        .send()
        .await
        .unwrap();
    problem(wrong_type, 415).await;
    let no_type = api
        .request(reqwest::Method::POST, "/api/v1/accounts")
        .body(new_account("utentype", &org).to_string())
        .send()
        .await
        .unwrap();
    problem(no_type, 415).await;
    assert_eq!(accounts().await, 2, "no refused request created an account");
    assert_eq!(server.audit_count("account_created").await, 2, "the admin and ny.bruker");

    // Disabling ends the account's session at once.
    let user = server.account("stoppes", Role::Caseworker, true).await;
    let browser = server.signed_in(&user).await;
    assert_eq!(browser.get(server.url("/")).send().await.unwrap().status(), 200);
    assert_eq!(browser.get(server.url("/api/v1/me")).send().await.unwrap().status(), 200);
    let disabled = api.post(&format!("/api/v1/accounts/{}/disable", user.id), &json!({})).await;
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.json::<Value>().await.unwrap()["disabled"], true);
    let home = browser.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 303);
    assert_eq!(location(&home), "/login");
    problem(browser.get(server.url("/api/v1/me")).send().await.unwrap(), 401).await;
    let enabled = api.post(&format!("/api/v1/accounts/{}/enable", user.id), &json!({})).await;
    assert_eq!(enabled.json::<Value>().await.unwrap()["disabled"], false);
    assert_eq!(browser.get(server.url("/")).send().await.unwrap().status(), 303, "the old session stays ended");
    // An administrator cannot disable itself.
    problem(api.post(&format!("/api/v1/accounts/{}/disable", admin.id), &json!({})).await, 422).await;
    problem(api.post(&format!("/api/v1/accounts/{}/disable", uuid::Uuid::new_v4()), &json!({})).await, 404).await;

    // Roles: grant and revoke round trip.
    let roles_path = format!("/api/v1/accounts/{}/roles", user.id);
    let memberships = |id: String| async move {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT organization_id, role FROM memberships WHERE account_id = $1 ORDER BY organization_id, role",
        )
        .bind(id)
        .fetch_all(server.store.raw_pool_for_tests())
        .await
        .unwrap();
        rows.into_iter().collect::<BTreeSet<_>>()
    };
    let other = server.other_organization.to_string();
    let leader = json!({"organization_id": other, "role": "leader"});
    let granted = api.post(&roles_path, &leader).await;
    assert_eq!(granted.status(), 200);
    let body: Value = granted.json().await.unwrap();
    assert_eq!(body["memberships"].as_array().unwrap().len(), 2);
    assert_eq!(
        memberships(user.id.to_string()).await,
        BTreeSet::from([(org.clone(), "caseworker".to_string()), (other.clone(), "leader".to_string())])
    );
    let revoked = api.delete(&roles_path, Some(&leader)).await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(revoked.json::<Value>().await.unwrap()["memberships"].as_array().unwrap().len(), 1);
    assert_eq!(memberships(user.id.to_string()).await, BTreeSet::from([(org.clone(), "caseworker".to_string())]));
    let refused = problem(api.post(&roles_path, &json!({"organization_id": other, "role": "konge"})).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("role", "unknown-value")]));
    let refused =
        problem(api.post(&roles_path, &json!({"organization_id": "ingen", "role": "leader"})).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("organization", "unknown")]));
    assert_eq!(server.audit_count("role_granted").await, 4, "three at account creation, one by the API");
    assert_eq!(server.audit_count("role_revoked").await, 1);

    // Revoking the role a token acts in ends the token.
    let worker = server.account("arbeider", Role::Caseworker, true).await;
    let worker_api = Api::for_account(server, &worker).await;
    assert_eq!(worker_api.get("/api/v1/me").await.status(), 200);
    let revoked = api
        .delete(
            &format!("/api/v1/accounts/{}/roles", worker.id),
            Some(&json!({"organization_id": org, "role": "caseworker"})),
        )
        .await;
    assert_eq!(revoked.status(), 200);
    problem(worker_api.get("/api/v1/me").await, 401).await;

    // Only administrators manage accounts.
    let caseworker = server.account("vanlig", Role::Caseworker, true).await;
    let cw = Api::for_account(server, &caseworker).await;
    let before = accounts().await;
    problem(cw.post("/api/v1/accounts", &new_account("snik", &org)).await, 403).await;
    problem(cw.post(&format!("/api/v1/accounts/{}/disable", admin.id), &json!({})).await, 403).await;
    problem(
        cw.post(
            &format!("/api/v1/accounts/{}/roles", caseworker.id),
            &json!({"organization_id": org, "role": "admin"}),
        )
        .await,
        403,
    )
    .await;
    problem(cw.get("/api/v1/accounts").await, 403).await;
    assert_eq!(accounts().await, before);
    assert_eq!(memberships(caseworker.id.to_string()).await, BTreeSet::from([(org.clone(), "caseworker".to_string())]));
}
both_backends!(accounts_api_validates_disables_and_changes_roles, accounts_api);

async fn tokens_api(server: &TestServer) {
    let account = server.account("nokkel", Role::Caseworker, true).await;
    let api = Api::for_account(server, &account).await;

    let created = api.post("/api/v1/tokens", &json!({"name": "integrasjon", "valid_days": 30})).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    let secret = body["secret"].as_str().unwrap().to_string();
    let id = body["token"]["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("los_") && secret.len() > 30, "{secret}");
    assert_eq!(body["token"]["name"], "integrasjon");
    assert_eq!(body["token"]["role"], "caseworker");
    assert!(body["token"]["expires_at"].is_string());

    // The secret is shown once: never listed, and only its hash is stored.
    let listed = api.get("/api/v1/tokens").await;
    assert_eq!(listed.status(), 200);
    let text = listed.text().await.unwrap();
    assert!(!text.contains(&secret), "the list contains the secret");
    assert!(!text.contains(&secret["los_".len()..]));
    assert!(!text.contains("\"secret\""), "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the harness token and the new one");
    assert!(items.iter().any(|t| t["id"] == id.as_str()));
    let stored: (String, String) = sqlx::query_as("SELECT token_hash, name FROM api_tokens WHERE id = $1")
        .bind(&id)
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    assert!(!stored.0.contains(&secret["los_".len()..]), "stored hashed");
    // The account page does not show it again either.
    let page = server.signed_in(&account).await.get(server.url("/account")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("integrasjon") && !page.contains(&secret));

    let new_api = Api { server, client: server.bare_client(), token: secret.clone() };
    let me: Value = new_api.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["username"], "nokkel");

    // Someone else cannot revoke it.
    let stranger = server.account("fremmed", Role::Caseworker, true).await;
    let stranger_api = Api::for_account(server, &stranger).await;
    problem(stranger_api.delete(&format!("/api/v1/tokens/{id}"), None).await, 404).await;
    assert_eq!(new_api.get("/api/v1/me").await.status(), 200);

    let revoked = api.delete(&format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(revoked.status(), 204);
    problem(new_api.get("/api/v1/me").await, 401).await;
    problem(api.delete(&format!("/api/v1/tokens/{id}"), None).await, 404).await;
    let list: Value = api.get("/api/v1/tokens").await.json().await.unwrap();
    let entry = list["items"].as_array().unwrap().iter().find(|t| t["id"] == id.as_str()).unwrap().clone();
    assert!(entry["revoked_at"].is_string(), "{entry}");
    assert_eq!(server.audit_count("token_revoked").await, 1);

    // Validation.
    let refused = problem(api.post("/api/v1/tokens", &json!({"name": "evig", "valid_days": 0})).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("valid_days", "unknown-value")]));
    let refused = problem(api.post("/api/v1/tokens", &json!({"name": "  "})).await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("name", "required")]));
    let refused = problem(api.post("/api/v1/tokens", &json!({"name": "x", "valid_days": "mange"})).await, 422).await;
    assert_eq!(field_errors(&refused).len(), 1);
    assert_eq!(count(server, "SELECT COUNT(*) FROM api_tokens").await, 3, "the harness tokens and the API one");
}
both_backends!(tokens_api_shows_secret_once_and_revokes, tokens_api);

async fn health(server: &TestServer) {
    let bare = server.bare_client();
    let live = bare.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(live.json::<Value>().await.unwrap()["status"], "ok");
    let ready = bare.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");

    // Without the database the process is alive but not ready.
    server.store.close().await;
    let ready = bare.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(bare.get(server.url("/healthz")).send().await.unwrap().status(), 200);
}
both_backends!(health_and_readiness, health);

async fn api_filter_errors(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    let viewed = server.audit_count("audit_viewed").await;
    let refused = problem(api.get("/api/v1/audit-events?from=notadate").await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("from", "invalid-format")]));
    let refused = problem(api.get("/api/v1/audit-events?outcome=kanskje&actor=ingen").await, 422).await;
    assert_eq!(field_errors(&refused), pairs(&[("outcome", "unknown-value"), ("actor", "invalid-format")]));
    assert_eq!(server.audit_count("audit_viewed").await, viewed, "a refused filter lists nothing");
}
both_backends!(api_filter_errors_name_the_field, api_filter_errors);

async fn query_rejections(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    let viewed = server.audit_count("audit_viewed").await;
    // `AuditApiQuery` denies unknown parameters; the refusal is a problem like every other.
    let refused = problem(api.get("/api/v1/audit-events?bogus=1").await, 400).await;
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("bogus")), "{refused}");
    assert_eq!(field_errors(&refused), pairs(&[("bogus", "unknown-field")]));
    assert_eq!(server.audit_count("audit_viewed").await, viewed);
}
both_backends!(api_query_rejections_are_problem_json, query_rejections);

async fn wrong_method(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    // The route exists for POST only; the answer is still an API error document.
    let response = api.get(&format!("/api/v1/accounts/{}/disable", admin.id)).await;
    assert!(header(&response, "allow").contains("POST"));
    problem(response, 405).await;
}
both_backends!(api_wrong_method_is_problem_json, wrong_method);

async fn disable_ends_unused_sessions(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let api = Api::for_account(server, &admin).await;
    let user = server.account("pause", Role::Caseworker, true).await;
    let browser = server.signed_in(&user).await;
    assert_eq!(browser.get(server.url("/")).send().await.unwrap().status(), 200);
    let sessions = || async {
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE account_id = $1")
            .bind(user.id.to_string())
            .fetch_one(server.store.raw_pool_for_tests())
            .await
            .unwrap();
        row.0
    };
    assert_eq!(sessions().await, 1);
    assert_eq!(api.post(&format!("/api/v1/accounts/{}/disable", user.id), &json!({})).await.status(), 200);
    assert_eq!(sessions().await, 0, "disabling ends the account's sessions (as documented)");
    // Enabled again before the old session was used: it must not come back to life.
    assert_eq!(api.post(&format!("/api/v1/accounts/{}/enable", user.id), &json!({})).await.status(), 200);
    let home = browser.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 303, "a session from before the disabling must not work again after enabling");
    assert_eq!(location(&home), "/login");
}
both_backends!(disabling_ends_sessions_even_unused_ones, disable_ends_unused_sessions);
