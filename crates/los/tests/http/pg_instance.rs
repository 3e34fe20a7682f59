//! A PostgreSQL server of a test's own, which the test may stop and restart: the shared server
//! at `LOS_TEST_POSTGRES_URL` serves every other test and must stay up.
//!
//! The server binaries are the newest under `/usr/lib/postgresql/*/bin` (Debian's layout).
//! PostgreSQL refuses to run as root and the tests run as root, so every server command runs as
//! the `postgres` user through `runuser`. When that is not possible the test is skipped with a
//! note, unless `LOS_TEST_POSTGRES=required`, when it fails.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use sqlx::Connection;

/// An initialised and running PostgreSQL cluster in a temporary folder owned by `postgres`,
/// listening on 127.0.0.1 at a free port, with `trust` authentication for `postgres`. Dropping
/// it stops the server (immediate mode) and removes the folder, also when the test panics.
pub struct PgInstance {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

fn required() -> bool {
    std::env::var("LOS_TEST_POSTGRES").is_ok_and(|v| v == "required")
}

/// The `bin` folder of the newest PostgreSQL server installed.
fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("pg_ctl").is_file() && bin.join("initdb").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// What a finished command said, for error messages.
fn described(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("{}\n{}\n{}", output.status, stdout.trim(), stderr.trim()).trim().to_string()
}

/// Runs a prepared command and turns a failure into a message.
fn run(mut command: Command, what: &str) -> Result<(), String> {
    let output = command.stdin(Stdio::null()).output().map_err(|error| format!("{what}: {error}"))?;
    if output.status.success() { Ok(()) } else { Err(format!("{what}: {}", described(&output))) }
}

impl PgInstance {
    /// Creates and starts the server; `None` (with a note) when that is not possible here and
    /// PostgreSQL is not required.
    pub async fn start() -> Option<PgInstance> {
        match tokio::task::spawn_blocking(Self::create).await.unwrap() {
            Ok(instance) => Some(instance),
            Err(reason) if !required() => {
                eprintln!(
                    "skipping a test with a private PostgreSQL server: {reason} \
                     (set LOS_TEST_POSTGRES=required to fail instead)"
                );
                None
            }
            Err(reason) => {
                panic!(
                    "PostgreSQL is required (LOS_TEST_POSTGRES=required) but a private server cannot be started: {reason}"
                )
            }
        }
    }

    fn create() -> Result<PgInstance, String> {
        let bin = server_binaries().ok_or("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")?;
        let mut probe = Command::new("runuser");
        probe.args(["-u", "postgres", "--", "true"]).current_dir("/");
        run(probe, "cannot run commands as the postgres user (runuser, as root)")?;
        let dir = tempfile::Builder::new().prefix("los-pg-").tempdir().map_err(|e| format!("temporary folder: {e}"))?;
        let mut chown = Command::new("chown");
        chown.arg("postgres").arg(dir.path());
        run(chown, "chown of the temporary folder to postgres")?;
        // From here on, dropping the instance cleans up whatever was made.
        let mut instance = PgInstance { bin, dir, port: 0 };
        let mut initdb = instance.as_postgres("initdb");
        initdb.arg("-D").arg(instance.data()).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
            "-N",
        ]);
        run(initdb, "initdb")?;
        // The port is free when chosen but may be taken before the server binds it: try again.
        let mut last = String::new();
        for _ in 0..3 {
            instance.port = free_port();
            match run(instance.pg_ctl(&["start"]), "pg_ctl start") {
                Ok(()) => return Ok(instance),
                Err(error) => last = format!("{error}\n{}", instance.log()),
            }
        }
        Err(last)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The server's log, for error messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }

    /// A server program run as the `postgres` user, in the instance's folder.
    fn as_postgres(&self, program: &str) -> Command {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(self.bin.join(program)).current_dir(self.dir.path());
        command
    }

    /// `pg_ctl <action>` with the instance's folder, log, options and waiting.
    fn pg_ctl(&self, action: &[&str]) -> Command {
        let mut command = self.as_postgres("pg_ctl");
        command.args(action).arg("-D").arg(self.data()).arg("-l").arg(self.dir.path().join("postgres.log"));
        command.arg("-o").arg(format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c shared_buffers=16MB",
            self.port,
            self.dir.path().display()
        ));
        command.args(["-w", "-t", "60"]);
        command
    }

    /// Runs `pg_ctl <action>` off the async threads; panics (with the server log) when it fails.
    async fn control(&self, action: &[&str]) {
        let command = self.pg_ctl(action);
        let what = format!("pg_ctl {}", action.join(" "));
        if let Err(error) = tokio::task::spawn_blocking(move || run(command, &what)).await.unwrap() {
            panic!("{error}\n{}", self.log());
        }
    }

    /// Restarts the server as an operator does: a fast shutdown (open transactions are rolled
    /// back and every connection is closed), then up again.
    pub async fn restart(&self) {
        self.control(&["restart", "-m", "fast"]).await;
    }

    /// Stops the server (fast shutdown) and returns once it is down.
    pub async fn stop(&self) {
        self.control(&["stop", "-m", "fast"]).await;
    }

    /// Starts the server again and returns once it accepts connections.
    pub async fn start_again(&self) {
        self.control(&["start"]).await;
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates an empty database and returns its URL.
    pub async fn create_database(&self, name: &str) -> String {
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres")).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        self.url(name)
    }
}

impl Drop for PgInstance {
    fn drop(&mut self) {
        // Not running (never started, or stopped by the test) is fine; the folder goes anyway.
        let _ = self.pg_ctl(&["stop", "-m", "immediate"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}
