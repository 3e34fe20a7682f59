use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use los_core::Error;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::audit_queue::{AuditQueue, AuditedRead};
use crate::writer::Writer;
use crate::{Tx, map_sqlx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "unsupported database URL scheme {0:?}: use sqlite://PATH (for example sqlite://./los-data/los.db) \
         or postgres://USER@HOST:PORT/DATABASE"
    )]
    UnknownScheme(String),
    #[error("the database URL is not valid: {0}")]
    InvalidUrl(String),
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder { path: PathBuf, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
}

/// A checked database URL. Anything but `sqlite:` and `postgres:`/`postgresql:` is refused, so a
/// typo never silently becomes a new, empty SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
    sqlite_path: Option<PathBuf>,
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseUrl").field("url", &self.redacted()).field("backend", &self.backend).finish()
    }
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, ConnectError> {
        let raw = raw.trim();
        let scheme = raw.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase()).unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => {
                let rest = raw["sqlite:".len()..].trim_start_matches("//");
                let path_part = rest.split('?').next().unwrap_or_default();
                if path_part.is_empty() {
                    return Err(ConnectError::InvalidUrl("sqlite URL without a file path".into()));
                }
                let sqlite_path = (path_part != ":memory:").then(|| PathBuf::from(path_part));
                Ok(Self { url: raw.to_string(), backend: Backend::Sqlite, sqlite_path })
            }
            "postgres" | "postgresql" => {
                url::Url::parse(raw).map_err(|e| ConnectError::InvalidUrl(e.to_string()))?;
                Ok(Self { url: raw.to_string(), backend: Backend::Postgres, sqlite_path: None })
            }
            _ => Err(ConnectError::UnknownScheme(if scheme.is_empty() {
                raw.chars().take(20).collect()
            } else {
                scheme
            })),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced, for logs and messages.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(mut parsed) if parsed.password().is_some() => {
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            _ => self.url.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(5) }
    }
}

/// The database. Cheap to clone.
///
/// SQLite allows one writer at a time, so it gets a pool of readers and a single-connection
/// writer pool: writes queue in Rust instead of failing with `SQLITE_BUSY`. PostgreSQL uses one
/// pool for both.
#[derive(Clone, Debug)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    writer: Writer,
    backend: Backend,
    audit: AuditQueue,
}

/// Whether a pooled connection may be used again: not when it is still inside a transaction.
/// That happens when a COMMIT failed (a full disk, an I/O error) and the rollback after it failed
/// too; sqlx then still counts the transaction as open and would run the next one as a savepoint
/// inside it, answering "committed" for writes that never reach the disk. Such a connection is
/// closed instead, which rolls back whatever it held.
fn settled(conn: &sqlx::AnyConnection) -> bool {
    use sqlx::Connection;
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("closing a database connection left inside a failed transaction");
    }
    clean
}

/// On release: first lets the connection carry out what is queued on it (the rollback of a
/// transaction dropped without commit), then asks whether it is settled. A connection that
/// cannot even answer is closed too.
async fn settle(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    conn.ping().await?;
    Ok(settled(conn))
}

impl Store {
    pub async fn connect(url: &DatabaseUrl, options: &StoreOptions) -> Result<Store, ConnectError> {
        sqlx::any::install_default_drivers();
        match url.backend {
            Backend::Sqlite => Self::connect_sqlite(url, options).await,
            Backend::Postgres => {
                let connect = AnyConnectOptions::from_str(&url.url)
                    .map_err(|e| ConnectError::InvalidUrl(e.to_string()))?
                    .disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .before_acquire(|conn, _| Box::pin(async move { Ok(settled(conn)) }))
                    .after_release(|conn, _| Box::pin(async move { settle(conn).await }))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("SET TIME ZONE 'UTC'").await?;
                            Ok(())
                        })
                    })
                    .connect_with(connect)
                    .await
                    .map_err(|e| ConnectError::Connect(e.to_string()))?;
                // Every write appends to the audit chain and holds its head row locked until
                // it commits, so writes queue one after another here too; sharing a batch
                // makes that queue one commit instead of one each (decision 0010).
                let writer = Writer::batched(pool.clone(), options.acquire_timeout);
                Ok(Store {
                    read: pool.clone(),
                    audit: AuditQueue::start(writer.clone()),
                    writer,
                    write: pool,
                    backend: Backend::Postgres,
                })
            }
        }
    }

    async fn connect_sqlite(url: &DatabaseUrl, options: &StoreOptions) -> Result<Store, ConnectError> {
        if let Some(parent) = url.sqlite_path.as_ref().and_then(|path| path.parent())
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|source| ConnectError::DataFolder { path: parent.to_path_buf(), source })?;
        }
        let in_memory = url.sqlite_path.is_none();
        let mut raw = url.url.clone();
        if !in_memory && !raw.contains("mode=") {
            raw.push(if raw.contains('?') { '&' } else { '?' });
            raw.push_str("mode=rwc");
        }
        let connect = AnyConnectOptions::from_str(&raw)
            .map_err(|e| ConnectError::InvalidUrl(e.to_string()))?
            .disable_statement_logging();
        let pool = |max: u32, min: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .min_connections(min)
                .acquire_timeout(options.acquire_timeout)
                .idle_timeout(if in_memory { None } else { Some(Duration::from_secs(600)) })
                .max_lifetime(if in_memory { None } else { Some(Duration::from_secs(3600)) })
                .before_acquire(|conn, _| Box::pin(async move { Ok(settled(conn)) }))
                .after_release(|conn, _| Box::pin(async move { settle(conn).await }))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets readers work beside the writer; FULL sync makes every
                        // acknowledged commit durable, also across power loss.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        Ok(())
                    })
                })
        };
        let write = pool(1, if in_memory { 1 } else { 0 })
            .connect_with(connect.clone())
            .await
            .map_err(|e| ConnectError::Connect(e.to_string()))?;
        // An in-memory database exists once per connection, so readers must share the writer.
        let read = if in_memory {
            write.clone()
        } else {
            pool(options.max_connections.max(2), 0)
                .connect_with(connect)
                .await
                .map_err(|e| ConnectError::Connect(e.to_string()))?
        };
        // Writes share batches (decision 0010), except in memory, where reads and writes share
        // one connection that a batch waiting for its commit would keep from the readers.
        let writer = if in_memory {
            Writer::separate(write.clone())
        } else {
            Writer::batched(write.clone(), options.acquire_timeout)
        };
        Ok(Store { read, audit: AuditQueue::start(writer.clone()), writer, write, backend: Backend::Sqlite })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.write).await,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.write).await,
        };
        result.map_err(|e| ConnectError::Migrate(e.to_string()))
    }

    /// A transaction that may write: a part of a shared batch (decision 0010), whose `commit`
    /// returns once the batch is durable.
    pub async fn write(&self) -> Result<Tx, Error> {
        self.writer.begin().await.map_err(map_sqlx)
    }

    /// A transaction for reading only; on SQLite it runs beside the writer.
    pub async fn read(&self) -> Result<Tx, Error> {
        Ok(Tx::from(self.read.begin().await.map_err(map_sqlx)?))
    }

    /// A connection for reading outside a transaction: each statement sees what is committed when
    /// it runs. For independent lookups on every request (the session), where BEGIN and ROLLBACK
    /// would be two more round trips than the lookups themselves. Never for writes: on it each
    /// statement commits alone.
    pub async fn lookup(&self) -> Result<Tx, Error> {
        Ok(Tx::bare(self.read.acquire().await.map_err(map_sqlx)?))
    }

    /// A read of personal data whose audit events are committed before the answer.
    pub async fn audited_read(&self) -> Result<AuditedRead, Error> {
        Ok(AuditedRead::new(self.read().await?))
    }

    /// Commits audit events that record nothing else (reads, refusals), sharing the commit with
    /// other requests' events; returns once they are durable.
    pub async fn commit_audit_events(&self, events: Vec<los_core::audit::AuditEvent>) -> Result<(), Error> {
        self.audit.commit(events).await
    }

    /// Whether the database answers; for `/readyz`.
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(map_sqlx)?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.flush().await;
        self.read.close().await;
        self.write.close().await;
    }

    /// Raw access for tests that play an attacker with direct database access.
    #[doc(hidden)]
    pub fn raw_pool_for_tests(&self) -> &AnyPool {
        &self.write
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused() {
        for url in ["mysql://localhost/los", "sqlit://los.db", "los.db", "./los-data/los.db", "file:los.db"] {
            assert!(matches!(DatabaseUrl::parse(url), Err(ConnectError::UnknownScheme(_))), "{url}");
        }
    }

    #[test]
    fn known_schemes_are_accepted() {
        assert_eq!(DatabaseUrl::parse("sqlite://./los-data/los.db").unwrap().backend(), Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("sqlite::memory:").unwrap().backend(), Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("postgres://postgres@127.0.0.1/test").unwrap().backend(), Backend::Postgres);
        assert_eq!(DatabaseUrl::parse("postgresql://postgres@127.0.0.1/test").unwrap().backend(), Backend::Postgres);
        assert!(matches!(DatabaseUrl::parse("sqlite://"), Err(ConnectError::InvalidUrl(_))));
    }

    #[test]
    fn passwords_are_redacted() {
        let url = DatabaseUrl::parse("postgres://los:secret@db.example/los").unwrap();
        assert!(!url.redacted().contains("secret"));
        assert!(!format!("{url:?}").contains("secret"));
    }
}
