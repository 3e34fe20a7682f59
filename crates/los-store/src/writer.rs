//! Group commit for writes (decision 0010).
//!
//! SQLite has one writer, and every commit with `synchronous = FULL` waits for the disk, so
//! writes used to be limited to the disk's commit rate no matter how many requests waited. Here
//! the requests that queue for the writer share one transaction: each request's changes sit in a
//! savepoint of its own, so a request that fails rolls back only what it did; a request that
//! commits releases its savepoint, lets the next request in and waits until one task has
//! committed the whole batch. Only then is the request answered, so "a change and its audit
//! event in one transaction, durable before the answer" holds per request exactly as before.
//! A batch that cannot be committed (a full disk) fails every request in it; none of them was
//! answered yet, so nothing acknowledged is lost and nothing unacknowledged is half there.
//!
//! PostgreSQL batches the same way: there every write appends to the audit chain and holds its
//! head row locked until it commits, so writes queued one behind the other's commit anyway. An
//! in-memory SQLite database has a single connection for reading and writing, which an open
//! batch would keep from readers, so it keeps one plain transaction per request.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Any, AnyConnection, AnyPool};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard, mpsc, oneshot};

/// The savepoint that holds one request's changes inside a shared batch.
const SAVEPOINT: &str = "SAVEPOINT los_request";
const RELEASE: &str = "RELEASE los_request";
const UNDO: &str = "ROLLBACK TO los_request";

/// A database transaction. Commit it; dropping it rolls back what it did. (`Store::lookup`
/// gives one without a transaction, for reading only.)
///
/// It dereferences to the connection, so queries run on `&mut **tx` whichever kind it is.
pub struct Tx(Kind);

enum Kind {
    /// A transaction of its own: reads, and writes on in-memory SQLite.
    Own(sqlx::Transaction<'static, Any>),
    /// A connection outside any transaction, for lookups that need no common snapshot.
    Bare(sqlx::pool::PoolConnection<Any>),
    /// A savepoint inside the shared write batch.
    Shared(SharedWrite),
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Kind::Own(_) => "Tx(own)",
            Kind::Bare(_) => "Tx(no transaction)",
            Kind::Shared(_) => "Tx(shared batch)",
        })
    }
}

impl From<sqlx::Transaction<'static, Any>> for Tx {
    fn from(tx: sqlx::Transaction<'static, Any>) -> Self {
        Tx(Kind::Own(tx))
    }
}

impl Tx {
    /// Statements on a pooled connection outside a transaction: each sees what is committed when
    /// it runs. For a few lookups where that is enough, it spares the two round trips of BEGIN
    /// and ROLLBACK.
    pub(crate) fn bare(connection: sqlx::pool::PoolConnection<Any>) -> Self {
        Tx(Kind::Bare(connection))
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Kind::Own(tx) => tx,
            Kind::Bare(connection) => connection,
            Kind::Shared(write) => &write.batch.tx,
        }
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Kind::Own(tx) => tx,
            Kind::Bare(connection) => connection,
            Kind::Shared(write) => &mut write.batch.tx,
        }
    }
}

impl Tx {
    /// Makes the changes durable. In a shared batch this returns once the batch is committed;
    /// if the batch fails, so does this, and none of the request's changes remain.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Kind::Own(tx) => tx.commit().await,
            // Every statement was committed as it ran.
            Kind::Bare(_) => Ok(()),
            Kind::Shared(write) => write.commit().await,
        }
    }

    /// Undoes the changes.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Kind::Own(tx) => tx.rollback().await,
            Kind::Bare(_) => Ok(()),
            Kind::Shared(mut write) => write.rollback().await,
        }
    }
}

/// How a shared batch ended, for every request that waits for it.
#[derive(Clone, Debug)]
enum Outcome {
    Committed,
    /// The database could not take the commit now (a full disk, an I/O error, a lost connection).
    Unavailable(String),
    Failed(String),
}

impl Outcome {
    fn of(result: Result<(), sqlx::Error>) -> Self {
        match result {
            Ok(()) => Outcome::Committed,
            Err(error) => {
                let reason = error.to_string();
                match crate::map_sqlx(error) {
                    los_core::Error::Unavailable => Outcome::Unavailable(reason),
                    _ => Outcome::Failed(reason),
                }
            }
        }
    }

    fn into_result(self) -> Result<(), sqlx::Error> {
        match self {
            Outcome::Committed => Ok(()),
            Outcome::Unavailable(reason) => {
                Err(sqlx::Error::Io(std::io::Error::other(format!("the shared write batch failed: {reason}"))))
            }
            Outcome::Failed(reason) => Err(sqlx::Error::Protocol(format!("the shared write batch failed: {reason}"))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Every request in the batch has committed its savepoint or rolled it back.
    Clean,
    /// A request ended without committing or rolling back; its savepoint must be undone
    /// before anything else runs on the connection.
    Abandoned,
    /// The transaction cannot be trusted any more (a savepoint could not be undone or released,
    /// or SQLite rolled the transaction back by itself): it is thrown away with every request in it.
    Broken,
}

/// The open transaction that requests add to, with the requests that wait for its commit.
struct Batch {
    tx: sqlx::Transaction<'static, Any>,
    waiting: Vec<oneshot::Sender<Outcome>>,
    state: State,
}

/// The request currently adding to the batch; while it lives, no other request can.
struct SharedWrite {
    batch: OwnedMappedMutexGuard<Option<Batch>, Batch>,
    wake_committer: mpsc::Sender<()>,
    ended: bool,
}

impl SharedWrite {
    async fn commit(mut self) -> Result<(), sqlx::Error> {
        self.ended = true;
        if let Err(error) = sqlx::query(RELEASE).execute(&mut *self.batch.tx).await {
            self.batch.state = State::Broken;
            return Err(error);
        }
        let (sender, receiver) = oneshot::channel();
        self.batch.waiting.push(sender);
        // Dropping lets the next request in and wakes the committer, which queues behind the
        // requests already waiting: that is what makes the batch.
        drop(self);
        match receiver.await {
            Ok(outcome) => outcome.into_result(),
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
    }

    async fn rollback(&mut self) -> Result<(), sqlx::Error> {
        self.ended = true;
        let undone = undo_savepoint(&mut self.batch.tx).await;
        if undone.is_err() {
            self.batch.state = State::Broken;
        }
        undone
    }
}

impl Drop for SharedWrite {
    fn drop(&mut self) {
        if !self.ended {
            self.batch.state = State::Abandoned;
        }
        // Full means a wake-up is already pending, which is all that is needed.
        let _ = self.wake_committer.try_send(());
    }
}

async fn undo_savepoint(tx: &mut sqlx::Transaction<'static, Any>) -> Result<(), sqlx::Error> {
    sqlx::query(UNDO).execute(&mut **tx).await?;
    sqlx::query(RELEASE).execute(&mut **tx).await?;
    Ok(())
}

/// Where write transactions come from. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    pool: AnyPool,
    shared: Option<SharedBatches>,
}

#[derive(Clone)]
struct SharedBatches {
    batch: Arc<Mutex<Option<Batch>>>,
    wake_committer: mpsc::Sender<()>,
    acquire_timeout: Duration,
}

impl std::fmt::Debug for SharedBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedBatches").finish_non_exhaustive()
    }
}

impl Writer {
    /// One transaction per request.
    pub(crate) fn separate(pool: AnyPool) -> Self {
        Self { pool, shared: None }
    }

    /// Requests share batches; starts the committing task on the current Tokio runtime.
    pub(crate) fn batched(pool: AnyPool, acquire_timeout: Duration) -> Self {
        let batch = Arc::new(Mutex::new(None));
        let (wake_committer, wakes) = mpsc::channel(1);
        tokio::spawn(commit_batches(Arc::downgrade(&batch), wakes));
        Self { pool, shared: Some(SharedBatches { batch, wake_committer, acquire_timeout }) }
    }

    pub(crate) async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let Some(shared) = &self.shared else {
            return Ok(Tx(Kind::Own(self.pool.begin().await?)));
        };
        let mut slot = tokio::time::timeout(shared.acquire_timeout, shared.batch.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        settle(&mut slot).await;
        if slot.is_none() {
            let tx = self.pool.begin().await?;
            *slot = Some(Batch { tx, waiting: Vec::new(), state: State::Clean });
        }
        let Ok(mut batch) = OwnedMutexGuard::try_map(slot, Option::as_mut) else {
            return Err(sqlx::Error::Protocol("no write batch after opening one".into()));
        };
        if let Err(error) = sqlx::query(SAVEPOINT).execute(&mut *batch.tx).await {
            batch.state = State::Broken;
            let _ = shared.wake_committer.try_send(());
            return Err(error);
        }
        Ok(Tx(Kind::Shared(SharedWrite { batch, wake_committer: shared.wake_committer.clone(), ended: false })))
    }

    /// Commits whatever batch is open, so that no request is left waiting; for shutting down.
    pub(crate) async fn flush(&self) {
        if let Some(shared) = &self.shared {
            let mut slot = shared.batch.lock().await;
            commit_open_batch(&mut slot).await;
        }
    }
}

/// Brings an open batch back to a state where the next request can add to it: undoes what an
/// abandoned request left, or throws the batch away when that is impossible.
async fn settle(slot: &mut Option<Batch>) {
    if let Some(batch) = slot.as_mut()
        && batch.state == State::Abandoned
    {
        batch.state = match undo_savepoint(&mut batch.tx).await {
            Ok(()) => State::Clean,
            Err(error) => {
                tracing::warn!(%error, "cannot undo an abandoned request in the write batch");
                State::Broken
            }
        };
    }
    if slot.as_ref().is_some_and(|batch| batch.state == State::Broken)
        && let Some(batch) = slot.take()
    {
        tracing::warn!(requests = batch.waiting.len(), "throwing away a write batch that cannot be trusted");
        for waiting in batch.waiting {
            let _ = waiting.send(Outcome::Unavailable("the batch was rolled back".into()));
        }
        // Dropping the transaction rolls it back; a connection left inside it is closed by the pool.
        drop(batch.tx);
    }
}

async fn commit_open_batch(slot: &mut Option<Batch>) {
    settle(slot).await;
    if let Some(batch) = slot.take() {
        let outcome = Outcome::of(batch.tx.commit().await);
        if let Outcome::Unavailable(reason) | Outcome::Failed(reason) = &outcome {
            tracing::warn!(requests = batch.waiting.len(), %reason, "a write batch could not be committed");
        }
        for waiting in batch.waiting {
            // A request that went away (a closed connection) is committed all the same.
            let _ = waiting.send(outcome.clone());
        }
    }
}

/// The committing task: woken whenever a request leaves the batch; it then waits its turn for
/// the batch behind the requests already queued, and commits what they added. Ends when the
/// last `Writer` is dropped.
async fn commit_batches(batch: std::sync::Weak<Mutex<Option<Batch>>>, mut wakes: mpsc::Receiver<()>) {
    while wakes.recv().await.is_some() {
        let Some(batch) = batch.upgrade() else { break };
        let mut slot = batch.lock().await;
        commit_open_batch(&mut slot).await;
    }
}
