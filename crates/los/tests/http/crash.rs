//! Crash safety: the real `los serve` is killed with SIGKILL again and again while clients write
//! concurrently, and restarted. Every write that was acknowledged (201) must be there with its
//! audit event, nothing may be half there (a row without its event or an event without its row),
//! and the audit chain must verify. Readers run beside the writers: every audited read that was
//! answered must have its audit event, committed by the group commit before the answer
//! (decision 0009). On SQLite and on PostgreSQL.
//!
//! The database fails under a running `los serve` too: a full disk (SQLite on a small tmpfs), and
//! PostgreSQL going away. The shared PostgreSQL server of the tests must stay up, so one test
//! cuts Los's connections to it (`pg_terminate_backend`, what a restart does to them), and
//! another really restarts a PostgreSQL server of its own (`pg_instance.rs`) under the real
//! binary while writers and readers keep asking: `pg_ctl restart -m fast`, then an outage longer
//! than Los waits for a connection. Every request must be answered — 201/200 or 503, never
//! another status and never later than the client's patience — requests during the outage must
//! be refused with 503 (and `/readyz` too), writes must succeed again within seconds without
//! restarting `los serve`, and what was acknowledged must be there with its one audit event.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use los_core::account::Role;
use serde_json::json;

use crate::both_backends;
use crate::support::*;

const ROUNDS: usize = 4;
const WRITERS: usize = 8;
const READERS: usize = 4;

fn los() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_los"));
    for (key, _) in std::env::vars() {
        if key.starts_with("LOS_") {
            command.env_remove(key);
        }
    }
    command.env("RUST_LOG", "error");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `los serve` on the test's database and waits until it is ready.
async fn start_binary(database_url: &str, port: u16) -> Child {
    let mut child = los()
        .args(["--database", database_url, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("LOS_SECURE_COOKIES", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/readyz")).send().await
            && response.status() == 200
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("los serve did not become ready");
}

/// Writes organisations until the server goes away; returns the names acknowledged with 201.
async fn writer(port: u16, token: String, round: usize, writer: usize, acknowledged: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    for i in 0.. {
        let name = format!("crash-{round}-{writer}-{i}");
        let response = client
            .post(format!("http://127.0.0.1:{port}/api/v1/organizations"))
            .bearer_auth(&token)
            .json(&json!({"name": name, "kind": "ngo", "country": "NO"}))
            .send()
            .await;
        match response {
            Ok(response) if response.status() == 201 => acknowledged.lock().unwrap().push(name),
            Ok(response) => assert!(
                response.status().is_server_error(),
                "only the crash may refuse a write, got {}",
                response.status()
            ),
            Err(_) => return,
        }
    }
}

/// After the crashes, in one snapshot (a PostgreSQL backend may still finish a COMMIT its killed
/// client sent, and it must not land between two of the reads): every acknowledged write (an
/// organisation named `{prefix}-…`) is stored with exactly one audit event, no such event lacks
/// its organisation (but those in `known`, made before), and every answered read has its event.
async fn assert_nothing_lost(
    conn: &mut sqlx::AnyConnection,
    prefix: &str,
    acknowledged: &[impl AsRef<str>],
    answered_reads: &[impl AsRef<str>],
    known: &[String],
) {
    let mut snapshot = sqlx::Connection::begin(conn).await.unwrap();
    if snapshot.backend_name().eq_ignore_ascii_case("postgresql") {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *snapshot).await.unwrap();
    }
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM organizations WHERE name LIKE $1")
        .bind(format!("{prefix}-%"))
        .fetch_all(&mut *snapshot)
        .await
        .unwrap();
    let names: std::collections::BTreeSet<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
    eprintln!(
        "{prefix} test: {} writes acknowledged, {} stored (a write whose answer was cut off or was 503 may \
         still have been committed)",
        acknowledged.len(),
        rows.len()
    );
    for name in acknowledged.iter().map(AsRef::as_ref) {
        assert!(names.contains(name), "acknowledged write {name} is missing");
    }
    let events: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT subject FROM audit_events WHERE action = 'organization_created'")
            .fetch_all(&mut *snapshot)
            .await
            .unwrap();
    let subjects: std::collections::BTreeMap<String, usize> =
        events.into_iter().filter_map(|(s,)| s).fold(Default::default(), |mut counts, subject| {
            *counts.entry(subject).or_default() += 1;
            counts
        });
    for (id, name) in &rows {
        assert_eq!(subjects.get(id), Some(&1), "{name} has exactly one audit event");
    }
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    for subject in subjects.keys() {
        assert!(
            ids.contains(subject.as_str()) || known.contains(subject),
            "an audit event without its organisation: {subject}"
        );
    }
    let read_events: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT request_id FROM audit_events WHERE action = 'audit_viewed'")
            .fetch_all(&mut *snapshot)
            .await
            .unwrap();
    let read_events: std::collections::BTreeSet<String> = read_events.into_iter().filter_map(|(id,)| id).collect();
    eprintln!("{prefix} test: {} audited reads answered, {} recorded", answered_reads.len(), read_events.len());
    for id in answered_reads.iter().map(AsRef::as_ref) {
        assert!(read_events.contains(id), "the read {id} was answered but its audit event is missing");
    }
    snapshot.rollback().await.unwrap();
}

/// Reads the audit log (itself an audited read) until the server goes away; collects the request
/// ids of the reads that were answered with 200.
async fn reader(port: u16, token: String, answered: Arc<Mutex<Vec<String>>>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    loop {
        let response =
            client.get(format!("http://127.0.0.1:{port}/api/v1/audit-events")).bearer_auth(&token).send().await;
        match response {
            Ok(response) if response.status() == 200 => {
                let id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
                // The body must arrive too: an answer cut off mid-way was not given.
                if response.bytes().await.is_ok() {
                    answered.lock().unwrap().push(id.expect("every answer carries its request id"));
                }
            }
            Ok(response) => assert!(
                response.status().is_server_error(),
                "only the crash may refuse a read, got {}",
                response.status()
            ),
            Err(_) => return,
        }
    }
}

async fn acknowledged_writes_survive_sigkill(server: &TestServer) {
    let admin = server.account("krasj.admin", Role::Admin, false).await;
    let token = server.token(&admin).await;
    let url = server.database.url.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let answered_reads = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS {
        let port = free_port();
        let mut child = start_binary(&url, port).await;
        let mut writers: Vec<_> =
            (0..WRITERS).map(|w| tokio::spawn(writer(port, token.clone(), round, w, acknowledged.clone()))).collect();
        writers.extend((0..READERS).map(|_| tokio::spawn(reader(port, token.clone(), answered_reads.clone()))));
        // Kill at a different moment each round, while writes are in flight.
        tokio::time::sleep(Duration::from_millis(300 + 170 * round as u64)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        for task in writers {
            task.await.unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= ROUNDS * WRITERS, "the writers got writes acknowledged: {}", acknowledged.len());
    let answered_reads = answered_reads.lock().unwrap().clone();
    assert!(answered_reads.len() >= ROUNDS * READERS, "the readers got answers: {}", answered_reads.len());

    let test_server_organizations = [server.organization.to_string(), server.other_organization.to_string()];
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.unwrap();
    assert_nothing_lost(&mut conn, "crash", &acknowledged, &answered_reads, &test_server_organizations).await;

    // The server comes back after the last crash, and the chain is whole.
    let port = free_port();
    let mut child = start_binary(&url, port).await;
    let list = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/organizations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(list.status(), 200);
    let verify = los().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}
both_backends!(acknowledged_writes_survive_sigkill_and_the_chain_verifies, acknowledged_writes_survive_sigkill);

/// A small tmpfs mounted for one test; unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` when this machine does not let the test mount (not root): then the test is
    /// skipped, unless `LOS_TEST_TMPFS=required` (as in CI), when it fails.
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            return Some(Tmpfs { dir });
        }
        assert!(
            std::env::var("LOS_TEST_TMPFS").as_deref() != Ok("required"),
            "LOS_TEST_TMPFS=required but a tmpfs cannot be mounted here"
        );
        eprintln!("skipping the disk-full test: cannot mount a tmpfs (set LOS_TEST_TMPFS=required to fail instead)");
        None
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system at `dir` until it is full.
fn fill(path: &std::path::Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_clean_errors_and_recovers_when_space_returns() {
    let Some(tmpfs) = Tmpfs::mount(16) else { return };
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let admin = server.account("full.admin", Role::Admin, false).await;
    let token = server.token(&admin).await;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(server.store.raw_pool_for_tests()).await.unwrap();
    let source = server.database.url.trim_start_matches("sqlite://").to_string();
    let copy = tmpfs.path().join("los.db");
    std::fs::copy(&source, &copy).unwrap();
    let url = format!("sqlite://{}", copy.display());
    let port = free_port();
    let mut child = start_binary(&url, port).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let post = |name: String| {
        client
            .post(format!("http://127.0.0.1:{port}/api/v1/organizations"))
            .bearer_auth(&token)
            .json(&json!({"name": name, "kind": "ngo", "country": "NO"}))
            .send()
    };

    let filler = tmpfs.path().join("filler");
    fill(&filler);
    let mut refused = 0;
    let mut accepted_while_full = 0;
    // Long names so that the pages the database still has free are used up quickly.
    for i in 0..200 {
        let response = post(format!("full-{i}-{}", "x".repeat(180))).await.unwrap();
        match response.status().as_u16() {
            201 => accepted_while_full += 1,
            503 => {
                refused += 1;
                let retry_after =
                    response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
                assert_eq!(retry_after.as_deref(), Some("5"), "a 503 says when to try again");
                let body = response.text().await.unwrap();
                assert!(body.contains("\"status\":503") || body.contains("\"status\": 503"), "{body}");
                assert!(!body.to_lowercase().contains("sqlite") && !body.contains("disk"), "no internals: {body}");
            }
            other => panic!("a full disk must give 503, got {other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(refused > 0, "the disk filled up ({accepted_while_full} writes fitted first)");

    std::fs::remove_file(&filler).unwrap();
    let mut recovered = false;
    for i in 0..50 {
        if post(format!("after-{i}")).await.unwrap().status() == 201 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(recovered, "writes succeed again once there is space, without a restart");

    // Nothing half there: every organisation written has exactly its one audit event.
    let check =
        los_store::Store::connect(&los_store::DatabaseUrl::parse(&url).unwrap(), &los_store::StoreOptions::default())
            .await
            .unwrap();
    let pool = check.raw_pool_for_tests();
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM organizations WHERE name LIKE 'full-%' OR name LIKE 'after-%'")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), accepted_while_full + 1);
    for (id,) in &rows {
        let (events,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'organization_created' AND subject = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(events, 1);
    }
    check.close().await;
    let verify = los().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    server.stop().await;
}

/// Cuts every connection Los holds to its PostgreSQL database, as a restart of the server does.
async fn cut_postgres_connections(database_url: &str) -> u64 {
    use sqlx::Connection;
    let name = url::Url::parse(database_url).unwrap().path().trim_start_matches('/').to_string();
    let admin =
        std::env::var("LOS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    let rows: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(name)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    rows.into_iter().filter(|(done,)| *done).count() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_postgres_connections_give_503_then_reconnect_without_stuck_requests() {
    let Some(server) = TestServer::start(Backend::Postgres).await else { return };
    let admin = server.account("pg.admin", Role::Admin, false).await;
    let token = server.token(&admin).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let post = |name: String| {
        client
            .post(server.url("/api/v1/organizations"))
            .bearer_auth(&token)
            .json(&json!({"name": name, "kind": "ngo", "country": "NO"}))
            .send()
    };
    assert_eq!(post("pg-before".into()).await.unwrap().status(), 201);

    // Writers keep going while the connections are cut three times under them.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let client = client.clone();
            let url = server.url("/api/v1/organizations");
            let token = token.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for i in 0..60 {
                    let response = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"name": format!("pg-{w}-{i}"), "kind": "ngo", "country": "NO"}))
                        .send()
                        .await
                        // A request that hangs fails here through the client's timeout.
                        .expect("every request is answered");
                    statuses.push((format!("pg-{w}-{i}"), response.status().as_u16()));
                }
                statuses
            })
        })
        .collect();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(60)).await;
        cut_postgres_connections(&server.database.url).await;
    }
    let mut statuses = Vec::new();
    for writer in writers {
        statuses.extend(writer.await.unwrap());
    }
    let last = post("pg-after".into()).await.unwrap().status().as_u16();
    statuses.push(("pg-after".into(), last));
    eprintln!(
        "cutting the connections: {} answered 201, {} answered 503",
        statuses.iter().filter(|(_, s)| *s == 201).count(),
        statuses.iter().filter(|(_, s)| *s == 503).count()
    );
    assert!(statuses.iter().all(|(_, s)| *s == 201 || *s == 503), "only 201 or 503: {statuses:?}");
    assert_eq!(last, 201, "Los reconnects by itself");

    // Whatever was answered 503 is not half there.
    let pool = server.store.raw_pool_for_tests();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM organizations WHERE name LIKE 'pg-%'").fetch_all(pool).await.unwrap();
    let stored: std::collections::BTreeSet<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
    for (name, status) in &statuses {
        // A 503 may still have committed if the connection died after COMMIT; a 201 must be there.
        assert!(*status != 201 || stored.contains(name.as_str()), "acknowledged {name} is missing");
    }
    for (id, _) in &rows {
        let (events,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'organization_created' AND subject = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(events, 1);
    }
    let verify = los().args(["--database", &server.database.url, "audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    server.stop().await;
}

/// Stops `los serve` when dropped, also when the test panics.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const RESTART_WRITERS: usize = 6;
const RESTART_READERS: usize = 2;
/// Every request of the restart test gives up after this long: a request not answered by then
/// is a stuck request, and fails the test.
const PATIENCE: Duration = Duration::from_secs(10);

/// One request of the restart test and what became of it.
struct Answer {
    write: bool,
    /// The organisation's name for a write.
    name: String,
    request_id: Option<String>,
    sent: Instant,
    answered: Instant,
    /// The status, or why there was none (the connection failed, the client gave up).
    status: Result<u16, String>,
    /// The body of an answer the test did not expect, to show it.
    body: String,
}

impl Answer {
    fn expected(&self) -> bool {
        matches!(self.status, Ok(503)) || self.status == Ok(if self.write { 201 } else { 200 })
    }

    fn done(&self) -> bool {
        matches!(self.status, Ok(200 | 201))
    }
}

/// Writes organisations (`write`) or reads the audit log (itself an audited read) until `stop`.
async fn keep_asking(
    port: u16,
    token: String,
    worker: usize,
    write: bool,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<Answer> {
    let client = reqwest::Client::builder().timeout(PATIENCE).build().unwrap();
    let mut answers = Vec::new();
    for i in 0.. {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let answer = ask(&client, port, &token, write, format!("restart-{worker}-{i}")).await;
        let expected = answer.expected();
        answers.push(answer);
        // The test fails on it; no need to go on asking (a dead server would be asked in a loop).
        if !expected {
            break;
        }
    }
    answers
}

async fn ask(client: &reqwest::Client, port: u16, token: &str, write: bool, name: String) -> Answer {
    let request = if write {
        client
            .post(format!("http://127.0.0.1:{port}/api/v1/organizations"))
            .json(&json!({"name": name, "kind": "ngo", "country": "NO"}))
    } else {
        client.get(format!("http://127.0.0.1:{port}/api/v1/audit-events"))
    };
    let sent = Instant::now();
    let (status, request_id, body) = match request.bearer_auth(token).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
            // The body must arrive too: an answer cut off mid-way was not given.
            match response.bytes().await {
                Ok(body) => (Ok(status), id, String::from_utf8_lossy(&body).chars().take(500).collect()),
                Err(error) => (Err(format!("{status} with its body cut off: {error}")), id, String::new()),
            }
        }
        Err(error) if error.is_timeout() => {
            (Err(format!("no answer within {PATIENCE:?}: {error}")), None, String::new())
        }
        Err(error) => (Err(format!("{error:?}")), None, String::new()),
    };
    let mut answer = Answer { write, name, request_id, sent, answered: Instant::now(), status, body };
    if answer.expected() {
        answer.body.clear();
    }
    answer
}

/// Writes until one is acknowledged, one is answered as it must not be, or three times the
/// patience has passed; returns all the attempts.
async fn first_write(port: u16, token: &str, label: &str) -> Vec<Answer> {
    let client = reqwest::Client::builder().timeout(PATIENCE).build().unwrap();
    let began = Instant::now();
    let mut attempts = Vec::new();
    for i in 0.. {
        let answer = ask(&client, port, token, true, format!("restart-{label}-{i}")).await;
        let stop = answer.done() || !answer.expected();
        attempts.push(answer);
        if stop || began.elapsed() > 3 * PATIENCE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    attempts
}

/// Migrates the database and creates an administrator in an organisation of its own, in process
/// (as `TestServer` does on the shared server); returns an API token and the organisation.
async fn administrator_on(database_url: &str) -> (String, String) {
    use los_app::RequestContext;
    use los_app::accounts::{NewAccountInput, Operator};
    let store = los_store::Store::connect(
        &los_store::DatabaseUrl::parse(database_url).unwrap(),
        &los_store::StoreOptions::default(),
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(los_core::ManualClock::new(jiff::Timestamp::now()));
    let app = los_app::App::new(store.clone(), clock, los_app::AuthSettings::default());
    let ctx = RequestContext::default();
    let input = los_app::organizations::OrganizationInput {
        name: "Omstartkommune".into(),
        kind: "municipal_unit".into(),
        country: "NO".into(),
    };
    let organization = app.create_organization(&ctx, Operator::CommandLine, &input).await.unwrap().id;
    let input = NewAccountInput {
        username: "omstart.admin".into(),
        display_name: "Omstart admin".into(),
        password: PASSWORD.into(),
        locale: Some("nb".into()),
        organization: organization.to_string(),
        role: Role::Admin.code().into(),
    };
    let account = app.create_account(&ctx, Operator::CommandLine, &input).await.unwrap();
    let token = app.create_token_for(&ctx, account, "restart", None).await.unwrap().secret;
    store.close().await;
    (token, organization.to_string())
}

/// `GET /readyz` with the test's patience: its status, or why there was none.
async fn readiness(port: u16) -> Result<u16, String> {
    let client = reqwest::Client::builder().timeout(PATIENCE).build().unwrap();
    match client.get(format!("http://127.0.0.1:{port}/readyz")).send().await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(error) => Err(format!("{error:?}")),
    }
}

fn count(answers: &[Answer], from: Instant, until: Instant, what: impl Fn(&Answer) -> bool) -> usize {
    answers.iter().filter(|a| a.answered >= from && a.answered <= until && what(a)).count()
}

/// A real restart of a PostgreSQL server of the test's own (the shared one must stay up), under
/// the real `los serve`, while writers and readers keep asking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_restart_gives_503_then_reconnects_without_stuck_requests() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(postgres) = crate::pg_instance::PgInstance::start().await else { return };
    let url = postgres.create_database("los").await;
    let (token, setup_organization) = administrator_on(&url).await;
    let port = free_port();
    let serving = Serving(start_binary(&url, port).await);

    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..RESTART_WRITERS)
        .map(|w| (w, true))
        .chain((0..RESTART_READERS).map(|r| (RESTART_WRITERS + r, false)))
        .map(|(worker, write)| tokio::spawn(keep_asking(port, token.clone(), worker, write, stop.clone())))
        .collect();
    let began = Instant::now();
    tokio::time::sleep(Duration::from_millis(700)).await;

    // 1. A restart as an operator does it: fast shutdown (transactions in flight are rolled back
    //    and every connection is closed), then up again at once.
    let restart_began = Instant::now();
    postgres.restart().await;
    let restarted = Instant::now();
    let mut probes = first_write(port, &token, "after-restart").await;
    let restart_recovery = probes.last().unwrap().answered - restarted;
    tokio::time::sleep(Duration::from_millis(700)).await;

    // 2. An outage longer than Los waits for a connection (5 s): requests that arrive meanwhile
    //    must be refused with 503, not held until the database returns.
    let outage = los_store::StoreOptions::default().acquire_timeout + Duration::from_secs(2);
    let stopping = Instant::now();
    postgres.stop().await;
    let down = Instant::now();
    let ready_while_down = tokio::spawn(readiness(port));
    tokio::time::sleep(outage).await;
    let starting = Instant::now();
    let ready_while_down = ready_while_down.await.unwrap();
    postgres.start_again().await;
    let up = Instant::now();
    let after_outage = first_write(port, &token, "after-outage").await;
    let outage_recovery = after_outage.last().unwrap().answered - up;
    probes.extend(after_outage);
    let ready_after = readiness(port).await;
    // The load goes on for a while after the database is back, on the same `los serve`.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut answers = Vec::new();
    for task in load {
        answers.extend(task.await.unwrap());
    }
    let ended = Instant::now();
    drop(serving);
    answers.extend(probes);

    let writes: Vec<&Answer> = answers.iter().filter(|a| a.write).collect();
    let acknowledged: Vec<&str> = writes.iter().filter(|a| a.done()).map(|a| a.name.as_str()).collect();
    let answered_reads: Vec<&str> =
        answers.iter().filter(|a| !a.write && a.done()).map(|a| a.request_id.as_deref().unwrap()).collect();
    let refused = |a: &Answer| a.status == Ok(503);
    let slowest = answers.iter().map(|a| a.answered - a.sent).max().unwrap();
    eprintln!(
        "restart test: {} writes ({} acknowledged), {} reads ({} answered), {} answered 503 in all; \
         the slowest answer took {slowest:.1?}",
        writes.len(),
        acknowledged.len(),
        answers.len() - writes.len(),
        answered_reads.len(),
        answers.iter().filter(|a| refused(a)).count(),
    );
    eprintln!(
        "restart test: pg_ctl restart took {:.1?}, {} answers 503 around it, the first write after it \
         acknowledged {restart_recovery:.1?} after it returned",
        restarted - restart_began,
        count(&answers, restart_began, restarted + restart_recovery, refused),
    );
    eprintln!(
        "restart test: pg_ctl stop took {:.1?} ({} answers 503 meanwhile), down for {:.1?}: {} answers 503 \
         and {} done while down, /readyz {ready_while_down:?}; pg_ctl start took {:.1?}, the first write \
         acknowledged {outage_recovery:.1?} after, /readyz then {ready_after:?}",
        down - stopping,
        count(&answers, stopping, down, refused),
        starting - down,
        count(&answers, down, starting, refused),
        answers.iter().filter(|a| a.sent >= down && a.answered <= starting && a.done()).count(),
        up - starting,
    );

    // Only the answers a client can act on, and every request answered within its patience.
    let unexpected: Vec<String> = answers
        .iter()
        .filter(|a| !a.expected())
        .map(|a| {
            format!(
                "{} {} ({:?}) sent at {:.1?}: {:?} after {:.1?} {}",
                if a.write { "write" } else { "read" },
                a.name,
                a.request_id,
                a.sent - began,
                a.status,
                a.answered - a.sent,
                a.body
            )
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 201/200 or 503, and no request left unanswered; {} were not:\n{}",
        unexpected.len(),
        unexpected[..unexpected.len().min(20)].join("\n")
    );
    assert!(count(&answers, began, restart_began, |a| a.write && a.done()) > 0, "writes succeeded before");
    // The outage was seen: refused while the database was down, and nothing done then.
    assert!(count(&answers, down, starting, refused) > 0, "requests during the outage were refused with 503");
    assert!(
        !answers.iter().any(|a| a.sent >= down && a.answered <= starting && a.done()),
        "nothing is done while the database is down"
    );
    assert_eq!(ready_while_down, Ok(503), "/readyz tells that the database is down");
    assert_eq!(ready_after, Ok(200), "/readyz tells that the database is back");
    // Los reconnects by itself, within a few seconds.
    for (what, recovery) in [("restart", restart_recovery), ("outage", outage_recovery)] {
        assert!(recovery < Duration::from_secs(5), "writes succeed again {recovery:?} after the {what}");
    }
    assert!(
        count(&answers, up + outage_recovery, ended, |a| a.write && a.done()) > RESTART_WRITERS,
        "the writers go on after the outage"
    );
    assert!(
        count(&answers, up + outage_recovery, ended, |a| !a.write && a.done()) > 0,
        "the readers go on after the outage"
    );

    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.unwrap();
    assert_nothing_lost(&mut conn, "restart", &acknowledged, &answered_reads, &[setup_organization]).await;

    let verify = los().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}
