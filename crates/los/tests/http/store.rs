//! Store conformance: the same expectations on SQLite and PostgreSQL.

use los_app::RequestContext;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
use los_core::Error;
use los_core::account::Role;
use los_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use los_store::{DatabaseUrl, Store, StoreOptions};

use crate::both_backends;
use crate::support::*;

async fn chain_stays_linear_under_concurrency(server: &TestServer) {
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = server.store.clone();
        let at = server.clock.now();
        tasks.push(tokio::spawn(async move {
            let mut event = AuditEvent::new(at, AuditAction::AuditViewed, AuditOutcome::Success);
            event.subject = Some(format!("concurrent-{n}"));
            los_store::audit::append_alone(&store, &event).await.unwrap()
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap());
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 40, "every append got its own sequence number");
    let verified = los_store::audit::verify(&server.store).await.unwrap();
    assert!(verified >= 40);
}
both_backends!(audit_chain_under_concurrent_appends, chain_stays_linear_under_concurrency);

async fn rolled_back_work_leaves_no_audit_event(server: &TestServer) {
    let before = los_store::audit::verify(&server.store).await.unwrap();
    {
        let mut tx = server.store.write().await.unwrap();
        let event = AuditEvent::new(server.clock.now(), AuditAction::AccountUpdated, AuditOutcome::Success);
        los_store::audit::append(&mut tx, &event).await.unwrap();
        // Dropped without commit: the event goes with the work it would have recorded.
    }
    assert_eq!(los_store::audit::verify(&server.store).await.unwrap(), before);
}
both_backends!(audit_event_shares_the_transaction, rolled_back_work_leaves_no_audit_event);

async fn usernames_are_unique(server: &TestServer) {
    server.account("dobbel", Role::Caseworker, false).await;
    let input = los_app::accounts::NewAccountInput {
        username: "Dobbel".into(),
        display_name: "Another".into(),
        password: PASSWORD.into(),
        locale: None,
        organization: server.organization.to_string(),
        role: "analyst".into(),
    };
    let error = server.app.create_account(&RequestContext::default(), Operator::CommandLine, &input).await.unwrap_err();
    let Error::Invalid(fields) = error else { panic!("expected a field error") };
    assert_eq!(fields[0].field, "username");
    assert_eq!(fields[0].reason, los_core::Reason::AlreadyExists);
}
both_backends!(duplicate_username_is_a_field_error, usernames_are_unique);

async fn stale_versions_conflict(server: &TestServer) {
    let admin = server.account("admin1", Role::Admin, false).await;
    let actor = los_core::policy::Actor { account: admin.id, organization: server.organization, role: Role::Admin };
    let ctx = RequestContext::default();
    let current = server.app.organization(server.other_organization).await.unwrap();
    let input = |name: &str| OrganizationInput { name: name.into(), kind: "dps".into(), country: "NO".into() };
    let (input_a, input_b) = (input("DPS A"), input("DPS B"));
    let first = server.app.update_organization(&ctx, &actor, current.id, current.version, &input_a);
    let second = server.app.update_organization(&ctx, &actor, current.id, current.version, &input_b);
    let (a, b) = tokio::join!(first, second);
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "exactly one of two concurrent edits wins");
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(Error::Conflict { .. })));
    assert_eq!(server.app.organization(current.id).await.unwrap().version, current.version + 1);
}
both_backends!(concurrent_edits_one_wins_one_conflicts, stale_versions_conflict);

#[tokio::test]
async fn unknown_database_schemes_are_refused() {
    for url in ["mysql://localhost/los", "los.db", "sqlite3://los.db", "file:los.db"] {
        assert!(
            matches!(DatabaseUrl::parse(url), Err(los_store::ConnectError::UnknownScheme(_))),
            "{url} must be refused"
        );
    }
}

#[tokio::test]
async fn the_data_folder_is_created_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("los-data").join("los.db");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
    let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    assert!(path.exists());
    let journal: (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(store.raw_pool_for_tests()).await.unwrap();
    assert_eq!(journal.0.to_lowercase(), "wal");
    let foreign_keys: (i64,) =
        sqlx::query_as("PRAGMA foreign_keys").fetch_one(store.raw_pool_for_tests()).await.unwrap();
    assert_eq!(foreign_keys.0, 1);
    store.close().await;
}

#[test]
fn migration_version_sets_are_identical() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../los-store/migrations");
    let versions = |backend: &str| {
        let mut list: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().split('_').next().unwrap().to_string())
            .collect();
        list.sort();
        list
    };
    let sqlite = versions("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, versions("postgres"), "every migration version exists for both backends");
}
