//! Organisations: listed for everyone signed in, changed by administrators.

use los_core::audit::{AuditAction, AuditOutcome};
use los_core::error::Validator;
use los_core::ids::OrganizationId;
use los_core::organization::{Country, ORGANIZATION_NAME_MAX, OrganizationKind};
use los_core::policy::{Action, Actor};
use los_core::{Error, account};
use los_store::organizations::{self, Organization};
use los_store::{audit, map_sqlx};

use crate::accounts::Operator;
use crate::{App, RequestContext};

#[derive(Debug, Clone, Default)]
pub struct OrganizationInput {
    pub name: String,
    pub kind: String,
    pub country: String,
}

struct ValidOrganization {
    name: String,
    kind: OrganizationKind,
    country: Country,
}

fn validate(input: &OrganizationInput) -> Result<ValidOrganization, Error> {
    let mut v = Validator::new();
    let name = v.check(account::parse_display_name("name", &input.name, ORGANIZATION_NAME_MAX));
    let kind = v.check(OrganizationKind::parse("kind", &input.kind));
    let country = v.check(Country::parse("country", &input.country));
    v.finish()?;
    match (name, kind, country) {
        (Some(name), Some(kind), Some(country)) => Ok(ValidOrganization { name, kind, country }),
        _ => Err(Error::Internal),
    }
}

impl App {
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, Error> {
        let mut tx = self.store.read().await?;
        organizations::list(&mut tx).await
    }

    pub async fn organization(&self, id: OrganizationId) -> Result<Organization, Error> {
        let mut tx = self.store.read().await?;
        organizations::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "organization" })
    }

    pub async fn create_organization(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        input: &OrganizationInput,
    ) -> Result<Organization, Error> {
        self.authorize(ctx, operator, Action::ManageOrganizations).await?;
        let valid = validate(input)?;
        let now = self.now();
        let id = OrganizationId::generate();
        let mut tx = self.store.write().await?;
        organizations::insert(&mut tx, id, &valid.name, valid.kind, valid.country, now).await?;
        let actor: Option<&Actor> = match operator {
            Operator::Actor(actor) => Some(actor),
            Operator::CommandLine => None,
        };
        let mut event = ctx.event(now, actor, AuditAction::OrganizationCreated, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let created = organizations::by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(created)
    }

    /// Updates an organisation if nobody changed it since `expected_version`.
    pub async fn update_organization(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: OrganizationId,
        expected_version: i64,
        input: &OrganizationInput,
    ) -> Result<Organization, Error> {
        self.grant(ctx, actor, Action::ManageOrganizations).await?;
        let valid = validate(input)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        organizations::update(&mut tx, id, expected_version, &valid.name, valid.kind, valid.country, now).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::OrganizationUpdated, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let updated = organizations::by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(updated)
    }
}
