//! Crash safety: the real `los serve` is killed with SIGKILL again and again while clients write
//! concurrently, and restarted. Every write that was acknowledged (201) must be there with its
//! audit event, nothing may be half there (a row without its event or an event without its row),
//! and the audit chain must verify. Readers run beside the writers: every audited read that was
//! answered must have its audit event, committed by the group commit before the answer
//! (decision 0009). On SQLite and on PostgreSQL.

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

    // One snapshot for every check below: a PostgreSQL backend may still finish a COMMIT its
    // killed client sent, and it must not land between two of the reads.
    let mut snapshot = server.store.raw_pool_for_tests().begin().await.unwrap();
    if server.store.backend() == los_store::Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *snapshot).await.unwrap();
    }
    let read_events: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT request_id FROM audit_events WHERE action = 'audit_viewed'")
            .fetch_all(&mut *snapshot)
            .await
            .unwrap();
    let read_events: std::collections::BTreeSet<String> = read_events.into_iter().filter_map(|(id,)| id).collect();
    eprintln!("crash test: {} audited reads answered, {} recorded", answered_reads.len(), read_events.len());
    for id in &answered_reads {
        assert!(read_events.contains(id), "the read {id} was answered but its audit event is missing");
    }
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM organizations WHERE name LIKE 'crash-%'")
        .fetch_all(&mut *snapshot)
        .await
        .unwrap();
    let names: std::collections::BTreeSet<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
    eprintln!(
        "crash test: {} writes acknowledged, {} stored (a stored write beyond those was committed as its answer was cut off)",
        acknowledged.len(),
        rows.len()
    );
    for name in &acknowledged {
        assert!(names.contains(name.as_str()), "acknowledged write {name} is missing after the crash");
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
    let test_server_organizations = [server.organization.to_string(), server.other_organization.to_string()];
    for subject in subjects.keys() {
        assert!(
            ids.contains(subject.as_str()) || test_server_organizations.contains(subject),
            "an audit event without its organisation: {subject}"
        );
    }

    snapshot.rollback().await.unwrap();

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
