//! The few places where SQLite and PostgreSQL need different SQL.

use crate::Backend;

/// Reads the audit chain head and, on PostgreSQL, locks it for the rest of the transaction so
/// that appends from several app servers stay in one line. SQLite has a single writer, so the
/// plain read is already serialised.
pub fn lock_audit_head(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    }
}

/// An aggregate joining the text `expression` of every row, one per line (NULL when there are
/// no rows). The values must not contain line breaks.
pub fn lines_aggregate(backend: Backend, expression: &str) -> String {
    match backend {
        Backend::Sqlite => format!("group_concat({expression}, char(10))"),
        Backend::Postgres => format!("string_agg({expression}, chr(10))"),
    }
}

/// Which backend a connection or transaction talks to.
pub fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") { Backend::Postgres } else { Backend::Sqlite }
}
