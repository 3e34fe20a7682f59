//! Group commit of audit events that record something that changed nothing else: reads of
//! personal data, refusals, failed logins (decision 0009).
//!
//! Each such event must be durable before the request is answered, but giving each its own
//! transaction makes every read a commit with an fsync behind SQLite's single writer (or behind
//! the locked audit head on PostgreSQL). One task takes every event waiting at that moment,
//! appends them to the chain in one transaction and then answers each waiting request. A request
//! therefore still waits for its own events to be committed; it only shares the commit.

use los_core::Error;
use los_core::audit::{AuditEvent, AuditRecord};
use tokio::sync::{mpsc, oneshot};

use crate::audit::append_records;
use crate::writer::Writer;
use crate::{Store, Tx, map_sqlx};

/// Requests that may wait for the writer at once before new ones are turned away as
/// unavailable, so a stuck database cannot make memory grow without bound.
const QUEUE_DEPTH: usize = 4_096;
/// Events written in one transaction at most; more wait for the next one.
const EVENTS_PER_COMMIT: usize = 4_096;

struct Pending {
    events: Vec<AuditEvent>,
    committed: oneshot::Sender<Result<(), Error>>,
}

/// The sending end; cheap to clone. The writing task ends when the last clone is dropped.
#[derive(Clone, Debug)]
pub(crate) struct AuditQueue {
    sender: mpsc::Sender<Pending>,
}

impl AuditQueue {
    /// Starts the writing task on the current Tokio runtime.
    pub(crate) fn start(write: Writer) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(write_batches(write, receiver));
        Self { sender }
    }

    /// Returns once `events` are committed, in order and next to each other in the chain.
    pub(crate) async fn commit(&self, events: Vec<AuditEvent>) -> Result<(), Error> {
        if events.is_empty() {
            return Ok(());
        }
        let (committed, outcome) = oneshot::channel();
        self.sender.try_send(Pending { events, committed }).map_err(|error| {
            tracing::warn!(%error, "audit queue full or closed");
            Error::Unavailable
        })?;
        outcome.await.map_err(|_| Error::Unavailable)?
    }
}

async fn write_batches(write: Writer, mut receiver: mpsc::Receiver<Pending>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        let mut count = batch[0].events.len();
        while count < EVENTS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(next) => {
                    count += next.events.len();
                    batch.push(next);
                }
                Err(_) => break,
            }
        }
        let records: Vec<AuditRecord> =
            batch.iter().flat_map(|pending| pending.events.iter().map(AuditEvent::to_record)).collect();
        let outcome = commit_batch(write.clone(), records).await;
        for pending in batch {
            let answer = match &outcome {
                Ok(()) => Ok(()),
                Err(Error::Unavailable) => Err(Error::Unavailable),
                Err(_) => Err(Error::Internal),
            };
            // The request may have gone away (a closed connection); its events are committed
            // all the same, which is what the log should say.
            let _ = pending.committed.send(answer);
        }
    }
}

/// Boxed as a `Send` future: the compiler cannot prove the driver's futures `Send` for every
/// lifetime when they are awaited directly inside the spawned loop.
fn commit_batch(
    write: Writer,
    records: Vec<AuditRecord>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>> + Send>> {
    Box::pin(async move {
        let mut tx = write.begin().await.map_err(map_sqlx)?;
        append_records(&mut tx, &records).await?;
        tx.commit().await.map_err(map_sqlx)
    })
}

/// A read of personal data in a read transaction (beside SQLite's writer), with the audit events
/// it gathers. [`AuditedRead::finish`] ends the read and returns once the events are committed;
/// only then may the answer go out. Dropped without `finish`, nothing is recorded, so the caller
/// must not answer with what it read.
pub struct AuditedRead {
    tx: Tx,
    events: Vec<AuditEvent>,
}

impl std::fmt::Debug for AuditedRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditedRead").field("events", &self.events.len()).finish_non_exhaustive()
    }
}

impl AuditedRead {
    pub(crate) fn new(tx: Tx) -> Self {
        Self { tx, events: Vec::new() }
    }

    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    pub fn record(&mut self, event: AuditEvent) {
        self.events.push(event);
    }

    /// Ends the read transaction first (an in-memory SQLite database has one connection for
    /// reading and writing), then waits for the events to be committed.
    pub async fn finish(self, store: &Store) -> Result<(), Error> {
        let Self { tx, events } = self;
        tx.rollback().await.map_err(map_sqlx)?;
        store.commit_audit_events(events).await
    }
}
