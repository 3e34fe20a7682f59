//! The national-scale installation, at a small size with the same shape: everything it writes
//! is consistent (counts, the audit chain, the catalogue), and a national coordinator can work
//! with their persons. On SQLite and on PostgreSQL.

use los_app::RequestContext;
use los_app::demo_national::NationalScale;

use crate::both_backends;
use crate::support::*;

async fn count(server: &TestServer, table: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    row.0
}

async fn national_demo_is_whole(server: &TestServer) {
    let scale = NationalScale::SMALL;
    let events_before = count(server, "audit_events").await;
    let persons_before = count(server, "persons").await;
    let figures = server.app.load_national_demo(scale, 7).await.unwrap();
    assert_eq!(figures.municipalities, scale.municipalities);
    assert_eq!(figures.services, scale.municipalities * scale.services_per_municipality);
    assert_eq!(figures.persons, scale.persons);
    assert_eq!(figures.referrals, scale.persons * scale.referrals_per_person);
    assert_eq!(figures.decisions, scale.persons * scale.decisions_per_person);
    assert!((scale.persons * 30 / 100..scale.persons * 50 / 100).contains(&figures.plans), "{}", figures.plans);
    let first_versions: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM plan_versions WHERE version = 1")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    assert_eq!(first_versions.0, count(server, "plans").await, "every plan has its first version");

    // Everything is stored: the figures are what the tables hold (the ordinary demo came first).
    let demo_persons = count(server, "persons").await - persons_before - scale.persons as i64;
    assert!(demo_persons > 0, "the ordinary demo is loaded underneath");
    assert!(count(server, "referral_steps").await as usize >= figures.referral_steps);
    let events = count(server, "audit_events").await - events_before;
    assert!(events >= (scale.persons * scale.audit_events_per_person) as i64);
    let verified = server.app.verify_audit_chain().await.unwrap();
    assert_eq!(verified, count(server, "audit_events").await, "the whole chain verifies");

    // A year of housing and tallies: three units and two tallied services per municipality, and
    // no person in two places on the same night.
    assert_eq!(figures.housing_units, scale.municipalities * 3);
    assert_eq!(figures.tally_entries, scale.municipalities * 2 * 365);
    let overlapping: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM stays a JOIN stays b ON a.person_id = b.person_id AND a.id < b.id \
         AND a.from_date < COALESCE(b.to_date, '9999-12-31') AND b.from_date < COALESCE(a.to_date, '9999-12-31')",
    )
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap();
    assert_eq!(overlapping.0, 0, "no person is in two places on the same night");

    // Loading it twice is refused, not doubled.
    assert!(server.app.load_national_demo(scale, 7).await.is_err());
    assert_eq!(count(server, "persons").await, persons_before + demo_persons + scale.persons as i64);

    // A national coordinator sees their plans on the start page API.
    let account: (String,) = sqlx::query_as("SELECT id FROM accounts WHERE username = 'koordinator-9001'")
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    let token = server
        .app
        .create_token_for(&RequestContext::default(), account.0.parse().unwrap(), "national", None)
        .await
        .unwrap()
        .secret;
    let me = server.bare_client().get(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let search =
        server.bare_client().get(server.url("/api/v1/persons?q=berg")).bearer_auth(&token).send().await.unwrap();
    let found = json_ok(search, 200).await;
    let items = found["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the coordinator finds persons of their municipality named Berg");
    // Only their own municipality's persons (every 12th person of the small scale, a sixth of those
    // named Berg) plus the ordinary demo's, never the whole country.
    assert!(items.len() < 40, "{}", items.len());
}
both_backends!(the_national_demo_is_consistent_and_usable, national_demo_is_whole);
