//! Bulk loading for the national-scale synthetic installation (`los demo --scale national`):
//! many rows per statement, and the audit chain extended by many events at once. Nothing else
//! uses it; ordinary writes go through the per-table modules with their grants.

use los_core::Error;

use crate::dialect::backend_of;
use crate::util::get;
use crate::{Tx, map_sqlx};

/// One value of a bulk row. Nulls are typed, since PostgreSQL refuses a text null in a
/// number column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i64),
    NullText,
    NullInt,
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_string())
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        value.map(Value::Text).unwrap_or(Value::NullText)
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        value.map(Value::Int).unwrap_or(Value::NullInt)
    }
}

/// Bind parameters per statement. PostgreSQL takes up to 65 535 and each statement is a round
/// trip, so many. SQLite's driver looks each `$N` up by name, which SQLite answers by walking
/// the statement's parameter list: the cost grows with the square of the parameters, so few.
fn parameters_per_statement(backend: crate::Backend) -> usize {
    match backend {
        crate::Backend::Sqlite => 500,
        crate::Backend::Postgres => 30_000,
    }
}
/// Rows per statement at most, however narrow the table.
const ROWS_PER_STATEMENT: usize = 1_000;

/// Inserts `rows` into `table` (`columns` in order), many rows per statement. Table and column
/// names come from the code, never from outside.
pub async fn insert_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<(), Error> {
    if columns.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let per_statement = (parameters_per_statement(backend_of(tx)) / columns.len()).clamp(1, ROWS_PER_STATEMENT);
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut parameter = 0;
        for (index, row) in chunk.iter().enumerate() {
            if row.len() != columns.len() {
                return Err(Error::Internal);
            }
            if index > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..columns.len() {
                parameter += 1;
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&parameter.to_string());
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for value in row {
                query = match value {
                    Value::Text(text) => query.bind(text.as_str()),
                    Value::Int(number) => query.bind(*number),
                    Value::NullText => query.bind(None::<String>),
                    Value::NullInt => query.bind(None::<i64>),
                };
            }
        }
        query.execute(&mut **tx).await.map_err(map_sqlx)?;
    }
    tracing::debug!(table, rows = rows.len(), ms = started.elapsed().as_millis() as u64, "bulk insert");
    Ok(())
}

/// The number of rows in `table` (a name from the code).
pub async fn count_rows(tx: &mut Tx, table: &str) -> Result<i64, Error> {
    let row =
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(&mut **tx).await.map_err(map_sqlx)?;
    get(&row, "n")
}

/// Every person identifier in use, so that generated ones never collide with them.
pub async fn person_identifiers(tx: &mut Tx) -> Result<Vec<String>, Error> {
    let rows = sqlx::query("SELECT identifier FROM persons WHERE identifier IS NOT NULL")
        .fetch_all(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    rows.iter().map(|row| get(row, "identifier")).collect()
}

/// Up to `limit` persons with an episode at any of `services`, in id order: for bulk data that
/// hangs on persons already there (stays, tallies).
pub async fn persons_with_episode_at(tx: &mut Tx, services: &[String], limit: i64) -> Result<Vec<String>, Error> {
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT person_id FROM episodes WHERE service_id IN ({}) ORDER BY person_id LIMIT {limit}",
        crate::util::placeholders(1, services.len())
    );
    let mut query = sqlx::query(&sql);
    for service in services {
        query = query.bind(service);
    }
    let rows = query.fetch_all(&mut **tx).await.map_err(map_sqlx)?;
    rows.iter().map(|row| get(row, "person_id")).collect()
}

/// Whether `service` has a housing unit called `name` (bulk loaders use it to skip what an
/// earlier, interrupted run already wrote).
pub async fn unit_exists(tx: &mut Tx, service: &str, name: &str) -> Result<bool, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM housing_units WHERE service_id = $1 AND name = $2")
        .bind(service)
        .bind(name)
        .fetch_one(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(get::<i64>(&row, "n")? > 0)
}

/// The services of the national demo's municipal units (`Rus og psykisk helse – …`): id, name
/// and municipality.
pub async fn national_services(tx: &mut Tx) -> Result<Vec<(String, String, String)>, Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, s.municipality_id FROM services s \
         JOIN organizations o ON o.id = s.provider_organization_id \
         WHERE o.name LIKE 'Rus og psykisk helse – %' AND s.municipality_id IS NOT NULL ORDER BY s.municipality_id, s.name",
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    rows.iter().map(|row| Ok((get(row, "id")?, get(row, "name")?, get(row, "municipality_id")?))).collect()
}

/// Refreshes the query planner's statistics after a bulk load. PostgreSQL plans from them, and
/// its autovacuum may be switched off or not yet have caught up with millions of new rows: on
/// the national data without them a waiting list took 212 ms instead of 7 ms. SQLite plans without
/// them: the `ANALYZE` of the SQLite built into Los read the whole national file for minutes even
/// with `analysis_limit` (docs/benchmarks.md), so the one query it planned badly says its join
/// order instead (`persons::relations_of_many`).
pub async fn refresh_statistics(store: &crate::Store) -> Result<(), Error> {
    if store.backend() == crate::Backend::Postgres {
        let mut tx = store.write().await?;
        sqlx::query("ANALYZE").execute(&mut *tx).await.map_err(map_sqlx)?;
        tx.commit().await.map_err(map_sqlx)?;
    }
    Ok(())
}
