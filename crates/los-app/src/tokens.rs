//! Personal access tokens: created by the account itself (or the operator), shown once,
//! stored hashed, carrying the rights of one membership, revocable.

use jiff::{SignedDuration, Timestamp};
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::error::Validator;
use los_core::ids::{AccountId, TokenId};
use los_core::policy::Actor;
use los_core::{Error, Reason};
use los_store::tokens::{self, ApiToken};
use los_store::{accounts, audit, map_sqlx};

use crate::secrets::{random_token, sha256_hex};
use crate::{App, RequestContext};

pub const TOKEN_PREFIX: &str = "los_";
pub const TOKEN_NAME_MAX: usize = 80;
pub const TOKEN_MAX_DAYS: i64 = 366;

/// A token just created: the only time its secret exists outside the client.
#[derive(Debug)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

impl App {
    /// Creates a token for `actor`'s current membership.
    pub async fn create_token(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        name: &str,
        valid_days: Option<i64>,
    ) -> Result<CreatedToken, Error> {
        let mut v = Validator::new();
        let name = v.check(los_core::account::parse_display_name("name", name, TOKEN_NAME_MAX));
        if let Some(days) = valid_days
            && !(1..=TOKEN_MAX_DAYS).contains(&days)
        {
            v.add("valid_days", Reason::UnknownValue);
        }
        v.finish()?;
        let name = name.ok_or(Error::Internal)?;
        let now = self.now();
        let expires_at: Option<Timestamp> =
            valid_days.and_then(|days| now.checked_add(SignedDuration::from_hours(24 * days)).ok());
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let token = ApiToken {
            id: TokenId::generate(),
            account_id: actor.account,
            organization_id: actor.organization,
            role: actor.role,
            name,
            created_at: now,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.store.write().await?;
        tokens::insert(&mut tx, &token, &sha256_hex(&secret)).await?;
        let mut event = ctx.event(now, Some(actor), AuditAction::TokenCreated, AuditOutcome::Success);
        event.subject = Some(token.id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(CreatedToken { token, secret })
    }

    /// For `los account token`: a token for the account's first membership.
    pub async fn create_token_for(
        &self,
        ctx: &RequestContext,
        account: AccountId,
        name: &str,
        valid_days: Option<i64>,
    ) -> Result<CreatedToken, Error> {
        let membership = {
            let mut tx = self.store.read().await?;
            let account = accounts::by_id(&mut tx, account).await?.ok_or(Error::NotFound { what: "account" })?;
            if account.is_disabled() {
                return Err(Error::invalid("account", Reason::NotAllowed));
            }
            accounts::memberships(&mut tx, account.id).await?.into_iter().next()
        };
        let membership = membership.ok_or_else(|| Error::invalid("account", Reason::NotAllowed))?;
        let actor = Actor { account, organization: membership.organization_id, role: membership.role };
        self.create_token(ctx, &actor, name, valid_days).await
    }

    pub async fn list_tokens(&self, account: AccountId) -> Result<Vec<ApiToken>, Error> {
        let mut tx = self.store.read().await?;
        tokens::for_account(&mut tx, account).await
    }

    pub async fn revoke_token(&self, ctx: &RequestContext, account: AccountId, id: TokenId) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        if !tokens::revoke(&mut tx, account, id, now).await? {
            return Err(Error::NotFound { what: "token" });
        }
        let mut event = ctx.event(now, None, AuditAction::TokenRevoked, AuditOutcome::Success);
        event.actor_account = Some(account);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }
}
