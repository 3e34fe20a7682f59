//! Reading the audit log: the admin list (itself audited) and chain verification.

use los_core::Error;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::policy::{Action, Actor};
use los_store::audit::{self, AuditFilter, ListedAuditEvent, VerifyError};

use crate::{App, RequestContext};

pub const AUDIT_PAGE_SIZE: i64 = 100;

impl App {
    /// Lists events newest first; the viewing is recorded in the same transaction.
    pub async fn list_audit_events(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<ListedAuditEvent>, Error> {
        let grant = self.grant(ctx, actor, Action::ReadAuditLog).await?;
        let mut read = self.store.audited_read().await?;
        let events = audit::list(read.tx(), &grant, filter, AUDIT_PAGE_SIZE).await?;
        let event = ctx.event(self.now(), Some(actor), AuditAction::AuditViewed, AuditOutcome::Success);
        read.record(event);
        read.finish(&self.store).await?;
        Ok(events)
    }

    /// Verifies the whole chain; the number of intact events or the first broken link.
    pub async fn verify_audit_chain(&self) -> Result<i64, VerifyError> {
        audit::verify(&self.store).await
    }
}
