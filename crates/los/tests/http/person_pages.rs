//! The person pages: registration through the form, the person's page, the access log, search
//! and emergency access with the leader's review.

use jiff::civil::date;
use los_core::account::Role;
use los_core::identifiers::{IdentifierKind, norwegian_number_from};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::*;

async fn api(server: &TestServer, token: &str, path: &str, body: Value) -> Value {
    let response = server.bare_client().post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let response = client.get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn pages(server: &TestServer) {
    // A municipality and a service of the main organisation to enrol persons with.
    let admin = server.account("admin", Role::Admin, true).await;
    let admin_token = server.token(&admin).await;
    let municipality = api(
        server,
        &admin_token,
        "/api/v1/municipalities",
        json!({"country": "NO", "number": "4001", "name": "Porsgrunn"}),
    )
    .await;
    let leader = server.account("leder", Role::Leader, true).await;
    let leader_token = server.token(&leader).await;
    let service = api(
        server,
        &leader_token,
        "/api/v1/services",
        json!({
            "municipality_id": municipality["id"], "provider_organization_id": server.organization.to_string(),
            "name": "Oppfølgingstjenesten", "category": "health", "phases": ["aftercare"], "target_group": "Voksne",
            "goals": "Stabil hverdag", "legal_bases": [], "opening_hours": "08–16", "focus_areas": [], "years": []
        }),
    )
    .await;
    let service_id = service["id"].as_str().unwrap().to_string();

    let caseworker = server.account("kari", Role::Caseworker, true).await;
    let client = server.signed_in(&caseworker).await;
    let (status, form) = get(&client, server, "/persons/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("Oppfølgingstjenesten"), "the organisation's own service is offered");
    assert!(form.contains("aria-live=\"polite\""), "the number check speaks its result");
    let csrf = csrf_in(&form).unwrap();

    let number = norwegian_number_from(date(1985, 3, 1), 100, IdentifierKind::NoSynthetic).unwrap();
    let mut wrong = number.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '9' { '0' } else { char::from(last as u8 + 1) });

    // The as-you-type check names the kind, or exactly what is wrong.
    let check = post_form(&client, &server.url("/persons/identifier-check"), &csrf, &[("identifier", &number)]).await;
    assert_eq!(check.status(), 200);
    let check = check.text().await.unwrap();
    assert!(check.contains("syntetisk norsk testnummer") && check.contains("1985-03-01"), "{check}");
    let check = post_form(&client, &server.url("/persons/identifier-check"), &csrf, &[("identifier", &wrong)]).await;
    assert!(check.text().await.unwrap().contains("kontrollsiffer"), "a wrong check digit is named");

    // A bad number shows the translated reason and saves nothing.
    let fields = |identifier: String| {
        vec![
            ("kind", "identified".to_string()),
            ("identifier", identifier),
            ("given_name", "Kari".into()),
            ("family_name", "Testesen".into()),
            ("birth_date", String::new()),
            ("sex", String::new()),
            ("phone", "+47 400 00 000".into()),
            ("email", String::new()),
            ("address", String::new()),
            ("language", "nb".into()),
            ("service", service_id.clone()),
            ("start", String::new()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let mut all: Vec<(&str, String)> = vec![("csrf_token", csrf.clone())];
        all.extend(fields);
        client.post(server.url("/persons/new")).form(&all).send()
    };
    let refused = send(fields(wrong.clone())).await.unwrap();
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("kontrollsiffer") && refused.contains("href=\"#f-identifier\""), "{refused}");
    assert!(refused.contains("Kari"), "typed values are kept");
    assert_eq!(server.audit_count("person_registered").await, 0);

    // A good one registers the person and goes to their page.
    let mut good = fields(number.clone());
    good.retain(|(k, _)| *k != "start");
    good.push(("start", server.app.local_today().to_string()));
    let created = send(good).await.unwrap();
    assert_eq!(created.status(), 303);
    let person_path = location(&created);
    assert!(person_path.starts_with("/persons/"), "{person_path}");
    assert_eq!(server.audit_count("person_registered").await, 1);

    let (status, page) = get(&client, server, &person_path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Testesen, Kari") && page.contains(&number));
    assert!(page.contains("forløp ved virksomheten din"), "the access basis is shown");
    for section in ["Identitet", "Pårørende", "Forløp", "Samtykker", "Sperrer", "Oppfølgingstjenesten"] {
        assert!(page.contains(section), "{section} is shown");
    }

    // A child under 18 added as relative is flagged.
    let ten_years_ago = server.app.local_today().saturating_sub(jiff::Span::new().years(10));
    let added = post_form(
        &client,
        &server.url(&format!("{person_path}/relatives/new")),
        &csrf,
        &[("name", "Ola Testesen"), ("relation", "child"), ("birth_date", &ten_years_ago.to_string()), ("phone", "")],
    )
    .await;
    assert_eq!(added.status(), 303);
    let (_, page) = get(&client, server, &person_path).await;
    assert!(page.contains("Ola Testesen") && page.contains("Barn som pårørende"));

    // Search by birth date finds the person for the caseworker; someone elsewhere sees nothing.
    let (status, hits) = get(&client, server, "/persons?q=01.03.1985").await;
    assert_eq!(status, 200);
    assert!(hits.contains("Testesen, Kari") && hits.contains(&person_path));
    let stranger = server.account_in("fremmed", Role::Caseworker, server.other_organization, true).await;
    let stranger_client = server.signed_in(&stranger).await;
    let (status, hits) = get(&stranger_client, server, "/persons?q=01.03.1985").await;
    assert_eq!(status, 200);
    assert!(!hits.contains("Testesen") && hits.contains("Ingen treff"));
    let (status, denied) = get(&stranger_client, server, &person_path).await;
    assert_eq!(status, 403, "{denied}");

    // Emergency access: the reason is required, then the person's page opens.
    let stranger_csrf = server.csrf(&stranger_client, "/emergency-access").await;
    let short = post_form(
        &stranger_client,
        &server.url("/emergency-access"),
        &stranger_csrf,
        &[("identifier", &number), ("reason", "kort")],
    )
    .await;
    assert_eq!(short.status(), 422);
    let opened = post_form(
        &stranger_client,
        &server.url("/emergency-access"),
        &stranger_csrf,
        &[("identifier", &number), ("reason", "Innlagt akutt, trenger kontaktinformasjon")],
    )
    .await;
    assert_eq!(opened.status(), 303);
    assert_eq!(location(&opened), person_path);
    let (status, page) = get(&stranger_client, server, &person_path).await;
    assert_eq!(status, 200);
    assert!(page.contains("nødtilgang"), "the basis says emergency access");

    // The leader of the stranger's organisation reviews it.
    let other_leader = server.account_in("annenleder", Role::Leader, server.other_organization, true).await;
    let leader_client = server.signed_in(&other_leader).await;
    let (status, reviews) = get(&leader_client, server, "/emergency-access/reviews").await;
    assert_eq!(status, 200);
    assert!(reviews.contains("Innlagt akutt, trenger kontaktinformasjon") && reviews.contains("Test fremmed"));
    let action = regex::Regex::new(r#"action="(/emergency-access/reviews/[^"]+)""#).unwrap();
    let review_path = action.captures(&reviews).unwrap()[1].to_string();
    let reviewed =
        post_form(&leader_client, &server.url(&review_path), &csrf_in(&reviews).unwrap(), &[("note", "Ok")]).await;
    assert_eq!(reviewed.status(), 303);
    let (_, reviews) = get(&leader_client, server, "/emergency-access/reviews").await;
    assert!(!reviews.contains("Innlagt akutt"), "reviewed ones are hidden by default");
    let (_, reviews) = get(&leader_client, server, "/emergency-access/reviews?all=1").await;
    assert!(reviews.contains("Innlagt akutt"));
    // A caseworker may not review.
    let (status, _) = get(&stranger_client, server, "/emergency-access/reviews").await;
    assert_eq!(status, 403);

    // The access log lists the views, who made them and the emergency access with its reason.
    let (status, log) = get(&client, server, &format!("{person_path}/access-log")).await;
    assert_eq!(status, 200, "{log}");
    assert!(log.contains("Person sett") && log.contains("Test kari") && log.contains("Test fremmed"));
    assert!(log.contains("Innlagt akutt, trenger kontaktinformasjon") && log.contains("Nødtilgang åpnet"));
    assert!(log.contains("Ctrl+P"));

    // A stale edit gives a clear 409 and saves nothing; a fresh one saves.
    let (status, edit) = get(&client, server, &format!("{person_path}/edit")).await;
    assert_eq!(status, 200);
    let version = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap().captures(&edit).unwrap()[1].to_string();
    let edit_fields = |version: String, phone: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("version", version),
            ("kind", "identified".to_string()),
            ("identifier", number.clone()),
            ("given_name", "Kari".into()),
            ("family_name", "Testesen".into()),
            ("birth_date", "1985-03-01".into()),
            ("sex", String::new()),
            ("phone", phone.into()),
            ("email", String::new()),
            ("address", String::new()),
            ("language", "nb".into()),
        ]
    };
    let stale_version = (version.parse::<i64>().unwrap() + 5).to_string();
    let stale = client
        .post(server.url(&format!("{person_path}/edit")))
        .form(&edit_fields(stale_version, "+47 411 11 111"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("Noen andre har endret"));
    let saved = client
        .post(server.url(&format!("{person_path}/edit")))
        .form(&edit_fields(version, "+47 422 22 222"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let (_, page) = get(&client, server, &person_path).await;
    assert!(page.contains("+47 422 22 222") && !page.contains("+47 411 11 111"));

    // Consent given and withdrawn; a block set and lifted; the episode ended.
    let today = server.app.local_today();
    let next_year = today.saturating_add(jiff::Span::new().years(1));
    let other = server.other_organization.to_string();
    let given = post_form(
        &client,
        &server.url(&format!("{person_path}/consents/new")),
        &csrf,
        &[
            ("organization", &other),
            ("categories", "identity_contact"),
            ("valid_from", &today.to_string()),
            ("valid_to", &next_year.to_string()),
            ("note", "Skriftlig"),
        ],
    )
    .await;
    assert_eq!(given.status(), 303);
    let (_, page) = get(&client, server, &person_path).await;
    assert!(page.contains("Gjelder") && page.contains("Skriftlig"));
    let withdraw = regex::Regex::new(r#"action="(/persons/[^"]+/consents/[^"]+/withdraw)""#).unwrap();
    let path = withdraw.captures(&page).unwrap()[1].to_string();
    assert_eq!(post_form(&client, &server.url(&path), &csrf, &[]).await.status(), 303);
    let (_, page) = get(&client, server, &person_path).await;
    assert!(page.contains("Trukket tilbake"));

    let blocked = post_form(
        &client,
        &server.url(&format!("{person_path}/blocks/new")),
        &csrf,
        &[("organization", &other), ("account", ""), ("reason", "Personen ønsker det")],
    )
    .await;
    assert_eq!(blocked.status(), 303);
    let (status, _) = get(&stranger_client, server, &person_path).await;
    assert_eq!(status, 403, "the block shuts the other organisation out");
    let (_, page) = get(&client, server, &person_path).await;
    let lift = regex::Regex::new(r#"action="(/persons/[^"]+/blocks/[^"]+/lift)""#).unwrap();
    let path = lift.captures(&page).unwrap()[1].to_string();
    assert_eq!(post_form(&client, &server.url(&path), &csrf, &[]).await.status(), 303);

    let end = regex::Regex::new(r#"href="(/persons/[^"]+/episodes/[^"]+/end)""#).unwrap();
    let end_path = end.captures(&page).unwrap()[1].to_string();
    let (status, end_form) = get(&client, server, &end_path).await;
    assert_eq!(status, 200);
    let version =
        regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap().captures(&end_form).unwrap()[1].to_string();
    let ended = post_form(
        &client,
        &server.url(&end_path),
        &csrf,
        &[("version", &version), ("end", &today.to_string()), ("end_reason", "completed")],
    )
    .await;
    assert_eq!(ended.status(), 303);
}
both_backends!(person_pages, pages);
