use jiff::Timestamp;
use los_core::Error;
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) fn micros(at: Timestamp) -> i64 {
    at.as_microsecond()
}

pub(crate) fn timestamp(micros: i64) -> Result<Timestamp, Error> {
    Timestamp::from_microsecond(micros).map_err(|_| corrupt("timestamp"))
}

pub(crate) fn opt_timestamp(micros: Option<i64>) -> Result<Option<Timestamp>, Error> {
    micros.map(timestamp).transpose()
}

/// A stored value that does not parse: a bug or a hand-edited database.
pub(crate) fn corrupt(what: &'static str) -> Error {
    tracing::error!(what, "stored value does not parse");
    Error::Internal
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T, Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(crate::map_sqlx)
}

pub(crate) fn parse<T: std::str::FromStr>(value: &str, what: &'static str) -> Result<T, Error> {
    value.parse().map_err(|_| corrupt(what))
}

/// `$first, $first+1, …` for `count` bind parameters, for `IN (…)` lists and multi-row inserts.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}
