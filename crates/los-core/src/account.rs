//! Staff accounts: roles, usernames and the password rule.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Reason};

/// What an account may do within one organisation. Partner staff (hospital trust, prison
/// service, NAV, NGO) are caseworkers in their own organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Leader,
    Caseworker,
    Analyst,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Leader, Role::Caseworker, Role::Analyst];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Caseworker => "caseworker",
            Role::Analyst => "analyst",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// Every role must use a second factor; the list exists so that a future role that sees
    /// no personal data could be exempted deliberately, not by accident.
    pub fn requires_second_factor(self) -> bool {
        true
    }
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 64;
pub const DISPLAY_NAME_MAX: usize = 120;
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

/// A login name: lower-case letters, digits and `.`, `-`, `_`, `@`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        let length = value.chars().count();
        if length == 0 {
            return Err(FieldError::new("username", Reason::Required));
        }
        if length < USERNAME_MIN {
            return Err(FieldError::new("username", Reason::TooShort { min: USERNAME_MIN }));
        }
        if length > USERNAME_MAX {
            return Err(FieldError::new("username", Reason::TooLong { max: USERNAME_MAX }));
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '@');
        if !value.chars().all(allowed) {
            return Err(FieldError::new("username", Reason::InvalidCharacters));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name shown to people: trimmed, not empty, no control characters.
pub fn parse_display_name(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, Reason::TooLong { max }));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, Reason::InvalidCharacters));
    }
    Ok(value.to_string())
}

/// NSM and NIST advice: length over composition rules, and refuse the obvious.
pub fn check_password(field: &str, password: &str, username: Option<&Username>) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err(FieldError::new(field, Reason::TooShort { min: PASSWORD_MIN }));
    }
    if length > PASSWORD_MAX {
        return Err(FieldError::new(field, Reason::TooLong { max: PASSWORD_MAX }));
    }
    let lower = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    let contains_username = username.is_some_and(|name| lower.contains(name.as_str()));
    let common = ["password", "passord", "lösenord", "losenord", "123456", "qwerty", "sommer", "vinter"];
    if distinct.len() < 5 || contains_username || common.iter().any(|word| lower.contains(word)) {
        return Err(FieldError::new(field, Reason::PasswordTooWeak));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse("  Kari.Nordmann ").unwrap().as_str(), "kari.nordmann");
        assert_eq!(Username::parse("").unwrap_err().reason, Reason::Required);
        assert_eq!(Username::parse("ab").unwrap_err().reason, Reason::TooShort { min: 3 });
        assert_eq!(Username::parse("kari nordmann").unwrap_err().reason, Reason::InvalidCharacters);
        assert_eq!(Username::parse(&"a".repeat(65)).unwrap_err().reason, Reason::TooLong { max: 64 });
    }

    #[test]
    fn passwords_need_length_and_variety() {
        assert!(check_password("password", "correct horse battery", None).is_ok());
        assert_eq!(check_password("password", "short", None).unwrap_err().reason, Reason::TooShort { min: 12 });
        assert_eq!(check_password("password", "aaaaaaaaaaaaaaaa", None).unwrap_err().reason, Reason::PasswordTooWeak);
        let name = Username::parse("kari").unwrap();
        assert_eq!(
            check_password("password", "kari-is-the-best-1", Some(&name)).unwrap_err().reason,
            Reason::PasswordTooWeak
        );
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn display_names_refuse_control_characters() {
        assert_eq!(parse_display_name("name", " Ada ", 10).unwrap(), "Ada");
        assert_eq!(parse_display_name("name", "a\u{7}b", 10).unwrap_err().reason, Reason::InvalidCharacters);
    }
}
