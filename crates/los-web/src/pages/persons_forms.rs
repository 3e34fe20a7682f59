//! Changing a person's record: identity and contact, relatives, episodes, consents, blocks and
//! linking a pseudonymous record. Each form is its own page under `/persons/{id}/…`; the policy
//! in the use case decides, and a refusal shows the friendly 403 page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use los_app::RequestContext;
use los_app::auth::SessionInfo;
use los_app::persons::PersonView;
use los_core::Error;
use los_core::consent::{ConsentFields, DataCategory};
use los_core::episode::EndReason;
use los_core::ids::{BlockId, ConsentId, EpisodeId, PersonId, RelativeId};
use los_core::person::Identity;
use los_core::policy::Actor;
use los_core::relative::{Relation, RelativeFields};

use crate::auth::{Ctx, SignedIn};
use crate::layout::Layout;
use crate::pages::persons::{
    PERSON_LABELS, PERSONS_PATH, Values, actor_of, category_label, country_options, language_options, options,
    own_service_options, person_fields, person_id, sex_options,
};
use crate::pages::service_form::CheckOption;
use crate::pages::{FormErrors, PageForm, SelectOption, failure};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/edit", get(edit_form).post(edit_save))
        .route("/persons/{id}/relatives/new", get(relative_form).post(relative_save))
        .route("/persons/{id}/relatives/{relative}/remove", post(relative_remove))
        .route("/persons/{id}/episodes/new", get(episode_form).post(episode_save))
        .route("/persons/{id}/episodes/{episode}/end", get(end_form).post(end_save))
        .route("/persons/{id}/consents/new", get(consent_form).post(consent_save))
        .route("/persons/{id}/consents/{consent}/withdraw", post(consent_withdraw))
        .route("/persons/{id}/blocks/new", get(block_form).post(block_save))
        .route("/persons/{id}/blocks/{block}/lift", post(block_lift))
        .route("/persons/{id}/link", get(link_form).post(link_save))
}

/// Which form a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Edit,
    Relative,
    Episode,
    End,
    Consent,
    Block,
    Link,
}

impl Form {
    fn code(self) -> &'static str {
        match self {
            Form::Edit => "edit",
            Form::Relative => "relative",
            Form::Episode => "episode",
            Form::End => "end",
            Form::Consent => "consent",
            Form::Block => "block",
            Form::Link => "link",
        }
    }

    fn heading_key(self) -> &'static str {
        match self {
            Form::Edit => "person-edit",
            Form::Relative => "person-relative-add",
            Form::Episode => "person-episode-start",
            Form::End => "person-episode-end",
            Form::Consent => "person-consent-give",
            Form::Block => "person-block-add",
            Form::Link => "person-link",
        }
    }

    fn path(self, id: PersonId, episode: Option<&str>) -> String {
        match self {
            Form::Edit => format!("/persons/{id}/edit"),
            Form::Relative => format!("/persons/{id}/relatives/new"),
            Form::Episode => format!("/persons/{id}/episodes/new"),
            Form::End => format!("/persons/{id}/episodes/{}/end", episode.unwrap_or_default()),
            Form::Consent => format!("/persons/{id}/consents/new"),
            Form::Block => format!("/persons/{id}/blocks/new"),
            Form::Link => format!("/persons/{id}/link"),
        }
    }
}

const LABELS: [(&str, &str); 14] = [
    ("name", "field-relative-name"),
    ("relation", "field-relation"),
    ("service", "field-person-service"),
    ("start", "field-episode-start"),
    ("end", "field-episode-end"),
    ("end_reason", "field-end-reason"),
    ("organization", "field-organization"),
    ("account", "field-block-account"),
    ("reason", "field-reason"),
    ("categories", "field-categories"),
    ("valid_from", "field-valid-from"),
    ("valid_to", "field-valid-to"),
    ("note", "field-note"),
    ("identified", "field-link-identified"),
];

fn label_for(field: &str) -> Option<(&'static str, &'static str)> {
    LABELS.iter().chain(PERSON_LABELS.iter()).find(|(f, _)| *f == field).copied()
}

fn errors_of(tr: crate::i18n::Tr, error: &Error) -> Option<FormErrors> {
    let Error::Invalid(fields) = error else { return None };
    let labels: Vec<(&str, &str)> = fields.iter().filter_map(|f| label_for(&f.field)).collect();
    FormErrors::from_error(tr, error, &labels)
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage {
    layout: Layout,
    id: String,
    name: String,
    form: &'static str,
    heading_key: &'static str,
    action: String,
    values: Values,
    errors: FormErrors,
    conflict: bool,
    pseudonymous: bool,
    episode_label: String,
    services: Vec<SelectOption>,
    organizations: Vec<SelectOption>,
    accounts: Vec<SelectOption>,
    relations: Vec<SelectOption>,
    end_reasons: Vec<SelectOption>,
    categories: Vec<CheckOption>,
    sexes: Vec<SelectOption>,
    languages: Vec<SelectOption>,
    countries: Vec<SelectOption>,
}

/// Everything a form page needs besides the typed values.
struct Shown<'a> {
    state: &'a AppState,
    layout: Layout,
    actor: &'a Actor,
    view: &'a PersonView,
    form: Form,
    episode: Option<String>,
}

async fn render(shown: Shown<'_>, mut values: Values, errors: FormErrors, conflict: bool) -> Response {
    let Shown { state, layout, actor, view, form, episode } = shown;
    let tr = layout.tr;
    let services = if form == Form::Episode {
        match own_service_options(state, actor, &values.get("service"), tr).await {
            Ok(list) => list,
            Err(error) => return failure(tr, &error),
        }
    } else {
        Vec::new()
    };
    let organizations = if matches!(form, Form::Consent | Form::Block) {
        match state.app.list_organizations().await {
            Ok(list) => options(
                list.into_iter().map(|o| (o.id.to_string(), o.name)).collect(),
                &values.get("organization"),
                Some(tr.t("person-choose")),
            ),
            Err(error) => return failure(tr, &error),
        }
    } else {
        Vec::new()
    };
    let accounts = if form == Form::Block {
        match state.app.staff_directory().await {
            Ok(list) => options(
                list.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
                &values.get("account"),
                Some(tr.t("person-choose")),
            ),
            Err(error) => return failure(tr, &error),
        }
    } else {
        Vec::new()
    };
    let episode_label = match (&episode, &view.episodes) {
        (Some(eid), Some(list)) => match list.iter().find(|e| e.id.to_string() == *eid) {
            Some(e) => {
                if values.get("version").is_empty() {
                    values.set("version", e.version.to_string());
                }
                format!("{} ({}, {})", e.service_name, e.provider_name, e.period.start)
            }
            None => return failure(tr, &Error::NotFound { what: "episode" }),
        },
        (Some(_), None) => return failure(tr, &Error::Forbidden),
        _ => String::new(),
    };
    let chosen = values.all("categories");
    let status = errors.status(conflict);
    let page = FormPage {
        id: view.person.id.to_string(),
        name: view.person.record.identity.display_name(),
        form: form.code(),
        heading_key: form.heading_key(),
        action: form.path(view.person.id, episode.as_deref()),
        pseudonymous: view.person.record.identity.is_pseudonymous(),
        episode_label,
        services,
        organizations,
        accounts,
        relations: options(
            Relation::ALL.iter().map(|r| (r.code().to_string(), tr.t(&format!("relation-{}", r.code())))).collect(),
            &values.get("relation"),
            Some(tr.t("person-choose")),
        ),
        end_reasons: options(
            EndReason::ALL.iter().map(|r| (r.code().to_string(), tr.t(&format!("end-reason-{}", r.code())))).collect(),
            &values.get("end_reason"),
            Some(tr.t("person-choose")),
        ),
        categories: DataCategory::ALL
            .iter()
            .map(|c| CheckOption {
                value: c.code().into(),
                label: category_label(tr, *c),
                checked: chosen.iter().any(|v| v == c.code()),
            })
            .collect(),
        sexes: sex_options(tr, &values.get("sex")),
        languages: language_options(&values.get("language")),
        countries: country_options(tr, &values.get("country")),
        values,
        errors,
        conflict,
        layout: layout.clone(),
    };
    layout.render_with_status(status, &page)
}

/// The values the edit form starts with: the record as saved.
fn edit_values(view: &PersonView) -> Values {
    let record = &view.person.record;
    let mut values = Values::default();
    match &record.identity {
        Identity::Identified { identifier, given_name, family_name, birth_date, sex } => {
            values.set("kind", "identified");
            values.set("identifier", identifier.as_ref().map(|i| i.normalized().to_string()).unwrap_or_default());
            values.set("given_name", given_name.clone());
            values.set("family_name", family_name.clone());
            values.set("birth_date", birth_date.to_string());
            values.set("sex", sex.map(|s| s.code().to_string()).unwrap_or_default());
        }
        Identity::Pseudonymous { code, birth_year, sex } => {
            values.set("kind", "pseudonymous");
            values.set("pseudonym", code.clone());
            values.set("birth_year", birth_year.to_string());
            values.set("sex", sex.map(|s| s.code().to_string()).unwrap_or_default());
        }
    }
    values.set("country", record.country.code());
    values.set("phone", record.contact.phone.clone());
    values.set("email", record.contact.email.clone());
    values.set("address", record.contact.address.clone());
    values.set("language", record.language.tag());
    values.set("version", view.person.version.to_string());
    values
}

/// The signed-in actor, the person and the view of their record (audited as a view).
async fn load(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw_id: &str,
) -> Result<(Layout, Actor, PersonView), Response> {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let actor = actor_of(session, layout.tr)?;
    let id = person_id(raw_id, layout.tr)?;
    let view = state.app.person_view(ctx, &actor, id).await.map_err(|error| failure(layout.tr, &error))?;
    Ok((layout, actor, view))
}

async fn show_form(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw_id: &str,
    form: Form,
    episode: Option<String>,
) -> Response {
    let (layout, actor, view) = match load(state, headers, ctx, session, raw_id).await {
        Ok(loaded) => loaded,
        Err(response) => return response,
    };
    let mut values = Values::default();
    match form {
        Form::Edit => values = edit_values(&view),
        Form::Episode => values.set("start", view.today.to_string()),
        Form::End => values.set("end", view.today.to_string()),
        Form::Consent => values.set("valid_from", view.today.to_string()),
        _ => {}
    }
    render(Shown { state, layout, actor: &actor, view: &view, form, episode }, values, FormErrors::default(), false)
        .await
}

/// Runs the change; on success back to the person's page, on field errors the form again.
#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &RequestContext,
    session: &SessionInfo,
    raw_id: &str,
    form: Form,
    episode: Option<String>,
    values: Values,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    let tr = layout.tr;
    let (actor, id) = match (actor_of(session, tr), person_id(raw_id, tr)) {
        (Ok(actor), Ok(id)) => (actor, id),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let app = &state.app;
    let result: Result<(), Error> = match form {
        Form::Edit => {
            let version = values.get("version").trim().parse().unwrap_or(-1);
            app.update_person(ctx, &actor, id, version, &person_fields(&values)).await.map(|_| ())
        }
        Form::Relative => {
            let fields = RelativeFields {
                name: values.get("name"),
                relation: values.get("relation"),
                birth_date: values.get("birth_date"),
                phone: values.get("phone"),
                may_be_contacted: values.has("may_be_contacted", "true"),
            };
            app.add_relative(ctx, &actor, id, &fields).await.map(|_| ())
        }
        Form::Episode => {
            app.start_episode(ctx, &actor, id, &values.get("service"), &values.get("start")).await.map(|_| ())
        }
        Form::End => match episode.as_deref().and_then(|e| e.parse::<EpisodeId>().ok()) {
            Some(episode) => {
                let version = values.get("version").trim().parse().unwrap_or(-1);
                app.end_episode(ctx, &actor, id, episode, version, &values.get("end"), &values.get("end_reason")).await
            }
            None => Err(Error::NotFound { what: "episode" }),
        },
        Form::Consent => {
            let fields = ConsentFields {
                categories: values.all("categories"),
                valid_from: values.get("valid_from"),
                valid_to: values.get("valid_to"),
                note: values.get("note"),
            };
            app.give_consent(ctx, &actor, id, &values.get("organization"), &fields).await.map(|_| ())
        }
        Form::Block => app
            .set_block(ctx, &actor, id, &values.get("organization"), &values.get("account"), &values.get("reason"))
            .await
            .map(|_| ()),
        Form::Link => {
            let typed = values.get("identified");
            let raw = typed.trim().trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string();
            let found = match raw.parse::<PersonId>() {
                Ok(identified) => Ok(Some(identified)),
                // A national number finds the person among those the actor may see.
                Err(_) if raw.chars().filter(char::is_ascii_digit).count() >= 10 => {
                    match app.search_persons(ctx, &actor, typed.trim()).await {
                        Ok(hits) if hits.len() == 1 => Ok(hits.first().map(|hit| hit.id)),
                        Ok(_) => Ok(None),
                        Err(Error::Invalid(fields)) => Err(Error::Invalid(
                            fields.into_iter().map(|f| los_core::FieldError::new("identified", f.reason)).collect(),
                        )),
                        Err(other) => Err(other),
                    }
                }
                Err(_) => Ok(None),
            };
            match found {
                Ok(Some(identified)) => app.link_pseudonymous(ctx, &actor, id, identified).await,
                Ok(None) => Err(Error::invalid("identified", los_core::Reason::Unknown)),
                Err(error) => Err(error),
            }
        }
    };
    match result {
        Ok(()) => Redirect::to(&format!("/persons/{id}")).into_response(),
        Err(Error::Conflict { .. }) => {
            let (layout, actor, view) = match load(state, headers, ctx, session, raw_id).await {
                Ok(loaded) => loaded,
                Err(response) => return response,
            };
            let mut shown = values;
            if form == Form::Edit {
                shown.set("version", view.person.version.to_string());
            } else {
                shown.set("version", "");
            }
            render(
                Shown { state, layout, actor: &actor, view: &view, form, episode },
                shown,
                FormErrors::default(),
                true,
            )
            .await
        }
        Err(error) => match errors_of(tr, &error) {
            Some(errors) => {
                let (layout, actor, view) = match load(state, headers, ctx, session, raw_id).await {
                    Ok(loaded) => loaded,
                    Err(response) => return response,
                };
                render(Shown { state, layout, actor: &actor, view: &view, form, episode }, values, errors, false).await
            }
            None => failure(tr, &error),
        },
    }
}

type FormBody = PageForm<Vec<(String, String)>>;

macro_rules! form_handlers {
    ($get:ident, $post:ident, $form:expr) => {
        async fn $get(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path(id): Path<String>,
        ) -> Response {
            show_form(&state, &headers, &ctx, &session, &id, $form, None).await
        }

        async fn $post(
            State(state): State<AppState>,
            headers: HeaderMap,
            Ctx(ctx): Ctx,
            SignedIn(session): SignedIn,
            Path(id): Path<String>,
            PageForm(pairs): FormBody,
        ) -> Response {
            save(&state, &headers, &ctx, &session, &id, $form, None, Values(pairs)).await
        }
    };
}

form_handlers!(edit_form, edit_save, Form::Edit);
form_handlers!(relative_form, relative_save, Form::Relative);
form_handlers!(episode_form, episode_save, Form::Episode);
form_handlers!(consent_form, consent_save, Form::Consent);
form_handlers!(block_form, block_save, Form::Block);
form_handlers!(link_form, link_save, Form::Link);

async fn end_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, episode)): Path<(String, String)>,
) -> Response {
    show_form(&state, &headers, &ctx, &session, &id, Form::End, Some(episode)).await
}

async fn end_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, episode)): Path<(String, String)>,
    PageForm(pairs): FormBody,
) -> Response {
    save(&state, &headers, &ctx, &session, &id, Form::End, Some(episode), Values(pairs)).await
}

/// A one-button change (remove, withdraw, lift): back to the person's page, or the error page.
async fn one_click(
    state: &AppState,
    session: &SessionInfo,
    headers: &HeaderMap,
    result: Result<(), Error>,
    id: &str,
) -> Response {
    let layout = Layout::new(state, headers, Some(session), PERSONS_PATH);
    match result {
        Ok(()) => Redirect::to(&format!("/persons/{id}")).into_response(),
        Err(error) => failure(layout.tr, &error),
    }
}

/// The actor and the two ids of a one-button change.
fn ids<T: std::str::FromStr>(
    session: &SessionInfo,
    id: &str,
    other: &str,
    what: &'static str,
) -> Result<(Actor, PersonId, T), Error> {
    let actor = session.actor.clone().ok_or(Error::Forbidden)?;
    let person = id.parse::<PersonId>().map_err(|_| Error::NotFound { what: "person" })?;
    let other = other.parse::<T>().map_err(|_| Error::NotFound { what })?;
    Ok((actor, person, other))
}

async fn relative_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, relative)): Path<(String, String)>,
) -> Response {
    let result = match ids::<RelativeId>(&session, &id, &relative, "relative") {
        Ok((actor, person, relative)) => state.app.remove_relative(&ctx, &actor, person, relative).await,
        Err(error) => Err(error),
    };
    one_click(&state, &session, &headers, result, &id).await
}

async fn consent_withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, consent)): Path<(String, String)>,
) -> Response {
    let result = match ids::<ConsentId>(&session, &id, &consent, "consent") {
        Ok((actor, person, consent)) => state.app.withdraw_consent(&ctx, &actor, person, consent).await,
        Err(error) => Err(error),
    };
    one_click(&state, &session, &headers, result, &id).await
}

async fn block_lift(
    State(state): State<AppState>,
    headers: HeaderMap,
    Ctx(ctx): Ctx,
    SignedIn(session): SignedIn,
    Path((id, block)): Path<(String, String)>,
) -> Response {
    let result = match ids::<BlockId>(&session, &id, &block, "block") {
        Ok((actor, person, block)) => state.app.lift_block(&ctx, &actor, person, block).await,
        Err(error) => Err(error),
    };
    one_click(&state, &session, &headers, result, &id).await
}
