//! Login with and without the second factor, enrolment, recovery codes, throttling and sessions.

use jiff::SignedDuration;
use los_core::account::Role;

use crate::both_backends;
use crate::support::*;

async fn password_then_code(server: &TestServer) {
    let account = server.account("kari", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let response =
        post_form(&client, &server.url("/login"), &csrf, &[("username", "kari"), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login/second-factor");
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    // Not signed in yet: pages send the browser back to the second step.
    let home = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(location(&home), "/login/second-factor");

    let csrf = server.csrf(&client, "/login/second-factor").await;
    let wrong = post_form(&client, &server.url("/login/second-factor"), &csrf, &[("code", "000000")]).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("er ikke riktig"));

    let ok = post_form(&client, &server.url("/login/second-factor"), &csrf, &[("code", &server.code(&account))]).await;
    assert_eq!(ok.status(), 303);
    let home = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Hei, Test"));
    assert_eq!(server.audit_count("login_second_factor").await, 2, "one failure and one success");
}
both_backends!(login_with_second_factor, password_then_code);

async fn new_session_id_at_each_step(server: &TestServer) {
    let account = server.account("ola", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let first = post_form(&client, &server.url("/login"), &csrf, &[("username", "ola"), ("password", PASSWORD)]).await;
    let pending = first.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    let csrf = server.csrf(&client, "/login/second-factor").await;
    let second =
        post_form(&client, &server.url("/login/second-factor"), &csrf, &[("code", &server.code(&account))]).await;
    let active = second.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert_ne!(pending.split(';').next(), active.split(';').next(), "the session id changes at login");
}
both_backends!(session_id_changes_at_login, new_session_id_at_each_step);

async fn wrong_password_is_generic(server: &TestServer) {
    server.account("per", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let wrong =
        post_form(&client, &server.url("/login"), &csrf, &[("username", "per"), ("password", "nope nope nope")]).await;
    assert_eq!(wrong.status(), 401);
    let unknown =
        post_form(&client, &server.url("/login"), &csrf, &[("username", "nobody"), ("password", "nope nope nope")])
            .await;
    assert_eq!(unknown.status(), 401);
    let a = wrong.text().await.unwrap();
    let b = unknown.text().await.unwrap();
    assert!(a.contains("Feil brukernavn eller passord") && b.contains("Feil brukernavn eller passord"));
    assert_eq!(server.audit_count("login_password").await, 2);
}
both_backends!(wrong_password_and_unknown_user_look_the_same, wrong_password_is_generic);

async fn enrolment_is_required(server: &TestServer) {
    let account = server.account("nina", Role::Leader, false).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let response =
        post_form(&client, &server.url("/login"), &csrf, &[("username", "nina"), ("password", PASSWORD)]).await;
    assert_eq!(location(&response), "/login/enrol");
    // No way around enrolment.
    assert_eq!(location(&client.get(server.url("/")).send().await.unwrap()), "/login/enrol");
    let page = client.get(server.url("/login/enrol")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg"), "the QR code is shown");
    let secret =
        regex::Regex::new(r#"name="secret" value="([A-Z2-7]+)""#).unwrap().captures(&page).unwrap()[1].to_string();
    let csrf = csrf_in(&page).unwrap();
    let code = los_app::auth::current_code(&secret, &account.username, "Los", server.clock.now()).unwrap();
    let wrong =
        post_form(&client, &server.url("/login/enrol"), &csrf, &[("secret", &secret), ("code", "123456")]).await;
    assert_eq!(wrong.status(), 422);
    let done = post_form(&client, &server.url("/login/enrol"), &csrf, &[("secret", &secret), ("code", &code)]).await;
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    let codes: Vec<String> = regex::Regex::new(r"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>")
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes are shown once");
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 200, "signed in after enrolment");
    let outcomes: Vec<(String,)> =
        sqlx::query_as("SELECT outcome FROM audit_events WHERE action = 'second_factor_enrolled' ORDER BY seq")
            .fetch_all(server.store.raw_pool_for_tests())
            .await
            .unwrap();
    let outcomes: Vec<&str> = outcomes.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(outcomes, ["failure", "success"], "the wrong code and the enrolment are both audited");
}
both_backends!(second_factor_enrolment_is_required, enrolment_is_required);

async fn demo_offers_without_forcing(server: &TestServer) {
    server.account("demo", Role::Caseworker, false).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let response =
        post_form(&client, &server.url("/login"), &csrf, &[("username", "demo"), ("password", PASSWORD)]).await;
    assert_eq!(location(&response), "/");
    let home = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("los-demo-banner"), "demo banner on every page");
    assert!(home.contains("/account/second-factor"), "the second factor is offered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_offers_second_factor_without_forcing_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let auth = los_app::AuthSettings { demo: true, ..los_app::AuthSettings::default() };
        if let Some(server) = TestServer::start_with(backend, auth).await {
            demo_offers_without_forcing(&server).await;
            server.stop().await;
        }
    }
}

async fn recovery_codes_work_once(server: &TestServer) {
    let account = server.account("siri", Role::Caseworker, true).await;
    let codes = server
        .app
        .regenerate_recovery_codes(&Default::default(), &server.app.account_by_id(account.id).await.unwrap())
        .await
        .unwrap();
    for attempt in 0..2 {
        let client = server.client();
        let csrf = server.csrf(&client, "/login").await;
        post_form(&client, &server.url("/login"), &csrf, &[("username", "siri"), ("password", PASSWORD)]).await;
        let csrf = server.csrf(&client, "/login/recovery").await;
        let response =
            post_form(&client, &server.url("/login/recovery"), &csrf, &[("recovery_code", &codes[0].to_lowercase())])
                .await;
        if attempt == 0 {
            assert_eq!(response.status(), 303, "first use works");
        } else {
            assert_eq!(response.status(), 422, "second use is refused");
        }
    }
    assert_eq!(server.app.unused_recovery_codes(account.id).await.unwrap(), 9);
}
both_backends!(recovery_code_used_twice, recovery_codes_work_once);

async fn throttling_slows_down_without_locking_out(server: &TestServer) {
    server.account("eva", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    for _ in 0..5 {
        let r =
            post_form(&client, &server.url("/login"), &csrf, &[("username", "eva"), ("password", "wrong wrong wrong")])
                .await;
        assert_eq!(r.status(), 401);
    }
    // The sixth attempt comes too soon: refused without even checking the password.
    let r = post_form(&client, &server.url("/login"), &csrf, &[("username", "eva"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    assert_eq!(server.audit_count("login_throttled").await, 1);
    // After the wait the right password works again: no permanent lockout.
    server.clock.advance(SignedDuration::from_secs(2));
    let r = post_form(&client, &server.url("/login"), &csrf, &[("username", "eva"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 303);
}
both_backends!(login_throttling, throttling_slows_down_without_locking_out);

async fn idle_sessions_expire(server: &TestServer) {
    let account = server.account("idle", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 200);
    server.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 200, "activity keeps it alive");
    server.clock.advance(SignedDuration::from_mins(31));
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login");
    assert_eq!(server.audit_count("session_expired").await, 1);
}
both_backends!(session_idle_expiry, idle_sessions_expire);

async fn absolute_timeout(server: &TestServer) {
    let account = server.account("long", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    for _ in 0..25 {
        server.clock.advance(SignedDuration::from_mins(29));
        let status = client.get(server.url("/")).send().await.unwrap().status();
        if status == 303 {
            // 25 × 29 min > 12 h: the session must end by then even though it was never idle.
            return;
        }
    }
    panic!("the session outlived the absolute timeout");
}
both_backends!(session_absolute_expiry, absolute_timeout);

async fn cookie_after_logout(server: &TestServer) {
    let account = server.account("utlogget", Role::Caseworker, true).await;
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    post_form(&client, &server.url("/login"), &csrf, &[("username", "utlogget"), ("password", PASSWORD)]).await;
    let csrf = server.csrf(&client, "/login/second-factor").await;
    let signed_in =
        post_form(&client, &server.url("/login/second-factor"), &csrf, &[("code", &server.code(&account))]).await;
    // Keep a copy of the session cookie, as someone who stole it would.
    let stolen = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("los_session="))
        .unwrap();
    let replay = |cookie: String| {
        let bare = server.bare_client();
        let url = server.url("/account");
        async move { bare.get(url).header("cookie", cookie).send().await.unwrap().status() }
    };
    assert_eq!(replay(stolen.clone()).await, 200, "the copied cookie works while the session lives");
    let csrf = server.csrf(&client, "/account").await;
    let response = post_form(&client, &server.url("/logout"), &csrf, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(replay(stolen).await, 303, "after logout the same cookie is worthless");
    assert_eq!(server.audit_count("logout").await, 1);
}
both_backends!(logout_ends_session_on_server, cookie_after_logout);

async fn disabled_account_sessions_end(server: &TestServer) {
    let account = server.account("stopp", Role::Caseworker, true).await;
    let client = server.signed_in(&account).await;
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 200);
    server
        .app
        .set_account_disabled(&Default::default(), los_app::accounts::Operator::CommandLine, account.id, true)
        .await
        .unwrap();
    assert_eq!(client.get(server.url("/")).send().await.unwrap().status(), 303, "disabled at once");
    // And the password no longer works.
    let fresh = server.client();
    let csrf = server.csrf(&fresh, "/login").await;
    let r = post_form(&fresh, &server.url("/login"), &csrf, &[("username", "stopp"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 401);
}
both_backends!(disabled_account_loses_its_sessions, disabled_account_sessions_end);

async fn language_switch_returns_to_the_page(server: &TestServer) {
    let client = server.client();
    let csrf = server.csrf(&client, "/login").await;
    let host = server.base.trim_start_matches("http://").to_string();
    let switch = |referer: Option<String>| {
        let mut request = client.post(server.url("/language")).form(&[
            ("csrf_token", csrf.as_str()),
            ("lang", "en"),
            ("next", "/persons"),
        ]);
        if let Some(referer) = referer {
            request = request.header(reqwest::header::REFERER, referer);
        }
        request.send()
    };
    let here = switch(Some(format!("http://{host}/persons/0190/plan?tab=goals#measures"))).await.unwrap();
    assert_eq!(here.status(), 303);
    assert_eq!(location(&here), "/persons/0190/plan?tab=goals", "back to the page the switch was made on");
    // A referrer of another site, or none, falls back to the form's own target.
    let foreign = switch(Some(format!("http://evil.example/{host}/x"))).await.unwrap();
    assert_eq!(location(&foreign), "/persons");
    let none = switch(None).await.unwrap();
    assert_eq!(location(&none), "/persons");
}
both_backends!(the_language_switch_returns_to_the_page_it_was_made_on, language_switch_returns_to_the_page);
