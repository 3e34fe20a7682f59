//! The one place that decides access. Store functions that need authorisation take a
//! [`Grant`], and a `Grant` can only be made here, so no code path can skip the decision.
//!
//! This first version covers administration; access to persons (work need, consent, blocks,
//! emergency access) extends [`Action`] and [`authorize`] with the facts it needs.

use crate::account::Role;
use crate::ids::{AccountId, OrganizationId};

/// Who is asking: an authenticated account acting in one organisation with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    pub organization: OrganizationId,
    pub role: Role,
}

/// Things an actor may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create, disable and change accounts, roles and second factors.
    ManageAccounts,
    /// Create and edit organisations.
    ManageOrganizations,
    /// List and filter the audit log (it names who touched which record).
    ReadAuditLog,
    /// Describe a service in the catalogue provided by this organisation.
    ManageService { provider: OrganizationId },
}

/// Why access was refused; recorded in the audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    RoleLacksAction,
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::RoleLacksAction => "role_lacks_action",
        }
    }
}

/// Proof that the policy allowed `action` for `actor`. Cannot be built outside this module.
#[derive(Debug, Clone)]
pub struct Grant {
    actor: Actor,
    action: Action,
    _sealed: Sealed,
}

#[derive(Debug, Clone)]
struct Sealed;

impl Grant {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn action(&self) -> Action {
        self.action
    }
}

pub fn authorize(actor: &Actor, action: Action) -> Result<Grant, Denial> {
    let allowed = match action {
        Action::ManageAccounts | Action::ManageOrganizations | Action::ReadAuditLog => actor.role == Role::Admin,
        // A service leader describes the services of their own organisation.
        Action::ManageService { provider } => {
            actor.role == Role::Admin || (actor.role == Role::Leader && actor.organization == provider)
        }
    };
    if allowed { Ok(Grant { actor: actor.clone(), action, _sealed: Sealed }) } else { Err(Denial::RoleLacksAction) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor { account: AccountId::generate(), organization: OrganizationId::generate(), role }
    }

    #[test]
    fn only_admins_administer() {
        for action in [Action::ManageAccounts, Action::ManageOrganizations, Action::ReadAuditLog] {
            assert!(authorize(&actor(Role::Admin), action).is_ok());
            for role in [Role::Leader, Role::Caseworker, Role::Analyst] {
                assert_eq!(authorize(&actor(role), action).unwrap_err(), Denial::RoleLacksAction);
            }
        }
    }

    #[test]
    fn leaders_describe_their_own_services_only() {
        let leader = actor(Role::Leader);
        let own = Action::ManageService { provider: leader.organization };
        let other = Action::ManageService { provider: OrganizationId::generate() };
        assert!(authorize(&leader, own).is_ok());
        assert!(authorize(&leader, other).is_err());
        assert!(authorize(&actor(Role::Admin), other).is_ok());
        for role in [Role::Caseworker, Role::Analyst] {
            let someone = actor(role);
            assert!(authorize(&someone, Action::ManageService { provider: someone.organization }).is_err());
        }
    }

    #[test]
    fn grant_remembers_what_it_allows() {
        let admin = actor(Role::Admin);
        let grant = authorize(&admin, Action::ReadAuditLog).unwrap();
        assert_eq!(grant.actor(), &admin);
        assert_eq!(grant.action(), Action::ReadAuditLog);
    }
}
