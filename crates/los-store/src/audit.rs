//! The audit log: appended in the caller's transaction, verified as a hash chain, listed for
//! administrators.

use los_core::Error;
use los_core::audit::{AuditEvent, AuditRecord, BrokenLink, ChainVerifier, StoredAuditRow, chain_hash};
use los_core::policy::{Action, Grant};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::dialect::{backend_of, lock_audit_head};
use crate::util::{get, placeholders};
use crate::{Backend, Store, Tx, map_sqlx};

/// Appends one event to the chain inside `tx`; it is committed or rolled back with whatever it
/// records. Returns the event's sequence number.
pub async fn append(tx: &mut Tx, event: &AuditEvent) -> Result<i64, Error> {
    append_records(tx, &[event.to_record()]).await
}

/// Columns of one audit row. SQLite statements stay under 500 bind parameters (decision 0008);
/// PostgreSQL takes up to 65,535.
const AUDIT_COLUMNS: usize = 14;
const fn rows_per_insert(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 35,
        Backend::Postgres => 1_000,
    }
}

/// Appends `records` to the chain inside `tx` in order, with one lock of the chain's head and
/// multi-row inserts, and moves the head to the last of them in one update (a trigger lets the
/// head move only forward, to the last event and its hash). Returns the last sequence number (the
/// head's, when `records` is empty). Used for one event, a group commit and bulk loads alike.
pub async fn append_records(tx: &mut Tx, records: &[AuditRecord]) -> Result<i64, Error> {
    let backend = backend_of(tx);
    let head = sqlx::query(lock_audit_head(backend)).fetch_one(&mut **tx).await.map_err(map_sqlx)?;
    let mut seq: i64 = get(&head, "seq")?;
    let mut hash: String = get(&head, "hash")?;
    if records.is_empty() {
        return Ok(seq);
    }
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        seq += 1;
        let next = chain_hash(&hash, seq, record);
        rows.push((seq, record, std::mem::replace(&mut hash, next.clone()), next));
    }
    for chunk in rows.chunks(rows_per_insert(backend)) {
        let mut sql = String::from(
            "INSERT INTO audit_events (seq, at_micros, action, outcome, actor_account, actor_organization, \
             actor_role, person, subject, reason, request_id, client_address, prev_hash, hash) VALUES ",
        );
        for row in 0..chunk.len() {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&placeholders(row * AUDIT_COLUMNS + 1, AUDIT_COLUMNS));
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for (seq, record, prev_hash, hash) in chunk {
            query = query
                .bind(*seq)
                .bind(record.at_micros)
                .bind(&record.action)
                .bind(&record.outcome)
                .bind(&record.actor_account)
                .bind(&record.actor_organization)
                .bind(&record.actor_role)
                .bind(&record.person)
                .bind(&record.subject)
                .bind(&record.reason)
                .bind(&record.request_id)
                .bind(&record.client_address)
                .bind(prev_hash)
                .bind(hash);
        }
        query.execute(&mut **tx).await.map_err(map_sqlx)?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(seq)
}

/// Commits an event that records something that changed nothing else (a failed login, a refused
/// request), sharing the commit with other such events (decision 0009); returns once committed.
pub async fn append_alone(store: &Store, event: &AuditEvent) -> Result<(), Error> {
    store.commit_audit_events(vec![event.clone()]).await
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] BrokenLink),
    #[error("cannot read the audit log: {0}")]
    Store(Error),
}

/// Walks the whole chain in pages and names the first broken link.
pub async fn verify(store: &Store) -> Result<i64, VerifyError> {
    const PAGE: i64 = 5_000;
    let mut tx = store.read().await.map_err(VerifyError::Store)?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| VerifyError::Store(map_sqlx(e)))?;
    let head_seq: i64 = get(&head, "seq").map_err(VerifyError::Store)?;
    let head_hash: String = get(&head, "hash").map_err(VerifyError::Store)?;
    let mut verifier = ChainVerifier::new();
    let mut after = 0_i64;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at_micros, action, outcome, actor_account, actor_organization, actor_role, person, subject, \
             reason, request_id, client_address, prev_hash, hash FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| VerifyError::Store(map_sqlx(e)))?;
        let Some(last) = rows.last() else { break };
        after = get(last, "seq").map_err(VerifyError::Store)?;
        for row in &rows {
            verifier.check(&stored_row(row).map_err(VerifyError::Store)?)?;
        }
    }
    Ok(verifier.finish(head_seq, &head_hash)?)
}

fn record(row: &AnyRow) -> Result<AuditRecord, Error> {
    Ok(AuditRecord {
        at_micros: get(row, "at_micros")?,
        action: get(row, "action")?,
        outcome: get(row, "outcome")?,
        actor_account: get(row, "actor_account")?,
        actor_organization: get(row, "actor_organization")?,
        actor_role: get(row, "actor_role")?,
        person: get(row, "person")?,
        subject: get(row, "subject")?,
        reason: get(row, "reason")?,
        request_id: get(row, "request_id")?,
        client_address: get(row, "client_address")?,
    })
}

fn stored_row(row: &AnyRow) -> Result<StoredAuditRow, Error> {
    Ok(StoredAuditRow {
        seq: get(row, "seq")?,
        prev_hash: get(row, "prev_hash")?,
        hash: get(row, "hash")?,
        record: record(row)?,
    })
}

/// Filters of the admin audit page. Every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub actor_account: Option<String>,
    pub person: Option<String>,
    pub from_micros: Option<i64>,
    pub to_micros: Option<i64>,
    /// Only events with a sequence number below this (for paging backwards in time).
    pub before_seq: Option<i64>,
}

/// One listed event with the actor's login name resolved.
#[derive(Debug, Clone)]
pub struct ListedAuditEvent {
    pub seq: i64,
    pub record: AuditRecord,
    pub actor_username: Option<String>,
}

/// Newest first, at most `limit`.
pub async fn list(
    tx: &mut Tx,
    grant: &Grant,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<ListedAuditEvent>, Error> {
    if grant.action() != Action::ReadAuditLog {
        return Err(Error::Forbidden);
    }
    let mut sql = String::from(
        "SELECT e.seq, e.at_micros, e.action, e.outcome, e.actor_account, e.actor_organization, e.actor_role, \
         e.person, e.subject, e.reason, e.request_id, e.client_address, a.username AS actor_username \
         FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account WHERE 1 = 1",
    );
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    let mut clauses: Vec<(String, bool)> = Vec::new();
    for (column, value) in [
        ("e.action", &filter.action),
        ("e.outcome", &filter.outcome),
        ("e.actor_account", &filter.actor_account),
        ("e.person", &filter.person),
    ] {
        if let Some(value) = value {
            clauses.push((format!("{column} = "), true));
            texts.push(value.clone());
        }
    }
    for (clause, value) in
        [("e.at_micros >= ", filter.from_micros), ("e.at_micros < ", filter.to_micros), ("e.seq < ", filter.before_seq)]
    {
        if let Some(value) = value {
            clauses.push((clause.to_string(), false));
            numbers.push(value);
        }
    }
    // Text parameters are bound first, then numbers, so `$n` is numbered in that order.
    let mut index = 0;
    for (clause, _) in clauses.iter().filter(|(_, text)| *text).chain(clauses.iter().filter(|(_, text)| !*text)) {
        index += 1;
        sql.push_str(&format!(" AND {clause}${index}"));
    }
    sql.push_str(&format!(" ORDER BY e.seq DESC LIMIT ${}", index + 1));
    let mut query = sqlx::query(&sql);
    for text in &texts {
        query = query.bind(text.clone());
    }
    for number in &numbers {
        query = query.bind(*number);
    }
    let rows = query.bind(limit).fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(ListedAuditEvent {
                seq: row.try_get("seq").map_err(map_sqlx)?,
                record: record(row)?,
                actor_username: row.try_get("actor_username").map_err(map_sqlx)?,
            })
        })
        .collect()
}

/// One line of a person's access log: who (name, role, organisation), when, what and why.
#[derive(Debug, Clone)]
pub struct PersonAccessEntry {
    pub seq: i64,
    pub record: AuditRecord,
    pub actor_name: Option<String>,
    pub organization_name: Option<String>,
}

/// Every event about the granted person, newest first, at most `limit`, before `before_seq`.
pub async fn for_person(
    tx: &mut Tx,
    grant: &los_core::policy::PersonGrant,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<PersonAccessEntry>, Error> {
    if grant.action() != los_core::policy::PersonAction::ReadAccessLog {
        return Err(Error::Forbidden);
    }
    let rows = sqlx::query(
        "SELECT e.seq, e.at_micros, e.action, e.outcome, e.actor_account, e.actor_organization, e.actor_role, \
         e.person, e.subject, e.reason, e.request_id, e.client_address, a.display_name AS actor_name, \
         o.name AS organization_name FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_account \
         LEFT JOIN organizations o ON o.id = e.actor_organization WHERE e.person = $1 AND e.seq < $2 \
         ORDER BY e.seq DESC LIMIT $3",
    )
    .bind(grant.person().to_string())
    .bind(before_seq.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter()
        .map(|row| {
            Ok(PersonAccessEntry {
                seq: get(row, "seq")?,
                record: record(row)?,
                actor_name: get(row, "actor_name")?,
                organization_name: get(row, "organization_name")?,
            })
        })
        .collect()
}
