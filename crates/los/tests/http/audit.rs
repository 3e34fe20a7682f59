//! The audit log: exactly the expected events, the admin audit page, append-only storage and
//! `los audit verify` naming the first broken link.

use jiff::tz::TimeZone;
use los_app::RequestContext;
use los_app::accounts::Operator;
use los_core::account::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

/// One stored audit event, as the tests look at it.
#[derive(Debug, Clone)]
struct Event {
    action: String,
    outcome: String,
    actor: Option<String>,
    subject: Option<String>,
    reason: Option<String>,
    request_id: Option<String>,
    client_address: Option<String>,
}

type EventRow = (i64, String, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

async fn head(server: &TestServer) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM audit_events")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    row.0
}

async fn events_after(server: &TestServer, seq: i64) -> Vec<Event> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, action, outcome, actor_account, subject, reason, request_id, client_address FROM audit_events \
         WHERE seq > $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(server.store.raw_pool_for_tests())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(_, action, outcome, actor, subject, reason, request_id, client_address)| Event {
            action,
            outcome,
            actor,
            subject,
            reason,
            request_id,
            client_address,
        })
        .collect()
}

fn kinds(events: &[Event]) -> Vec<(&str, &str)> {
    events.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect()
}

/// Runs `body` and returns the audit events it wrote.
async fn audited<T>(server: &TestServer, body: impl std::future::Future<Output = T>) -> (T, Vec<Event>) {
    let before = head(server).await;
    let value = body.await;
    (value, events_after(server, before).await)
}

fn request_id(response: &reqwest::Response) -> Option<String> {
    response.headers().get("x-request-id".to_string()).map(|v| v.to_str().unwrap().to_string())
}

async fn seqs_where(server: &TestServer, condition: &str) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as(&format!("SELECT seq FROM audit_events WHERE {condition} ORDER BY seq DESC LIMIT 100"))
            .fetch_all(server.store.raw_pool_for_tests())
            .await
            .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

fn is_postgres(server: &TestServer) -> bool {
    server.database.url.starts_with("postgres")
}

async fn login_and_logout_events(server: &TestServer) {
    let (account, events) = audited(server, server.account("kari", Role::Caseworker, true)).await;
    let id = account.id.to_string();
    assert_eq!(kinds(&events), [("account_created", "success"), ("role_granted", "success")]);
    assert_eq!(events[0].subject.as_deref(), Some(id.as_str()));
    assert_eq!(events[0].actor, None, "made at the command line");
    assert_eq!(events[0].reason.as_deref(), Some("command_line"));
    assert_eq!(events[1].subject, Some(format!("{id} {} caseworker", server.organization)));

    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let login = |username: &'static str, password: &'static str| {
        let (client, url, csrf) = (client.clone(), server.url("/login"), csrf.clone());
        async move { post_form(&client, &url, &csrf, &[("username", username), ("password", password)]).await }
    };

    let (response, events) = audited(server, login("kari", "feil passord igjen")).await;
    assert_eq!(response.status(), 401);
    assert_eq!(kinds(&events), [("login_password", "failure")]);
    assert_eq!(events[0].reason.as_deref(), Some("wrong_password"));
    assert_eq!(events[0].subject.as_deref(), Some(id.as_str()));
    assert_eq!(events[0].request_id, request_id(&response), "the event carries the request id");
    assert_eq!(events[0].client_address.as_deref(), Some("127.0.0.1"), "and the client address");

    let (response, events) = audited(server, login("ingen", "feil passord igjen")).await;
    assert_eq!(response.status(), 401);
    assert_eq!(kinds(&events), [("login_password", "failure")]);
    assert_eq!(events[0].reason.as_deref(), Some("unknown_account"));
    assert_eq!(events[0].subject, None);

    let (response, events) = audited(server, login("kari", PASSWORD)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(kinds(&events), [("login_password", "success")]);
    assert_eq!(events[0].actor.as_deref(), Some(id.as_str()));

    let csrf2 = server.csrf(&client, "/login/second-factor").await;
    let (response, events) =
        audited(server, post_form(&client, &server.url("/login/second-factor"), &csrf2, &[("code", "000000")])).await;
    assert_eq!(response.status(), 422);
    assert_eq!(kinds(&events), [("login_second_factor", "failure")]);
    assert_eq!(events[0].reason.as_deref(), Some("wrong_code"));

    let code = server.code(&account);
    let (response, events) =
        audited(server, post_form(&client, &server.url("/login/second-factor"), &csrf2, &[("code", &code)])).await;
    assert_eq!(response.status(), 303);
    assert_eq!(kinds(&events), [("login_second_factor", "success")]);
    assert_eq!(events[0].actor.as_deref(), Some(id.as_str()));
    assert_eq!(events[0].request_id, request_id(&response));

    // Pages seen while signed in write nothing.
    let (_, events) = audited(server, client.get(server.url("/account")).send()).await;
    assert!(events.is_empty(), "{events:?}");

    let csrf3 = server.csrf(&client, "/account").await;
    let (response, events) = audited(server, post_form(&client, &server.url("/logout"), &csrf3, &[])).await;
    assert_eq!(response.status(), 303);
    assert_eq!(kinds(&events), [("logout", "success")]);
    assert_eq!(events[0].actor.as_deref(), Some(id.as_str()));

    // A disabled account's right password is a failure with its own reason.
    let (_, events) = audited(
        server,
        server.app.set_account_disabled(&RequestContext::default(), Operator::CommandLine, account.id, true),
    )
    .await;
    assert_eq!(kinds(&events), [("account_disabled", "success")]);
    let csrf = server.csrf(&client, "/login").await;
    let (response, events) = audited(
        server,
        post_form(&client, &server.url("/login"), &csrf, &[("username", "kari"), ("password", PASSWORD)]),
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(kinds(&events), [("login_password", "failure")]);
    assert_eq!(events[0].reason.as_deref(), Some("account_disabled"));
}
both_backends!(login_success_failure_and_logout_are_audited, login_and_logout_events);

async fn enrolment_events(server: &TestServer) {
    let account = server.account("nina", Role::Leader, false).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let (response, events) = audited(
        server,
        post_form(&client, &server.url("/login"), &csrf, &[("username", "nina"), ("password", PASSWORD)]),
    )
    .await;
    assert_eq!(location(&response), "/login/enrol");
    assert_eq!(kinds(&events), [("login_password", "success")]);

    let page = client.get(server.url("/login/enrol")).send().await.unwrap().text().await.unwrap();
    let secret =
        regex::Regex::new(r#"name="secret" value="([A-Z2-7]+)""#).unwrap().captures(&page).unwrap()[1].to_string();
    let csrf = csrf_in(&page).unwrap();
    let code = los_app::auth::current_code(&secret, &account.username, "Los", server.clock.now()).unwrap();
    let (response, events) = audited(
        server,
        post_form(&client, &server.url("/login/enrol"), &csrf, &[("secret", &secret), ("code", &code)]),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(kinds(&events), [("second_factor_enrolled", "success")]);
    assert_eq!(events[0].actor, Some(account.id.to_string()));
    assert_eq!(events[0].subject, Some(account.id.to_string()));
}
both_backends!(second_factor_enrolment_is_audited, enrolment_events);

async fn administration_events(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_id = admin.id.to_string();
    let (token, events) = audited(server, server.token(&admin)).await;
    assert_eq!(kinds(&events), [("token_created", "success")]);
    assert_eq!(events[0].actor.as_deref(), Some(admin_id.as_str()));
    let bare = server.bare_client();
    let post = |path: String, body: Value| bare.post(server.url(&path)).bearer_auth(&token).json(&body).send();

    // Account creation: the first use of the token, the account and its role.
    let body = json!({
        "username": "ny.bruker", "display_name": "Ny Bruker", "password": "en lang og trygg setning her",
        "organization_id": server.organization.to_string(), "role": "caseworker",
    });
    let (response, events) = audited(server, post("/api/v1/accounts".into(), body)).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 201);
    let rid = request_id(&response);
    let created: Value = response.json().await.unwrap();
    let new_id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        kinds(&events),
        [("token_used", "success"), ("account_created", "success"), ("role_granted", "success")]
    );
    assert!(events.iter().all(|e| e.actor.as_deref() == Some(admin_id.as_str())), "{events:?}");
    assert!(events.iter().all(|e| e.request_id == rid), "one request id on all of them: {events:?}");
    assert_eq!(events[1].subject.as_deref(), Some(new_id.as_str()));
    assert_eq!(events[1].reason, None);
    assert_eq!(events[2].subject, Some(format!("{new_id} {} caseworker", server.organization)));

    // Roles: a grant, a repeated grant that changes nothing, a revoke.
    let roles = format!("/api/v1/accounts/{new_id}/roles");
    let leader = json!({"organization_id": server.other_organization.to_string(), "role": "leader"});
    let (response, events) = audited(server, post(roles.clone(), leader.clone())).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(kinds(&events), [("role_granted", "success")]);
    assert_eq!(events[0].subject, Some(format!("{new_id} {} leader", server.other_organization)));
    let (response, events) = audited(server, post(roles.clone(), leader.clone())).await;
    assert_eq!(response.unwrap().status(), 200);
    assert!(events.is_empty(), "a grant that changes nothing writes nothing: {events:?}");
    let (response, events) =
        audited(server, bare.delete(server.url(&roles)).bearer_auth(&token).json(&leader).send()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(kinds(&events), [("role_revoked", "success")]);
    assert_eq!(events[0].actor.as_deref(), Some(admin_id.as_str()));

    // Token creation through the API.
    let (response, events) = audited(server, post("/api/v1/tokens".into(), json!({"name": "rapport"}))).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 201);
    let token_id = response.json::<Value>().await.unwrap()["token"]["id"].as_str().unwrap().to_string();
    assert_eq!(kinds(&events), [("token_created", "success")]);
    assert_eq!(events[0].subject.as_deref(), Some(token_id.as_str()));

    // Disable, disable again (nothing to do), enable, reset the second factor.
    let path = |what: &str| format!("/api/v1/accounts/{new_id}/{what}");
    let (response, events) = audited(server, post(path("disable"), json!({}))).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(kinds(&events), [("account_disabled", "success")]);
    assert_eq!(events[0].subject.as_deref(), Some(new_id.as_str()));
    assert_eq!(events[0].actor.as_deref(), Some(admin_id.as_str()));
    let (response, events) = audited(server, post(path("disable"), json!({}))).await;
    assert_eq!(response.unwrap().status(), 200);
    assert!(events.is_empty(), "{events:?}");
    let (_, events) = audited(server, post(path("enable"), json!({}))).await;
    assert_eq!(kinds(&events), [("account_enabled", "success")]);
    let (_, events) = audited(server, post(path("reset-second-factor"), json!({}))).await;
    assert_eq!(kinds(&events), [("second_factor_reset", "success")]);

    // A refusal by the policy.
    let caseworker = server.account("vanlig", Role::Caseworker, true).await;
    let cw_token = server.token(&caseworker).await;
    let body = json!({
        "username": "snik", "display_name": "Snik", "password": "en lang og trygg setning her",
        "organization_id": server.organization.to_string(), "role": "admin",
    });
    let (response, events) =
        audited(server, bare.post(server.url("/api/v1/accounts")).bearer_auth(&cw_token).json(&body).send()).await;
    assert_eq!(response.unwrap().status(), 403);
    assert_eq!(kinds(&events), [("token_used", "success"), ("access_denied", "denied")]);
    assert_eq!(events[1].actor, Some(caseworker.id.to_string()));
    assert!(events[1].reason.as_deref().is_some_and(|r| r.contains("ManageAccounts")), "{events:?}");
}
both_backends!(administration_through_the_api_is_audited, administration_events);

fn page_seqs(html: &str) -> Vec<i64> {
    regex::Regex::new(r#"<td class="los-num">(\d+)</td>"#)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].parse().unwrap())
        .collect()
}

async fn audit_page(server: &TestServer) {
    let admin = server.account("revisor", Role::Admin, true).await;
    let caseworker = server.account("kollega", Role::Caseworker, true).await;
    let stranger = server.client();
    let csrf = server.csrf(&stranger, "/login").await;
    let failed =
        post_form(&stranger, &server.url("/login"), &csrf, &[("username", "kollega"), ("password", "ikke riktig nei")])
            .await;
    assert_eq!(failed.status(), 401);
    let client = server.signed_in(&admin).await;

    let get = |query: String| {
        let url = server.url(&format!("/admin/audit{query}"));
        let client = client.clone();
        async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };

    // Everything, newest first; the viewing itself is recorded.
    let expected = seqs_where(server, "1 = 1").await;
    let (status, html) = get("".to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(page_seqs(&html), expected);
    let viewed = events_after(server, expected[0]).await;
    assert_eq!(kinds(&viewed), [("audit_viewed", "success")]);
    assert_eq!(viewed[0].actor, Some(admin.id.to_string()));

    let expected = seqs_where(server, "action = 'login_password'").await;
    assert_eq!(expected.len(), 2, "the failed and the admin's login");
    let (status, html) = get("?action=login_password".to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(page_seqs(&html), expected);

    let expected = seqs_where(server, "outcome = 'failure'").await;
    assert_eq!(expected.len(), 1);
    let (status, html) = get("?outcome=failure".to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(page_seqs(&html), expected);
    assert!(html.contains("wrong_password"), "the reason is shown");

    let expected = seqs_where(server, "action = 'login_password' AND outcome = 'success'").await;
    let (_, html) = get("?action=login_password&outcome=success".to_string()).await;
    assert_eq!(page_seqs(&html), expected);

    let expected = seqs_where(server, "action = 'audit_viewed'").await;
    let (_, html) = get(format!("?action=audit_viewed&actor={}", admin.id)).await;
    assert_eq!(page_seqs(&html), expected);

    // Dates: the day of the events includes them all, the day after none.
    let today = server.clock.now().to_zoned(TimeZone::UTC).date();
    let expected = seqs_where(server, "1 = 1").await;
    let (status, html) = get(format!("?from={today}&to={today}")).await;
    assert_eq!(status, 200);
    let shown = page_seqs(&html);
    assert!(!shown.is_empty() && shown.iter().all(|seq| expected.contains(seq)));
    let (status, html) = get(format!("?from={}", today.tomorrow().unwrap())).await;
    assert_eq!(status, 200);
    assert!(page_seqs(&html).is_empty());
    assert!(html.contains("Ingen hendelser passer filteret"));

    // Bad filters are refused with the field and the reason, and nothing is listed.
    let viewed_before = server.audit_count("audit_viewed").await;
    let (status, html) = get("?from=notadate".to_string()).await;
    assert_eq!(status, 422);
    assert!(html.contains("Fra dato: har feil format"), "{html}");
    assert!(page_seqs(&html).is_empty());
    let (status, html) = get("?action=slett_alt".to_string()).await;
    assert_eq!(status, 422);
    assert!(html.contains("Hendelse: er ikke et gyldig valg"));
    let (status, html) = get("?outcome=kanskje&to=31.12.2024".to_string()).await;
    assert_eq!(status, 422);
    assert!(html.contains("Utfall: er ikke et gyldig valg") && html.contains("Til og med dato: har feil format"));
    assert_eq!(server.audit_count("audit_viewed").await, viewed_before, "refused filters list nothing");

    // A caseworker is refused, and the refusal is recorded.
    let denied_before = server.audit_count("access_denied").await;
    let other = server.signed_in(&caseworker).await;
    let mark = head(server).await;
    let response = other.get(server.url("/admin/audit")).send().await.unwrap();
    assert_eq!(response.status(), 403);
    let html = response.text().await.unwrap();
    assert!(page_seqs(&html).is_empty());
    let events = events_after(server, mark).await;
    assert_eq!(kinds(&events), [("access_denied", "denied")]);
    assert_eq!(events[0].actor, Some(caseworker.id.to_string()));
    assert_eq!(server.audit_count("access_denied").await, denied_before + 1);
    assert_eq!(server.audit_count("audit_viewed").await, viewed_before);
}
both_backends!(admin_audit_page_lists_filters_and_is_itself_audited, audit_page);

async fn append_only(server: &TestServer) {
    server.account("spor", Role::Caseworker, true).await;
    let pool = server.store.raw_pool_for_tests();
    let total = head(server).await;
    assert!(total >= 4);
    let original: (Option<String>, String) =
        sqlx::query_as("SELECT subject, hash FROM audit_events WHERE seq = 2").fetch_one(pool).await.unwrap();

    let update = sqlx::query("UPDATE audit_events SET subject = 'forfalsket' WHERE seq = 2").execute(pool).await;
    let error = update.expect_err("an UPDATE must be refused").to_string();
    assert!(error.contains("append-only"), "{error}");
    let update = sqlx::query("UPDATE audit_events SET outcome = 'success'").execute(pool).await;
    assert!(update.is_err());
    let delete = sqlx::query("DELETE FROM audit_events WHERE seq = 2").execute(pool).await;
    assert!(delete.expect_err("a DELETE must be refused").to_string().contains("append-only"));
    assert!(sqlx::query("DELETE FROM audit_events").execute(pool).await.is_err());
    if is_postgres(server) {
        assert!(sqlx::query("TRUNCATE audit_events").execute(pool).await.is_err());
        assert!(sqlx::query("TRUNCATE audit_head").execute(pool).await.is_err());
    }
    // The head only moves forward, and only to the last event with its hash.
    assert!(sqlx::query("UPDATE audit_head SET seq = 1 WHERE id = 1").execute(pool).await.is_err());
    let beyond = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").execute(pool).await;
    assert!(beyond.is_err(), "not past the last event");
    {
        // An event slipped in past the head cannot be made the head under another hash.
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(
            "INSERT INTO audit_events (seq, at_micros, action, outcome, prev_hash, hash) \
             SELECT seq + 1, 0, 'audit_viewed', 'success', hash, 'abc' FROM audit_head WHERE id = 1",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        let wrong_hash =
            sqlx::query("UPDATE audit_head SET seq = seq + 1, hash = 'f00' WHERE id = 1").execute(&mut *tx).await;
        assert!(wrong_hash.is_err(), "not with another hash");
        tx.rollback().await.unwrap();
    }
    assert!(sqlx::query("DELETE FROM audit_head").execute(pool).await.is_err());

    let after: (Option<String>, String) =
        sqlx::query_as("SELECT subject, hash FROM audit_events WHERE seq = 2").fetch_one(pool).await.unwrap();
    assert_eq!(after, original);
    assert_eq!(head(server).await, total);
    assert_eq!(server.app.verify_audit_chain().await.unwrap(), total);
}
both_backends!(audit_table_is_append_only, append_only);

async fn all_seqs(server: &TestServer) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT seq FROM audit_events ORDER BY seq DESC")
        .fetch_all(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

fn item_seqs(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

async fn audit_api(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let token = server.token(&admin).await;
    for n in 0..110 {
        server.app.create_token_for(&RequestContext::default(), admin.id, &format!("nøkkel {n}"), None).await.unwrap();
    }
    let bare = server.bare_client();
    let get = |query: String| {
        let request = bare.get(server.url(&format!("/api/v1/audit-events{query}"))).bearer_auth(&token);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    // Use the token once, so that its first-use event is not written in the middle of the paging.
    assert_eq!(bare.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), 200);
    let expected = all_seqs(server).await;
    assert!(expected.len() > 100);
    let viewed = server.audit_count("audit_viewed").await;

    let first = get(String::new()).await;
    assert_eq!(item_seqs(&first), expected[..100]);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_string();
    assert_eq!(cursor, expected[99].to_string());
    let second = get(format!("?cursor={cursor}")).await;
    assert_eq!(item_seqs(&second), expected[100..]);
    assert!(second.get("next_cursor").is_none(), "the last page has no cursor: {second}");
    let newest = &first["items"][0];
    assert_eq!(newest["action"], "token_used");
    assert_eq!(newest["actor_username"], "admin");
    assert_eq!(newest["actor_role"], "admin");

    let filtered = get("?action=token_created&outcome=success".to_string()).await;
    let items = filtered["items"].as_array().unwrap();
    assert_eq!(items.len(), 100);
    assert!(items.iter().all(|e| e["action"] == "token_created" && e["outcome"] == "success"));
    let filtered = get(format!("?actor={}&action=token_used", admin.id)).await;
    assert_eq!(item_seqs(&filtered), seqs_where(server, "action = 'token_used'").await);
    assert_eq!(server.audit_count("audit_viewed").await, viewed + 4, "every listing is recorded");

    let caseworker = server.account("vanlig", Role::Caseworker, true).await;
    let cw_token = server.token(&caseworker).await;
    let denied_before = server.audit_count("access_denied").await;
    let denied = bare.get(server.url("/api/v1/audit-events")).bearer_auth(&cw_token).send().await.unwrap();
    assert_eq!(denied.status(), 403);
    assert_eq!(server.audit_count("access_denied").await, denied_before + 1);
    assert_eq!(server.audit_count("audit_viewed").await, viewed + 4);
}
both_backends!(audit_api_pages_filters_and_is_itself_audited, audit_api);

struct Verify {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `los audit verify` against the test database, with no `LOS_…` configuration.
async fn run_verify(server: &TestServer) -> Verify {
    let url = server.database.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_los"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().to_ascii_uppercase().starts_with("LOS_") {
                command.env_remove(key);
            }
        }
        let output = command.args(["--database", &url, "audit", "verify"]).output().unwrap();
        Verify {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// Some activity of several kinds, so the chain has rows to break.
async fn activity(server: &TestServer) {
    let account = server.account("aktiv", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    let csrf = server.csrf(&client, "/account").await;
    assert_eq!(post_form(&client, &server.url("/account/tokens"), &csrf, &[("name", "kjede")]).await.status(), 200);
    let stranger = server.client();
    let csrf = server.csrf(&stranger, "/login").await;
    post_form(&stranger, &server.url("/login"), &csrf, &[("username", "aktiv"), ("password", "ikke dette nei")]).await;
    assert!(head(server).await >= 8);
}

async fn bypass_trigger(server: &TestServer, trigger: &str) {
    let sql = if is_postgres(server) {
        format!("ALTER TABLE audit_events DISABLE TRIGGER {trigger}")
    } else {
        format!("DROP TRIGGER {trigger}")
    };
    sqlx::query(&sql).execute(server.store.raw_pool_for_tests()).await.unwrap();
}

fn assert_broken_at(verify: &Verify, seq: i64) {
    assert_eq!(verify.code, Some(1), "exit code for a broken chain; stdout {} stderr {}", verify.stdout, verify.stderr);
    let needle = format!("sequence number {seq}:");
    assert!(verify.stderr.contains(&needle), "expected {needle:?} in {}", verify.stderr);
}

async fn verify_names_changed_row(server: &TestServer) {
    activity(server).await;
    let total = head(server).await;
    let intact = run_verify(server).await;
    assert_eq!(intact.code, Some(0), "{} {}", intact.stdout, intact.stderr);
    assert!(intact.stdout.contains(&format!("audit chain intact: {total} events verified")), "{}", intact.stdout);

    bypass_trigger(server, "audit_events_append_only_update").await;
    let pool = server.store.raw_pool_for_tests();
    sqlx::query("UPDATE audit_events SET subject = 'noen andre' WHERE seq = 4").execute(pool).await.unwrap();
    let broken = run_verify(server).await;
    assert_broken_at(&broken, 4);
    assert!(broken.stderr.contains("HashMismatch"), "{}", broken.stderr);
    let link = match server.app.verify_audit_chain().await {
        Err(los_store::audit::VerifyError::Broken(link)) => link,
        other => panic!("expected a broken link, got {other:?}"),
    };
    assert_eq!(link.seq, 4);
    // A later change too: still the first broken link is named.
    sqlx::query("UPDATE audit_events SET reason = 'skjult' WHERE seq = 6").execute(pool).await.unwrap();
    assert_broken_at(&run_verify(server).await, 4);
}
both_backends!(audit_verify_names_the_changed_row, verify_names_changed_row);

async fn verify_names_deleted_row(server: &TestServer) {
    activity(server).await;
    assert_eq!(run_verify(server).await.code, Some(0));
    bypass_trigger(server, "audit_events_append_only_delete").await;
    sqlx::query("DELETE FROM audit_events WHERE seq = 5").execute(server.store.raw_pool_for_tests()).await.unwrap();
    let broken = run_verify(server).await;
    assert_broken_at(&broken, 5);
    assert!(broken.stderr.contains("Gap"), "{}", broken.stderr);
}
both_backends!(audit_verify_names_a_deleted_row, verify_names_deleted_row);

async fn verify_names_removed_tail(server: &TestServer) {
    activity(server).await;
    let total = head(server).await;
    bypass_trigger(server, "audit_events_append_only_delete").await;
    sqlx::query("DELETE FROM audit_events WHERE seq = $1")
        .bind(total)
        .execute(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    let broken = run_verify(server).await;
    assert_broken_at(&broken, total);
    assert!(broken.stderr.contains("Truncated"), "{}", broken.stderr);
}
both_backends!(audit_verify_names_a_removed_last_row, verify_names_removed_tail);

async fn verify_names_forged_row(server: &TestServer) {
    activity(server).await;
    // An attacker appends a well-chained row but cannot move the head past it unnoticed.
    let pool = server.store.raw_pool_for_tests();
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await.unwrap();
    let record = los_core::audit::AuditRecord {
        at_micros: server.clock.now().as_microsecond(),
        action: "login_password".into(),
        outcome: "success".into(),
        actor_account: None,
        actor_organization: None,
        actor_role: None,
        person: None,
        subject: Some("forfalsket".into()),
        reason: None,
        request_id: None,
        client_address: None,
    };
    let forged = los_core::audit::chain_hash(&hash, seq + 1, &record);
    sqlx::query(
        "INSERT INTO audit_events (seq, at_micros, action, outcome, subject, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq + 1)
    .bind(record.at_micros)
    .bind(&record.action)
    .bind(&record.outcome)
    .bind(&record.subject)
    .bind(&hash)
    .bind(&forged)
    .execute(pool)
    .await
    .unwrap();
    let broken = run_verify(server).await;
    assert_broken_at(&broken, seq + 1);
}
both_backends!(audit_verify_names_a_forged_appended_row, verify_names_forged_row);

async fn verify_names_rewritten_last_row(server: &TestServer) {
    activity(server).await;
    let total = head(server).await;
    bypass_trigger(server, "audit_events_append_only_update").await;
    // The last row is changed and its own hash recomputed: only the head still vouches for it.
    let pool = server.store.raw_pool_for_tests();
    let mut record = record_at(server, total).await;
    let (prev_hash,): (String,) =
        sqlx::query_as("SELECT prev_hash FROM audit_events WHERE seq = $1").bind(total).fetch_one(pool).await.unwrap();
    record.subject = Some("noen andre".into());
    let rehashed = los_core::audit::chain_hash(&prev_hash, total, &record);
    sqlx::query("UPDATE audit_events SET subject = $1, hash = $2 WHERE seq = $3")
        .bind(&record.subject)
        .bind(&rehashed)
        .bind(total)
        .execute(pool)
        .await
        .unwrap();
    let broken = run_verify(server).await;
    assert_broken_at(&broken, total);
}
both_backends!(audit_verify_names_a_rewritten_last_row, verify_names_rewritten_last_row);

type RecordRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn record_at(server: &TestServer, seq: i64) -> los_core::audit::AuditRecord {
    let row: RecordRow = sqlx::query_as(
        "SELECT at_micros, action, outcome, actor_account, actor_organization, actor_role, person, subject, reason, \
         request_id, client_address FROM audit_events WHERE seq = $1",
    )
    .bind(seq)
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap();
    los_core::audit::AuditRecord {
        at_micros: row.0,
        action: row.1,
        outcome: row.2,
        actor_account: row.3,
        actor_organization: row.4,
        actor_role: row.5,
        person: row.6,
        subject: row.7,
        reason: row.8,
        request_id: row.9,
        client_address: row.10,
    }
}

/// The CLI is run with the test suite's own `LOS_TEST_…` variables in its environment (as in
/// `LOS_TEST_POSTGRES=required cargo test`); they are documented as not being configuration.
#[test]
fn cli_ignores_test_suite_variables() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("los.db").display());
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_los"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().to_ascii_uppercase().starts_with("LOS_") {
            command.env_remove(key);
        }
    }
    let output = command
        .env("LOS_TEST_POSTGRES", "required")
        .env("LOS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        .args(["--database", &url, "audit", "verify"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "stdout {} stderr {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("audit chain intact: 0 events verified"));
}
