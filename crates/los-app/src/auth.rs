//! Login with password and second factor, sessions, and API tokens.

use jiff::{SignedDuration, Timestamp};
use los_core::Error;
use los_core::audit::{AuditAction, AuditOutcome};
use los_core::policy::Actor;
use los_store::accounts::{self, Account, Membership};
use los_store::sessions::{self, Session, SessionStage};
use los_store::{Tx, audit, map_sqlx, throttle, tokens};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::secrets::{self, constant_time_eq, sha256_hex};
use crate::{App, RequestContext};

/// A login that got past the password has this long to give its second factor.
const PENDING_LOGIN_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// Failure counters are forgotten after a day without failures.
const THROTTLE_MEMORY: SignedDuration = SignedDuration::from_hours(24);
/// `last_seen_at` is written at most this often, to spare the database a write per request.
const TOUCH_INTERVAL: SignedDuration = SignedDuration::from_secs(30);

/// Where a password login leads. Each variant carries a new session token for the cookie.
#[derive(Debug)]
pub enum LoginStep {
    SecondFactor { session_token: String },
    Enrolment { session_token: String },
    SignedIn { session_token: String },
}

/// An authenticated session as seen by a request.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub token_hash: String,
    pub account: Account,
    pub stage: SessionStage,
    /// The membership the session acts in; `None` before the login is complete or when the
    /// account has no membership.
    pub actor: Option<Actor>,
    pub memberships: Vec<Membership>,
}

fn account_key(username: &str) -> String {
    format!("account:{username}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// The wait imposed after `failures` failures when `free` are allowed: 1 s, 2 s, 4 s, ...
/// doubling up to `max`. It never becomes a permanent lock.
pub fn throttle_wait(failures: i64, free: i64, max: SignedDuration) -> SignedDuration {
    if failures < free {
        return SignedDuration::ZERO;
    }
    let exponent = u32::try_from((failures - free).min(20)).unwrap_or(20);
    SignedDuration::from_secs(1_i64 << exponent).min(max)
}

impl App {
    async fn throttle_retry_after(&self, tx: &mut Tx, keys: &[(String, i64)], now: Timestamp) -> Result<u64, Error> {
        let mut longest = 0_i64;
        for (key, free) in keys {
            if let Some(count) = throttle::get_count(tx, key).await? {
                if count.last_failure_at < now - THROTTLE_MEMORY {
                    continue;
                }
                let wait = throttle_wait(count.failures, *free, self.auth.max_wait);
                let until = count.last_failure_at.saturating_add(wait).unwrap_or(count.last_failure_at);
                longest = longest.max(until.as_second() - now.as_second());
            }
        }
        Ok(u64::try_from(longest).unwrap_or(0))
    }

    fn throttle_keys(&self, username: &str, ctx: &RequestContext) -> Vec<(String, i64)> {
        let mut keys = vec![(account_key(username), self.auth.account_free_failures)];
        if let Some(address) = &ctx.client_address {
            keys.push((address_key(address), self.auth.address_free_failures));
        }
        keys
    }

    /// Refuses early (and audits it) while a wait is imposed.
    async fn check_throttle(
        &self,
        ctx: &RequestContext,
        username: &str,
        account: Option<&Account>,
    ) -> Result<(), Error> {
        let now = self.now();
        let keys = self.throttle_keys(username, ctx);
        let mut tx = self.store.write().await?;
        let retry_after_secs = self.throttle_retry_after(&mut tx, &keys, now).await?;
        if retry_after_secs == 0 {
            return Ok(());
        }
        let mut event = ctx.event(now, None, AuditAction::LoginThrottled, AuditOutcome::Denied);
        event.subject = account.map(|a| a.id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        tracing::warn!(retry_after_secs, "login throttled");
        Err(Error::Throttled { retry_after_secs })
    }

    async fn record_login_failure(
        &self,
        ctx: &RequestContext,
        username: &str,
        account: Option<&Account>,
        action: AuditAction,
        reason: &str,
    ) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        for (key, _) in self.throttle_keys(username, ctx) {
            throttle::record_failure(&mut tx, &key, now, now - THROTTLE_MEMORY).await?;
        }
        let mut event = ctx.event(now, None, action, AuditOutcome::Failure);
        event.subject = account.map(|a| a.id.to_string());
        event.reason = Some(reason.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// Checks a password. Unknown user, wrong password and disabled account look the same
    /// from outside and take the same time.
    pub async fn login_password(
        &self,
        ctx: &RequestContext,
        username: &str,
        password: &str,
    ) -> Result<LoginStep, Error> {
        let username = username.trim().to_lowercase();
        let account = {
            let mut tx = self.store.read().await?;
            accounts::by_username(&mut tx, &username).await?
        };
        self.check_throttle(ctx, &username, account.as_ref()).await?;
        let stored =
            account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| secrets::dummy_password_hash().into());
        let candidate = password.to_string();
        let password_ok = tokio::task::spawn_blocking(move || secrets::verify_password(&candidate, &stored))
            .await
            .map_err(|_| Error::Internal)?;
        let account = match account {
            Some(account) if password_ok && !account.is_disabled() => account,
            other => {
                let reason = match &other {
                    None => "unknown_account",
                    Some(a) if a.is_disabled() && password_ok => "account_disabled",
                    Some(_) => "wrong_password",
                };
                self.record_login_failure(ctx, &username, other.as_ref(), AuditAction::LoginPassword, reason).await?;
                return Err(Error::Unauthenticated);
            }
        };
        let now = self.now();
        let stage = if account.has_second_factor() {
            SessionStage::SecondFactor
        } else if self.auth.demo {
            SessionStage::Active
        } else {
            SessionStage::Enrolment
        };
        let mut tx = self.store.write().await?;
        throttle::clear(&mut tx, &account_key(&username)).await?;
        let session_token = self.start_session(&mut tx, &account, stage, now).await?;
        let mut event = ctx.event(now, None, AuditAction::LoginPassword, AuditOutcome::Success);
        event.actor_account = Some(account.id);
        event.subject = Some(account.id.to_string());
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(match stage {
            SessionStage::SecondFactor => LoginStep::SecondFactor { session_token },
            SessionStage::Enrolment => LoginStep::Enrolment { session_token },
            SessionStage::Active => LoginStep::SignedIn { session_token },
        })
    }

    /// Creates a session with a fresh id; active sessions act in the account's first membership.
    async fn start_session(
        &self,
        tx: &mut Tx,
        account: &Account,
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<String, Error> {
        let token = secrets::random_token();
        let first = if stage == SessionStage::Active {
            accounts::memberships(tx, account.id).await?.into_iter().next()
        } else {
            None
        };
        sessions::insert(
            tx,
            &Session {
                id_hash: sha256_hex(&token),
                account_id: account.id,
                stage,
                organization_id: first.as_ref().map(|m| m.organization_id),
                role: first.as_ref().map(|m| m.role),
                created_at: now,
                last_seen_at: now,
            },
        )
        .await?;
        Ok(token)
    }

    /// Loads a pending (password-only) session, or refuses.
    async fn pending_session(&self, token: &str, expected: SessionStage) -> Result<(Session, Account), Error> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let session = sessions::by_hash(&mut tx, &sha256_hex(token)).await?.ok_or(Error::Unauthenticated)?;
        if session.stage != expected || session.created_at < now - PENDING_LOGIN_LIFETIME {
            return Err(Error::Unauthenticated);
        }
        let account = accounts::by_id(&mut tx, session.account_id).await?.ok_or(Error::Unauthenticated)?;
        if account.is_disabled() {
            return Err(Error::Unauthenticated);
        }
        Ok((session, account))
    }

    /// Replaces a pending session with an active one (a new session id) and audits it.
    async fn complete_login(
        &self,
        tx: &mut Tx,
        ctx: &RequestContext,
        old: &Session,
        account: &Account,
        action: AuditAction,
    ) -> Result<String, Error> {
        let now = self.now();
        sessions::delete(tx, &old.id_hash).await?;
        throttle::clear(tx, &account_key(&account.username)).await?;
        let token = self.start_session(tx, account, SessionStage::Active, now).await?;
        let mut event = ctx.event(now, None, action, AuditOutcome::Success);
        event.actor_account = Some(account.id);
        event.subject = Some(account.id.to_string());
        audit::append(tx, &event).await?;
        Ok(token)
    }

    /// Checks a TOTP code for a login that passed the password step; returns the new session token.
    pub async fn login_second_factor(
        &self,
        ctx: &RequestContext,
        pending_token: &str,
        code: &str,
    ) -> Result<String, Error> {
        let (session, account) = self.pending_session(pending_token, SessionStage::SecondFactor).await?;
        self.check_throttle(ctx, &account.username, Some(&account)).await?;
        let step = account
            .totp_secret
            .as_deref()
            .and_then(|secret| matching_step(secret, &account.username, &self.auth.totp_issuer, code, self.now()));
        let mut tx = self.store.write().await?;
        let fresh = match step {
            Some(step) => accounts::advance_totp_step(&mut tx, account.id, step).await?,
            None => false,
        };
        if !fresh {
            drop(tx);
            let reason = if step.is_some() { "code_reused" } else { "wrong_code" };
            self.record_login_failure(ctx, &account.username, Some(&account), AuditAction::LoginSecondFactor, reason)
                .await?;
            return Err(Error::invalid("code", los_core::Reason::WrongCode));
        }
        let token = self.complete_login(&mut tx, ctx, &session, &account, AuditAction::LoginSecondFactor).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(token)
    }

    /// Uses a single-use recovery code instead of the TOTP code.
    pub async fn login_recovery_code(
        &self,
        ctx: &RequestContext,
        pending_token: &str,
        code: &str,
    ) -> Result<String, Error> {
        let (session, account) = self.pending_session(pending_token, SessionStage::SecondFactor).await?;
        self.check_throttle(ctx, &account.username, Some(&account)).await?;
        let hash = sha256_hex(&secrets::normalize_recovery_code(code));
        let now = self.now();
        let mut tx = self.store.write().await?;
        if !accounts::use_recovery_code(&mut tx, account.id, &hash, now).await? {
            drop(tx);
            self.record_login_failure(
                ctx,
                &account.username,
                Some(&account),
                AuditAction::LoginRecoveryCode,
                "wrong_code",
            )
            .await?;
            return Err(Error::invalid("recovery_code", los_core::Reason::WrongCode));
        }
        let token = self.complete_login(&mut tx, ctx, &session, &account, AuditAction::LoginRecoveryCode).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(token)
    }

    /// A new TOTP secret to show as a QR code. Nothing is stored until it is confirmed.
    pub fn new_enrolment(&self, account: &Account) -> Result<Enrolment, Error> {
        let secret = Secret::Raw(secrets::random_bytes::<20>().to_vec()).to_encoded().to_string();
        Enrolment::for_secret(&secret, &account.username, &self.auth.totp_issuer)
    }

    /// Confirms an enrolment with a code from the app. Returns a new session token and the
    /// recovery codes, which are shown once and stored only hashed.
    pub async fn confirm_enrolment(
        &self,
        ctx: &RequestContext,
        session_token: &str,
        secret: &str,
        code: &str,
    ) -> Result<(String, Vec<String>), Error> {
        let now = self.now();
        let (session, account) = {
            let mut tx = self.store.read().await?;
            let session =
                sessions::by_hash(&mut tx, &sha256_hex(session_token)).await?.ok_or(Error::Unauthenticated)?;
            let account = accounts::by_id(&mut tx, session.account_id).await?.ok_or(Error::Unauthenticated)?;
            (session, account)
        };
        let allowed_stage = match session.stage {
            SessionStage::Enrolment => session.created_at >= now - PENDING_LOGIN_LIFETIME,
            SessionStage::Active => true,
            SessionStage::SecondFactor => false,
        };
        if !allowed_stage || account.is_disabled() {
            return Err(Error::Unauthenticated);
        }
        Enrolment::for_secret(secret, &account.username, &self.auth.totp_issuer)?;
        let Some(step) = matching_step(secret, &account.username, &self.auth.totp_issuer, code, now) else {
            let mut event = ctx.event(now, None, AuditAction::SecondFactorEnrolled, AuditOutcome::Failure);
            event.actor_account = Some(account.id);
            event.subject = Some(account.id.to_string());
            event.reason = Some("wrong_code".into());
            audit::append_alone(&self.store, &event).await?;
            return Err(Error::invalid("code", los_core::Reason::WrongCode));
        };
        let codes = secrets::recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(c)).collect();
        let mut tx = self.store.write().await?;
        accounts::set_second_factor(&mut tx, account.id, Some(secret), Some(step), now).await?;
        accounts::replace_recovery_codes(&mut tx, account.id, &hashes, now).await?;
        let mut event = ctx.event(now, None, AuditAction::SecondFactorEnrolled, AuditOutcome::Success);
        event.actor_account = Some(account.id);
        event.subject = Some(account.id.to_string());
        audit::append(&mut tx, &event).await?;
        // A new session id now that the login is complete (or its strength changed).
        let old_membership = (session.organization_id, session.role);
        sessions::delete(&mut tx, &session.id_hash).await?;
        let token = self.start_session(&mut tx, &account, SessionStage::Active, now).await?;
        if let (Some(organization), Some(role)) = old_membership {
            sessions::set_membership(&mut tx, &sha256_hex(&token), organization, role).await?;
        }
        tx.commit().await.map_err(map_sqlx)?;
        Ok((token, codes))
    }

    /// Looks up the session behind a cookie, enforcing idle and absolute timeouts and
    /// disabled accounts.
    pub async fn authenticate_session(&self, ctx: &RequestContext, token: &str) -> Result<SessionInfo, Error> {
        let now = self.now();
        let token_hash = sha256_hex(token);
        let sessions::SignedIn { session, account, memberships } = {
            let mut tx = self.store.lookup().await?;
            sessions::signed_in(&mut tx, &token_hash).await?.ok_or(Error::Unauthenticated)?
        };
        let idle = session.last_seen_at < now - self.auth.idle_timeout;
        let too_old = session.created_at < now - self.auth.absolute_timeout;
        if idle || too_old || account.is_disabled() {
            let mut tx = self.store.write().await?;
            if sessions::delete(&mut tx, &token_hash).await? {
                let mut event = ctx.event(now, None, AuditAction::SessionExpired, AuditOutcome::Success);
                event.actor_account = Some(account.id);
                event.reason = Some(
                    if idle {
                        "idle"
                    } else if too_old {
                        "absolute"
                    } else {
                        "account_disabled"
                    }
                    .into(),
                );
                audit::append(&mut tx, &event).await?;
            }
            tx.commit().await.map_err(map_sqlx)?;
            return Err(Error::Unauthenticated);
        }
        if now.duration_since(session.last_seen_at) >= TOUCH_INTERVAL {
            let mut tx = self.store.write().await?;
            sessions::touch(&mut tx, &token_hash, now).await?;
            tx.commit().await.map_err(map_sqlx)?;
        }
        let actor = match (session.stage, session.organization_id, session.role) {
            (SessionStage::Active, Some(organization), Some(role))
                if memberships.iter().any(|m| m.organization_id == organization && m.role == role) =>
            {
                Some(Actor { account: account.id, organization, role })
            }
            _ => None,
        };
        Ok(SessionInfo { token_hash, account, stage: session.stage, actor, memberships })
    }

    /// Ends a session on the server.
    pub async fn logout(&self, ctx: &RequestContext, session: &SessionInfo) -> Result<(), Error> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        sessions::delete(&mut tx, &session.token_hash).await?;
        let mut event = ctx.event(now, session.actor.as_ref(), AuditAction::Logout, AuditOutcome::Success);
        event.actor_account = Some(session.account.id);
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// Switches the organisation and role a session acts in; only to a membership the account holds.
    pub async fn switch_membership(
        &self,
        session: &SessionInfo,
        organization: los_core::ids::OrganizationId,
        role: los_core::account::Role,
    ) -> Result<(), Error> {
        if session.stage != SessionStage::Active
            || !session.memberships.iter().any(|m| m.organization_id == organization && m.role == role)
        {
            return Err(Error::invalid("membership", los_core::Reason::NotAllowed));
        }
        let mut tx = self.store.write().await?;
        sessions::set_membership(&mut tx, &session.token_hash, organization, role).await?;
        tx.commit().await.map_err(map_sqlx)?;
        Ok(())
    }

    /// Resolves a bearer token to the actor it acts for.
    pub async fn authenticate_token(&self, ctx: &RequestContext, bearer: &str) -> Result<Actor, Error> {
        let now = self.now();
        let hash = sha256_hex(bearer.trim());
        let mut tx = self.store.read().await?;
        let token = tokens::by_hash(&mut tx, &hash).await?.ok_or(Error::Unauthenticated)?;
        let live = token.revoked_at.is_none() && token.expires_at.is_none_or(|expires| expires > now);
        let account = accounts::by_id(&mut tx, token.account_id).await?.ok_or(Error::Unauthenticated)?;
        let memberships = accounts::memberships(&mut tx, account.id).await?;
        drop(tx);
        let member = memberships.iter().any(|m| m.organization_id == token.organization_id && m.role == token.role);
        if !live || account.is_disabled() || !member {
            return Err(Error::Unauthenticated);
        }
        let actor = Actor { account: account.id, organization: token.organization_id, role: token.role };
        if token.last_used_at.is_none_or(|used| now.duration_since(used) >= TOUCH_INTERVAL) {
            let mut tx = self.store.write().await?;
            tokens::mark_used(&mut tx, token.id, now).await?;
            let mut event = ctx.event(now, Some(&actor), AuditAction::TokenUsed, AuditOutcome::Success);
            event.subject = Some(token.id.to_string());
            audit::append(&mut tx, &event).await?;
            tx.commit().await.map_err(map_sqlx)?;
        }
        Ok(actor)
    }
}

/// A TOTP secret ready to be shown: the text form, the otpauth URL and a QR code as SVG.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

impl Enrolment {
    pub fn for_secret(secret: &str, username: &str, issuer: &str) -> Result<Enrolment, Error> {
        let totp =
            totp(secret, username, issuer).ok_or_else(|| Error::invalid("secret", los_core::Reason::InvalidFormat))?;
        let otpauth_url = totp.get_url();
        let qr = qrcode::QrCode::new(otpauth_url.as_bytes()).map_err(|_| Error::Internal)?;
        let svg = qr
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build();
        // Inline SVG in HTML must not carry an XML declaration.
        let qr_svg = match svg.find("<svg") {
            Some(start) => svg[start..].to_string(),
            None => svg,
        };
        Ok(Enrolment { secret: secret.to_string(), otpauth_url, qr_svg })
    }
}

fn totp(secret: &str, username: &str, issuer: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.trim().to_uppercase()).to_bytes().ok()?;
    let label: String = username.chars().filter(|c| *c != ':').collect();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some(issuer.replace(':', "")), label).ok()
}

/// The RFC 6238 time step whose code matches, allowing one step of clock drift either way.
pub fn matching_step(secret: &str, username: &str, issuer: &str, code: &str, now: Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, username, issuer)?;
    let current = now.as_second().div_euclid(30);
    [current - 1, current, current + 1]
        .into_iter()
        .find(|step| u64::try_from(step * 30).is_ok_and(|time| constant_time_eq(&totp.generate(time), &code)))
}

/// The code an authenticator shows at `at`; for tests and the demo.
pub fn current_code(secret: &str, username: &str, issuer: &str, at: Timestamp) -> Option<String> {
    let time = u64::try_from(at.as_second()).ok()?;
    totp(secret, username, issuer).map(|totp| totp.generate(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_wait_grows_and_is_capped() {
        let max = SignedDuration::from_mins(15);
        assert_eq!(throttle_wait(4, 5, max), SignedDuration::ZERO);
        assert_eq!(throttle_wait(5, 5, max), SignedDuration::from_secs(1));
        assert_eq!(throttle_wait(8, 5, max), SignedDuration::from_secs(8));
        assert_eq!(throttle_wait(1_000, 5, max), max);
    }

    #[test]
    fn rfc6238_reference_vector() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        let at = Timestamp::from_second(59).unwrap();
        assert_eq!(current_code(&secret, "a", "Los", at).unwrap(), "287082");
        assert_eq!(matching_step(&secret, "a", "Los", "287082", at), Some(1));
        assert_eq!(matching_step(&secret, "a", "Los", "287083", at), None);
        assert_eq!(matching_step(&secret, "a", "Los", "abc", at), None);
    }

    #[test]
    fn enrolment_renders_a_qr_code() {
        let secret = Secret::Raw(vec![7; 20]).to_encoded().to_string();
        let enrolment = Enrolment::for_secret(&secret, "kari", "Los").unwrap();
        assert!(enrolment.qr_svg.starts_with("<svg"));
        assert!(enrolment.otpauth_url.starts_with("otpauth://totp/"));
        assert!(Enrolment::for_secret("not base32!", "kari", "Los").is_err());
    }
}
