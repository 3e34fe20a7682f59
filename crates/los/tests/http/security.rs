//! Security headers, CSRF, no state change on GET, malformed and oversized bodies, and error
//! pages that carry a request id and nothing internal.

use los_core::account::Role;
use serde_json::Value;

use crate::both_backends;
use crate::support::*;

/// Slightly more than the 64 KiB body limit of the test server.
const OVERSIZED: usize = 70 * 1024;

async fn count(server: &TestServer, sql: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(sql).fetch_one(server.store.raw_pool_for_tests()).await.unwrap();
    row.0
}

async fn token_rows(server: &TestServer) -> i64 {
    count(server, "SELECT COUNT(*) FROM api_tokens").await
}

async fn password_hash(server: &TestServer, account: &TestAccount) -> String {
    let row: (String,) = sqlx::query_as("SELECT password_hash FROM accounts WHERE id = $1")
        .bind(account.id.to_string())
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    row.0
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {name} header on {} {}", response.status(), response.url()))
}

/// The headers every response must carry; `no_store` for everything but static assets.
fn assert_security_headers(response: &reqwest::Response, no_store: bool) {
    let what = format!("{} {}", response.status(), response.url().path());
    let csp = header(response, "content-security-policy");
    let directive = |name: &str| -> Option<String> {
        csp.split(';').map(str::trim).find(|d| d.split_whitespace().next() == Some(name)).map(str::to_string)
    };
    let script = directive("script-src").or_else(|| directive("default-src")).unwrap_or_default();
    assert!(script.contains("'self'"), "{what}: script-src must be restricted: {csp}");
    for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'", "*", "data:"] {
        assert!(!script.split_whitespace().any(|s| s == unsafe_source), "{what}: {unsafe_source} in {csp}");
    }
    assert_eq!(directive("frame-ancestors").as_deref(), Some("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(directive("object-src").as_deref(), Some("object-src 'none'"), "{what}: {csp}");
    assert_eq!(header(response, "x-content-type-options"), "nosniff", "{what}");
    // Either keeps URLs (which may name a person's record) away from other sites.
    let referrer = header(response, "referrer-policy");
    assert!(["no-referrer", "same-origin"].contains(&referrer.as_str()), "{what}: referrer-policy {referrer}");
    assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
    let cache = response.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    if no_store {
        assert!(cache.split(',').any(|d| d.trim() == "no-store"), "{what}: cache-control {cache:?}");
    } else {
        assert!(!cache.contains("no-store"), "{what}: cache-control {cache:?}");
    }
    assert!(!header(response, "x-request-id").is_empty(), "{what}");
}

async fn headers_everywhere(server: &TestServer) {
    let account = server.account("hode", Role::Caseworker, true).await;
    let token = server.token(&account).await;
    let client = server.client();
    let bare = server.bare_client();

    let page = client.get(server.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert_security_headers(&page, true);

    let api = bare.get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(api.status(), 200);
    assert!(header(&api, "content-type").starts_with("application/json"));
    assert_security_headers(&api, true);

    let missing = client.get(server.url("/finnes-ikke")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(header(&missing, "content-type").starts_with("text/html"));
    assert_security_headers(&missing, true);

    let api_missing = bare.get(server.url("/api/v1/finnes-ikke")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(api_missing.status(), 404);
    assert_eq!(header(&api_missing, "content-type"), "application/problem+json");
    assert_security_headers(&api_missing, true);

    let unauthenticated = bare.get(server.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_security_headers(&unauthenticated, true);

    // Static assets: cacheable, with their real type, and still nosniff + CSP.
    let css = client.get(server.url("/assets/los.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(header(&css, "content-type"), "text/css; charset=utf-8");
    let cache = header(&css, "cache-control");
    assert!(cache.contains("public") && cache.contains("max-age="), "{cache}");
    assert_security_headers(&css, false);
    let etag = header(&css, "etag");
    assert!(!css.text().await.unwrap().is_empty());
    let again = client.get(server.url("/assets/los.css")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304, "a revalidation with the ETag is answered without a body");

    let js = client.get(server.url("/assets/vendor/htmx.min.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(header(&js, "content-type"), "text/javascript; charset=utf-8");
    assert_security_headers(&js, false);
}
both_backends!(security_headers_on_pages_api_errors_and_assets, headers_everywhere);

async fn csrf_on_signed_in_forms(server: &TestServer) {
    let account = server.account("skjema", Role::Caseworker, true).await;
    let other = server.account("annen", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    let other_client = server.signed_in(&other).await;
    let csrf = server.csrf(&client, "/account").await;
    let others_csrf = server.csrf(&other_client, "/account").await;
    assert_ne!(csrf, others_csrf, "tokens are bound to the session");
    let url = server.url("/account/tokens");
    assert_eq!(token_rows(server).await, 0);

    // No token at all.
    let none = client.post(&url).form(&[("name", "uten")]).send().await.unwrap();
    assert_eq!(none.status(), 403);
    assert_security_headers(&none, true);
    // A made-up token, and another session's valid token.
    for wrong in ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", others_csrf.as_str(), ""] {
        let response = post_form(&client, &url, wrong, &[("name", "feil")]).await;
        assert_eq!(response.status(), 403, "token {wrong:?}");
    }
    // The right token from a foreign origin.
    let foreign = client
        .post(&url)
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", csrf.as_str()), ("name", "fremmed")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let null_origin = client
        .post(&url)
        .header("origin", "null")
        .form(&[("csrf_token", csrf.as_str()), ("name", "null")])
        .send()
        .await
        .unwrap();
    assert_eq!(null_origin.status(), 403);
    assert_eq!(token_rows(server).await, 0, "nothing was created by a refused form");
    assert_eq!(server.audit_count("token_created").await, 0);

    // The password form is protected the same way.
    let hash_before = password_hash(server, &account).await;
    let password = [
        ("current_password", PASSWORD),
        ("new_password", "et helt nytt og langt passord"),
        ("confirm_password", "et helt nytt og langt passord"),
    ];
    let refused = client.post(server.url("/account/password")).form(&password).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let refused = post_form(&client, &server.url("/account/password"), &others_csrf, &password).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(password_hash(server, &account).await, hash_before, "the password is unchanged");
    assert_eq!(server.audit_count("password_changed").await, 0);

    // Controls: the right token works from the same origin, as a field and as the htmx header.
    let same_origin = client
        .post(&url)
        .header("origin", server.base.as_str())
        .form(&[("csrf_token", csrf.as_str()), ("name", "skjema")])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
    assert_eq!(token_rows(server).await, 1);
    let htmx = client.post(&url).header("x-csrf-token", &csrf).form(&[("name", "htmx")]).send().await.unwrap();
    assert_eq!(htmx.status(), 200);
    assert_eq!(token_rows(server).await, 2);
    // A wrong header is not rescued by a right field.
    let mixed = client
        .post(&url)
        .header("x-csrf-token", &others_csrf)
        .form(&[("csrf_token", csrf.as_str()), ("name", "blandet")])
        .send()
        .await
        .unwrap();
    assert_eq!(mixed.status(), 403);
    assert_eq!(token_rows(server).await, 2);
    assert_eq!(server.audit_count("token_created").await, 2);
}
both_backends!(csrf_refuses_signed_in_forms_without_the_right_token, csrf_on_signed_in_forms);

async fn csrf_on_login(server: &TestServer) {
    server.account("logg", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let fields = [("username", "logg"), ("password", PASSWORD)];
    let without = client.post(server.url("/login")).form(&fields).send().await.unwrap();
    assert_eq!(without.status(), 403);
    assert!(without.headers().get("set-cookie").is_none(), "no session cookie for a refused login");
    let wrong = post_form(&client, &server.url("/login"), "bm90IHRoZSB0b2tlbg", &fields).await;
    assert_eq!(wrong.status(), 403);
    // A token taken from another browser is worthless without that browser's cookie.
    let stranger = server.client();
    let stolen = post_form(&stranger, &server.url("/login"), &csrf, &fields).await;
    assert_eq!(stolen.status(), 403);
    assert_eq!(count(server, "SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(server.audit_count("login_password").await, 0, "the password was never checked");

    let ok = post_form(&client, &server.url("/login"), &csrf, &fields).await;
    assert_eq!(ok.status(), 303, "control: the right token works");
    assert_eq!(count(server, "SELECT COUNT(*) FROM sessions").await, 1);
}
both_backends!(csrf_protects_the_login_form, csrf_on_login);

async fn csrf_on_the_api(server: &TestServer) {
    let account = server.account("api", Role::Caseworker, true).await;
    let token = server.token(&account).await;
    let before = token_rows(server).await;

    // A bearer token without cookies needs no CSRF token.
    let bearer = server
        .bare_client()
        .post(server.url("/api/v1/tokens"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "ci"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 201);
    assert_eq!(token_rows(server).await, before + 1);

    // A browser session must send X-CSRF-Token.
    let client = server.signed_in(&account).await;
    let refused =
        client.post(server.url("/api/v1/tokens")).json(&serde_json::json!({"name": "nettleser"})).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(header(&refused, "content-type"), "application/problem+json");
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["status"], 403);
    // Also when it adds a bearer token: the cookie goes along, so CSRF applies.
    let both = client
        .post(server.url("/api/v1/tokens"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "begge"}))
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 403);
    let wrong = client
        .post(server.url("/api/v1/tokens"))
        .header("x-csrf-token", "feil")
        .json(&serde_json::json!({"name": "feil"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert_eq!(token_rows(server).await, before + 1, "nothing created by refused requests");

    let csrf = server.csrf(&client, "/account").await;
    let ok = client
        .post(server.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "nettleser"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201, "control: the session with the header works");
    assert_eq!(token_rows(server).await, before + 2);
}
both_backends!(csrf_on_api_bearer_versus_session, csrf_on_the_api);

async fn no_state_change_on_get(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let victim = server.account("offer", Role::Caseworker, true).await;
    let client = server.signed_in(&admin).await;
    let sessions = count(server, "SELECT COUNT(*) FROM sessions").await;

    let logout = client.get(server.url("/logout")).send().await.unwrap();
    assert_eq!(logout.status(), 405);
    assert_security_headers(&logout, true);
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 200, "still signed in");
    assert_eq!(count(server, "SELECT COUNT(*) FROM sessions").await, sessions);
    assert_eq!(server.audit_count("logout").await, 0);

    let tokens = client.get(server.url("/account/tokens")).send().await.unwrap();
    assert_eq!(tokens.status(), 405);
    assert_eq!(token_rows(server).await, 0);

    let disable = client.get(server.url(&format!("/admin/accounts/{}/disable", victim.id))).send().await.unwrap();
    assert_eq!(disable.status(), 405);
    let disabled: (Option<i64>,) = sqlx::query_as("SELECT disabled_at FROM accounts WHERE id = $1")
        .bind(victim.id.to_string())
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    assert_eq!(disabled.0, None, "a GET never disables an account");
    assert_eq!(server.audit_count("account_disabled").await, 0);

    let api = server
        .bare_client()
        .get(server.url(&format!("/api/v1/accounts/{}/disable", victim.id)))
        .bearer_auth(server.token(&admin).await)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 405);
    assert_eq!(server.audit_count("account_disabled").await, 0);
}
both_backends!(get_never_changes_state, no_state_change_on_get);

async fn malformed_forms(server: &TestServer) {
    let account = server.account("rot", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    let csrf = server.csrf(&client, "/account").await;
    let url = server.url("/account/tokens");
    let form =
        |body: String| client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(body).send();

    // A field given twice does not fit the form's shape.
    let twice = form(format!("csrf_token={csrf}&name=a&name=b")).await.unwrap();
    assert_eq!(twice.status(), 422);
    // A number field that is not a number: the form is shown again with the reason.
    let days = form(format!("csrf_token={csrf}&name=dager&valid_days=mange")).await.unwrap();
    assert_eq!(days.status(), 422);
    assert!(days.text().await.unwrap().contains("har feil format"));
    // JSON where urlencoded was announced (token in the htmx header).
    let json = client
        .post(&url)
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(r#"{"name":"json"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 422);
    // Not a form at all.
    let plain = client
        .post(&url)
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/plain")
        .body("name=tekst")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 415);
    // Binary garbage.
    let garbage = client
        .post(&url)
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00, b'=', 0x80, b'&', b'&', b'='])
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 422);
    assert_eq!(token_rows(server).await, 0, "no malformed form created anything");
    assert_eq!(server.audit_count("token_created").await, 0);

    // Oversized bodies: a form (token in the body and in the header) and the API.
    let big = "a".repeat(OVERSIZED);
    let response = form(format!("csrf_token={csrf}&name={big}")).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_security_headers(&response, true);
    let response =
        client.post(&url).header("x-csrf-token", &csrf).form(&[("name", big.as_str())]).send().await.unwrap();
    assert_eq!(response.status(), 413);
    let token = server.token(&account).await;
    let before = token_rows(server).await;
    let response = server
        .bare_client()
        .post(server.url("/api/v1/tokens"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": big}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(header(&response, "content-type"), "application/problem+json");
    assert_eq!(token_rows(server).await, before, "nothing created by oversized bodies");
    assert_eq!(server.audit_count("token_created").await, 1, "only the control token from the harness");
    // The password form, oversized: unchanged.
    let hash_before = password_hash(server, &account).await;
    let response =
        form(format!("csrf_token={csrf}&current_password={PASSWORD}&new_password={big}&confirm_password={big}"))
            .await
            .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(password_hash(server, &account).await, hash_before);

    // Control: a well-formed form still works.
    let ok = post_form(&client, &url, &csrf, &[("name", "riktig")]).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(token_rows(server).await, before + 1);
}
both_backends!(malformed_and_oversized_bodies_change_nothing, malformed_forms);

fn assert_no_internals(body: &str) {
    for leak in [
        "sqlx",
        "panicked",
        "src/",
        ".rs:",
        "Error {",
        "SELECT",
        "api_tokens",
        "no such table",
        "relation",
        "stack backtrace",
        "RUST_BACKTRACE",
    ] {
        assert!(!body.contains(leak), "the response leaks {leak:?}: {body}");
    }
}

async fn error_pages_carry_request_id(server: &TestServer) {
    let client = server.client();
    let first = client.get(server.url("/finnes/ikke")).send().await.unwrap();
    assert_eq!(first.status(), 404);
    let id = header(&first, "x-request-id");
    assert!(id.len() >= 16 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{id}");
    let html = first.text().await.unwrap();
    assert!(html.contains(&format!("<code>{id}</code>")), "the page shows the request id: {html}");
    assert!(html.contains("Fant ikke siden"));
    assert_no_internals(&html);
    let second = client.get(server.url("/finnes/ikke")).send().await.unwrap();
    assert_ne!(header(&second, "x-request-id"), id, "each request has its own id");

    let api = server.bare_client().get(server.url("/api/v1/finnes-ikke")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    let api_id = header(&api, "x-request-id");
    let problem: Value = api.json().await.unwrap();
    assert_eq!(problem["request_id"], api_id.as_str());
    assert_eq!(problem["status"], 404);

    // An internal failure (the database lost a table) shows the id and nothing of the cause.
    let account = server.account("feil", Role::Caseworker, true).await;
    let token = server.token(&account).await;
    let signed_in = server.signed_in(&account).await;
    sqlx::query("ALTER TABLE api_tokens RENAME TO api_tokens_moved")
        .execute(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    let broken = signed_in.get(server.url("/account")).send().await.unwrap();
    assert_eq!(broken.status(), 500);
    assert_security_headers(&broken, true);
    let id = header(&broken, "x-request-id");
    let html = broken.text().await.unwrap();
    assert!(html.contains(&format!("<code>{id}</code>")), "{html}");
    assert_no_internals(&html);

    let broken_api = server.bare_client().get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(broken_api.status(), 500);
    assert_eq!(header(&broken_api, "content-type"), "application/problem+json");
    let id = header(&broken_api, "x-request-id");
    let body = broken_api.text().await.unwrap();
    assert_no_internals(&body);
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["request_id"], id.as_str());
    assert!(problem.get("detail").is_none(), "no detail for an internal error: {body}");
}
both_backends!(error_pages_show_request_id_and_no_internals, error_pages_carry_request_id);

async fn user_text_is_escaped(server: &TestServer) {
    let admin = server.account("admin", Role::Admin, true).await;
    let token = server.token(&admin).await;
    let payload = r#"<img src=x onerror="alert(1)">"#;
    let created = server
        .bare_client()
        .post(server.url("/api/v1/accounts"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "username": "skummel", "display_name": payload, "password": "en lang og trygg setning her",
            "organization_id": server.organization.to_string(), "role": "caseworker",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let client = server.signed_in(&admin).await;
    let csrf = server.csrf(&client, "/account").await;
    let script = "<script>alert('los')</script>";
    assert_eq!(post_form(&client, &server.url("/account/tokens"), &csrf, &[("name", script)]).await.status(), 200);

    let accounts = client.get(server.url("/admin/accounts")).send().await.unwrap().text().await.unwrap();
    assert!(accounts.contains("skummel"));
    assert!(!accounts.contains(payload) && !accounts.contains("<img src=x"), "the display name is escaped");
    assert!(accounts.contains("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;"), "shown, escaped");
    let account = client.get(server.url("/account")).send().await.unwrap().text().await.unwrap();
    assert!(!account.contains(script), "the token name is escaped");
    assert!(account.contains("&#60;script&#62;"), "shown, escaped");

    // A `next` that tries to break out of its attribute.
    let login = server
        .client()
        .get(server.url("/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!login.contains("\"><script>alert(1)"), "{login}");
}
both_backends!(user_supplied_text_is_html_escaped, user_text_is_escaped);

async fn login_next_stays_local(server: &TestServer) {
    let account = server.account("videre", Role::Caseworker, true).await;
    for (next, expected) in
        [("//evil.example/", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("/account", "/account")]
    {
        let client = server.client();
        let csrf = server.csrf(&client, "/login").await;
        let first = post_form(
            &client,
            &server.url("/login"),
            &csrf,
            &[("username", "videre"), ("password", PASSWORD), ("next", next)],
        )
        .await;
        assert_eq!(first.status(), 303);
        assert!(!location(&first).contains("evil"), "{}", location(&first));
        let csrf = server.csrf(&client, "/login/second-factor").await;
        let second = post_form(
            &client,
            &server.url("/login/second-factor"),
            &csrf,
            &[("code", &server.code(&account)), ("next", next)],
        )
        .await;
        assert_eq!(second.status(), 303);
        assert_eq!(location(&second), expected, "next = {next}");
        server.clock.advance(jiff::SignedDuration::from_secs(30));
    }
}
both_backends!(login_redirects_only_to_local_paths, login_next_stays_local);
