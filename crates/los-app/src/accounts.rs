//! Account administration: create, disable, enable, reset the second factor, roles; and the
//! account's own changes (password, language, recovery codes).

use los_core::account::{self, DISPLAY_NAME_MAX, Role, Username};
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::error::Validator;
use los_core::ids::{AccountId, OrganizationId};
use los_core::locale::Locale;
use los_core::policy::{self, Action, Actor};
use los_core::{Error, Reason};
use los_store::accounts::{self as store, Account, Membership};
use los_store::{audit, map_sqlx, organizations};

use crate::secrets::{self, sha256_hex};
use crate::{App, RequestContext};

/// What an administrator (or the `los account create` command) supplies for a new account.
#[derive(Debug, Clone, Default)]
pub struct NewAccountInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub locale: Option<String>,
    pub organization: String,
    pub role: String,
}

/// An account with its memberships, for the admin list.
#[derive(Debug, Clone)]
pub struct AccountOverview {
    pub account: Account,
    pub memberships: Vec<Membership>,
}

/// Who is asking for an administrative change: a signed-in administrator, or the operator at
/// the command line (who already holds the database).
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    Actor(&'a Actor),
    CommandLine,
}

impl<'a> Operator<'a> {
    pub(crate) fn actor(self) -> Option<&'a Actor> {
        match self {
            Operator::Actor(actor) => Some(actor),
            Operator::CommandLine => None,
        }
    }
}

impl App {
    /// Asks the policy; a refusal is audited before it is returned.
    pub(crate) async fn authorize(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        action: Action,
    ) -> Result<(), Error> {
        let Operator::Actor(actor) = operator else { return Ok(()) };
        match policy::authorize(actor, action) {
            Ok(_) => Ok(()),
            Err(denial) => {
                let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
                event.reason = Some(format!("{action:?}: {}", denial.code()));
                audit::append_alone(&self.store, &event).await?;
                Err(Error::Forbidden)
            }
        }
    }

    pub(crate) async fn grant(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        action: Action,
    ) -> Result<policy::Grant, Error> {
        match policy::authorize(actor, action) {
            Ok(grant) => Ok(grant),
            Err(denial) => {
                let mut event = ctx.event(self.now(), Some(actor), AuditAction::AccessDenied, AuditOutcome::Denied);
                event.reason = Some(format!("{action:?}: {}", denial.code()));
                audit::append_alone(&self.store, &event).await?;
                Err(Error::Forbidden)
            }
        }
    }

    pub async fn create_account(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        input: &NewAccountInput,
    ) -> Result<AccountId, Error> {
        self.authorize(ctx, operator, Action::ManageAccounts).await?;
        let mut v = Validator::new();
        let username = v.check(Username::parse(&input.username));
        let display_name = v.check(account::parse_display_name("display_name", &input.display_name, DISPLAY_NAME_MAX));
        v.check(account::check_password("password", &input.password, username.as_ref()));
        let locale = match input.locale.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(Locale::default()),
            Some(tag) => {
                let locale = Locale::from_tag(tag);
                if locale.is_none() {
                    v.add("locale", Reason::UnknownValue);
                }
                locale
            }
        };
        let role = Role::from_code(input.role.trim());
        if role.is_none() {
            v.add("role", if input.role.trim().is_empty() { Reason::Required } else { Reason::UnknownValue });
        }
        let organization_id = input.organization.trim().parse::<OrganizationId>().ok();
        let organization = match organization_id {
            Some(id) => {
                let mut tx = self.store.read().await?;
                organizations::by_id(&mut tx, id).await?
            }
            None => None,
        };
        if organization.is_none() {
            v.add(
                "organization",
                if input.organization.trim().is_empty() { Reason::Required } else { Reason::Unknown },
            );
        }
        v.finish()?;
        let (Some(username), Some(display_name), Some(locale), Some(role), Some(organization)) =
            (username, display_name, locale, role, organization)
        else {
            return Err(Error::Internal);
        };
        let password = input.password.clone();
        let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
            .await
            .map_err(|_| Error::Internal)??;
        let now = self.now();
        let id = AccountId::generate();
        let mut tx = self.store.write().await?;
        store::insert(
            &mut tx,
            &store::NewAccount {
                id,
                username: &username,
                display_name: &display_name,
                password_hash: &hash,
                locale,
                at: now,
            },
        )
        .await?;
        store::grant_role(&mut tx, id, organization.id, role, now).await?;
        let mut created = ctx.event(now, operator.actor(), AuditAction::AccountCreated, AuditOutcome::Success);
        created.subject = Some(id.to_string());
        created.reason = operator.actor().is_none().then(|| "command_line".to_string());
        audit::append(&mut tx, &created).await?;
        let mut granted = ctx.event(now, operator.actor(), AuditAction::RoleGranted, AuditOutcome::Success);
        granted.subject = Some(format!("{id} {} {}", organization.id, role.code()));
        audit::append(&mut tx, &granted).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(id)
    }

    pub async fn find_account(&self, username: &str) -> Result<Account, Error> {
        let mut tx = self.store.read().await?;
        store::by_username(&mut tx, &username.trim().to_lowercase()).await?.ok_or(Error::NotFound { what: "account" })
    }

    pub async fn account_by_id(&self, id: AccountId) -> Result<Account, Error> {
        let mut tx = self.store.read().await?;
        store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "account" })
    }

    pub async fn list_accounts(&self, ctx: &RequestContext, actor: &Actor) -> Result<Vec<AccountOverview>, Error> {
        self.grant(ctx, actor, Action::ManageAccounts).await?;
        let mut tx = self.store.read().await?;
        let mut list = Vec::new();
        for account in store::list(&mut tx).await? {
            let memberships = store::memberships(&mut tx, account.id).await?;
            list.push(AccountOverview { account, memberships });
        }
        Ok(list)
    }

    pub async fn account_overview(
        &self,
        ctx: &RequestContext,
        actor: &Actor,
        id: AccountId,
    ) -> Result<AccountOverview, Error> {
        self.grant(ctx, actor, Action::ManageAccounts).await?;
        let mut tx = self.store.read().await?;
        let account = store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "account" })?;
        let memberships = store::memberships(&mut tx, id).await?;
        Ok(AccountOverview { account, memberships })
    }

    /// Disables (or re-enables) an account. Disabling ends its sessions at once.
    pub async fn set_account_disabled(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        id: AccountId,
        disabled: bool,
    ) -> Result<(), Error> {
        self.authorize(ctx, operator, Action::ManageAccounts).await?;
        if disabled && operator.actor().is_some_and(|actor| actor.account == id) {
            return Err(Error::invalid("account", Reason::NotAllowed));
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        let account = store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "account" })?;
        if account.is_disabled() == disabled {
            return Ok(());
        }
        store::set_disabled(&mut tx, id, disabled.then_some(now), now).await?;
        let action = if disabled { AuditAction::AccountDisabled } else { AuditAction::AccountEnabled };
        let mut event = ctx.event(now, operator.actor(), action, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// Removes the second factor so the account must enrol again at next login. Also ends its sessions.
    pub async fn reset_second_factor(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        id: AccountId,
    ) -> Result<(), Error> {
        self.authorize(ctx, operator, Action::ManageAccounts).await?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "account" })?;
        store::set_second_factor(&mut tx, id, None, None, now).await?;
        los_store::sessions::delete_for_account(&mut tx, id).await?;
        let mut event = ctx.event(now, operator.actor(), AuditAction::SecondFactorReset, AuditOutcome::Success);
        event.subject = Some(id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    pub async fn change_role(
        &self,
        ctx: &RequestContext,
        operator: Operator<'_>,
        id: AccountId,
        organization: &str,
        role: &str,
        grant: bool,
    ) -> Result<(), Error> {
        self.authorize(ctx, operator, Action::ManageAccounts).await?;
        let mut v = Validator::new();
        let role = Role::from_code(role.trim());
        if role.is_none() {
            v.add("role", Reason::UnknownValue);
        }
        let organization_id = organization.trim().parse::<OrganizationId>().ok();
        let now = self.now();
        let mut tx = self.store.write().await?;
        let organization = match organization_id {
            Some(id) => organizations::by_id(&mut tx, id).await?,
            None => None,
        };
        if organization.is_none() {
            v.add("organization", Reason::Unknown);
        }
        v.finish()?;
        let (Some(role), Some(organization)) = (role, organization) else { return Err(Error::Internal) };
        store::by_id(&mut tx, id).await?.ok_or(Error::NotFound { what: "account" })?;
        let changed = if grant {
            store::grant_role(&mut tx, id, organization.id, role, now).await?
        } else {
            store::revoke_role(&mut tx, id, organization.id, role, now).await?
        };
        if changed {
            let action = if grant { AuditAction::RoleGranted } else { AuditAction::RoleRevoked };
            let mut event = ctx.event(now, operator.actor(), action, AuditOutcome::Success);
            event.subject = Some(format!("{id} {} {}", organization.id, role.code()));
            audit::append(&mut tx, &event).await?;
        }
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// The account's own password change; needs the current password.
    pub async fn change_password(
        &self,
        ctx: &RequestContext,
        account: &Account,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), Error> {
        let mut v = Validator::new();
        let username = Username::parse(&account.username).ok();
        v.check(account::check_password("new_password", new, username.as_ref()));
        if new != confirm {
            v.add("confirm_password", Reason::PasswordMismatch);
        }
        let stored = account.password_hash.clone();
        let candidate = current.to_string();
        let current_ok = tokio::task::spawn_blocking(move || secrets::verify_password(&candidate, &stored))
            .await
            .map_err(|_| Error::Internal)?;
        if !current_ok {
            v.add("current_password", Reason::WrongCode);
        }
        v.finish()?;
        let password = new.to_string();
        let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
            .await
            .map_err(|_| Error::Internal)??;
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::set_password_hash(&mut tx, account.id, &hash, now).await?;
        let mut event = ctx.event(now, None, AuditAction::PasswordChanged, AuditOutcome::Success);
        event.actor_account = Some(account.id);
        event.subject = Some(account.id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    pub async fn set_account_locale(&self, account: AccountId, locale: Locale) -> Result<(), Error> {
        let mut tx = self.store.write().await?;
        store::set_locale(&mut tx, account, locale, self.now()).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// New recovery codes, replacing the old ones; shown once.
    pub async fn regenerate_recovery_codes(
        &self,
        ctx: &RequestContext,
        account: &Account,
    ) -> Result<Vec<String>, Error> {
        if !account.has_second_factor() {
            return Err(Error::invalid("second_factor", Reason::Required));
        }
        let codes = secrets::recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(c)).collect();
        let now = self.now();
        let mut tx = self.store.write().await?;
        store::replace_recovery_codes(&mut tx, account.id, &hashes, now).await?;
        let mut event = ctx.event(now, None, AuditAction::RecoveryCodesRegenerated, AuditOutcome::Success);
        event.actor_account = Some(account.id);
        event.subject = Some(account.id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(codes)
    }

    pub async fn unused_recovery_codes(&self, account: AccountId) -> Result<i64, Error> {
        let mut tx = self.store.read().await?;
        store::unused_recovery_codes(&mut tx, account).await
    }
}
