//! Individual plans over the API (issue 4, "Verify"): a plan built by a coordinator with a care
//! team from three organisations, where each member sees exactly what the policy and consents
//! allow and loses access when removed; concurrent edits give one success and one conflict; a
//! transition's checklist turns overdue the day after its due date (injected clock); the
//! meeting's `.ics` parses as RFC 5545; bad input is a field and a reason and saves nothing;
//! the history says what changed and by whom; coverage counts on a constructed dataset, with
//! small counts suppressed for analysts.

use std::io::BufReader;

use jiff::Timestamp;
use jiff::civil::Date;
use los_app::RequestContext;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::consent::ConsentFields;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, OrganizationId, PersonId};
use los_core::person::PersonFields;
use los_core::policy::Actor;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

struct Member {
    actor: Actor,
    token: String,
    name: String,
}

struct World {
    ctx: RequestContext,
    admin: Member,
    /// Caseworker of the municipal substance-use service: registers persons, coordinates.
    coord: Member,
    /// Another caseworker of the coordinator's organisation.
    a_colleague: Member,
    /// Caseworker of the hospital trust.
    b_case: Member,
    /// Caseworkers of NAV: one joins the care team, one does not.
    c_case: Member,
    c_other: Member,
    /// Caseworker of a fourth organisation with no relation to anyone.
    outsider: Member,
    analyst: Member,
    org_b: OrganizationId,
    org_c: OrganizationId,
    municipality: String,
    service_a: String,
    /// A service of the coordinator's organisation in another municipality.
    service_elsewhere: String,
}

/// A Monday morning in Oslo (10:00 local time, summer time).
fn start_instant() -> Timestamp {
    "2026-05-04T08:00:00Z".parse().unwrap()
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Moves the clock to 08:00 UTC on `date`.
fn set_day(server: &TestServer, date: Date) {
    server.clock.set(date.at(8, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp());
}

fn letters(mut n: u32) -> String {
    let mut out = String::new();
    loop {
        out.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out
}

async fn member(server: &TestServer, name: &str, role: Role, organization: OrganizationId) -> Member {
    let account = server.account_in(name, role, organization, true).await;
    let token = server.token(&account).await;
    Member { actor: Actor { account: account.id, organization, role }, token, name: format!("Test {name}") }
}

async fn organization(server: &TestServer, ctx: &RequestContext, name: &str) -> OrganizationId {
    server
        .app
        .create_organization(
            ctx,
            Operator::CommandLine,
            &OrganizationInput { name: name.into(), kind: "municipal_unit".into(), country: "NO".into() },
        )
        .await
        .unwrap()
        .id
}

async fn create(server: &TestServer, token: &str, path: &str, body: Value) -> Value {
    json_ok(send(server, token, Method::POST, path, Some(body)).await, 201).await
}

async fn world(server: &TestServer) -> World {
    server.clock.set(start_instant());
    let (org_a, org_b) = (server.organization, server.other_organization);
    let ctx = RequestContext::default();
    let org_c = organization(server, &ctx, "Tredje – NAV").await;
    let org_d = organization(server, &ctx, "Fjerde – Frivillig").await;
    let admin = member(server, "admin", Role::Admin, org_a).await;
    let municipality = create(
        server,
        &admin.token,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4001", "name": "Porsgrunn"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let elsewhere = create(
        server,
        &admin.token,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4003", "name": "Skien"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut services = Vec::new();
    for (name, m) in [("Rustjenesten", &municipality), ("Rustjenesten Skien", &elsewhere)] {
        let created = create(
            server,
            &admin.token,
            "/api/v1/services",
            json!({"municipality_id": m, "provider_organization_id": org_a.to_string(),
                "name": name, "category": "health", "phases": ["treatment"]}),
        )
        .await;
        services.push(created["id"].as_str().unwrap().to_string());
    }
    World {
        ctx,
        coord: member(server, "koordinator", Role::Caseworker, org_a).await,
        a_colleague: member(server, "kollega", Role::Caseworker, org_a).await,
        b_case: member(server, "bjorn", Role::Caseworker, org_b).await,
        c_case: member(server, "cecilie", Role::Caseworker, org_c).await,
        c_other: member(server, "conrad", Role::Caseworker, org_c).await,
        outsider: member(server, "utenfor", Role::Caseworker, org_d).await,
        analyst: member(server, "analytiker", Role::Analyst, org_a).await,
        admin,
        org_b,
        org_c,
        municipality,
        service_a: services[0].clone(),
        service_elsewhere: services[1].clone(),
    }
}

/// A person registered by the coordinator at `service` (an active episode there).
async fn person_at(server: &TestServer, w: &World, n: u32, service: &str) -> PersonId {
    let birth = Date::new(1970, 1, 1).unwrap() + jiff::Span::new().days(i64::from(n) * 41);
    let fields = PersonFields {
        kind: "identified".into(),
        identifier: norwegian_number_from(birth, (n % 1000) as u16, IdentifierKind::NoSynthetic).unwrap(),
        given_name: "Plan".into(),
        family_name: format!("Person{}", letters(n)),
        ..Default::default()
    };
    let input = NewPersonInput {
        fields,
        service: service.to_string(),
        start: server.app.local_today().to_string(),
        confirm_not_duplicate: true,
    };
    server.app.register_person(&w.ctx, &w.coord.actor, &input).await.unwrap()
}

async fn person(server: &TestServer, w: &World, n: u32) -> PersonId {
    person_at(server, w, n, &w.service_a).await
}

fn plan_body(person: PersonId, sharing: bool) -> Value {
    let mut body = json!({
        "person": person.to_string(),
        "phase": "pre_treatment",
        "period_from": "2026-05-01",
        "period_to": "2026-12-31",
        "next_revision": "2026-08-01",
        "resources_and_needs": "Trenger bolig og fast lege.",
        "person_contribution": "Møter opp til avtaler.",
        "person_takes_part": true,
    });
    if sharing {
        body["consent_to_sharing"] = json!(true);
        body["consent_given_on"] = json!("2026-05-01");
    }
    body
}

/// The body of a PUT of the plan's header and contents.
fn update_body(phase: &str, sharing: bool) -> Value {
    let mut body = plan_body(PersonId::generate(), sharing);
    body.as_object_mut().unwrap().remove("person");
    body["phase"] = json!(phase);
    body
}

async fn new_plan(server: &TestServer, w: &World, person: PersonId, sharing: bool) -> Value {
    let response = send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(plan_body(person, sharing))).await;
    assert_eq!(response.headers().get("etag").map(|v| v.to_str().unwrap().to_string()), Some("\"1\"".to_string()));
    json_ok(response, 201).await
}

fn plan_path(person: PersonId) -> String {
    format!("/api/v1/persons/{person}/plan")
}

async fn get_plan(server: &TestServer, token: &str, person: PersonId) -> Value {
    json_ok(send(server, token, Method::GET, &plan_path(person), None).await, 200).await
}

fn tag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A change carrying `version` as If-Match; returns the response.
async fn change(
    server: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    version: i64,
) -> reqwest::Response {
    send_if(server, token, method, path, body, Some(&tag(version))).await
}

/// A change that must succeed with `status`; returns the plan's new version and checks the ETag.
async fn changed(
    server: &TestServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    version: i64,
    status: u16,
) -> i64 {
    let response = change(server, token, method, path, body, version).await;
    let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
    let got = json_ok(response, status).await;
    let new = got["version"].as_i64().unwrap();
    assert_eq!(new, version + 1, "each saved change is one new version");
    assert_eq!(etag, Some(tag(new)));
    new
}

async fn scalar(server: &TestServer, sql: &str, bind: Option<String>) -> i64 {
    let mut query = sqlx::query_as::<_, (i64,)>(sql);
    if let Some(bind) = bind {
        query = query.bind(bind);
    }
    query.fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

async fn last_seq(server: &TestServer) -> i64 {
    scalar(server, "SELECT COALESCE(MAX(seq), 0) FROM audit_events", None).await
}

/// Audit events after `seq` by `actor` with this action and outcome about `person`.
async fn events_since(
    server: &TestServer,
    seq: i64,
    actor: AccountId,
    action: &str,
    outcome: &str,
    person: PersonId,
) -> i64 {
    sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE seq > $1 AND actor_account = $2 AND action = $3 AND outcome = $4 \
         AND person = $5",
    )
    .bind(seq)
    .bind(actor.to_string())
    .bind(action.to_string())
    .bind(outcome.to_string())
    .bind(person.to_string())
    .fetch_one(server.store.raw_pool_for_tests())
    .await
    .unwrap()
    .0
}

async fn plan_versions(server: &TestServer, person: PersonId) -> i64 {
    scalar(
        server,
        "SELECT COUNT(*) FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE p.person_id = $1",
        Some(person.to_string()),
    )
    .await
}

async fn stored_version(server: &TestServer, person: PersonId) -> i64 {
    scalar(server, "SELECT version FROM plans WHERE person_id = $1", Some(person.to_string())).await
}

/// `status` and, for 403, exactly one `access_denied` event about the person.
async fn status_as(server: &TestServer, who: &Member, path: &str, person: PersonId) -> u16 {
    let seq = last_seq(server).await;
    let status = send(server, &who.token, Method::GET, path, None).await.status().as_u16();
    if status == 403 {
        assert_eq!(
            events_since(server, seq, who.actor.account, "access_denied", "denied", person).await,
            1,
            "{path}: a refusal is audited"
        );
    }
    status
}

fn member_body(who: &Member, organization: OrganizationId, role: &str) -> Value {
    json!({"account": who.actor.account.to_string(), "organization": organization.to_string(), "role": role})
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

// ---------------------------------------------------------------------------------------------

async fn care_team(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 1).await;
    let plan_p = plan_path(p);
    let members = format!("{plan_p}/members");

    // Not shared yet: a member from another organisation is refused and nothing is saved.
    let plan = new_plan(server, &w, p, false).await;
    assert_eq!((plan["kind"].as_str(), plan["version"].as_i64()), (Some("ip"), Some(1)));
    assert_eq!(plan["coordinator_id"], w.coord.actor.account.to_string());
    assert_eq!(plan["access_basis"], "care_team", "the coordinator is a member");
    let team: Vec<_> = plan["members"].as_array().unwrap().iter().map(|m| m["account_id"].clone()).collect();
    assert_eq!(team, vec![json!(w.coord.actor.account.to_string())], "the coordinator joins the team");
    let refused =
        change(server, &w.coord.token, Method::POST, &members, Some(member_body(&w.b_case, w.org_b, "behandler")), 1)
            .await;
    let problem = json_ok(refused, 422).await;
    assert_eq!(field_errors(&problem), [("organization".to_string(), "not-allowed".to_string())]);
    assert_eq!(stored_version(server, p).await, 1);
    assert_eq!(scalar(server, "SELECT COUNT(*) FROM care_team_members", None).await, 1);
    // A member of the plan's own organisation needs no consent to sharing.
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.a_colleague, server.organization, "miljøterapeut")),
        1,
        201,
    )
    .await;

    // The person consents to sharing: members from the hospital trust and NAV join.
    let version =
        changed(server, &w.coord.token, Method::PUT, &plan_p, Some(update_body("pre_treatment", true)), version, 200)
            .await;
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.b_case, w.org_b, "behandler TSB")),
        version,
        201,
    )
    .await;
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.c_case, w.org_c, "veileder NAV")),
        version,
        201,
    )
    .await;
    assert_eq!(version, 5);
    let plan = get_plan(server, &w.coord.token, p).await;
    let organizations: std::collections::BTreeSet<String> = plan["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organization_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(organizations.len(), 3, "members from three organisations: {plan}");
    assert_eq!(plan["members"].as_array().unwrap().len(), 4);
    // The same member twice is refused.
    let twice = change(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.c_case, w.org_c, "veileder NAV")),
        version,
    )
    .await;
    assert_eq!(field_errors(&json_ok(twice, 422).await), [("account".to_string(), "already-exists".to_string())]);

    // Each member from another organisation: the plan (read and change) and who the person is.
    let person_path = format!("/api/v1/persons/{p}");
    for who in [&w.b_case, &w.c_case] {
        let seen = get_plan(server, &who.token, p).await;
        assert_eq!(seen["access_basis"], "care_team");
        assert_eq!(seen["can_change"], true);
        assert_eq!(seen["contents"]["resources_and_needs"], "Trenger bolig og fast lege.");
        let record = json_ok(send(server, &who.token, Method::GET, &person_path, None).await, 200).await;
        assert_eq!(record["access_basis"], "care_team");
        assert!(record.get("episodes").is_none(), "episodes are not opened by membership: {record}");
        // Referrals and decisions are not opened by membership.
        assert_eq!(status_as(server, who, &format!("{person_path}/referrals"), p).await, 403);
        assert_eq!(status_as(server, who, &format!("{person_path}/decisions"), p).await, 403);
    }
    // Members change the plan too: the hospital trust adds a goal.
    let version = changed(
        server,
        &w.b_case.token,
        Method::POST,
        &format!("{plan_p}/goals"),
        Some(json!({"area": "mental_health", "own_words": "Sove bedre"})),
        version,
        201,
    )
    .await;
    // The colleague of the coordinator's organisation is a member (and has an episode ground).
    assert_eq!(get_plan(server, &w.a_colleague.token, p).await["access_basis"], "care_team");
    // A consent to NAV covering referrals and decisions opens those to NAV's member …
    let consent = ConsentFields {
        categories: vec!["referrals_decisions".into()],
        valid_from: "2026-05-04".into(),
        valid_to: "2026-12-31".into(),
        note: String::new(),
    };
    server.app.give_consent(&w.ctx, &w.coord.actor, p, &w.org_c.to_string(), &consent).await.unwrap();
    assert_eq!(status_as(server, &w.c_case, &format!("{person_path}/referrals"), p).await, 200);
    assert_eq!(status_as(server, &w.c_case, &format!("{person_path}/decisions"), p).await, 200);
    assert_eq!(status_as(server, &w.b_case, &format!("{person_path}/referrals"), p).await, 403);
    // … and to NAV's other caseworker, who is no member: no plan, no identity for them.
    assert_eq!(status_as(server, &w.c_other, &format!("{person_path}/referrals"), p).await, 200);
    assert_eq!(status_as(server, &w.c_other, &plan_p, p).await, 403);
    assert_eq!(status_as(server, &w.c_other, &person_path, p).await, 403);
    // Someone with no relation sees nothing.
    assert_eq!(status_as(server, &w.outsider, &plan_p, p).await, 403);
    assert_eq!(status_as(server, &w.outsider, &person_path, p).await, 403);

    // Ending the hospital trust's membership closes the plan and the record to them at once.
    let plan = get_plan(server, &w.coord.token, p).await;
    let find = |account: AccountId| {
        plan["members"].as_array().unwrap().iter().find(|m| m["account_id"] == account.to_string()).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let b_member = find(w.b_case.actor.account);
    let coordinator_member = find(w.coord.actor.account);
    let refused =
        change(server, &w.coord.token, Method::DELETE, &format!("{members}/{coordinator_member}"), None, version).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("member".to_string(), "not-allowed".to_string())]);
    let seq = last_seq(server).await;
    let version =
        changed(server, &w.coord.token, Method::DELETE, &format!("{members}/{b_member}"), None, version, 200).await;
    assert_eq!(events_since(server, seq, w.coord.actor.account, "care_team_member_ended", "success", p).await, 1);
    assert_eq!(status_as(server, &w.b_case, &plan_p, p).await, 403);
    assert_eq!(status_as(server, &w.b_case, &person_path, p).await, 403);
    let stale = change(
        server,
        &w.b_case.token,
        Method::POST,
        &format!("{plan_p}/goals"),
        Some(json!({"area": "housing", "own_words": "Egen leilighet"})),
        version,
    )
    .await;
    assert_eq!(stale.status(), 403);
    // NAV's member keeps access; the ended membership is listed as past.
    assert_eq!(get_plan(server, &w.c_case.token, p).await["version"], version);
    let plan = get_plan(server, &w.coord.token, p).await;
    let ended = plan["members"].as_array().unwrap().iter().find(|m| m["id"] == b_member.as_str()).unwrap();
    assert_eq!(ended["current"], false);
    assert!(ended["to"].is_string());
    // Ending it again: there is no such current member.
    let again = change(server, &w.coord.token, Method::DELETE, &format!("{members}/{b_member}"), None, version).await;
    assert_eq!(again.status(), 404);
}
both_backends!(a_care_team_from_three_organisations_sees_what_policy_allows, care_team);

async fn concurrent(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 2).await;
    new_plan(server, &w, p, false).await;
    let path = plan_path(p);
    let first = change(server, &w.coord.token, Method::PUT, &path, Some(update_body("treatment", false)), 1);
    let second = change(server, &w.a_colleague.token, Method::PUT, &path, Some(update_body("aftercare", false)), 1);
    let (first, second) = tokio::join!(first, second);
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let winner = if first.status() == 200 { "treatment" } else { "aftercare" };
    let loser = if first.status() == 200 { second } else { first };
    assert_eq!(loser.headers().get("content-type").unwrap(), "application/problem+json");
    let plan = get_plan(server, &w.coord.token, p).await;
    assert_eq!((plan["version"].as_i64(), plan["phase"].as_str()), (Some(2), Some(winner)));
    let history = json_ok(send(server, &w.coord.token, Method::GET, &format!("{path}/history"), None).await, 200).await;
    let versions: Vec<i64> =
        history["items"].as_array().unwrap().iter().map(|i| i["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [2, 1], "one new version");
    assert_eq!(plan_versions(server, p).await, 2);
    // The same with the version in the body; and a stale one after the fact.
    let mut body = update_body("aftercare", false);
    body["version"] = json!(1);
    assert_eq!(send(server, &w.coord.token, Method::PUT, &path, Some(body.clone())).await.status(), 409);
    body["version"] = json!(2);
    assert_eq!(json_ok(send(server, &w.coord.token, Method::PUT, &path, Some(body)).await, 200).await["version"], 3);
}
both_backends!(concurrent_edits_give_one_success_and_one_conflict, concurrent);

async fn transitions(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 3).await;
    new_plan(server, &w, p, false).await;
    let path = format!("{}/transitions", plan_path(p));
    let body = json!({"kind": "release_from_prison", "due_on": "2026-05-10", "institution": "Skien fengsel",
        "done": ["housing"], "notes": {"income": "Søknad sendt NAV"}});
    changed(server, &w.coord.token, Method::POST, &path, Some(body), 1, 201).await;
    let open = ["income", "general_practitioner", "medication", "first_municipal_contact"];

    let overdue_in_plan = |plan: &Value| strings(&plan["transitions"][0]["overdue_items"]);
    let token = w.coord.token.clone();
    let mine = || {
        let token = token.clone();
        async move { json_ok(send(server, &token, Method::GET, "/api/v1/me/plans", None).await, 200).await }
    };
    let plan = get_plan(server, &w.coord.token, p).await;
    let transition = &plan["transitions"][0];
    assert_eq!(transition["kind"], "release_from_prison");
    assert_eq!(strings(&transition["open_items"]), open);
    assert_eq!(transition["checklist"][0], json!({"item": "housing", "done": true, "note": ""}));
    assert_eq!(transition["checklist"][1]["note"], "Søknad sendt NAV");
    assert!(overdue_in_plan(&plan).is_empty());
    let own = mine().await;
    assert_eq!(own["transitions"].as_array().unwrap().len(), 1, "due within 30 days: {own}");
    assert_eq!(own["transitions"][0]["person_id"], p.to_string());
    assert!(own["transitions"][0]["overdue_items"].as_array().unwrap().is_empty());
    assert_eq!(own["plans"][0]["person_id"], p.to_string());
    assert_eq!(own["plans"][0]["person_name"], plan["person_name"]);

    // On the due date: not yet overdue.
    set_day(server, day("2026-05-10"));
    assert!(overdue_in_plan(&get_plan(server, &w.coord.token, p).await).is_empty());
    assert!(mine().await["transitions"][0]["overdue_items"].as_array().unwrap().is_empty());
    // The day after: every open item is overdue, in the plan and on the coordinator's list.
    set_day(server, day("2026-05-11"));
    assert_eq!(overdue_in_plan(&get_plan(server, &w.coord.token, p).await), open);
    let own = mine().await;
    assert_eq!(own["today"], "2026-05-11");
    assert_eq!(strings(&own["transitions"][0]["overdue_items"]), open);
    // Not on the list of someone who does not coordinate it.
    let other = json_ok(send(server, &w.a_colleague.token, Method::GET, "/api/v1/me/plans", None).await, 200).await;
    assert!(other["transitions"].as_array().unwrap().is_empty() && other["plans"].as_array().unwrap().is_empty());
    // Analysts have no such list.
    assert_eq!(send(server, &w.analyst.token, Method::GET, "/api/v1/me/plans", None).await.status(), 403);

    // Ticking items off shrinks the overdue list; all done leaves the coordinator's list.
    let id = get_plan(server, &w.coord.token, p).await["transitions"][0]["id"].as_str().unwrap().to_string();
    let body = json!({"kind": "release_from_prison", "due_on": "2026-05-10", "institution": "Skien fengsel",
        "done": ["housing", "income", "medication"]});
    changed(server, &w.coord.token, Method::PUT, &format!("{path}/{id}"), Some(body), 2, 200).await;
    assert_eq!(
        overdue_in_plan(&get_plan(server, &w.coord.token, p).await),
        ["general_practitioner", "first_municipal_contact"]
    );
    let body = json!({"kind": "release_from_prison", "due_on": "2026-05-10", "first_contact_on": "2026-05-12",
        "done": ["housing", "income", "medication", "general_practitioner"]});
    changed(server, &w.coord.token, Method::PUT, &format!("{path}/{id}"), Some(body), 3, 200).await;
    assert!(overdue_in_plan(&get_plan(server, &w.coord.token, p).await).is_empty());
    assert!(mine().await["transitions"].as_array().unwrap().is_empty());
    // An unknown transition is 404; an unknown item a field error.
    let body = json!({"kind": "release_from_prison", "due_on": "2026-05-10"});
    let unknown = change(server, &w.coord.token, Method::PUT, &format!("{path}/nope"), Some(body), 4).await;
    assert_eq!(unknown.status(), 404);
    let body = json!({"kind": "release_from_prison", "due_on": "2026-05-10", "done": ["yacht"]});
    let bad = change(server, &w.coord.token, Method::POST, &path, Some(body), 4).await;
    assert_eq!(field_errors(&json_ok(bad, 422).await), [("done".to_string(), "unknown-value".to_string())]);
    assert_eq!(stored_version(server, p).await, 4);
}
both_backends!(a_transition_checklist_turns_overdue_the_day_after_its_due_date, transitions);

/// Undoes RFC 5545 TEXT escaping.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn property<'a>(properties: &'a [ical::property::Property], name: &str) -> Vec<&'a ical::property::Property> {
    properties.iter().filter(|p| p.name == name).collect()
}

fn value(properties: &[ical::property::Property], name: &str) -> String {
    let found = property(properties, name);
    assert_eq!(found.len(), 1, "one {name}");
    found[0].value.clone().unwrap_or_default()
}

async fn calendar(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 4).await;
    new_plan(server, &w, p, true).await;
    let plan_p = plan_path(p);
    changed(
        server,
        &w.coord.token,
        Method::POST,
        &format!("{plan_p}/members"),
        Some(member_body(&w.b_case, w.org_b, "behandler TSB")),
        1,
        201,
    )
    .await;
    let agenda = "1. Bolig: status, søknad om kommunal bolig og økonomisk rådgivning hos NAV.\n\
                  2. Behandling, legemidler; fastlege.\n3. Neste møte";
    let location = "Rådhuset, møterom 2; 3. etasje";
    let response = send(
        server,
        &w.coord.token,
        Method::POST,
        &format!("{plan_p}/meetings"),
        Some(json!({"date": "2026-05-20", "time": "09:30", "duration_minutes": 90, "place": location,
            "agenda": agenda})),
    )
    .await;
    let meeting = json_ok(response, 201).await;
    let id = meeting["id"].as_str().unwrap().to_string();
    assert_eq!(meeting["starts_at"], "2026-05-20T07:30:00Z", "09:30 in Oslo in summer");
    assert_eq!(meeting["invited"].as_array().unwrap().len(), 2);
    let person_name = get_plan(server, &w.coord.token, p).await["person_name"].as_str().unwrap().to_string();

    let ics_path = format!("/api/v1/meetings/{id}/calendar.ics");
    let response = send(server, &w.b_case.token, Method::GET, &ics_path, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-type").unwrap(), "text/calendar; charset=utf-8");
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store", "personal data is not cached");
    let text = response.text().await.unwrap();
    // Lines of at most 75 octets, each ending in CRLF.
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'), "a bare line break: {line:?}");
    }
    assert!(text.contains("\r\n "), "the long description is folded");
    let unfolded = text.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!(
            "DESCRIPTION:{}\r\n",
            agenda.replace(',', "\\,").replace(';', "\\;").replace('\n', "\\n")
        ))
    );

    // A real parser reads it.
    let calendars: Vec<_> = ical::IcalParser::new(BufReader::new(text.as_bytes())).collect();
    assert_eq!(calendars.len(), 1);
    let calendar = calendars.into_iter().next().unwrap().expect("the file parses as iCalendar");
    assert_eq!(value(&calendar.properties, "VERSION"), "2.0");
    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0].properties;
    assert_eq!(value(event, "UID"), id);
    assert_eq!(value(event, "SEQUENCE"), "1");
    assert_eq!(value(event, "DTSTART"), "20260520T073000Z");
    assert_eq!(value(event, "DTEND"), "20260520T090000Z");
    assert!(value(event, "DTSTAMP").ends_with('Z'));
    assert_eq!(unescape(&value(event, "SUMMARY")), format!("Ansvarsgruppemøte – {person_name}"));
    assert_eq!(unescape(&value(event, "LOCATION")), location);
    // (The parser trims at folds; compare without spaces.)
    assert_eq!(unescape(&value(event, "DESCRIPTION")).replace(' ', ""), agenda.replace(' ', ""));
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
    let mut attendees: Vec<(String, String)> = property(event, "ATTENDEE")
        .into_iter()
        .map(|a| {
            let params = a.params.clone().unwrap_or_default();
            let cn = params.iter().find(|(k, _)| k == "CN").map(|(_, v)| v.join(",")).unwrap_or_default();
            (a.value.clone().unwrap_or_default(), cn)
        })
        .collect();
    attendees.sort();
    let mut expected = vec![
        (format!("urn:uuid:{}", w.coord.actor.account), w.coord.name.clone()),
        (format!("urn:uuid:{}", w.b_case.actor.account), w.b_case.name.clone()),
    ];
    expected.sort();
    assert_eq!(attendees, expected);

    // Cancelled: the same UID with the next sequence and STATUS:CANCELLED.
    let update = json!({"date": "2026-05-20", "time": "09:30", "duration_minutes": 90, "place": location,
        "agenda": agenda, "status": "cancelled"});
    let stale = send_if(
        server,
        &w.coord.token,
        Method::PUT,
        &format!("/api/v1/meetings/{id}"),
        Some(update.clone()),
        Some("\"7\""),
    )
    .await;
    assert_eq!(stale.status(), 409);
    let response =
        send_if(server, &w.coord.token, Method::PUT, &format!("/api/v1/meetings/{id}"), Some(update), Some("\"1\""))
            .await;
    assert_eq!(response.headers().get("etag").unwrap(), "\"2\"");
    assert_eq!(json_ok(response, 200).await["status"], "cancelled");
    let text = send(server, &w.coord.token, Method::GET, &ics_path, None).await.text().await.unwrap();
    let calendar = ical::IcalParser::new(BufReader::new(text.as_bytes())).next().unwrap().unwrap();
    let event = &calendar.events[0].properties;
    assert_eq!(
        (value(event, "UID"), value(event, "SEQUENCE"), value(event, "STATUS")),
        (id.clone(), "2".into(), "CANCELLED".into())
    );

    // Held, with minutes and the next meeting; a decision of the meeting becomes a measure.
    let update = json!({"date": "2026-05-20", "time": "09:30", "duration_minutes": 90, "place": location,
        "agenda": agenda, "status": "held", "minutes": "Enige om boligsøknad.",
        "next": {"date": "2026-05-27", "time": "13:00", "place": "NAV Porsgrunn"}, "version": 2});
    let held =
        json_ok(send(server, &w.coord.token, Method::PUT, &format!("/api/v1/meetings/{id}"), Some(update)).await, 200)
            .await;
    assert_eq!((held["status"].as_str(), held["version"].as_i64()), (Some("held"), Some(3)));
    let next = held["next_meeting_id"].as_str().expect("the next meeting").to_string();
    let measure = json!({"description": "Søke kommunal bolig", "owner": "Koordinator", "from": "2026-05-21",
        "meeting": id});
    changed(server, &w.coord.token, Method::POST, &format!("{plan_p}/measures"), Some(measure), 2, 201).await;
    let seen =
        json_ok(send(server, &w.b_case.token, Method::GET, &format!("/api/v1/meetings/{id}"), None).await, 200).await;
    assert_eq!(seen["decided_measures"][0]["description"], "Søke kommunal bolig");
    assert_eq!(seen["minutes"], "Enige om boligsøknad.");
    let upcoming = json_ok(send(server, &w.b_case.token, Method::GET, "/api/v1/me/plans", None).await, 200).await;
    let meetings: Vec<_> = upcoming["meetings"].as_array().unwrap().iter().map(|m| m["meeting_id"].clone()).collect();
    assert_eq!(meetings, vec![json!(next)], "the member's next planned meeting: {upcoming}");
    assert_eq!(upcoming["meetings"][0]["starts_at"], "2026-05-27T11:00:00Z");

    // Only those the plan is open to get the file.
    assert_eq!(status_as(server, &w.outsider, &ics_path, p).await, 403);
    assert_eq!(
        send(server, &w.coord.token, Method::GET, "/api/v1/meetings/nope/calendar.ics", None).await.status(),
        404
    );
    let bad = send(
        server,
        &w.coord.token,
        Method::POST,
        &format!("{plan_p}/meetings"),
        Some(json!({"date": "2026-05-20", "time": "25:00", "place": ""})),
    )
    .await;
    assert_eq!(
        field_errors(&json_ok(bad, 422).await),
        [("place".to_string(), "required".to_string()), ("time".to_string(), "invalid-format".to_string())]
    );
    assert_eq!(scalar(server, "SELECT COUNT(*) FROM plan_meetings", None).await, 2);
}
both_backends!(a_meeting_calendar_file_parses_as_rfc_5545, calendar);

async fn bad_input(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 5).await;
    let plan_p = plan_path(p);
    new_plan(server, &w, p, true).await;
    let count =
        |table: &'static str| async move { scalar(server, &format!("SELECT COUNT(*) FROM {table}"), None).await };

    // A measure ending before it starts.
    let measure = json!({"description": "Bolig med oppfølging", "owner": "Boligkontoret", "from": "2026-06-01",
        "to": "2026-05-01"});
    let refused = change(server, &w.coord.token, Method::POST, &format!("{plan_p}/measures"), Some(measure), 1).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("to".to_string(), "ends-before-start".to_string())]);
    // A measure of an unknown service.
    let measure = json!({"description": "Bolig", "owner": "Boligkontoret", "from": "2026-06-01",
        "service": los_core::ids::ServiceId::generate().to_string()});
    let refused = change(server, &w.coord.token, Method::POST, &format!("{plan_p}/measures"), Some(measure), 1).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("service".to_string(), "unknown".to_string())]);
    assert!(get_plan(server, &w.coord.token, p).await["measures"].as_array().unwrap().is_empty());

    // A member from an unknown organisation.
    let members_before = count("care_team_members").await;
    let body = member_body(&w.b_case, OrganizationId::generate(), "behandler");
    let refused = change(server, &w.coord.token, Method::POST, &format!("{plan_p}/members"), Some(body), 1).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("organization".to_string(), "unknown".to_string())]);
    // An account that does not belong to the organisation named.
    let body = member_body(&w.b_case, w.org_c, "behandler");
    let refused = change(server, &w.coord.token, Method::POST, &format!("{plan_p}/members"), Some(body), 1).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("account".to_string(), "mismatch".to_string())]);
    assert_eq!(count("care_team_members").await, members_before);
    assert_eq!((stored_version(server, p).await, plan_versions(server, p).await), (1, 1));

    // A plan for a person the caller may not see: a field error, and the refusal is audited.
    let other = person(server, &w, 6).await;
    let plans_before = count("plans").await;
    let seq = last_seq(server).await;
    let refused = send(server, &w.outsider.token, Method::POST, "/api/v1/plans", Some(plan_body(other, false))).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("person".to_string(), "not-allowed".to_string())]);
    assert_eq!(events_since(server, seq, w.outsider.actor.account, "access_denied", "denied", other).await, 1);
    let refused = send(server, &w.analyst.token, Method::POST, "/api/v1/plans", Some(plan_body(other, false))).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("person".to_string(), "not-allowed".to_string())]);
    // An unknown person; a second plan for the same person.
    let refused =
        send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(plan_body(PersonId::generate(), false))).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("person".to_string(), "unknown".to_string())]);
    let refused = send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(plan_body(p, false))).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("person".to_string(), "already-exists".to_string())]);
    // Bad header fields, all at once; an unknown field of the body.
    let mut body = plan_body(other, false);
    body["phase"] = json!("forever");
    body["period_to"] = json!("2026-04-01");
    body["consent_to_sharing"] = json!(true);
    let refused = send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(body)).await;
    assert_eq!(
        field_errors(&json_ok(refused, 422).await),
        [
            ("consent_given_on".to_string(), "required".to_string()),
            ("period_to".to_string(), "ends-before-start".to_string()),
            ("phase".to_string(), "unknown-value".to_string()),
        ]
    );
    let mut body = plan_body(other, false);
    body["colour"] = json!("blue");
    let refused = send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(body)).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("colour".to_string(), "unknown-field".to_string())]);
    assert_eq!(count("plans").await, plans_before);
    assert_eq!(count("plan_versions").await, 1);

    // Versions: required, and a stale one is a conflict that changes nothing.
    let missing = send(server, &w.coord.token, Method::PUT, &plan_p, Some(update_body("treatment", true))).await;
    assert_eq!(field_errors(&json_ok(missing, 422).await), [("version".to_string(), "required".to_string())]);
    let version =
        changed(server, &w.coord.token, Method::PUT, &plan_p, Some(update_body("treatment", true)), 1, 200).await;
    let stale = change(server, &w.coord.token, Method::PUT, &plan_p, Some(update_body("aftercare", true)), 1).await;
    assert_eq!(stale.status(), 409);
    let stale = change(
        server,
        &w.coord.token,
        Method::POST,
        &format!("{plan_p}/goals"),
        Some(json!({"area": "housing", "own_words": "Egen leilighet"})),
        1,
    )
    .await;
    assert_eq!(stale.status(), 409);
    let plan = get_plan(server, &w.coord.token, p).await;
    assert_eq!((plan["version"].as_i64(), plan["phase"].as_str()), (Some(version), Some("treatment")));
    assert!(plan["goals"].as_array().unwrap().is_empty());
    assert_eq!(plan_versions(server, p).await, 2);
    // A person without a plan: 404 `plan`; unknown goals and measures: 404.
    let none = send(server, &w.coord.token, Method::GET, &plan_path(other), None).await;
    assert_eq!(none.status(), 404);
    let gone = change(server, &w.coord.token, Method::DELETE, &format!("{plan_p}/goals/nope"), None, version).await;
    assert_eq!(gone.status(), 404);
    let gone =
        send(server, &w.coord.token, Method::DELETE, &format!("{plan_p}/measures/nope?version={version}"), None).await;
    assert_eq!(gone.status(), 404);
}
both_backends!(bad_plan_input_is_a_field_and_a_reason_and_saves_nothing, bad_input);

async fn history(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 7).await;
    let plan_p = plan_path(p);
    new_plan(server, &w, p, false).await;
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &format!("{plan_p}/goals"),
        Some(json!({"area": "housing", "own_words": "Egen leilighet", "professional": "Stabil bolig"})),
        1,
        201,
    )
    .await;
    let goal = get_plan(server, &w.coord.token, p).await["goals"][0].clone();
    assert_eq!((goal["area"].as_str(), goal["status"].as_str()), (Some("housing"), Some("not_started")));
    let goal_id = goal["id"].as_str().unwrap().to_string();
    let measure = json!({"description": "Bolig med oppfølging", "goal": goal_id, "owner": "Boligkontoret",
        "extent": "2 timer per uke", "from": "2026-06-01", "to": "2026-12-31", "service": w.service_a,
        "version": version});
    let response = send(server, &w.a_colleague.token, Method::POST, &format!("{plan_p}/measures"), Some(measure)).await;
    assert_eq!(json_ok(response, 201).await["version"], 3);
    let plan = get_plan(server, &w.coord.token, p).await;
    let measure = &plan["measures"][0];
    assert_eq!(measure["goal_id"], goal_id.as_str());
    assert_eq!(measure["organization_id"], server.organization.to_string(), "the service's provider");
    assert_eq!(measure["service_name"], "Rustjenesten");

    let history =
        json_ok(send(server, &w.coord.token, Method::GET, &format!("{plan_p}/history"), None).await, 200).await;
    let items = history["items"].as_array().unwrap();
    let versions: Vec<i64> = items.iter().map(|i| i["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [3, 2, 1], "newest first");
    assert_eq!(items[0]["changes"], json!([{"change": "measure_added", "text": "Bolig med oppfølging"}]));
    assert_eq!(items[0]["changed_by_id"], w.a_colleague.actor.account.to_string());
    assert_eq!(items[0]["changed_by_name"], w.a_colleague.name.as_str());
    assert_eq!(items[1]["changes"], json!([{"change": "goal_added", "area": "housing", "text": "Egen leilighet"}]));
    assert_eq!(items[1]["changed_by_name"], w.coord.name.as_str());
    assert_eq!(items[2]["changes"], json!([{"change": "created"}]));
    assert_eq!(server.audit_count("plan_history_viewed").await, 1);

    // Removing the goal keeps the measure without a goal; the history says so.
    changed(server, &w.coord.token, Method::DELETE, &format!("{plan_p}/goals/{goal_id}"), None, 3, 200).await;
    let plan = get_plan(server, &w.coord.token, p).await;
    assert!(plan["goals"].as_array().unwrap().is_empty());
    assert!(plan["measures"][0]["goal_id"].is_null());
    let history =
        json_ok(send(server, &w.coord.token, Method::GET, &format!("{plan_p}/history"), None).await, 200).await;
    let changes: Vec<&str> =
        history["items"][0]["changes"].as_array().unwrap().iter().map(|c| c["change"].as_str().unwrap()).collect();
    assert_eq!(changes, ["goal_removed", "measure_changed"]);
    // Someone the plan is not open to gets no history.
    assert_eq!(status_as(server, &w.outsider, &format!("{plan_p}/history"), p).await, 403);
}
both_backends!(the_history_lists_what_changed_and_by_whom, history);

async fn coverage(server: &TestServer) {
    let w = world(server).await;
    let path = format!("/api/v1/municipalities/{}/plan-coverage", w.municipality);
    let get = |token: String| {
        let path = path.clone();
        async move { json_ok(send(server, &token, Method::GET, &path, None).await, 200).await }
    };
    // Seven persons with an active episode here, three with a plan; one elsewhere with a plan.
    let mut persons = Vec::new();
    for n in 0..7 {
        persons.push(person(server, &w, 20 + n).await);
    }
    for p in &persons[..3] {
        new_plan(server, &w, *p, false).await;
    }
    let elsewhere = person_at(server, &w, 40, &w.service_elsewhere).await;
    new_plan(server, &w, elsewhere, false).await;

    let shown = get(w.coord.token.clone()).await;
    assert_eq!(
        (shown["with_active_episode"].as_i64(), shown["with_plan"].as_i64(), shown["with_coordinator"].as_i64()),
        (Some(7), Some(3), Some(3)),
        "{shown}"
    );
    assert_eq!((shown["plan_share_percent"].as_i64(), shown["suppressed"].as_bool()), (Some(43), Some(false)));
    // The analyst: 3 with a plan (and 4 without) are small counts.
    let small = get(w.analyst.token.clone()).await;
    assert_eq!(small["with_active_episode"], 7);
    assert!(
        small["with_plan"].is_null() && small["with_coordinator"].is_null() && small["plan_share_percent"].is_null()
    );
    assert_eq!(small["suppressed"], true);
    // Staff of an organisation without services in the municipality see the published figure.
    let outside = get(w.outsider.token.clone()).await;
    assert!(outside["with_plan"].is_null() && outside["plan_share_percent"].is_null(), "{outside}");
    assert_eq!(outside["suppressed"], true);

    // Ten active, five with a plan (one coordinated by a temp): nothing small any more.
    for n in 7..10 {
        persons.push(person(server, &w, 20 + n).await);
    }
    new_plan(server, &w, persons[3], false).await;
    let temp = member(server, "vikar", Role::Caseworker, server.organization).await;
    let mut body = plan_body(persons[4], false);
    body["coordinator"] = json!(temp.actor.account.to_string());
    let created = create(server, &w.coord.token, "/api/v1/plans", body).await;
    assert_eq!(created["coordinator_id"], temp.actor.account.to_string());
    let large = get(w.analyst.token.clone()).await;
    assert_eq!(
        (large["with_active_episode"].as_i64(), large["with_plan"].as_i64(), large["with_coordinator"].as_i64()),
        (Some(10), Some(5), Some(5)),
        "{large}"
    );
    assert_eq!((large["plan_share_percent"].as_i64(), large["suppressed"].as_bool()), (Some(50), Some(false)));

    // A coordinator who left is no coordinator: the caseworker sees 4; for the analyst 4 is small.
    let disabled =
        send(server, &w.admin.token, Method::POST, &format!("/api/v1/accounts/{}/disable", temp.actor.account), None)
            .await;
    assert_eq!(disabled.status(), 200);
    let shown = get(w.coord.token.clone()).await;
    assert_eq!(
        (shown["with_active_episode"].as_i64(), shown["with_plan"].as_i64(), shown["with_coordinator"].as_i64()),
        (Some(10), Some(5), Some(4)),
        "{shown}"
    );
    let hidden = get(w.analyst.token.clone()).await;
    assert_eq!(
        (hidden["with_active_episode"].as_i64(), hidden["with_plan"].as_i64(), hidden["with_coordinator"].as_i64()),
        (Some(10), Some(5), None),
        "{hidden}"
    );
    assert_eq!(hidden["suppressed"], true);
}
both_backends!(plan_coverage_counts_exactly_and_suppresses_small_counts_for_analysts, coverage);

async fn withdrawn_sharing(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 3).await;
    let plan_p = plan_path(p);
    let members = format!("{plan_p}/members");
    new_plan(server, &w, p, true).await;
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.b_case, w.org_b, "behandler")),
        1,
        201,
    )
    .await;
    let version = changed(
        server,
        &w.coord.token,
        Method::POST,
        &members,
        Some(member_body(&w.a_colleague, server.organization, "miljøterapeut")),
        version,
        201,
    )
    .await;
    assert_eq!(status_as(server, &w.b_case, &plan_p, p).await, 200);

    // The person withdraws the consent to sharing: the member from another organisation leaves
    // the team in the same change and is refused at once; the plan's own colleague stays.
    changed(server, &w.coord.token, Method::PUT, &plan_p, Some(update_body("pre_treatment", false)), version, 200)
        .await;
    assert_eq!(status_as(server, &w.b_case, &plan_p, p).await, 403);
    assert_eq!(status_as(server, &w.a_colleague, &plan_p, p).await, 200);
    let plan = get_plan(server, &w.coord.token, p).await;
    let current: Vec<&str> = plan["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"].is_null())
        .map(|m| m["account_id"].as_str().unwrap())
        .collect();
    assert!(!current.contains(&w.b_case.actor.account.to_string().as_str()), "{plan}");
    assert_eq!(current.len(), 2, "the coordinator and the colleague: {plan}");
}
both_backends!(withdrawing_consent_to_sharing_ends_other_organisations_membership, withdrawn_sharing);

async fn coordinator_elsewhere(server: &TestServer) {
    let w = world(server).await;
    let p = person(server, &w, 4).await;
    // A coordinator from another organisation shares the plan with it: not without consent.
    let mut body = plan_body(p, false);
    body["coordinator"] = json!(w.b_case.actor.account.to_string());
    let refused = send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(body.clone())).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("coordinator".to_string(), "not-allowed".to_string())]);
    assert_eq!(scalar(server, "SELECT COUNT(*) FROM plans", None).await, 0);
    assert_eq!(status_as(server, &w.b_case, &plan_path(p), p).await, 403);
    // With the person's consent to sharing it is allowed, and the plan is theirs to coordinate.
    let mut body = plan_body(p, true);
    body["coordinator"] = json!(w.b_case.actor.account.to_string());
    let plan = json_ok(send(server, &w.coord.token, Method::POST, "/api/v1/plans", Some(body)).await, 201).await;
    assert_eq!(plan["coordinator_id"], w.b_case.actor.account.to_string());
    assert_eq!(status_as(server, &w.b_case, &plan_path(p), p).await, 200);
    // The plan is now the coordinator's organisation's: withdrawing the consent later keeps them,
    // as members of the plan's own organisation need no consent.
    changed(server, &w.coord.token, Method::PUT, &plan_path(p), Some(update_body("treatment", false)), 1, 200).await;
    assert_eq!(status_as(server, &w.b_case, &plan_path(p), p).await, 200);
    // Handing the plan to a coordinator of a third organisation without consent is refused.
    let mut body = update_body("treatment", false);
    body["coordinator"] = json!(w.c_case.actor.account.to_string());
    let refused = change(server, &w.coord.token, Method::PUT, &plan_path(p), Some(body), 2).await;
    assert_eq!(field_errors(&json_ok(refused, 422).await), [("coordinator".to_string(), "not-allowed".to_string())]);
    assert_eq!(stored_version(server, p).await, 2);
}
both_backends!(a_coordinator_from_another_organisation_needs_consent_to_sharing, coordinator_elsewhere);
