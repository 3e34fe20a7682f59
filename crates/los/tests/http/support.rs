//! The test server and helpers.
//!
//! PostgreSQL tests use `LOS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! to create a database of their own. When `LOS_TEST_POSTGRES=required`, an unreachable server is a
//! failure; otherwise those tests are skipped with a note.

use std::sync::Arc;

use jiff::Timestamp;
use los_app::accounts::{NewAccountInput, Operator};
use los_app::organizations::OrganizationInput;
use los_app::{App, AuthSettings, RequestContext};
pub use los_core::Clock;
use los_core::ManualClock;
use los_core::account::Role;
use los_core::ids::{AccountId, OrganizationId};
use los_store::{DatabaseUrl, Store, StoreOptions};
use los_web::{AppState, WebConfig};
use reqwest::redirect::Policy;
use sqlx::Connection;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn postgres_admin_url() -> String {
    std::env::var("LOS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var("LOS_TEST_POSTGRES").is_ok_and(|v| v == "required")
}

/// A database of the test's own: a temporary SQLite file or a fresh PostgreSQL database.
pub struct TestDatabase {
    pub url: String,
    postgres_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Option<TestDatabase> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("los.db").display());
                Some(TestDatabase { url, postgres_name: None, _dir: Some(dir) })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = match sqlx::PgConnection::connect(&admin).await {
                    Ok(conn) => conn,
                    Err(error) if !postgres_required() => {
                        eprintln!("skipping PostgreSQL test: {error} (set LOS_TEST_POSTGRES=required to fail instead)");
                        return None;
                    }
                    Err(error) => {
                        panic!("PostgreSQL is required (LOS_TEST_POSTGRES=required) but unreachable: {error}")
                    }
                };
                let name = format!("los_test_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
                let mut url = url::Url::parse(&admin).unwrap();
                url.set_path(&format!("/{name}"));
                Some(TestDatabase { url: url.to_string(), postgres_name: Some(name), _dir: None })
            }
        }
    }

    pub async fn drop_database(&self) {
        if let Some(name) = &self.postgres_name
            && let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub app: App,
    pub store: Store,
    pub database: TestDatabase,
    pub organization: OrganizationId,
    pub other_organization: OrganizationId,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

pub struct TestAccount {
    pub id: AccountId,
    pub username: String,
    pub password: String,
    pub secret: Option<String>,
}

impl TestServer {
    /// Starts a server; `None` when the backend is PostgreSQL and it is not reachable (and not required).
    pub async fn start(backend: Backend) -> Option<TestServer> {
        Self::start_with(backend, AuthSettings::default()).await
    }

    pub async fn start_with(backend: Backend, auth: AuthSettings) -> Option<TestServer> {
        let database = TestDatabase::create(backend).await?;
        let store =
            Store::connect(&DatabaseUrl::parse(&database.url).unwrap(), &StoreOptions::default()).await.unwrap();
        store.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::new(Timestamp::now()));
        let demo = auth.demo;
        let app = App::new(store.clone(), clock.clone(), auth);
        let ctx = RequestContext::default();
        let organization = app
            .create_organization(
                &ctx,
                Operator::CommandLine,
                &org_input("Testkommune – Rustjenesten", "municipal_unit", "NO"),
            )
            .await
            .unwrap()
            .id;
        let other_organization = app
            .create_organization(&ctx, Operator::CommandLine, &org_input("Testforetaket – TSB", "hospital_trust", "NO"))
            .await
            .unwrap()
            .id;
        let config = WebConfig { secure_cookies: false, hsts: false, demo, body_limit_bytes: 64 * 1024 };
        let state = AppState::new(app.clone(), config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            los_web::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Some(TestServer {
            base,
            clock,
            app,
            store,
            database,
            organization,
            other_organization,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.store.close().await;
        self.database.drop_database().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
    }

    /// A client without cookies, for API tokens.
    pub fn bare_client(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
    }

    /// Creates an account with `role` in the main organisation; with a second factor when `totp`.
    pub async fn account(&self, username: &str, role: Role, totp: bool) -> TestAccount {
        self.account_in(username, role, self.organization, totp).await
    }

    pub async fn account_in(
        &self,
        username: &str,
        role: Role,
        organization: OrganizationId,
        totp: bool,
    ) -> TestAccount {
        let input = NewAccountInput {
            username: username.into(),
            display_name: format!("Test {username}"),
            password: PASSWORD.into(),
            locale: Some("nb".into()),
            organization: organization.to_string(),
            role: role.code().into(),
        };
        let id = self.app.create_account(&RequestContext::default(), Operator::CommandLine, &input).await.unwrap();
        let secret = if totp {
            let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".to_string();
            let mut tx = self.store.write().await.unwrap();
            los_store::accounts::set_second_factor(&mut tx, id, Some(&secret), None, self.clock.now()).await.unwrap();
            tx.commit().await.unwrap();
            Some(secret)
        } else {
            None
        };
        TestAccount { id, username: username.into(), password: PASSWORD.into(), secret }
    }

    /// The current TOTP code of an account.
    pub fn code(&self, account: &TestAccount) -> String {
        los_app::auth::current_code(account.secret.as_deref().unwrap(), &account.username, "Los", self.clock.now())
            .unwrap()
    }

    /// Logs in fully (password and code) with a fresh client and returns it.
    pub async fn signed_in(&self, account: &TestAccount) -> reqwest::Client {
        let client = self.client();
        let response = post_form(
            &client,
            &self.url("/login"),
            &self.csrf(&client, "/login").await,
            &[("username", &account.username), ("password", &account.password)],
        )
        .await;
        assert_eq!(response.status(), 303, "password step");
        assert!(location(&response).starts_with("/login/second-factor"), "{}", location(&response));
        let csrf = self.csrf(&client, "/login/second-factor").await;
        let response =
            post_form(&client, &self.url("/login/second-factor"), &csrf, &[("code", &self.code(account))]).await;
        assert_eq!(response.status(), 303, "second factor step");
        // The next login of the same account needs the next time step (codes are single-use).
        self.clock.advance(jiff::SignedDuration::from_secs(30));
        client
    }

    /// Fetches `path` and returns the CSRF token of its forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client.get(self.url(path)).send().await.unwrap().text().await.unwrap();
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf token on {path}: {html}"))
    }

    /// A personal access token for `account`'s first membership.
    pub async fn token(&self, account: &TestAccount) -> String {
        self.app.create_token_for(&RequestContext::default(), account.id, "test", None).await.unwrap().secret
    }

    /// Number of audit events with this action.
    pub async fn audit_count(&self, action: &str) -> i64 {
        let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(self.store.raw_pool_for_tests())
            .await
            .unwrap();
        row.0
    }
}

fn org_input(name: &str, kind: &str, country: &str) -> OrganizationInput {
    OrganizationInput { name: name.into(), kind: kind.into(), country: country.into() }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let re = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#).unwrap();
    re.captures(html).map(|c| c[1].to_string())
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

pub async fn post_form(client: &reqwest::Client, url: &str, csrf: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf)];
    all.extend_from_slice(fields);
    client.post(url).form(&all).send().await.unwrap()
}

/// Runs `async fn $body(server: &TestServer)` against both backends, as two test functions.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(server) = $crate::support::TestServer::start($crate::support::Backend::Sqlite).await {
                    $body(&server).await;
                    server.stop().await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(server) = $crate::support::TestServer::start($crate::support::Backend::Postgres).await {
                    $body(&server).await;
                    server.stop().await;
                }
            }
        }
    };
}

/// An API request with a bearer token and an optional JSON body.
pub async fn send(
    server: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    send_if(server, token, method, path, body, None).await
}

/// An API request as [`send`], with `If-Match` when `etag` is given.
pub async fn send_if(
    server: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = server.bare_client().request(method, server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(etag) = etag {
        request = request.header("if-match", etag);
    }
    request.send().await.unwrap()
}

/// The JSON body of a response that must have `status` (the body is shown when it has not).
pub async fn json_ok(response: reqwest::Response, status: u16) -> serde_json::Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The `(field, reason)` pairs of a problem+json body, sorted, each once.
pub fn field_errors(problem: &serde_json::Value) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["reason"].as_str().unwrap().to_string()))
        .collect();
    list.sort();
    list.dedup();
    list
}
