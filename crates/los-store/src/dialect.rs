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

/// Which backend a connection or transaction talks to.
pub fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") { Backend::Postgres } else { Backend::Sqlite }
}
