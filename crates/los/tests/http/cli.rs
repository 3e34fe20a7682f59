//! The `los` binary itself: refusing bad URLs and config, account commands, and a real `serve`.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use los_core::account::Role;

use crate::both_backends;
use crate::support::*;

fn los() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_los"));
    // Only the test's own settings: the CLI refuses unknown LOS_ variables.
    for (key, _) in std::env::vars() {
        if key.starts_with("LOS_") {
            command.env_remove(key);
        }
    }
    command.env("RUST_LOG", "warn");
    command
}

#[test]
fn unknown_database_scheme_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output =
        los().current_dir(dir.path()).args(["--database", "mysql://localhost/los", "migrate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported database URL scheme"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file was created");
}

#[test]
fn unknown_environment_settings_are_refused() {
    let output = los().env("LOS_LISTEN_ADRESS", "127.0.0.1:1").args(["migrate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("listen_adress"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["account", "--help"],
        vec!["account", "create", "--help"],
        vec!["account", "disable", "--help"],
        vec!["account", "enable", "--help"],
        vec!["account", "reset-2fa", "--help"],
        vec!["account", "token", "--help"],
        vec!["audit", "verify", "--help"],
    ] {
        let output = los().args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage"), "{args:?}");
    }
}

async fn account_commands(server: &TestServer) {
    let url = server.database.url.clone();
    let mut child = los()
        .args(["--database", &url, "account", "create", "--username", "cli.user", "--name", "Cli User"])
        .args(["--organization", "Testkommune – Rustjenesten", "--role", "caseworker", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough passphrase\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // Bad input is refused with the field and reason, and creates nothing.
    let bad = los()
        .args(["--database", &url, "account", "create", "--username", "x", "--name", "X"])
        .args(["--organization", "Testkommune – Rustjenesten", "--role", "boss"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("username") && stderr.contains("role"), "{stderr}");

    let token =
        los().args(["--database", &url, "account", "token", "cli.user", "--name", "integration"]).output().unwrap();
    assert!(token.status.success());
    let stdout = String::from_utf8_lossy(&token.stdout);
    let secret = stdout.lines().find(|line| line.starts_with("los_")).unwrap().to_string();
    let me = server.bare_client().get(server.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 200);

    let disable = los().args(["--database", &url, "account", "disable", "cli.user"]).output().unwrap();
    assert!(disable.status.success());
    let me = server.bare_client().get(server.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 401, "a disabled account's token stops working");

    let account = server.account("tofaktor", Role::Caseworker, true).await;
    let reset = los().args(["--database", &url, "account", "reset-2fa", "tofaktor"]).output().unwrap();
    assert!(reset.status.success());
    assert!(!server.app.account_by_id(account.id).await.unwrap().has_second_factor());
    assert_eq!(server.audit_count("second_factor_reset").await, 1);
}
both_backends!(account_commands_work_on_the_database, account_commands);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn serve_demo_answers_and_exposes_metrics_separately() {
    let dir = tempfile::tempdir().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = los()
        .current_dir(dir.path())
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--metrics-listen", &format!("127.0.0.1:{metrics_port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut ready = false;
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/readyz")).send().await
            && response.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let login = client.get(format!("http://127.0.0.1:{port}/login")).send().await;
    let metrics = client.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await;
    let on_app_port = client.get(format!("http://127.0.0.1:{port}/metrics")).send().await;
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(ready, "the server became ready");
    assert!(dir.path().join("los-data").join("los.db").exists(), "the default data folder was created");
    let html = login.unwrap().text().await.unwrap();
    assert!(html.contains("los-demo-banner"));
    let metrics = metrics.unwrap().text().await.unwrap();
    assert!(metrics.contains("los_http_requests_total"), "{metrics}");
    assert_eq!(on_app_port.unwrap().status(), 404, "metrics are not served with the app");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for username in ["admin", "leder", "koordinator", "analytiker"] {
        assert!(stdout.contains(username), "demo login {username} printed: {stdout}");
    }
}
