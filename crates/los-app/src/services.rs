//! The service catalogue: described by administrators and by the leaders of the providing
//! organisation; browsed by everyone signed in as the chain of a municipality or region.

use los_core::audit::{AuditAction, AuditOutcome};
use los_core::error::Validator;
use los_core::ids::{MunicipalityId, OrganizationId, RegionId, ServiceId};
use los_core::policy::Action;
use los_core::service::{self, ServiceFields};
use los_core::{Error, Reason};
use los_store::services::{self as store, Service, ServiceOwner};
use los_store::{audit, map_sqlx, municipalities, organizations};

use crate::accounts::Operator;
use crate::{App, RequestContext};

/// A service as submitted: whose chain (a municipality or a region), the provider, the description.
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    pub municipality: String,
    pub region: String,
    pub provider: String,
    pub fields: ServiceFields,
}

impl App {
    async fn resolve_owner_and_provider(
        &self,
        input: &ServiceInput,
    ) -> Result<(Option<ServiceOwner>, Option<OrganizationId>, Validator), Error> {
        let mut v = Validator::new();
        let mut tx = self.store.read().await?;
        let owner = match (input.municipality.trim(), input.region.trim()) {
            ("", "") => {
                v.add("municipality", Reason::Required);
                None
            }
            (m, "") => match m.parse::<MunicipalityId>() {
                Ok(id) if municipalities::by_id(&mut tx, id).await?.is_some() => Some(ServiceOwner::Municipality(id)),
                _ => {
                    v.add("municipality", Reason::Unknown);
                    None
                }
            },
            ("", r) => match r.parse::<RegionId>() {
                Ok(id) if municipalities::region_by_id(&mut tx, id).await?.is_some() => Some(ServiceOwner::Region(id)),
                _ => {
                    v.add("region", Reason::Unknown);
                    None
                }
            },
            _ => {
                v.add("region", Reason::NotAllowed);
                None
            }
        };
        let provider = match input.provider.trim().parse::<OrganizationId>() {
            Ok(id) if organizations::by_id(&mut tx, id).await?.is_some() => Some(id),
            _ => {
                v.add("provider", if input.provider.trim().is_empty() { Reason::Required } else { Reason::Unknown });
                None
            }
        };
        Ok((owner, provider, v))
    }

    /// Creates a service, or updates one when `existing` names it and its version.
    pub async fn save_service(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        existing: Option<(ServiceId, i64)>,
        input: &ServiceInput,
    ) -> Result<Service, Error> {
        let current = match existing {
            Some((id, _)) => Some(self.service(id).await?),
            None => None,
        };
        let (owner, provider, mut v) = self.resolve_owner_and_provider(input).await?;
        // Leaders may only describe their own organisation's services, before and after the change.
        if let Some(current) = &current {
            self.authorize(ctx, operator, Action::ManageService { provider: current.provider }).await?;
        }
        if let Some(provider) = provider {
            self.authorize(ctx, operator, Action::ManageService { provider }).await?;
        }
        let description = match service::validate(&input.fields, crate::legal_bases::is_known) {
            Ok(description) => Some(description),
            Err(Error::Invalid(fields)) => {
                for field in fields {
                    v.add(field.field, field.reason);
                }
                None
            }
            Err(other) => return Err(other),
        };
        v.finish()?;
        let (Some(owner), Some(provider), Some(description)) = (owner, provider, description) else {
            return Err(Error::Internal);
        };
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (id, action) = match existing {
            None => {
                let id = ServiceId::generate();
                store::insert(&mut tx, id, owner, provider, &description, now).await?;
                (id, AuditAction::ServiceCreated)
            }
            Some((id, version)) => {
                store::update(&mut tx, id, version, owner, provider, &description, now).await?;
                (id, AuditAction::ServiceUpdated)
            }
        };
        let mut event = ctx.event(now, operator.actor(), action, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        let saved = store::by_id(&mut tx, id).await?.ok_or(Error::Internal)?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(saved)
    }

    pub async fn service(&self, id: ServiceId) -> Result<Service, Error> {
        let mut tx = self.store.read().await?;
        store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "service" })
    }

    pub async fn municipality_chain(&self, id: MunicipalityId) -> Result<Vec<Service>, Error> {
        let mut tx = self.store.read().await?;
        store::for_municipality(&mut tx, id).await
    }

    pub async fn region_chain(&self, id: RegionId) -> Result<Vec<Service>, Error> {
        let mut tx = self.store.read().await?;
        store::for_region(&mut tx, id).await
    }
}
