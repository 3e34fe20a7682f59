use los_core::Error;

/// Maps a database error to what a caller can act on. Details go to the log, never outward.
pub fn map_sqlx(error: sqlx::Error) -> Error {
    match &error {
        sqlx::Error::RowNotFound => Error::NotFound { what: "row" },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            tracing::warn!(error = %error, "database unavailable");
            Error::Unavailable
        }
        sqlx::Error::Database(db) => {
            if db.is_unique_violation() {
                return Error::Conflict { what: "unique" };
            }
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // SQLite: 5 busy, 6 locked, 10 I/O, 13 full, 14 cannot open; PostgreSQL: class 53
            // (insufficient resources), 57P (operator intervention), 08 (connection).
            let unavailable = matches!(code.as_str(), "5" | "6" | "10" | "13" | "14" | "261" | "517")
                || code.starts_with("53")
                || code.starts_with("57P")
                || code.starts_with("08");
            if unavailable {
                tracing::warn!(code = %code, "database unavailable");
                Error::Unavailable
            } else {
                tracing::error!(code = %code, error = %db, "database error");
                Error::Internal
            }
        }
        _ => {
            tracing::error!(error = %error, "database error");
            Error::Internal
        }
    }
}
