//! Persons. Every function that reads or changes a person's data takes a grant from the policy;
//! the ones that only find out whether a record exists (duplicates, search candidates, the
//! actor's relations) return ids and facts, never personal data.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::Date;
use los_core::Error;
use los_core::consent::DataCategory;
use los_core::identifiers::{LegalSex, PersonIdentifier, parse_identifier};
use los_core::ids::{AccountId, OrganizationId, PersonId};
use los_core::locale::Locale;
use los_core::organization::Country;
use los_core::person::{Contact, Identity, PersonRecord, duplicate_key};
use los_core::policy::{Action, Grant, PersonAction, PersonGrant, PersonRelations};
use sqlx::any::AnyRow;

use crate::dialect::{backend_of, lines_aggregate};
use crate::util::{corrupt, get, micros, parse, placeholders, timestamp};
use crate::{Backend, Tx, map_sqlx};

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub record: PersonRecord,
    /// Set on a pseudonymous record once it is linked to the identified person it is.
    pub linked_person: Option<PersonId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// What a search hit shows: enough to pick the right person, nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSummary {
    pub id: PersonId,
    pub display_name: String,
    pub birth_date: Option<Date>,
    pub birth_year: i16,
    pub masked_identifier: Option<String>,
    pub pseudonymous: bool,
}

/// What the actor asked the search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    Identifier(String),
    BirthDate(Date),
    /// Lower-case words that must all occur in the name or pseudonym.
    Name(Vec<String>),
}

pub(crate) fn require(grant: &PersonGrant, allowed: impl Fn(PersonAction) -> bool) -> Result<(), Error> {
    if allowed(grant.action()) { Ok(()) } else { Err(Error::Forbidden) }
}

pub(crate) fn reads(category: DataCategory) -> impl Fn(PersonAction) -> bool {
    move |action| action == PersonAction::Read(category) || action == PersonAction::Change(category)
}

pub(crate) fn changes(category: DataCategory) -> impl Fn(PersonAction) -> bool {
    move |action| action == PersonAction::Change(category)
}

fn require_action(grant: &Grant, action: Action) -> Result<(), Error> {
    if grant.action() == action { Ok(()) } else { Err(Error::Forbidden) }
}

/// The ordinary date form, stored as text that sorts as dates.
pub(crate) fn date_text(date: Date) -> String {
    date.to_string()
}

pub(crate) fn parse_date(text: &str) -> Result<Date, Error> {
    text.parse().map_err(|_| corrupt("date"))
}

pub(crate) fn opt_date(text: Option<String>) -> Result<Option<Date>, Error> {
    text.as_deref().map(parse_date).transpose()
}

struct Columns {
    kind: &'static str,
    identifier: Option<String>,
    identifier_kind: Option<&'static str>,
    given_name: String,
    family_name: String,
    birth_date: Option<String>,
    birth_year: i64,
    sex: Option<&'static str>,
    pseudonym: Option<String>,
    duplicate_key: Option<String>,
    search_name: String,
}

fn columns(record: &PersonRecord) -> Columns {
    match &record.identity {
        Identity::Identified { identifier, given_name, family_name, birth_date, sex } => Columns {
            kind: "identified",
            identifier: identifier.as_ref().map(|id| id.normalized().to_string()),
            identifier_kind: identifier.as_ref().map(|id| id.kind().code()),
            given_name: given_name.clone(),
            family_name: family_name.clone(),
            birth_date: Some(date_text(*birth_date)),
            birth_year: i64::from(birth_date.year()),
            sex: sex.map(LegalSex::code),
            pseudonym: None,
            duplicate_key: Some(duplicate_key(given_name, family_name, *birth_date)),
            search_name: format!("{} {}", given_name.to_lowercase(), family_name.to_lowercase()),
        },
        Identity::Pseudonymous { code, birth_year, sex } => Columns {
            kind: "pseudonymous",
            identifier: None,
            identifier_kind: None,
            given_name: String::new(),
            family_name: String::new(),
            birth_date: None,
            birth_year: i64::from(*birth_year),
            sex: sex.map(LegalSex::code),
            pseudonym: Some(code.clone()),
            duplicate_key: None,
            search_name: code.to_lowercase(),
        },
    }
}

/// Stores a new person. Needs the grant to register persons.
pub async fn insert(
    tx: &mut Tx,
    grant: &Grant,
    id: PersonId,
    record: &PersonRecord,
    at: Timestamp,
) -> Result<(), Error> {
    require_action(grant, Action::RegisterPerson)?;
    let c = columns(record);
    sqlx::query(
        "INSERT INTO persons (id, kind, country, identifier, identifier_kind, given_name, family_name, birth_date, \
         birth_year, sex, pseudonym, phone, email, address, language, duplicate_key, search_name, created_at, \
         created_by, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18, 1)",
    )
    .bind(id.to_string())
    .bind(c.kind)
    .bind(record.country.code())
    .bind(c.identifier)
    .bind(c.identifier_kind)
    .bind(c.given_name)
    .bind(c.family_name)
    .bind(c.birth_date)
    .bind(c.birth_year)
    .bind(c.sex)
    .bind(c.pseudonym)
    .bind(&record.contact.phone)
    .bind(&record.contact.email)
    .bind(&record.contact.address)
    .bind(record.language.tag())
    .bind(c.duplicate_key)
    .bind(c.search_name)
    .bind(micros(at))
    .bind(grant.actor().account.to_string())
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    Ok(())
}

/// Changes identity and contact details if the stored version is still `expected_version`.
pub async fn update(
    tx: &mut Tx,
    grant: &PersonGrant,
    expected_version: i64,
    record: &PersonRecord,
    at: Timestamp,
) -> Result<i64, Error> {
    require(grant, changes(DataCategory::IdentityContact))?;
    let c = columns(record);
    let done = sqlx::query(
        "UPDATE persons SET kind = $1, country = $2, identifier = $3, identifier_kind = $4, given_name = $5, \
         family_name = $6, birth_date = $7, birth_year = $8, sex = $9, pseudonym = $10, phone = $11, email = $12, \
         address = $13, language = $14, duplicate_key = $15, search_name = $16, updated_at = $17, \
         version = version + 1 WHERE id = $18 AND version = $19",
    )
    .bind(c.kind)
    .bind(record.country.code())
    .bind(c.identifier)
    .bind(c.identifier_kind)
    .bind(c.given_name)
    .bind(c.family_name)
    .bind(c.birth_date)
    .bind(c.birth_year)
    .bind(c.sex)
    .bind(c.pseudonym)
    .bind(&record.contact.phone)
    .bind(&record.contact.email)
    .bind(&record.contact.address)
    .bind(record.language.tag())
    .bind(c.duplicate_key)
    .bind(c.search_name)
    .bind(micros(at))
    .bind(grant.person().to_string())
    .bind(expected_version)
    .execute(&mut **tx)
    .await
    .map_err(map_sqlx)?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict { what: "person" });
    }
    Ok(expected_version + 1)
}

/// Marks a pseudonymous record as the identified person `target` and moves its episodes,
/// relatives, consents and blocks over. Needs a grant to manage both records.
pub async fn link(tx: &mut Tx, pseudonymous: &PersonGrant, target: &PersonGrant, at: Timestamp) -> Result<(), Error> {
    for grant in [pseudonymous, target] {
        require(grant, |action| action == PersonAction::ManageConsentAndBlocks)?;
    }
    let (from, to) = (pseudonymous.person().to_string(), target.person().to_string());
    for table in ["episodes", "relatives", "consents", "blocks", "care_team_members", "referrals"] {
        sqlx::query(&format!("UPDATE {table} SET person_id = $1 WHERE person_id = $2"))
            .bind(&to)
            .bind(&from)
            .execute(&mut **tx)
            .await
            .map_err(map_sqlx)?;
    }
    sqlx::query("UPDATE persons SET linked_person_id = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(&to)
        .bind(micros(at))
        .bind(&from)
        .execute(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(())
}

const SELECT: &str = "SELECT id, kind, country, identifier, given_name, family_name, birth_date, birth_year, sex, \
    pseudonym, phone, email, address, language, linked_person_id, created_at, updated_at, version FROM persons";

/// The record the grant is for.
pub async fn read(tx: &mut Tx, grant: &PersonGrant) -> Result<Person, Error> {
    require(grant, |action| {
        reads(DataCategory::IdentityContact)(action)
            || matches!(action, PersonAction::ManageConsentAndBlocks | PersonAction::ReadAccessLog)
    })?;
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(grant.person().to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?
        .ok_or(Error::NotFound { what: "person" })?;
    from_row(&row)
}

/// Search hits for ids the policy allowed, each with its own grant.
pub async fn summary(tx: &mut Tx, grant: &PersonGrant) -> Result<PersonSummary, Error> {
    Ok(summary_of(&read(tx, grant).await?))
}

/// [`summary`] for many persons at once, each with its own grant (lists that name many persons);
/// in the grants' order.
pub async fn summaries(tx: &mut Tx, grants: &[PersonGrant]) -> Result<Vec<PersonSummary>, Error> {
    for grant in grants {
        require(grant, reads(DataCategory::IdentityContact))?;
    }
    let mut found: BTreeMap<PersonId, PersonSummary> = BTreeMap::new();
    for chunk in grants.chunks(PERSONS_PER_QUERY) {
        let sql = format!("{SELECT} WHERE id IN ({})", placeholders(1, chunk.len()));
        let mut query = sqlx::query(&sql);
        for grant in chunk {
            query = query.bind(grant.person().to_string());
        }
        for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let person = from_row(&row)?;
            found.insert(person.id, summary_of(&person));
        }
    }
    grants.iter().map(|grant| found.get(&grant.person()).cloned().ok_or(Error::NotFound { what: "person" })).collect()
}

fn summary_of(person: &Person) -> PersonSummary {
    let identity = &person.record.identity;
    PersonSummary {
        id: person.id,
        display_name: identity.display_name(),
        birth_date: identity.birth_date(),
        birth_year: identity.birth_year(),
        masked_identifier: identity.identifier().map(PersonIdentifier::masked),
        pseudonymous: identity.is_pseudonymous(),
    }
}

fn from_row(row: &AnyRow) -> Result<Person, Error> {
    let country = match get::<String>(row, "country")?.as_str() {
        "NO" => Country::Norway,
        "SE" => Country::Sweden,
        _ => return Err(corrupt("country")),
    };
    let sex = match get::<Option<String>>(row, "sex")?.as_deref() {
        None => None,
        Some("female") => Some(LegalSex::Female),
        Some("male") => Some(LegalSex::Male),
        Some(_) => return Err(corrupt("sex")),
    };
    let identity = match get::<String>(row, "kind")?.as_str() {
        "identified" => {
            // Stored numbers were valid when saved; a date far ahead only keeps "born in the
            // future" from refusing them.
            let far_future = jiff::civil::date(9999, 12, 31);
            let identifier = get::<Option<String>>(row, "identifier")?
                .map(|raw| parse_identifier(&raw, Some(country), far_future).map_err(|_| corrupt("identifier")))
                .transpose()?;
            Identity::Identified {
                identifier,
                given_name: get(row, "given_name")?,
                family_name: get(row, "family_name")?,
                birth_date: opt_date(get(row, "birth_date")?)?.ok_or_else(|| corrupt("birth date"))?,
                sex,
            }
        }
        "pseudonymous" => Identity::Pseudonymous {
            code: get::<Option<String>>(row, "pseudonym")?.ok_or_else(|| corrupt("pseudonym"))?,
            birth_year: i16::try_from(get::<i64>(row, "birth_year")?).map_err(|_| corrupt("birth year"))?,
            sex,
        },
        _ => return Err(corrupt("person kind")),
    };
    let language: String = get(row, "language")?;
    Ok(Person {
        id: parse(&get::<String>(row, "id")?, "person id")?,
        record: PersonRecord {
            identity,
            country,
            contact: Contact { phone: get(row, "phone")?, email: get(row, "email")?, address: get(row, "address")? },
            language: Locale::from_tag(&language).ok_or_else(|| corrupt("language"))?,
        },
        linked_person: get::<Option<String>>(row, "linked_person_id")?.map(|id| parse(&id, "person id")).transpose()?,
        created_at: timestamp(get(row, "created_at")?)?,
        updated_at: timestamp(get(row, "updated_at")?)?,
        version: get(row, "version")?,
    })
}

/// Whether a person with this id exists (for telling 404 from 403).
pub async fn exists(tx: &mut Tx, id: PersonId) -> Result<bool, Error> {
    let row = sqlx::query("SELECT 1 AS one FROM persons WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    Ok(row.is_some())
}

/// Persons that may be the same as a new record: the same number, or the same name and birth
/// date. Ids only: the caller decides what the actor may learn about them.
pub async fn possible_duplicates(
    tx: &mut Tx,
    grant: &Grant,
    record: &PersonRecord,
    except: Option<PersonId>,
) -> Result<(Vec<PersonId>, Vec<PersonId>), Error> {
    if !matches!(grant.action(), Action::RegisterPerson) {
        return Err(Error::Forbidden);
    }
    let c = columns(record);
    let except = except.map(|id| id.to_string()).unwrap_or_default();
    let mut same_number = Vec::new();
    if let Some(identifier) = &c.identifier {
        for row in sqlx::query("SELECT id FROM persons WHERE identifier = $1 AND id <> $2")
            .bind(identifier)
            .bind(&except)
            .fetch_all(&mut **tx)
            .await
            .map_err(map_sqlx)?
        {
            same_number.push(parse(&get::<String>(&row, "id")?, "person id")?);
        }
    }
    let mut same_name = Vec::new();
    if let Some(key) = &c.duplicate_key {
        for row in
            sqlx::query("SELECT id FROM persons WHERE duplicate_key = $1 AND id <> $2 AND linked_person_id IS NULL")
                .bind(key)
                .bind(&except)
                .fetch_all(&mut **tx)
                .await
                .map_err(map_sqlx)?
        {
            let id: PersonId = parse(&get::<String>(&row, "id")?, "person id")?;
            if !same_number.contains(&id) {
                same_name.push(id);
            }
        }
    }
    Ok((same_number, same_name))
}

/// The id of the person with this number, if any (emergency access starts from the number).
pub async fn id_by_identifier(tx: &mut Tx, grant: &Grant, normalized: &str) -> Result<Option<PersonId>, Error> {
    require_action(grant, Action::RequestEmergencyAccess)?;
    let row = sqlx::query("SELECT id FROM persons WHERE identifier = $1")
        .bind(normalized)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    row.map(|row| parse(&get::<String>(&row, "id")?, "person id")).transpose()
}

/// Ids of persons matching the query, at most `limit`, linked pseudonymous records left out.
/// The policy then decides, hit by hit, what the actor may see.
pub async fn search_candidates(
    tx: &mut Tx,
    grant: &Grant,
    query: &SearchQuery,
    limit: i64,
) -> Result<Vec<PersonId>, Error> {
    require_action(grant, Action::SearchPersons)?;
    let base = "SELECT id FROM persons WHERE linked_person_id IS NULL AND ";
    let rows = match query {
        SearchQuery::Identifier(normalized) => {
            sqlx::query(&format!("{base}identifier = $1 ORDER BY id LIMIT $2"))
                .bind(normalized.clone())
                .bind(limit)
                .fetch_all(&mut **tx)
                .await
        }
        SearchQuery::BirthDate(date) => {
            sqlx::query(&format!("{base}birth_date = $1 ORDER BY family_name, given_name LIMIT $2"))
                .bind(date_text(*date))
                .bind(limit)
                .fetch_all(&mut **tx)
                .await
        }
        SearchQuery::Name(words) => {
            let mut sql = base.to_string();
            for index in 1..=words.len() {
                if index > 1 {
                    sql.push_str(" AND ");
                }
                sql.push_str(&format!("search_name LIKE ${index} ESCAPE '\\'"));
            }
            sql.push_str(&format!(" ORDER BY family_name, given_name, pseudonym LIMIT ${}", words.len() + 1));
            let mut q = sqlx::query(&sql);
            for word in words {
                q = q.bind(format!("%{}%", escape_like(word)));
            }
            q.bind(limit).fetch_all(&mut **tx).await
        }
    }
    .map_err(map_sqlx)?;
    rows.iter().map(|row| parse(&get::<String>(row, "id")?, "person id")).collect()
}

/// Makes `%`, `_` and the escape character itself match literally in `LIKE … ESCAPE '\'`.
fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The actor's relation to one person, for the policy. `today` is the local date. A person that
/// does not exist has no relations, which the policy refuses.
pub async fn relations(
    tx: &mut Tx,
    person: PersonId,
    account: AccountId,
    organization: OrganizationId,
    today: Date,
    now: Timestamp,
) -> Result<PersonRelations, Error> {
    Ok(relations_if_exists(tx, person, account, organization, today, now).await?.unwrap_or_default())
}

/// The actor's relation to one person, or `None` when there is no such person; in one statement,
/// since every request about a person begins with it.
pub async fn relations_if_exists(
    tx: &mut Tx,
    person: PersonId,
    account: AccountId,
    organization: OrganizationId,
    today: Date,
    now: Timestamp,
) -> Result<Option<PersonRelations>, Error> {
    static SQL: LazyLock<[String; 2]> = LazyLock::new(|| {
        [Backend::Sqlite, Backend::Postgres].map(|backend| {
            format!(
                "SELECT \
                 (SELECT COUNT(*) FROM persons WHERE id = $1) AS present, \
                 (SELECT COUNT(*) FROM care_team_members WHERE person_id = $1 AND account_id = $2 \
                    AND organization_id = $3 AND from_date <= $4 AND (to_date IS NULL OR to_date >= $4)) AS team, \
                 (SELECT COUNT(*) FROM episodes e JOIN services s ON s.id = e.service_id WHERE e.person_id = $1 \
                    AND s.provider_organization_id = $3 AND e.end_date IS NULL) AS episode, \
                 (SELECT COUNT(*) FROM blocks WHERE person_id = $1 AND lifted_at IS NULL \
                    AND (organization_id = $3 OR account_id = $2)) AS blocked, \
                 (SELECT COUNT(*) FROM emergency_accesses WHERE person_id = $1 AND account_id = $2 \
                    AND organization_id = $3 AND expires_at > $5) AS emergency, \
                 (SELECT COUNT(*) FROM referrals r JOIN services rs ON rs.id = r.to_service_id WHERE r.person_id = $1 \
                    AND r.status IN ('sent', 'received', 'accepted', 'offered') \
                    AND (rs.provider_organization_id = $3 OR r.from_organization_id = $3)) AS referral, \
                 (SELECT {} FROM consents WHERE person_id = $1 AND organization_id = $3 \
                    AND withdrawn_at IS NULL AND valid_from <= $4 AND valid_to >= $4) AS consented",
                lines_aggregate(backend, "categories")
            )
        })
    });
    let sql = match backend_of(tx) {
        Backend::Sqlite => &SQL[0],
        Backend::Postgres => &SQL[1],
    };
    let row = sqlx::query(sql)
        .bind(person.to_string())
        .bind(account.to_string())
        .bind(organization.to_string())
        .bind(date_text(today))
        .bind(micros(now))
        .fetch_one(&mut **tx)
        .await
        .map_err(map_sqlx)?;
    let count = |column: &str| -> Result<bool, Error> { Ok(get::<i64>(&row, column)? > 0) };
    if !count("present")? {
        return Ok(None);
    }
    let mut consented_categories = BTreeSet::new();
    // Each consent's categories are a JSON array on a line of its own.
    for categories in get::<Option<String>>(&row, "consented")?.iter().flat_map(|lines| lines.lines()) {
        consented_categories.extend(crate::consents::parse_categories(categories)?);
    }
    Ok(Some(PersonRelations {
        care_team_member: count("team")?,
        active_episode_at_organization: count("episode")?,
        // An open referral (sent, received, accepted or offered) to a service of the actor's
        // organisation, or sent from it.
        open_referral_at_organization: count("referral")?,
        consented_categories,
        blocked: count("blocked")?,
        emergency_access: count("emergency")?,
    }))
}

/// Persons per statement in [`relations_of_many`]; SQLite statements stay under 500 bind
/// parameters (decision 0008).
const PERSONS_PER_QUERY: usize = 400;

/// The actor's relations to each of `persons`, as [`relations`] finds them for one, in one set of
/// queries per 400 persons: for lists (a waiting list, the start page) that decide every person
/// they name. Persons that do not exist get no relations, which the policy refuses.
pub async fn relations_of_many(
    tx: &mut Tx,
    persons: &[PersonId],
    account: AccountId,
    organization: OrganizationId,
    today: Date,
    now: Timestamp,
) -> Result<BTreeMap<PersonId, PersonRelations>, Error> {
    let account = account.to_string();
    let organization = organization.to_string();
    let today = date_text(today);
    let mut found: BTreeMap<PersonId, PersonRelations> = BTreeMap::new();
    for chunk in persons.chunks(PERSONS_PER_QUERY) {
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let list = placeholders(1, ids.len());
        let n = ids.len();
        // Each query binds the persons as $1..=$n, then what it needs after them.
        use Trailing::{Account, Now, Organization, Today};
        let fact_queries: [(Fact, String, &[Trailing]); 5] = [
            (
                Fact::CareTeam,
                format!(
                    "SELECT DISTINCT person_id FROM care_team_members WHERE person_id IN ({list}) \
                     AND account_id = ${a} AND organization_id = ${o} AND from_date <= ${d} \
                     AND (to_date IS NULL OR to_date >= ${d})",
                    a = n + 1,
                    o = n + 2,
                    d = n + 3
                ),
                &[Account, Organization, Today],
            ),
            (
                Fact::Episode,
                format!(
                    // CROSS JOIN keeps SQLite on the persons' episodes: planning without
                    // statistics, it read every open episode of the organisation's services first
                    // (2.3 ms instead of 0.3 for a waiting list). PostgreSQL plans it as a join.
                    "SELECT DISTINCT e.person_id FROM episodes e CROSS JOIN services s \
                     WHERE s.id = e.service_id AND e.person_id IN ({list}) AND s.provider_organization_id = ${o} \
                     AND e.end_date IS NULL",
                    o = n + 1
                ),
                &[Organization],
            ),
            (
                Fact::Blocked,
                format!(
                    "SELECT DISTINCT person_id FROM blocks WHERE person_id IN ({list}) AND lifted_at IS NULL \
                     AND (organization_id = ${o} OR account_id = ${a})",
                    o = n + 1,
                    a = n + 2
                ),
                &[Organization, Account],
            ),
            (
                Fact::Emergency,
                format!(
                    "SELECT DISTINCT person_id FROM emergency_accesses WHERE person_id IN ({list}) \
                     AND account_id = ${a} AND organization_id = ${o} AND expires_at > ${t}",
                    a = n + 1,
                    o = n + 2,
                    t = n + 3
                ),
                &[Account, Organization, Now],
            ),
            (
                Fact::Referral,
                format!(
                    "SELECT DISTINCT r.person_id FROM referrals r JOIN services rs ON rs.id = r.to_service_id \
                     WHERE r.person_id IN ({list}) AND r.status IN ('sent', 'received', 'accepted', 'offered') \
                     AND (rs.provider_organization_id = ${o} OR r.from_organization_id = ${o})",
                    o = n + 1
                ),
                &[Organization],
            ),
        ];
        for id in chunk {
            found.entry(*id).or_default();
        }
        for (fact, sql, trailing) in &fact_queries {
            let mut query = sqlx::query(sql);
            for id in &ids {
                query = query.bind(id);
            }
            for parameter in *trailing {
                query = match parameter {
                    Account => query.bind(&account),
                    Organization => query.bind(&organization),
                    Today => query.bind(&today),
                    Now => query.bind(micros(now)),
                };
            }
            for row in query.fetch_all(&mut **tx).await.map_err(map_sqlx)? {
                let person: PersonId = parse(&get::<String>(&row, "person_id")?, "person_id")?;
                let relations = found.entry(person).or_default();
                match fact {
                    Fact::CareTeam => relations.care_team_member = true,
                    Fact::Episode => relations.active_episode_at_organization = true,
                    Fact::Blocked => relations.blocked = true,
                    Fact::Emergency => relations.emergency_access = true,
                    Fact::Referral => relations.open_referral_at_organization = true,
                }
            }
        }
        let sql = format!(
            "SELECT person_id, categories FROM consents WHERE person_id IN ({list}) AND organization_id = ${o} \
             AND withdrawn_at IS NULL AND valid_from <= ${d} AND valid_to >= ${d}",
            o = n + 1,
            d = n + 2
        );
        let mut query = sqlx::query(&sql);
        for id in &ids {
            query = query.bind(id);
        }
        for row in query.bind(&organization).bind(&today).fetch_all(&mut **tx).await.map_err(map_sqlx)? {
            let person: PersonId = parse(&get::<String>(&row, "person_id")?, "person_id")?;
            found.entry(person).or_default().consented_categories.extend(crate::consents::parse_categories(&get::<
                String,
            >(
                &row,
                "categories",
            )?)?);
        }
    }
    Ok(found)
}

/// The facts [`relations_of_many`] asks for, one query each.
enum Fact {
    CareTeam,
    Episode,
    Blocked,
    Emergency,
    Referral,
}

/// What a fact query binds after the persons, in order.
enum Trailing {
    Account,
    Organization,
    Today,
    Now,
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(super::escape_like("ab_12%\\"), "ab\\_12\\%\\\\");
    }
}
