//! Persons receiving services: registration, the person's record, relatives, episodes,
//! consents, blocks, emergency access and the person's access log. The handlers authenticate
//! and translate; every access decision and its audit event is made in `los_app::persons`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use los_app::persons::{AccessLog, NewPersonInput, PersonView};
use los_core::consent::ConsentFields;
use los_core::ids::{BlockId, ConsentId, EmergencyAccessId, EpisodeId, PersonId, RelativeId};
use los_core::person::{Identity, PersonFields};
use los_core::relative::RelativeFields;
use los_core::{Error, Reason};
use los_store::consents::{Block, BlockTarget, Consent};
use los_store::emergency::EmergencyAccess;
use los_store::episodes::{Episode, Relative};
use los_store::persons::{Person, PersonSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::path_id;
use crate::api::{ApiJson, ApiQuery, Page, if_match, with_etag};
use crate::auth::{ApiCaller, Ctx};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Bodies

/// A new person and the service of the caller's organisation that enrols them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonIn {
    /// `identified` or `pseudonymous`.
    pub kind: String,
    /// The national number (identified persons; optional for the newly arrived).
    #[serde(default)]
    pub identifier: String,
    /// NO or SE; guessed from the number when empty.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// `YYYY-MM-DD`; taken from the number when one is given.
    #[serde(default)]
    pub birth_date: String,
    /// The code of a pseudonymous person.
    #[serde(default)]
    pub pseudonym: String,
    /// Birth year of a pseudonymous person.
    #[serde(default)]
    pub birth_year: Option<i32>,
    /// `female`, `male` or empty.
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    /// `nb`, `sv` or `en`.
    #[serde(default)]
    pub language: String,
    /// A service provided by the caller's organisation.
    pub service: String,
    /// The first day at the service, `YYYY-MM-DD`, not in the future.
    pub start: String,
    /// Set after a `possible-duplicate` warning when this is someone else.
    #[serde(default)]
    pub confirm_not_duplicate: bool,
}

/// A person's identity and contact details, replacing the stored ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    /// `identified` or `pseudonymous`; cannot change.
    pub kind: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub pseudonym: String,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub language: String,
}

#[allow(clippy::too_many_arguments)]
fn fields(
    kind: String,
    identifier: String,
    country: String,
    given_name: String,
    family_name: String,
    birth_date: String,
    pseudonym: String,
    birth_year: Option<i32>,
    sex: String,
    phone: String,
    email: String,
    address: String,
    language: String,
) -> PersonFields {
    PersonFields {
        kind,
        identifier,
        country,
        given_name,
        family_name,
        birth_date,
        pseudonym,
        birth_year: birth_year.map(|y| y.to_string()).unwrap_or_default(),
        sex,
        phone,
        email,
        address,
        language,
    }
}

impl NewPersonIn {
    fn into_input(self) -> NewPersonInput {
        NewPersonInput {
            fields: fields(
                self.kind,
                self.identifier,
                self.country,
                self.given_name,
                self.family_name,
                self.birth_date,
                self.pseudonym,
                self.birth_year,
                self.sex,
                self.phone,
                self.email,
                self.address,
                self.language,
            ),
            service: self.service,
            start: self.start,
            confirm_not_duplicate: self.confirm_not_duplicate,
        }
    }
}

impl PersonIn {
    fn into_fields(self) -> PersonFields {
        fields(
            self.kind,
            self.identifier,
            self.country,
            self.given_name,
            self.family_name,
            self.birth_date,
            self.pseudonym,
            self.birth_year,
            self.sex,
            self.phone,
            self.email,
            self.address,
            self.language,
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelativeIn {
    pub name: String,
    /// child, parent, partner, sibling, other_family, friend or other
    pub relation: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub phone: String,
    /// The person agrees that this relative may be contacted and informed.
    #[serde(default)]
    pub may_be_contacted: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EpisodeIn {
    /// A service provided by the caller's organisation.
    pub service: String,
    /// `YYYY-MM-DD`, not in the future.
    pub start: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EpisodeEndIn {
    /// `YYYY-MM-DD`, between the start and today.
    pub end: String,
    /// completed, transferred, moved, lost_contact, person_ended, died or other
    pub end_reason: String,
    /// The episode's version as listed in the person's record.
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentIn {
    /// The organisation that may see the categories.
    pub organization: String,
    /// identity_contact, plan, referrals_decisions, notes, housing, assessments
    pub categories: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockIn {
    /// Exactly one of organization and account.
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub account: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// The identified person this pseudonymous record turned out to be.
    pub identified: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyIn {
    /// The person's national number; or give `person`.
    #[serde(default)]
    pub identifier: String,
    /// The person's id; or give `identifier`.
    #[serde(default)]
    pub person: Option<String>,
    /// Why the emergency needs the record (at least 10 characters).
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQueryIn {
    #[serde(default)]
    q: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewsQuery {
    #[serde(default)]
    include_reviewed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessLogQuery {
    #[serde(default)]
    before: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Responses

#[derive(Debug, Serialize, ToSchema)]
pub struct RelativeOut {
    pub id: String,
    pub name: String,
    pub relation: String,
    pub birth_date: Option<String>,
    pub phone: String,
    pub may_be_contacted: bool,
    /// A child under 18: the services must look after children as relatives.
    pub minor_child: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EpisodeOut {
    pub id: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_organization_id: String,
    pub provider_name: String,
    pub start: String,
    pub end: Option<String>,
    pub end_reason: Option<String>,
    pub version: i64,
}

impl From<Episode> for EpisodeOut {
    fn from(e: Episode) -> Self {
        Self {
            id: e.id.to_string(),
            service_id: e.service.to_string(),
            service_name: e.service_name,
            provider_organization_id: e.provider.to_string(),
            provider_name: e.provider_name,
            start: e.period.start.to_string(),
            end: e.period.end.map(|d| d.to_string()),
            end_reason: e.end_reason.map(|r| r.code().to_string()),
            version: e.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentOut {
    pub id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub categories: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub note: String,
    pub given_at: String,
    pub given_by: Option<String>,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    /// Not withdrawn and inside its period today.
    pub in_force: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockOut {
    pub id: String,
    pub organization_id: Option<String>,
    pub account_id: Option<String>,
    pub target_name: String,
    pub reason: String,
    pub created_at: String,
    pub created_by: Option<String>,
    pub lifted_at: Option<String>,
    pub lifted_by: Option<String>,
}

impl From<Block> for BlockOut {
    fn from(b: Block) -> Self {
        let (organization_id, account_id) = match b.target {
            BlockTarget::Organization(id) => (Some(id.to_string()), None),
            BlockTarget::Account(id) => (None, Some(id.to_string())),
        };
        Self {
            id: b.id.to_string(),
            organization_id,
            account_id,
            target_name: b.target_name,
            reason: b.reason,
            created_at: b.created_at.to_string(),
            created_by: b.created_by,
            lifted_at: b.lifted_at.map(|t| t.to_string()),
            lifted_by: b.lifted_by,
        }
    }
}

/// One person. The identity and contact fields are always present; the sections after them
/// only in the full view (`GET /persons/{id}`), and `episodes` only when the caller may read
/// referrals and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: String,
    /// identified or pseudonymous
    pub kind: String,
    /// The full national number (single-person view only; lists show it masked).
    pub identifier: Option<String>,
    pub identifier_kind: Option<String>,
    pub masked_identifier: Option<String>,
    pub country: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<String>,
    pub pseudonym: Option<String>,
    pub birth_year: i32,
    pub sex: Option<String>,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub language: String,
    /// The identified person a pseudonymous record was linked to.
    pub linked_person_id: Option<String>,
    pub version: i64,
    /// Why the caller may see the person: care_team, episode, referral, consent or emergency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_change: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_manage: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relatives: Option<Vec<RelativeOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episodes: Option<Vec<EpisodeOut>>,
    /// Only for callers who manage consents and blocks (ordinary work need).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consents: Option<Vec<ConsentOut>>,
    /// Only for callers who manage consents and blocks (ordinary work need).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<BlockOut>>,
    /// When the caller's emergency access runs out, if that is why they see the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_until: Option<String>,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        let record = p.record;
        let (kind, given_name, family_name, pseudonym) = match &record.identity {
            Identity::Identified { given_name, family_name, .. } => {
                ("identified", Some(given_name.clone()), Some(family_name.clone()), None)
            }
            Identity::Pseudonymous { code, .. } => ("pseudonymous", None, None, Some(code.clone())),
        };
        let identifier = record.identity.identifier();
        Self {
            id: p.id.to_string(),
            kind: kind.into(),
            identifier: identifier.map(|i| i.normalized().to_string()),
            identifier_kind: identifier.map(|i| i.kind().code().to_string()),
            masked_identifier: identifier.map(|i| i.masked()),
            country: record.country.code().into(),
            given_name,
            family_name,
            birth_date: record.identity.birth_date().map(|d| d.to_string()),
            pseudonym,
            birth_year: i32::from(record.identity.birth_year()),
            sex: record.identity.sex().map(|s| s.code().to_string()),
            phone: record.contact.phone,
            email: record.contact.email,
            address: record.contact.address,
            language: record.language.tag().into(),
            linked_person_id: p.linked_person.map(|id| id.to_string()),
            version: p.version,
            access_basis: None,
            can_change: None,
            can_manage: None,
            relatives: None,
            episodes: None,
            consents: None,
            blocks: None,
            emergency_until: None,
        }
    }
}

impl From<PersonView> for PersonOut {
    fn from(view: PersonView) -> Self {
        let today = view.today;
        let mut out = PersonOut::from(view.person);
        out.access_basis = Some(view.basis.code().into());
        out.can_change = Some(view.can_change);
        out.can_manage = Some(view.can_manage);
        out.relatives = view.relatives.map(|list| list.into_iter().map(|r| relative_out(r, today)).collect());
        out.episodes = view.episodes.map(|list| list.into_iter().map(EpisodeOut::from).collect());
        out.consents = view.consents.map(|list| list.into_iter().map(|c| consent_out(c, today)).collect());
        out.blocks = view.blocks.map(|list| list.into_iter().map(BlockOut::from).collect());
        out.emergency_until = view.emergency_until.map(|at| at.to_string());
        out
    }
}

fn relative_out(r: Relative, today: jiff::civil::Date) -> RelativeOut {
    RelativeOut {
        id: r.id.to_string(),
        minor_child: r.record.is_minor_child(today),
        name: r.record.name,
        relation: r.record.relation.code().into(),
        birth_date: r.record.birth_date.map(|d| d.to_string()),
        phone: r.record.phone,
        may_be_contacted: r.record.may_be_contacted,
    }
}

fn consent_out(c: Consent, today: jiff::civil::Date) -> ConsentOut {
    let in_force = c.in_force(today);
    ConsentOut {
        id: c.id.to_string(),
        organization_id: c.organization.to_string(),
        organization_name: c.organization_name,
        categories: c.terms.categories.iter().map(|c| c.code().to_string()).collect(),
        valid_from: c.terms.valid_from.to_string(),
        valid_to: c.terms.valid_to.to_string(),
        note: c.terms.note,
        given_at: c.given_at.to_string(),
        given_by: c.given_by,
        withdrawn_at: c.withdrawn_at.map(|t| t.to_string()),
        withdrawn_by: c.withdrawn_by,
        in_force,
    }
}

/// A search hit: enough to pick the right person. The number is always masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummaryOut {
    pub id: String,
    pub display_name: String,
    pub birth_date: Option<String>,
    pub birth_year: i32,
    pub masked_identifier: Option<String>,
    pub pseudonymous: bool,
}

impl From<PersonSummary> for PersonSummaryOut {
    fn from(s: PersonSummary) -> Self {
        Self {
            id: s.id.to_string(),
            display_name: s.display_name,
            birth_date: s.birth_date.map(|d| d.to_string()),
            birth_year: i32::from(s.birth_year),
            masked_identifier: s.masked_identifier,
            pseudonymous: s.pseudonymous,
        }
    }
}

/// The id of something just created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOut {
    pub id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyOut {
    /// The person's id.
    pub person: String,
    /// When the access runs out (UTC).
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyAccessOut {
    pub id: String,
    pub person: String,
    pub account_name: String,
    pub role: String,
    pub organization_name: String,
    pub reason: String,
    pub opened_at: String,
    pub expires_at: String,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
}

impl From<EmergencyAccess> for EmergencyAccessOut {
    fn from(e: EmergencyAccess) -> Self {
        Self {
            id: e.id.to_string(),
            person: e.person.to_string(),
            account_name: e.account_name,
            role: e.role.code().into(),
            organization_name: e.organization_name,
            reason: e.reason,
            opened_at: e.opened_at.to_string(),
            expires_at: e.expires_at.to_string(),
            reviewed_at: e.reviewed_at.map(|t| t.to_string()),
            reviewed_by: e.reviewed_by,
            review_note: e.review_note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogEntryOut {
    /// Position in the audit log; pass the last one as `before` for older entries.
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub actor_account: Option<String>,
    pub actor_name: Option<String>,
    pub actor_organization: Option<String>,
    pub organization_name: Option<String>,
    pub actor_role: Option<String>,
    pub reason: Option<String>,
}

/// Who has accessed the person's record, newest first; `next_cursor` is the `before` of the
/// next page and absent on the last.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogOut {
    pub person: String,
    pub items: Vec<AccessLogEntryOut>,
    pub emergency_accesses: Vec<EmergencyAccessOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl From<AccessLog> for AccessLogOut {
    fn from(log: AccessLog) -> Self {
        Self {
            person: log.person.id.to_string(),
            items: log
                .entries
                .into_iter()
                .map(|e| AccessLogEntryOut {
                    seq: e.seq,
                    at: Timestamp::from_microsecond(e.record.at_micros).map(|t| t.to_string()).unwrap_or_default(),
                    action: e.record.action,
                    outcome: e.record.outcome,
                    actor_account: e.record.actor_account,
                    actor_name: e.actor_name,
                    actor_organization: e.record.actor_organization,
                    organization_name: e.organization_name,
                    actor_role: e.record.actor_role,
                    reason: e.record.reason,
                })
                .collect(),
            emergency_accesses: log.emergency_accesses.into_iter().map(EmergencyAccessOut::from).collect(),
            next_cursor: log.next_before.map(|seq| seq.to_string()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn created(id: impl ToString) -> Response {
    (StatusCode::CREATED, Json(CreatedOut { id: id.to_string() })).into_response()
}

fn respond_view(view: PersonView, status: StatusCode) -> Response {
    let version = view.person.version;
    with_etag(PersonOut::from(view), version, status)
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Searches persons by number, birth date (`YYYY-MM-DD` or `DD.MM.YYYY`) or name. Only persons
/// the caller may see are returned, and numbers are masked.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])),
    params(("q" = String, Query, description = "A number, a birth date or words of a name")),
    responses((status = 200, body = Page<PersonSummaryOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<SearchQueryIn>,
) -> Result<Json<Page<PersonSummaryOut>>, ApiError> {
    let hits = state.app.search_persons(&ctx, &caller.actor, &query.q).await?;
    Ok(Json(Page { items: hits.into_iter().map(PersonSummaryOut::from).collect(), next_cursor: None }))
}

/// Registers a person and enrols them with a service of the caller's organisation.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", security(("bearer" = [])), request_body = NewPersonIn,
    responses((status = 201, body = PersonOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewPersonIn>,
) -> Result<Response, ApiError> {
    let id = state.app.register_person(&ctx, &caller.actor, &body.into_input()).await?;
    let view = state.app.person_view(&ctx, &caller.actor, id).await?;
    Ok(respond_view(view, StatusCode::CREATED))
}

/// The person's record as far as the caller may see it; its `ETag` is the version for `If-Match`.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = PersonOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = state.app.person_view(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?).await?;
    Ok(respond_view(view, StatusCode::OK))
}

/// Replaces identity and contact details; needs `If-Match`, a stale version gets 409.
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons", security(("bearer" = [])), request_body = PersonIn,
    params(("id" = String, Path, description = "Person id"), ("If-Match" = String, Header, description = "The ETag from GET")),
    responses((status = 200, body = PersonOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<Response, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let version = if_match(&headers)?;
    let saved = state.app.update_person(&ctx, &caller.actor, id, version, &body.into_fields()).await?;
    let version = saved.version;
    Ok(with_etag(PersonOut::from(saved), version, StatusCode::OK))
}

/// Adds a relative.
#[utoipa::path(post, path = "/api/v1/persons/{id}/relatives", tag = "persons", security(("bearer" = [])), request_body = RelativeIn,
    params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_relative(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RelativeIn>,
) -> Result<Response, ApiError> {
    let fields = RelativeFields {
        name: body.name,
        relation: body.relation,
        birth_date: body.birth_date,
        phone: body.phone,
        may_be_contacted: body.may_be_contacted,
    };
    let relative = state.app.add_relative(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?, &fields).await?;
    Ok(created(relative))
}

/// Removes a relative.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/relatives/{relative_id}", tag = "persons", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("relative_id" = String, Path, description = "Relative id")),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_relative(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, relative_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let relative: RelativeId = path_id(&relative_id, "relative")?;
    state.app.remove_relative(&ctx, &caller.actor, id, relative).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enrols the person with a service of the caller's organisation.
#[utoipa::path(post, path = "/api/v1/persons/{id}/episodes", tag = "persons", security(("bearer" = [])), request_body = EpisodeIn,
    params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn start_episode(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EpisodeIn>,
) -> Result<Response, ApiError> {
    let episode = state
        .app
        .start_episode(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?, &body.service, &body.start)
        .await?;
    Ok(created(episode))
}

/// Ends an episode (only the providing organisation); a stale version gets 409.
#[utoipa::path(post, path = "/api/v1/persons/{id}/episodes/{episode_id}/end", tag = "persons", security(("bearer" = [])), request_body = EpisodeEndIn,
    params(("id" = String, Path, description = "Person id"), ("episode_id" = String, Path, description = "Episode id")),
    responses((status = 204, description = "Ended"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn end_episode(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, episode_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<EpisodeEndIn>,
) -> Result<StatusCode, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let episode: EpisodeId = path_id(&episode_id, "episode")?;
    state.app.end_episode(&ctx, &caller.actor, id, episode, body.version, &body.end, &body.end_reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the person's consent that an organisation may see chosen categories for a period.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents", tag = "persons", security(("bearer" = [])), request_body = ConsentIn,
    params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn give_consent(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConsentIn>,
) -> Result<Response, ApiError> {
    let fields = ConsentFields {
        categories: body.categories,
        valid_from: body.valid_from,
        valid_to: body.valid_to,
        note: body.note,
    };
    let consent = state
        .app
        .give_consent(&ctx, &caller.actor, path_id::<PersonId>(&id, "person")?, &body.organization, &fields)
        .await?;
    Ok(created(consent))
}

/// Withdraws a consent; it stops giving access at once.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents/{consent_id}/withdraw", tag = "persons", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("consent_id" = String, Path, description = "Consent id")),
    responses((status = 204, description = "Withdrawn"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, consent_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let consent: ConsentId = path_id(&consent_id, "consent")?;
    state.app.withdraw_consent(&ctx, &caller.actor, id, consent).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Blocks an organisation or an account from the person's record.
#[utoipa::path(post, path = "/api/v1/persons/{id}/blocks", tag = "persons", security(("bearer" = [])), request_body = BlockIn,
    params(("id" = String, Path, description = "Person id")),
    responses((status = 201, body = CreatedOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_block(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockIn>,
) -> Result<Response, ApiError> {
    let block = state
        .app
        .set_block(
            &ctx,
            &caller.actor,
            path_id::<PersonId>(&id, "person")?,
            &body.organization,
            &body.account,
            &body.reason,
        )
        .await?;
    Ok(created(block))
}

/// Lifts a block.
#[utoipa::path(post, path = "/api/v1/persons/{id}/blocks/{block_id}/lift", tag = "persons", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("block_id" = String, Path, description = "Block id")),
    responses((status = 204, description = "Lifted"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn lift_block(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path((id, block_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let block: BlockId = path_id(&block_id, "block")?;
    state.app.lift_block(&ctx, &caller.actor, id, block).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Links this pseudonymous record to the identified person it turned out to be.
#[utoipa::path(post, path = "/api/v1/persons/{id}/link", tag = "persons", security(("bearer" = [])), request_body = LinkIn,
    params(("id" = String, Path, description = "Id of the pseudonymous person")),
    responses((status = 204, description = "Linked"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn link(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LinkIn>,
) -> Result<StatusCode, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let identified: PersonId =
        body.identified.parse().map_err(|_| ApiError::from(Error::invalid("identified", Reason::Unknown)))?;
    state.app.link_pseudonymous(&ctx, &caller.actor, id, identified).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who has accessed the person's record, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/access-log", tag = "persons", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id"), ("before" = Option<String>, Query, description = "The next_cursor of the previous page")),
    responses((status = 200, body = AccessLogOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn access_log(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<AccessLogQuery>,
) -> Result<Json<AccessLogOut>, ApiError> {
    let id = path_id::<PersonId>(&id, "person")?;
    let before = match query.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            Some(raw.parse::<i64>().map_err(|_| ApiError::from(Error::invalid("before", Reason::InvalidFormat)))?)
        }
    };
    let log = state.app.access_log(&ctx, &caller.actor, id, before).await?;
    Ok(Json(AccessLogOut::from(log)))
}

/// Opens emergency access (break the glass) for three hours: a reason is required, and the
/// access is audited and listed for a leader's review.
#[utoipa::path(post, path = "/api/v1/emergency-access", tag = "persons", security(("bearer" = [])), request_body = EmergencyIn,
    responses((status = 201, body = EmergencyOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn open_emergency(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiJson(body): ApiJson<EmergencyIn>,
) -> Result<Response, ApiError> {
    let person = match body.person.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            Some(raw.parse::<PersonId>().map_err(|_| ApiError::from(Error::invalid("person", Reason::Unknown)))?)
        }
    };
    let (person, expires) =
        state.app.open_emergency_access(&ctx, &caller.actor, &body.identifier, person, &body.reason).await?;
    let out = EmergencyOut { person: person.to_string(), expires_at: expires.to_string() };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Emergency accesses made in the caller's organisation, for a leader's review.
#[utoipa::path(get, path = "/api/v1/emergency-access/reviews", tag = "persons", security(("bearer" = [])),
    params(("include_reviewed" = Option<bool>, Query, description = "Also list the reviewed ones")),
    responses((status = 200, body = Page<EmergencyAccessOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn reviews(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<ReviewsQuery>,
) -> Result<Json<Page<EmergencyAccessOut>>, ApiError> {
    let list = state.app.emergency_reviews(&ctx, &caller.actor, query.include_reviewed).await?;
    Ok(Json(Page { items: list.into_iter().map(EmergencyAccessOut::from).collect(), next_cursor: None }))
}

/// Marks an emergency access reviewed.
#[utoipa::path(post, path = "/api/v1/emergency-access/{id}/review", tag = "persons", security(("bearer" = [])), request_body = ReviewIn,
    params(("id" = String, Path, description = "Emergency access id")),
    responses((status = 204, description = "Reviewed"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewIn>,
) -> Result<StatusCode, ApiError> {
    let access: EmergencyAccessId = path_id(&id, "emergency access")?;
    state.app.mark_emergency_reviewed(&ctx, &caller.actor, access, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}
