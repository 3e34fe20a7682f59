//! Persons over the API: the authorisation matrix (every person route × the caller's relation to
//! the person, with the audit event each cell must leave), consents and blocks taking effect at
//! once, bad input that stores nothing, emergency access and search.

use jiff::civil::Date;
use los_app::RequestContext;
use los_app::accounts::Operator;
use los_app::organizations::OrganizationInput;
use los_app::persons::NewPersonInput;
use los_core::account::Role;
use los_core::consent::ConsentFields;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use los_core::ids::{AccountId, BlockId, ConsentId, OrganizationId, PersonId, RelativeId};
use los_core::person::PersonFields;
use los_core::policy::Actor;
use los_core::relative::RelativeFields;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

const REASON: &str = "Akutt innleggelse, trenger pårørende";

async fn scalar(server: &TestServer, sql: &str, bind: Option<&str>) -> i64 {
    let mut query = sqlx::query_as::<_, (i64,)>(sql);
    if let Some(bind) = bind {
        query = query.bind(bind.to_string());
    }
    query.fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

async fn last_seq(server: &TestServer) -> i64 {
    scalar(server, "SELECT COALESCE(MAX(seq), 0) FROM audit_events", None).await
}

/// Audit events after `seq` by `actor` with this action and outcome, about `person` (or about
/// no person when `None`).
async fn events_since(
    server: &TestServer,
    seq: i64,
    actor: AccountId,
    action: &str,
    outcome: &str,
    person: Option<PersonId>,
) -> i64 {
    let person_clause = if person.is_some() { "person = $5" } else { "person IS NULL" };
    let sql = format!(
        "SELECT COUNT(*) FROM audit_events WHERE seq > $1 AND actor_account = $2 AND action = $3 AND outcome = $4 AND {person_clause}"
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql)
        .bind(seq)
        .bind(actor.to_string())
        .bind(action.to_string())
        .bind(outcome.to_string());
    if let Some(person) = person {
        query = query.bind(person.to_string());
    }
    query.fetch_one(server.store.raw_pool_for_tests()).await.unwrap().0
}

/// Letters only, so that generated names pass name validation.
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

struct Member {
    actor: Actor,
    token: String,
}

struct World {
    ctx: RequestContext,
    a_case: Member,
    a_admin: Member,
    a_leader: Member,
    a_analyst: Member,
    a_blocked: Member,
    b_case: Member,
    b_leader: Member,
    /// An account nobody acts as, the target of the fixture block on every person.
    dummy: AccountId,
    org_b: OrganizationId,
    org_c: OrganizationId,
    service_a: String,
    service_a2: String,
    service_b: String,
    today: Date,
    // Housing (issue 6).
    /// A unit at `service_a2` with room for every stay the matrix records.
    unit_a2: String,
}

async fn member(server: &TestServer, name: &str, role: Role, organization: OrganizationId) -> Member {
    let account = server.account_in(name, role, organization, true).await;
    let token = server.token(&account).await;
    Member { actor: Actor { account: account.id, organization, role }, token }
}

async fn world(server: &TestServer) -> World {
    let (org_a, org_b) = (server.organization, server.other_organization);
    let ctx = RequestContext::default();
    let org_c = server
        .app
        .create_organization(
            &ctx,
            Operator::CommandLine,
            &OrganizationInput { name: "Tredje – NAV".into(), kind: "municipal_unit".into(), country: "NO".into() },
        )
        .await
        .unwrap()
        .id;
    let a_admin = member(server, "admin", Role::Admin, org_a).await;
    let municipality: Value = send(
        server,
        &a_admin.token,
        Method::POST,
        "/api/v1/municipalities",
        Some(json!({"country": "NO", "number": "4001", "name": "Porsgrunn"})),
    )
    .await
    .json()
    .await
    .unwrap();
    let municipality = municipality["id"].as_str().unwrap().to_string();
    let mut services = Vec::new();
    for (name, provider) in [("Rustjenesten", org_a), ("Lavterskel", org_a), ("TSB poliklinikk", org_b)] {
        let created = send(
            server,
            &a_admin.token,
            Method::POST,
            "/api/v1/services",
            Some(json!({"municipality_id": municipality, "provider_organization_id": provider.to_string(),
                "name": name, "category": "health", "phases": ["treatment"]})),
        )
        .await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        services.push(created["id"].as_str().unwrap().to_string());
    }
    let dummy = server.account_in("dummy", Role::Caseworker, org_c, false).await.id;
    let unit = send(
        server,
        &a_admin.token,
        Method::POST,
        &format!("/api/v1/services/{}/housing-units", services[1]),
        Some(json!({"name": "Hybel", "unit_type": "municipal_flat", "capacity": 500})),
    )
    .await;
    let unit_a2 = json_ok(unit, 201).await["id"].as_str().unwrap().to_string();
    World {
        ctx,
        a_case: member(server, "kari", Role::Caseworker, org_a).await,
        a_admin,
        a_leader: member(server, "leder", Role::Leader, org_a).await,
        a_analyst: member(server, "analytiker", Role::Analyst, org_a).await,
        a_blocked: member(server, "sperret", Role::Caseworker, org_a).await,
        b_case: member(server, "bjorn", Role::Caseworker, org_b).await,
        b_leader: member(server, "bleder", Role::Leader, org_b).await,
        dummy,
        org_b,
        org_c,
        service_a: services[0].clone(),
        service_a2: services[1].clone(),
        service_b: services[2].clone(),
        today: server.app.local_today(),
        unit_a2,
    }
}

/// A person registered by the caseworker of organisation A, with one of everything to act on.
struct Subject {
    id: PersonId,
    number: Option<String>,
    given_name: String,
    family_name: String,
    relative: RelativeId,
    consent: ConsentId,
    block: BlockId,
    episode: String,
}

fn synthetic_number(birth: Date, n: u32) -> String {
    norwegian_number_from(birth, (n % 1000) as u16, IdentifierKind::NoSynthetic).unwrap()
}

fn birth_of(n: u32) -> Date {
    Date::new(1960, 1, 1).unwrap() + jiff::Span::new().days(i64::from(n) * 37)
}

async fn register(
    server: &TestServer,
    w: &World,
    n: u32,
    pseudonymous: bool,
) -> (PersonId, Option<String>, String, String) {
    let birth = birth_of(n);
    let given = "Testa".to_string();
    let family = format!("Matrise{}", letters(n));
    let fields = if pseudonymous {
        PersonFields {
            kind: "pseudonymous".into(),
            pseudonym: format!("PS{}", letters(n + 1000)),
            birth_year: "1980".into(),
            sex: "male".into(),
            ..Default::default()
        }
    } else {
        PersonFields {
            kind: "identified".into(),
            identifier: synthetic_number(birth, n),
            given_name: given.clone(),
            family_name: family.clone(),
            ..Default::default()
        }
    };
    let number = (!pseudonymous).then(|| fields.identifier.clone());
    let input = NewPersonInput {
        fields,
        service: w.service_a.clone(),
        start: w.today.to_string(),
        confirm_not_duplicate: false,
    };
    let id = server.app.register_person(&w.ctx, &w.a_case.actor, &input).await.unwrap();
    (id, number, given, family)
}

fn consent_fields(w: &World, categories: &[&str]) -> ConsentFields {
    ConsentFields {
        categories: categories.iter().map(|c| c.to_string()).collect(),
        valid_from: w.today.to_string(),
        valid_to: (w.today + jiff::Span::new().days(365)).to_string(),
        note: String::new(),
    }
}

/// The caller's relation to the person: one row of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Caseworker of the organisation where the person has an active episode.
    Episode,
    /// Administrator of that organisation: the role gives nothing extra.
    AdminSameOrganization,
    /// Leader of that organisation.
    LeaderSameOrganization,
    /// Caseworker of another organisation that has a consent covering identity and referrals.
    OtherWithConsent,
    /// Caseworker of another organisation without consent.
    OtherWithoutConsent,
    /// Consent, but the person blocked the organisation.
    BlockedOrganization,
    /// Same organisation as the episode, but the person blocked this account.
    BlockedAccount,
    /// Another organisation's caseworker holding emergency access.
    Emergency,
    /// Analyst of the organisation with the episode.
    Analyst,
}

const RELATIONS: [Relation; 9] = [
    Relation::Episode,
    Relation::AdminSameOrganization,
    Relation::LeaderSameOrganization,
    Relation::OtherWithConsent,
    Relation::OtherWithoutConsent,
    Relation::BlockedOrganization,
    Relation::BlockedAccount,
    Relation::Emergency,
    Relation::Analyst,
];

/// A person route: one column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    View,
    Update,
    AddRelative,
    RemoveRelative,
    StartEpisode,
    EndEpisode,
    GiveConsent,
    WithdrawConsent,
    SetBlock,
    LiftBlock,
    Link,
    AccessLog,
    Search,
    OpenEmergency,
    ListReferrals,
    SendReferral,
    ListDecisions,
    RecordDecision,
    ReadPlan,
    CreatePlan,
    // Housing (issue 6).
    ListStays,
    RecordStay,
}

const ROUTES: [Route; 22] = [
    Route::View,
    Route::Update,
    Route::AddRelative,
    Route::RemoveRelative,
    Route::StartEpisode,
    Route::EndEpisode,
    Route::GiveConsent,
    Route::WithdrawConsent,
    Route::SetBlock,
    Route::LiftBlock,
    Route::Link,
    Route::AccessLog,
    Route::Search,
    Route::OpenEmergency,
    Route::ListReferrals,
    Route::SendReferral,
    Route::ListDecisions,
    Route::RecordDecision,
    Route::ReadPlan,
    Route::CreatePlan,
    // Housing (issue 6).
    Route::ListStays,
    Route::RecordStay,
];

impl Route {
    /// The audit action of an allowed request.
    fn success_action(self) -> &'static str {
        match self {
            Route::View => "person_viewed",
            Route::Update => "person_updated",
            Route::AddRelative => "relative_added",
            Route::RemoveRelative => "relative_removed",
            Route::StartEpisode => "episode_started",
            Route::EndEpisode => "episode_ended",
            Route::GiveConsent => "consent_given",
            Route::WithdrawConsent => "consent_withdrawn",
            Route::SetBlock => "block_set",
            Route::LiftBlock => "block_lifted",
            Route::Link => "persons_linked",
            Route::AccessLog => "access_log_viewed",
            Route::Search => "persons_searched",
            Route::OpenEmergency => "emergency_access_opened",
            Route::ListReferrals => "referrals_viewed",
            Route::SendReferral => "referral_sent",
            Route::ListDecisions => "decisions_viewed",
            Route::RecordDecision => "decision_recorded",
            Route::ReadPlan => "plan_viewed",
            Route::CreatePlan => "plan_created",
            // Housing (issue 6).
            Route::ListStays => "stays_viewed",
            Route::RecordStay => "stay_recorded",
        }
    }
}

/// What a cell must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// This status, and a `success` event of the route's action about the person.
    Allowed(u16),
    /// 403 and an `access_denied`/`denied` event about the person.
    Denied,
    /// 403 and an `access_denied`/`denied` event about no person (the role may not do it at all).
    DeniedByRole,
    /// Search only: 200, the person is not among the hits and no event names them.
    Hidden,
    /// Routes that name the person in the body (`POST /plans`): 422 `person`/`not-allowed`, and
    /// an `access_denied`/`denied` event about the person.
    DeniedAsField,
}

fn expected(relation: Relation, route: Route) -> Expect {
    use Expect::*;
    use Relation as R;
    use Route as T;
    let ordinary = matches!(relation, R::Episode | R::AdminSameOrganization | R::LeaderSameOrganization);
    let created = |route: Route| match route {
        T::View
        | T::Update
        | T::AccessLog
        | T::Search
        | T::ListReferrals
        | T::ListDecisions
        | T::ReadPlan
        | T::ListStays => Allowed(200),
        T::AddRelative
        | T::StartEpisode
        | T::GiveConsent
        | T::SetBlock
        | T::OpenEmergency
        | T::SendReferral
        | T::RecordDecision
        | T::CreatePlan
        | T::RecordStay => Allowed(201),
        _ => Allowed(204),
    };
    if ordinary {
        return created(route);
    }
    match (relation, route) {
        // The person is a field of the body: a refusal is that field's error, audited.
        (_, T::CreatePlan) => DeniedAsField,
        // Emergency access reads every category, the plan included.
        (R::Emergency, T::ReadPlan) => Allowed(200),
        // The consents here cover identity and referrals, not the plan.
        (_, T::ReadPlan) => Denied,
        (R::Analyst, T::Search | T::OpenEmergency) => DeniedByRole,
        (R::Analyst, _) => Denied,
        // Emergency access is refused only to blocked callers and analysts.
        (R::BlockedOrganization | R::BlockedAccount, T::OpenEmergency) => Denied,
        (_, T::OpenEmergency) => Allowed(201),
        (R::BlockedOrganization | R::BlockedAccount | R::OtherWithoutConsent, T::Search) => Hidden,
        (R::OtherWithConsent | R::Emergency, T::Search | T::View | T::ListReferrals | T::ListDecisions) => Allowed(200),
        // Housing: emergency access reads it; the consent here does not cover housing.
        (R::Emergency, T::ListStays) => Allowed(200),
        // Referrals and decisions are the referrals_decisions category: consent covers them.
        (R::OtherWithConsent, T::SendReferral | T::RecordDecision) => created(route),
        // A consent covers reading and changing its categories (identity_contact and
        // referrals_decisions here), never managing consents, blocks, links or the access log.
        (R::OtherWithConsent, T::Update | T::AddRelative | T::RemoveRelative | T::StartEpisode) => created(route),
        // The policy allows referrals_decisions by consent, but only the providing organisation
        // ends an episode; that refusal is audited as a denial too.
        (R::OtherWithConsent, T::EndEpisode) => Denied,
        _ => Denied,
    }
}

struct Cell<'a> {
    actor: &'a Member,
    own_service: &'a str,
}

fn cell<'a>(w: &'a World, relation: Relation) -> Cell<'a> {
    let (actor, own_service) = match relation {
        Relation::Episode => (&w.a_case, &w.service_a2),
        Relation::AdminSameOrganization => (&w.a_admin, &w.service_a2),
        Relation::LeaderSameOrganization => (&w.a_leader, &w.service_a2),
        Relation::BlockedAccount => (&w.a_blocked, &w.service_a2),
        Relation::Analyst => (&w.a_analyst, &w.service_a2),
        Relation::OtherWithConsent
        | Relation::OtherWithoutConsent
        | Relation::BlockedOrganization
        | Relation::Emergency => (&w.b_case, &w.service_b),
    };
    Cell { actor, own_service }
}

/// Registers a person and gives the cell's caller `relation` to them.
async fn subject(server: &TestServer, w: &World, relation: Relation, n: u32, pseudonymous: bool) -> Subject {
    let (id, number, given_name, family_name) = register(server, w, n, pseudonymous).await;
    let (app, ctx, by) = (&server.app, &w.ctx, &w.a_case.actor);
    let relative = app
        .add_relative(
            ctx,
            by,
            id,
            &RelativeFields { name: "Ola Pårørende".into(), relation: "sibling".into(), ..Default::default() },
        )
        .await
        .unwrap();
    let consent = app.give_consent(ctx, by, id, &w.org_c.to_string(), &consent_fields(w, &["notes"])).await.unwrap();
    let block = app.set_block(ctx, by, id, "", &w.dummy.to_string(), "Personen ønsker det selv").await.unwrap();
    match relation {
        Relation::OtherWithConsent => {
            let fields = consent_fields(w, &["identity_contact", "referrals_decisions"]);
            app.give_consent(ctx, by, id, &w.org_b.to_string(), &fields).await.unwrap();
        }
        Relation::BlockedOrganization => {
            let fields = consent_fields(w, &["identity_contact", "referrals_decisions"]);
            app.give_consent(ctx, by, id, &w.org_b.to_string(), &fields).await.unwrap();
            app.set_block(ctx, by, id, &w.org_b.to_string(), "", "Personen ønsker det selv").await.unwrap();
        }
        Relation::BlockedAccount => {
            app.set_block(ctx, by, id, "", &w.a_blocked.actor.account.to_string(), "Personen ønsker det selv")
                .await
                .unwrap();
        }
        Relation::Emergency => {
            app.open_emergency_access(ctx, &w.b_case.actor, "", Some(id), REASON).await.unwrap();
        }
        _ => {}
    }
    let episode: (String,) = sqlx::query_as("SELECT id FROM episodes WHERE person_id = $1")
        .bind(id.to_string())
        .fetch_one(server.store.raw_pool_for_tests())
        .await
        .unwrap();
    Subject { id, number, given_name, family_name, relative, consent, block, episode: episode.0 }
}

async fn person_version(server: &TestServer, id: PersonId) -> i64 {
    scalar(server, "SELECT version FROM persons WHERE id = $1", Some(&id.to_string())).await
}

async fn episode_version(server: &TestServer, id: &str) -> i64 {
    scalar(server, "SELECT version FROM episodes WHERE id = $1", Some(id)).await
}

/// Sends the route's request for `subject` (and `target` for linking) as the cell's caller.
async fn request(
    server: &TestServer,
    w: &World,
    c: &Cell<'_>,
    route: Route,
    s: &Subject,
    target: Option<&Subject>,
) -> reqwest::Response {
    let token = c.actor.token.as_str();
    let p = format!("/api/v1/persons/{}", s.id);
    let today = w.today.to_string();
    match route {
        Route::View => send(server, token, Method::GET, &p, None).await,
        Route::Update => {
            let etag = format!("\"{}\"", person_version(server, s.id).await);
            let body = json!({"kind": "identified", "identifier": s.number, "given_name": s.given_name,
                "family_name": s.family_name, "phone": "+47 912 34 567"});
            send_if(server, token, Method::PUT, &p, Some(body), Some(&etag)).await
        }
        Route::AddRelative => {
            let body = json!({"name": "Per Pårørende", "relation": "parent", "may_be_contacted": true});
            send(server, token, Method::POST, &format!("{p}/relatives"), Some(body)).await
        }
        Route::RemoveRelative => {
            send(server, token, Method::DELETE, &format!("{p}/relatives/{}", s.relative), None).await
        }
        Route::StartEpisode => {
            let body = json!({"service": c.own_service, "start": today});
            send(server, token, Method::POST, &format!("{p}/episodes"), Some(body)).await
        }
        Route::EndEpisode => {
            let version = episode_version(server, &s.episode).await;
            let body = json!({"end": today, "end_reason": "completed", "version": version});
            send(server, token, Method::POST, &format!("{p}/episodes/{}/end", s.episode), Some(body)).await
        }
        Route::GiveConsent => {
            let body = json!({"organization": w.org_c.to_string(), "categories": ["plan"], "valid_from": today,
                "valid_to": (w.today + jiff::Span::new().days(30)).to_string()});
            send(server, token, Method::POST, &format!("{p}/consents"), Some(body)).await
        }
        Route::WithdrawConsent => {
            send(server, token, Method::POST, &format!("{p}/consents/{}/withdraw", s.consent), None).await
        }
        Route::SetBlock => {
            let body = json!({"account": w.dummy.to_string(), "reason": "Personen ønsker det igjen"});
            send(server, token, Method::POST, &format!("{p}/blocks"), Some(body)).await
        }
        Route::LiftBlock => send(server, token, Method::POST, &format!("{p}/blocks/{}/lift", s.block), None).await,
        Route::Link => {
            let target = target.map(|t| t.id.to_string()).unwrap_or_default();
            send(server, token, Method::POST, &format!("{p}/link"), Some(json!({"identified": target}))).await
        }
        Route::AccessLog => send(server, token, Method::GET, &format!("{p}/access-log"), None).await,
        Route::Search => send(server, token, Method::GET, &format!("/api/v1/persons?q={}", s.family_name), None).await,
        Route::OpenEmergency => {
            let body = json!({"person": s.id.to_string(), "reason": REASON});
            send(server, token, Method::POST, "/api/v1/emergency-access", Some(body)).await
        }
        Route::ListReferrals => send(server, token, Method::GET, &format!("{p}/referrals"), None).await,
        Route::SendReferral => {
            let body = json!({"to_service": w.service_b, "reason": "Trenger vurdering", "priority": "normal"});
            send(server, token, Method::POST, &format!("{p}/referrals"), Some(body)).await
        }
        Route::ListDecisions => send(server, token, Method::GET, &format!("{p}/decisions"), None).await,
        Route::RecordDecision => {
            let body = json!({"service": c.own_service, "legal_basis": "no.hol.3-2", "outcome": "granted",
                "extent": "2 timer per uke", "valid_from": today, "grounds": "Behovet er kartlagt sammen med deg."});
            send(server, token, Method::POST, &format!("{p}/decisions"), Some(body)).await
        }
        Route::ReadPlan => send(server, token, Method::GET, &format!("{p}/plan"), None).await,
        Route::CreatePlan => send(server, token, Method::POST, "/api/v1/plans", Some(plan_body(s.id, w))).await,
        // Housing (issue 6).
        Route::ListStays => send(server, token, Method::GET, &format!("{p}/stays"), None).await,
        Route::RecordStay => {
            let body = json!({"unit_id": w.unit_a2, "from": today});
            send(server, token, Method::POST, &format!("{p}/stays"), Some(body)).await
        }
    }
}

fn plan_body(person: PersonId, w: &World) -> Value {
    json!({"person": person.to_string(), "phase": "treatment", "period_from": w.today.to_string(),
        "period_to": (w.today + jiff::Span::new().days(300)).to_string(),
        "next_revision": (w.today + jiff::Span::new().days(90)).to_string()})
}

/// Gives the subject a plan made by the caseworker with the episode (to be read).
async fn plan_for(server: &TestServer, w: &World, s: &Subject) {
    let response = send(server, &w.a_case.token, Method::POST, "/api/v1/plans", Some(plan_body(s.id, w))).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

async fn authorisation_matrix(server: &TestServer) {
    let w = world(server).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    let mut n = 0;
    for relation in RELATIONS {
        let c = cell(&w, relation);
        for route in ROUTES {
            n += 2;
            let s = subject(server, &w, relation, n, route == Route::Link).await;
            let target =
                if route == Route::Link { Some(subject(server, &w, relation, n + 1, false).await) } else { None };
            if route == Route::ReadPlan {
                plan_for(server, &w, &s).await;
            }
            let expect = expected(relation, route);
            let before = last_seq(server).await;
            let response = request(server, &w, &c, route, &s, target.as_ref()).await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let actor = c.actor.actor.account;
            let name = format!("{relation:?} × {route:?}");
            cells += 1;
            let (want_status, audited) = match expect {
                Expect::Allowed(code) => {
                    (code, events_since(server, before, actor, route.success_action(), "success", Some(s.id)).await)
                }
                Expect::Denied => {
                    (403, events_since(server, before, actor, "access_denied", "denied", Some(s.id)).await)
                }
                Expect::DeniedByRole => {
                    (403, events_since(server, before, actor, "access_denied", "denied", None).await)
                }
                Expect::DeniedAsField => {
                    (422, events_since(server, before, actor, "access_denied", "denied", Some(s.id)).await)
                }
                Expect::Hidden => {
                    let named = events_since(server, before, actor, "persons_searched", "success", Some(s.id)).await;
                    (200, if named == 0 { 1 } else { 0 })
                }
            };
            if status != want_status {
                failures.push(format!("{name}: expected {want_status} ({expect:?}), got {status}: {text}"));
                continue;
            }
            if audited == 0 {
                failures.push(format!("{name}: no audit event for {expect:?}"));
            }
            if route == Route::Search && status == 200 {
                let body: Value = serde_json::from_str(&text).unwrap();
                let found = body["items"].as_array().unwrap().iter().any(|i| i["id"] == s.id.to_string());
                if found != matches!(expect, Expect::Allowed(_)) {
                    failures.push(format!("{name}: search hit present = {found}"));
                }
                if let Some(number) = &s.number
                    && text.contains(number.as_str())
                {
                    failures.push(format!("{name}: the search list shows the number unmasked"));
                }
            }
            if expect == Expect::DeniedAsField {
                let body: Value = serde_json::from_str(&text).unwrap();
                if field_errors(&body) != [("person".to_string(), "not-allowed".to_string())] {
                    failures.push(format!("{name}: expected person/not-allowed, got {text}"));
                }
            }
            if route == Route::View && status == 200 {
                let body: Value = serde_json::from_str(&text).unwrap();
                let episodes_shown = body.get("episodes").is_some();
                if !episodes_shown {
                    failures.push(format!("{name}: the view leaves out episodes the caller may read"));
                }
            }
        }
    }
    assert_eq!(cells, RELATIONS.len() * ROUTES.len());
    assert!(failures.is_empty(), "{} of {cells} cells failed:\n{}", failures.len(), failures.join("\n"));

    // Unknown persons are 404 on every person route, whoever asks.
    let unknown = PersonId::generate();
    let p = format!("/api/v1/persons/{unknown}");
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, p.clone(), None),
        (Method::GET, format!("{p}/access-log"), None),
        (Method::GET, format!("{p}/plan"), None),
        (Method::GET, format!("{p}/plan/history"), None),
        (Method::POST, format!("{p}/relatives"), Some(json!({"name": "Per Pårørende", "relation": "parent"}))),
        (Method::DELETE, format!("{p}/relatives/{}", RelativeId::generate()), None),
        (Method::POST, format!("{p}/episodes"), Some(json!({"service": w.service_a2, "start": w.today.to_string()}))),
        (Method::POST, format!("{p}/consents/{}/withdraw", ConsentId::generate()), None),
        (Method::POST, format!("{p}/blocks/{}/lift", BlockId::generate()), None),
        (Method::POST, "/api/v1/persons/not-an-id/blocks/x/lift".into(), None),
        // Housing (issue 6).
        (Method::GET, format!("{p}/stays"), None),
        (Method::POST, format!("{p}/stays"), Some(json!({"unit_id": w.unit_a2, "from": w.today.to_string()}))),
    ];
    for (method, path, body) in routes {
        let status = send(server, &w.a_case.token, method.clone(), &path, body).await.status();
        assert_eq!(status, 404, "{method} {path}");
    }
    let put = send_if(
        server,
        &w.a_case.token,
        Method::PUT,
        &p,
        Some(json!({"kind": "identified", "given_name": "A", "family_name": "B", "birth_date": "1980-01-01"})),
        Some("\"1\""),
    )
    .await;
    assert_eq!(put.status(), 404);
}
both_backends!(authorisation_matrix_covers_every_person_route_and_relation, authorisation_matrix);

async fn consent_and_block_take_effect_at_once(server: &TestServer) {
    let w = world(server).await;
    let s = subject(server, &w, Relation::OtherWithConsent, 1, false).await;
    let p = format!("/api/v1/persons/{}", s.id);
    assert_eq!(send(server, &w.b_case.token, Method::GET, &p, None).await.status(), 200);
    // The consent to organisation B is the second one; find it through A's view.
    let view: Value = send(server, &w.a_case.token, Method::GET, &p, None).await.json().await.unwrap();
    let consent = view["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["organization_id"] == w.org_b.to_string())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let withdrawn =
        send(server, &w.a_case.token, Method::POST, &format!("{p}/consents/{consent}/withdraw"), None).await;
    assert_eq!(withdrawn.status(), 204);
    assert_eq!(send(server, &w.b_case.token, Method::GET, &p, None).await.status(), 403, "withdrawal is immediate");

    // A new block against the organisation.
    let s = subject(server, &w, Relation::OtherWithConsent, 3, false).await;
    let p = format!("/api/v1/persons/{}", s.id);
    assert_eq!(send(server, &w.b_case.token, Method::GET, &p, None).await.status(), 200);
    let block = send(
        server,
        &w.a_case.token,
        Method::POST,
        &format!("{p}/blocks"),
        Some(json!({"organization": w.org_b.to_string(), "reason": "Personen ønsker det selv"})),
    )
    .await;
    assert_eq!(block.status(), 201);
    let block: Value = block.json().await.unwrap();
    assert_eq!(send(server, &w.b_case.token, Method::GET, &p, None).await.status(), 403, "a block is immediate");
    // Lifting it gives the consent back.
    let lift = format!("{p}/blocks/{}/lift", block["id"].as_str().unwrap());
    assert_eq!(send(server, &w.a_case.token, Method::POST, &lift, None).await.status(), 204);
    assert_eq!(send(server, &w.b_case.token, Method::GET, &p, None).await.status(), 200);

    // A consent for identity and contact only opens the record without its episodes.
    let (id, ..) = register(server, &w, 7, false).await;
    let fields = consent_fields(&w, &["identity_contact"]);
    server.app.give_consent(&w.ctx, &w.a_case.actor, id, &w.org_b.to_string(), &fields).await.unwrap();
    let view = send(server, &w.b_case.token, Method::GET, &format!("/api/v1/persons/{id}"), None).await;
    assert_eq!(view.status(), 200);
    let view: Value = view.json().await.unwrap();
    assert_eq!(view["access_basis"], "consent");
    assert!(view.get("episodes").is_none(), "episodes are not covered by the consent");
    assert!(view.get("relatives").is_some(), "relatives belong to identity and contact");
    let body = json!({"service": w.service_b, "start": w.today.to_string()});
    let refused =
        send(server, &w.b_case.token, Method::POST, &format!("/api/v1/persons/{id}/episodes"), Some(body)).await;
    assert_eq!(refused.status(), 403);

    // A block against one account of the organisation with the episode.
    let s = subject(server, &w, Relation::Episode, 5, false).await;
    let p = format!("/api/v1/persons/{}", s.id);
    assert_eq!(send(server, &w.a_blocked.token, Method::GET, &p, None).await.status(), 200);
    let body = json!({"account": w.a_blocked.actor.account.to_string(), "reason": "Personen ønsker det selv"});
    assert_eq!(send(server, &w.a_case.token, Method::POST, &format!("{p}/blocks"), Some(body)).await.status(), 201);
    assert_eq!(send(server, &w.a_blocked.token, Method::GET, &p, None).await.status(), 403);
    assert_eq!(send(server, &w.a_case.token, Method::GET, &p, None).await.status(), 200, "colleagues keep access");
}
both_backends!(
    consent_withdrawal_and_new_blocks_take_effect_on_the_next_request,
    consent_and_block_take_effect_at_once
);

async fn bad_input(server: &TestServer) {
    let w = world(server).await;
    let token = &w.a_case.token;
    let count =
        |table: &'static str| async move { scalar(server, &format!("SELECT COUNT(*) FROM {table}"), None).await };
    let birth = Date::new(1985, 3, 1).unwrap();
    let number = synthetic_number(birth, 123);
    let person = |identifier: &str, confirm: bool| {
        json!({"kind": "identified", "identifier": identifier, "given_name": "Kari", "family_name": "Testesen",
            "service": w.service_a, "start": w.today.to_string(), "confirm_not_duplicate": confirm})
    };

    // A number with a wrong check digit.
    let mut wrong = number.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '9' { '0' } else { char::from(last as u8 + 1) });
    let persons_before = count("persons").await;
    let refused = send(server, token, Method::POST, "/api/v1/persons", Some(person(&wrong, false))).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(field_errors(&problem), [("identifier".to_string(), "check-digit".to_string())]);
    assert_eq!(count("persons").await, persons_before);

    // The real one is registered, with its ETag.
    let created = send(server, token, Method::POST, "/api/v1/persons", Some(person(&number, false))).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers().get("etag").unwrap(), "\"1\"");
    assert_eq!(created.headers().get("cache-control").unwrap(), "no-store", "personal data is not cached");
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["identifier"], number.as_str(), "the single-person view shows the number");
    assert_eq!(created["access_basis"], "episode");
    let id = created["id"].as_str().unwrap().to_string();
    let p = format!("/api/v1/persons/{id}");

    // The same number again.
    let persons_before = count("persons").await;
    let refused = send(server, token, Method::POST, "/api/v1/persons", Some(person(&number, true))).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        field_errors(&refused.json().await.unwrap()),
        [("identifier".to_string(), "already-exists".to_string())]
    );
    // The same name and birth date without a number, unconfirmed, then confirmed.
    let same_name = json!({"kind": "identified", "given_name": "Kari", "family_name": "Testesen",
        "birth_date": birth.to_string(), "service": w.service_a, "start": w.today.to_string()});
    let refused = send(server, token, Method::POST, "/api/v1/persons", Some(same_name.clone())).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        field_errors(&refused.json().await.unwrap()),
        [("confirm_not_duplicate".to_string(), "possible-duplicate".to_string())]
    );
    assert_eq!(count("persons").await, persons_before);
    let mut confirmed = same_name.clone();
    confirmed["confirm_not_duplicate"] = json!(true);
    assert_eq!(send(server, token, Method::POST, "/api/v1/persons", Some(confirmed)).await.status(), 201);
    // Unknown fields are refused.
    let mut extra = person(&synthetic_number(birth, 500), false);
    extra["favourite_colour"] = json!("blue");
    assert_eq!(send(server, token, Method::POST, "/api/v1/persons", Some(extra)).await.status(), 422);

    // Consents: an unknown organisation; one that ends before it starts.
    let consents_before = count("consents").await;
    let unknown = json!({"organization": OrganizationId::generate().to_string(), "categories": ["plan"],
        "valid_from": w.today.to_string(), "valid_to": (w.today + jiff::Span::new().days(30)).to_string()});
    let refused = send(server, token, Method::POST, &format!("{p}/consents"), Some(unknown)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(field_errors(&refused.json().await.unwrap()), [("organization".to_string(), "unknown".to_string())]);
    let backwards = json!({"organization": w.org_b.to_string(), "categories": ["plan"],
        "valid_from": w.today.to_string(), "valid_to": (w.today - jiff::Span::new().days(1)).to_string()});
    let refused = send(server, token, Method::POST, &format!("{p}/consents"), Some(backwards)).await;
    assert_eq!(refused.status(), 422);
    assert!(
        field_errors(&refused.json().await.unwrap())
            .contains(&("valid_to".to_string(), "ends-before-start".to_string()))
    );
    assert_eq!(count("consents").await, consents_before);

    // An overlapping episode at the same service.
    let episodes_before = count("episodes").await;
    let overlapping = json!({"service": w.service_a, "start": w.today.to_string()});
    let refused = send(server, token, Method::POST, &format!("{p}/episodes"), Some(overlapping)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(field_errors(&refused.json().await.unwrap()), [("start".to_string(), "overlaps".to_string())]);
    // Another organisation's service is not ours to enrol with.
    let foreign = json!({"service": w.service_b, "start": w.today.to_string()});
    assert_eq!(send(server, token, Method::POST, &format!("{p}/episodes"), Some(foreign)).await.status(), 422);
    assert_eq!(count("episodes").await, episodes_before);

    // Updates need If-Match; a stale one is a conflict and changes nothing.
    let body = json!({"kind": "identified", "identifier": number, "given_name": "Kari", "family_name": "Testesen",
        "phone": "+47 400 00 000"});
    assert_eq!(send(server, token, Method::PUT, &p, Some(body.clone())).await.status(), 428);
    let updated = send_if(server, token, Method::PUT, &p, Some(body.clone()), Some("\"1\"")).await;
    assert_eq!(updated.status(), 200);
    assert_eq!(updated.headers().get("etag").unwrap(), "\"2\"");
    let mut stale = body.clone();
    stale["phone"] = json!("+47 500 00 000");
    assert_eq!(send_if(server, token, Method::PUT, &p, Some(stale), Some("\"1\"")).await.status(), 409);
    let view: Value = send(server, token, Method::GET, &p, None).await.json().await.unwrap();
    assert_eq!(view["phone"], "+47 400 00 000");
}
both_backends!(bad_input_changes_nothing, bad_input);

async fn emergency_access(server: &TestServer) {
    let w = world(server).await;
    let s = subject(server, &w, Relation::OtherWithoutConsent, 1, false).await;
    let p = format!("/api/v1/persons/{}", s.id);
    let b = &w.b_case.token;
    assert_eq!(send(server, b, Method::GET, &p, None).await.status(), 403);

    // A reason is required.
    let refused =
        send(server, b, Method::POST, "/api/v1/emergency-access", Some(json!({"identifier": s.number}))).await;
    assert_eq!(refused.status(), 422);
    let refused =
        send(server, b, Method::POST, "/api/v1/emergency-access", Some(json!({"identifier": s.number, "reason": ""})))
            .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(field_errors(&refused.json().await.unwrap()), [("reason".to_string(), "required".to_string())]);
    assert_eq!(scalar(server, "SELECT COUNT(*) FROM emergency_accesses", None).await, 0);

    // Found by number; lasts three hours.
    let before = last_seq(server).await;
    let opened = send(
        server,
        b,
        Method::POST,
        "/api/v1/emergency-access",
        Some(json!({"identifier": s.number, "reason": REASON})),
    )
    .await;
    assert_eq!(opened.status(), 201);
    let opened: Value = opened.json().await.unwrap();
    assert_eq!(opened["person"], s.id.to_string());
    let expires: jiff::Timestamp = opened["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires, server.clock.now() + jiff::SignedDuration::from_hours(3));
    assert_eq!(
        events_since(server, before, w.b_case.actor.account, "emergency_access_opened", "success", Some(s.id)).await,
        1
    );
    let view = send(server, b, Method::GET, &p, None).await;
    assert_eq!(view.status(), 200);
    let view: Value = view.json().await.unwrap();
    assert_eq!(view["access_basis"], "emergency");
    assert_eq!(view["can_change"], false);
    server.clock.advance(jiff::SignedDuration::from_mins(179));
    assert_eq!(send(server, b, Method::GET, &p, None).await.status(), 200);
    server.clock.advance(jiff::SignedDuration::from_mins(2));
    assert_eq!(send(server, b, Method::GET, &p, None).await.status(), 403, "expired after three hours");

    // On the review list of B's leader (not A's, not a caseworker's) until marked reviewed.
    assert_eq!(send(server, b, Method::GET, "/api/v1/emergency-access/reviews", None).await.status(), 403);
    let list: Value = send(server, &w.a_leader.token, Method::GET, "/api/v1/emergency-access/reviews", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty(), "A's leader sees A's accesses only");
    let list: Value = send(server, &w.b_leader.token, Method::GET, "/api/v1/emergency-access/reviews", None)
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["person"], s.id.to_string());
    assert_eq!(items[0]["reason"], REASON);
    let access = items[0]["id"].as_str().unwrap().to_string();
    let review = format!("/api/v1/emergency-access/{access}/review");
    assert_eq!(send(server, b, Method::POST, &review, Some(json!({"note": "ok"}))).await.status(), 403);
    let before = last_seq(server).await;
    let reviewed =
        send(server, &w.b_leader.token, Method::POST, &review, Some(json!({"note": "Begrunnet, i orden"}))).await;
    assert_eq!(reviewed.status(), 204);
    assert_eq!(
        events_since(server, before, w.b_leader.actor.account, "emergency_access_reviewed", "success", Some(s.id))
            .await,
        1
    );
    let list: Value = send(server, &w.b_leader.token, Method::GET, "/api/v1/emergency-access/reviews", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let list: Value =
        send(server, &w.b_leader.token, Method::GET, "/api/v1/emergency-access/reviews?include_reviewed=true", None)
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["review_note"], "Begrunnet, i orden");

    // The person's access log (read by A, which has the episode) names the emergency access.
    let log = send(server, &w.a_case.token, Method::GET, &format!("{p}/access-log"), None).await;
    assert_eq!(log.status(), 200);
    let log: Value = log.json().await.unwrap();
    assert_eq!(log["emergency_accesses"].as_array().unwrap().len(), 1);
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"emergency_access_opened"), "{actions:?}");
    assert!(actions.contains(&"access_denied"), "{actions:?}");
    // `before` pages backwards.
    let oldest = log["items"].as_array().unwrap().last().unwrap()["seq"].as_i64().unwrap();
    let older: Value = send(server, &w.a_case.token, Method::GET, &format!("{p}/access-log?before={oldest}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(older["items"].as_array().unwrap().is_empty());
    assert_eq!(
        send(server, &w.a_case.token, Method::GET, &format!("{p}/access-log?before=x"), None).await.status(),
        422
    );
}
both_backends!(emergency_access_needs_a_reason_expires_and_is_reviewed, emergency_access);

async fn search(server: &TestServer) {
    let w = world(server).await;
    let own = subject(server, &w, Relation::Episode, 1, false).await;
    let number = own.number.clone().unwrap();
    for (q, who) in [(own.family_name.clone(), "name"), (number.clone(), "number")] {
        let found: Value = send(server, &w.a_case.token, Method::GET, &format!("/api/v1/persons?q={q}"), None)
            .await
            .json()
            .await
            .unwrap();
        let items = found["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "found by {who}");
        assert_eq!(items[0]["id"], own.id.to_string());
        assert!(items[0]["masked_identifier"].as_str().unwrap().contains('*'));
        assert!(!found.to_string().contains(number.as_str()), "lists never show the number");
        let hidden: Value = send(server, &w.b_case.token, Method::GET, &format!("/api/v1/persons?q={q}"), None)
            .await
            .json()
            .await
            .unwrap();
        assert!(hidden["items"].as_array().unwrap().is_empty(), "B has no ground to see the person ({who})");
    }
    let refused = send(server, &w.a_case.token, Method::GET, "/api/v1/persons?q=1", None).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(send(server, &w.a_analyst.token, Method::GET, "/api/v1/persons?q=Testa", None).await.status(), 403);
}
both_backends!(search_returns_only_persons_the_caller_may_see, search);
