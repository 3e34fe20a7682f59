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
    let before = los_store::audit::verify(&server.store).await.unwrap();
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = server.store.clone();
        let at = server.clock.now();
        tasks.push(tokio::spawn(async move {
            let mut event = AuditEvent::new(at, AuditAction::AuditViewed, AuditOutcome::Success);
            event.subject = Some(format!("concurrent-{n}"));
            // Half share group commits, half are written inside transactions of their own
            // work: both take the chain's head in turn.
            if n % 2 == 0 {
                los_store::audit::append_alone(&store, &event).await.unwrap();
            } else {
                let mut tx = store.write().await.unwrap();
                los_store::audit::append(&mut tx, &event).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let verified = los_store::audit::verify(&server.store).await.unwrap();
    assert_eq!(verified, before + 40, "every event is in the one chain, none twice");
    let subjects: Vec<String> =
        sqlx::query_scalar("SELECT subject FROM audit_events WHERE subject LIKE 'concurrent-%' ORDER BY seq")
            .fetch_all(server.store.raw_pool_for_tests())
            .await
            .unwrap();
    let mut sorted = subjects.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 40, "{subjects:?}");
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

/// Many requests writing at once (on SQLite they share batches, decision 0010): each one's
/// changes are there exactly when it committed, whatever the others in its batch did: commit,
/// roll back, fail on a constraint, or go away in the middle of their work.
async fn concurrent_writes_keep_each_request_whole(server: &TestServer) {
    let mut tasks = Vec::new();
    for n in 0..60u32 {
        let store = server.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            let key = format!("batch-{n}");
            los_store::settings::get_or_insert(&mut tx, &key, "first").await.unwrap();
            los_store::settings::get_or_insert(&mut tx, &format!("{key}-second"), "second").await.unwrap();
            match n % 4 {
                0 => {
                    tx.commit().await.unwrap();
                    // Durable and visible to readers once commit returns.
                    let mut read = store.read().await.unwrap();
                    assert_eq!(
                        los_store::settings::get_value(&mut read, &key).await.unwrap().as_deref(),
                        Some("first")
                    );
                    true
                }
                1 => {
                    tx.rollback().await.unwrap();
                    false
                }
                2 => {
                    // A constraint fails inside the request; the request gives up.
                    let duplicate = sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'x')")
                        .bind(&key)
                        .execute(&mut *tx)
                        .await;
                    assert!(duplicate.is_err());
                    false
                }
                _ => {
                    // Goes away in the middle of its work without a word.
                    drop(tx);
                    false
                }
            }
        }));
    }
    let mut expected = Vec::new();
    for (n, task) in tasks.into_iter().enumerate() {
        if task.await.unwrap() {
            expected.push(format!("batch-{n}"));
            expected.push(format!("batch-{n}-second"));
        }
    }
    expected.sort();
    let mut stored: Vec<String> = sqlx::query_scalar("SELECT key FROM settings WHERE key LIKE 'batch-%'")
        .fetch_all(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    stored.sort();
    assert_eq!(stored, expected);
    assert_eq!(expected.len(), 30);
    // The writer is still usable after all that.
    let mut tx = server.store.write().await.unwrap();
    los_store::settings::get_or_insert(&mut tx, "batch-after", "ok").await.unwrap();
    tx.commit().await.unwrap();
}
both_backends!(concurrent_writes_stay_whole_per_request, concurrent_writes_keep_each_request_whole);

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

/// The bulk relations used by lists (waiting list, start page) are exactly the one-by-one ones,
/// for every member of the demo and every person in it (care teams, episodes, referrals,
/// consents, blocks all occur there), plus a person id that does not exist.
async fn relations_in_bulk_match_one_by_one(server: &TestServer) {
    server.app.load_demo().await.unwrap();
    let pool = server.store.raw_pool_for_tests();
    let memberships: Vec<(String, String)> =
        sqlx::query_as("SELECT account_id, organization_id FROM memberships ORDER BY account_id, organization_id")
            .fetch_all(pool)
            .await
            .unwrap();
    // A second consent to the same organisation beside one in force, with another category: a
    // person's categories are the union of every consent in force.
    let today = server.app.local_today();
    let in_force = "withdrawn_at IS NULL AND valid_from <= $1 AND valid_to >= $1 \
                    AND categories LIKE '%identity_contact%' AND categories NOT LIKE '%assessments%' \
                    AND organization_id IN (SELECT organization_id FROM memberships)";
    let (consent, person_with_consent): (String, String) =
        sqlx::query_as(&format!("SELECT id, person_id FROM consents WHERE {in_force} ORDER BY id LIMIT 1"))
            .bind(today.to_string())
            .fetch_one(pool)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO consents (id, person_id, organization_id, categories, valid_from, valid_to, note, given_at) \
         SELECT $1, person_id, organization_id, '[\"assessments\"]', valid_from, valid_to, 'Test', given_at \
         FROM consents WHERE id = $2",
    )
    .bind(los_core::ids::ConsentId::generate().to_string())
    .bind(&consent)
    .execute(pool)
    .await
    .unwrap();
    let persons: Vec<(String,)> = sqlx::query_as("SELECT id FROM persons ORDER BY id").fetch_all(pool).await.unwrap();
    let mut persons: Vec<los_core::ids::PersonId> = persons.into_iter().map(|(id,)| id.parse().unwrap()).collect();
    persons.push(los_core::ids::PersonId::generate());
    assert!(memberships.len() > 5 && persons.len() > 300);
    let now = server.clock.now();
    let mut seen_any_fact = [false; 6];
    let mut seen_both_consents = false;
    for (account, organization) in memberships {
        let (account, organization) = (account.parse().unwrap(), organization.parse().unwrap());
        let mut tx = server.store.read().await.unwrap();
        let bulk =
            los_store::persons::relations_of_many(&mut tx, &persons, account, organization, today, now).await.unwrap();
        assert_eq!(bulk.len(), persons.len());
        for person in &persons {
            let exists = los_store::persons::exists(&mut tx, *person).await.unwrap();
            let found = los_store::persons::relations_if_exists(&mut tx, *person, account, organization, today, now)
                .await
                .unwrap();
            assert_eq!(found.is_some(), exists, "{person}");
            let one = found.unwrap_or_default();
            assert_eq!(
                los_store::persons::relations(&mut tx, *person, account, organization, today, now).await.unwrap(),
                one
            );
            assert_eq!(bulk[person], one, "{person} for {account} at {organization}");
            let categories = &one.consented_categories;
            if person.to_string() == person_with_consent
                && categories.contains(&los_core::consent::DataCategory::Assessments)
                && categories.contains(&los_core::consent::DataCategory::IdentityContact)
            {
                seen_both_consents = true;
            }
            let facts = [
                one.care_team_member,
                one.active_episode_at_organization,
                one.open_referral_at_organization,
                one.blocked,
                one.emergency_access,
                !one.consented_categories.is_empty(),
            ];
            for (seen, fact) in seen_any_fact.iter_mut().zip(facts) {
                *seen |= fact;
            }
        }
    }
    // Emergency access is not in the demo; every other fact is, so the comparison covered them.
    assert_eq!(seen_any_fact, [true, true, true, true, false, true]);
    assert!(seen_both_consents, "the categories of both consents of {person_with_consent}");
}
both_backends!(bulk_relations_match_single_relations, relations_in_bulk_match_one_by_one);
