//! Typed errors shared by every layer. The web edge maps them to problem+json or an HTML page;
//! nothing here carries internal detail that could leak into a response.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a field was refused. Each reason has a stable code; the web layer translates
/// `reason-<code>` with the arguments from [`Reason::args`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    /// A list has fewer entries than it needs.
    TooFew {
        min: usize,
    },
    InvalidCharacters,
    InvalidFormat,
    UnknownValue,
    AlreadyExists,
    WrongCode,
    PasswordTooWeak,
    PasswordMismatch,
    NotAllowed,
    Unknown,
    /// An end date or time before the start.
    EndsBeforeStart,
    /// A period that overlaps another one that may not overlap it.
    Overlaps,
    /// A date after today where only past or present dates make sense.
    InFuture,
    /// Another record looks like the same one; the caller must confirm.
    PossibleDuplicate,
    /// A date after the latest one allowed (a period longer than the law or the rule allows).
    LaterThan {
        latest: jiff::civil::Date,
    },
    /// Two values that must agree do not (a birth date that differs from the one in the number).
    Mismatch,
    /// A person identifier that is not valid, with exactly why.
    Identifier(crate::identifiers::IdentifierError),
    /// A count or amount below zero.
    Negative,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::TooShort { .. } => "too-short",
            Reason::TooLong { .. } => "too-long",
            Reason::TooFew { .. } => "too-few",
            Reason::InvalidCharacters => "invalid-characters",
            Reason::InvalidFormat => "invalid-format",
            Reason::UnknownValue => "unknown-value",
            Reason::AlreadyExists => "already-exists",
            Reason::WrongCode => "wrong-code",
            Reason::PasswordTooWeak => "password-too-weak",
            Reason::PasswordMismatch => "password-mismatch",
            Reason::NotAllowed => "not-allowed",
            Reason::Unknown => "unknown",
            Reason::EndsBeforeStart => "ends-before-start",
            Reason::Overlaps => "overlaps",
            Reason::InFuture => "in-future",
            Reason::PossibleDuplicate => "possible-duplicate",
            Reason::Mismatch => "mismatch",
            Reason::LaterThan { .. } => "later-than",
            Reason::Identifier(error) => error.code(),
            Reason::Negative => "negative",
        }
    }

    /// Named arguments for the translated message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Reason::TooShort { min } => vec![("min", min.to_string())],
            Reason::TooLong { max } => vec![("max", max.to_string())],
            Reason::TooFew { min } => vec![("min", min.to_string())],
            Reason::Identifier(error) => error.args(),
            Reason::LaterThan { latest } => vec![("latest", latest.to_string())],
            _ => Vec::new(),
        }
    }

    /// One value of every variant, so that tests can check each has a translation.
    pub fn every_kind() -> Vec<Reason> {
        vec![
            Reason::Required,
            Reason::TooShort { min: 1 },
            Reason::TooLong { max: 1 },
            Reason::TooFew { min: 1 },
            Reason::InvalidCharacters,
            Reason::InvalidFormat,
            Reason::UnknownValue,
            Reason::AlreadyExists,
            Reason::WrongCode,
            Reason::PasswordTooWeak,
            Reason::PasswordMismatch,
            Reason::NotAllowed,
            Reason::Unknown,
            Reason::EndsBeforeStart,
            Reason::Overlaps,
            Reason::InFuture,
            Reason::PossibleDuplicate,
            Reason::Mismatch,
            Reason::LaterThan { latest: jiff::civil::date(2000, 1, 1) },
            Reason::Negative,
        ]
        .into_iter()
        .chain(
            crate::identifiers::IdentifierError::every_kind()
                .into_iter()
                .filter(|e| !matches!(e, crate::identifiers::IdentifierError::Empty))
                .map(Reason::Identifier),
        )
        .collect()
    }

    /// Plain English, for logs, the CLI and the `detail` of API problems.
    pub fn english(&self) -> String {
        match self {
            Reason::Required => "is required".into(),
            Reason::TooShort { min } => format!("must be at least {min} characters"),
            Reason::TooLong { max } => format!("must be at most {max} characters"),
            Reason::TooFew { min } => format!("must have at least {min} entries"),
            Reason::InvalidCharacters => "contains characters that are not allowed".into(),
            Reason::InvalidFormat => "has the wrong format".into(),
            Reason::UnknownValue => "is not one of the allowed values".into(),
            Reason::AlreadyExists => "is already in use".into(),
            Reason::WrongCode => "is not the right code".into(),
            Reason::PasswordTooWeak => "is too easy to guess".into(),
            Reason::PasswordMismatch => "does not match".into(),
            Reason::NotAllowed => "is not allowed here".into(),
            Reason::Unknown => "refers to something that does not exist".into(),
            Reason::EndsBeforeStart => "ends before it starts".into(),
            Reason::Overlaps => "overlaps another period".into(),
            Reason::InFuture => "lies in the future".into(),
            Reason::PossibleDuplicate => "looks like a record that already exists".into(),
            Reason::Mismatch => "does not agree with the identity number".into(),
            Reason::LaterThan { latest } => format!("must not be later than {latest}"),
            Reason::Identifier(error) => error.english(),
            Reason::Negative => "must not be negative".into(),
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: Reason,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: Reason) -> Self {
        Self { field: field.into(), reason }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.reason.english())
    }
}

/// What can go wrong, at the level a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// Someone else changed the thing first, or a unique value is taken.
    #[error("conflict: {what}")]
    Conflict { what: &'static str },
    #[error("invalid input: {}", list(.0))]
    Invalid(Vec<FieldError>),
    #[error("forbidden")]
    Forbidden,
    /// The caller must authenticate (again).
    #[error("unauthenticated")]
    Unauthenticated,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts, retry after {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// A dependency (the database) is not reachable or not accepting writes.
    #[error("service unavailable")]
    Unavailable,
    /// A bug or an unexpected state; details are logged, never shown.
    #[error("internal error")]
    Internal,
}

fn list(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: Reason) -> Self {
        Error::Invalid(vec![FieldError::new(field, reason)])
    }
}

/// Collects field errors so a form can report all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, reason: Reason) {
        self.errors.push(FieldError::new(field, reason));
    }

    /// Records the error of a field check, keeping its value when it passed.
    pub fn check<T>(&mut self, result: std::result::Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(Error::Invalid(self.errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_lists_distinct_codes() {
        let codes: std::collections::BTreeSet<_> = Reason::every_kind().iter().map(Reason::code).collect();
        assert_eq!(codes.len(), Reason::every_kind().len());
    }

    #[test]
    fn validator_reports_all_fields() {
        let mut v = Validator::new();
        v.add("a", Reason::Required);
        v.add("b", Reason::TooLong { max: 3 });
        let Err(Error::Invalid(list)) = v.finish() else { panic!("expected invalid") };
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].to_string(), "b must be at most 3 characters");
    }
}
