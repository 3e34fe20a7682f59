//! Audit events and the hash chain that makes tampering visible.
//!
//! Every event is stored with a sequence number, the hash of the event before it and its own
//! hash: `hash = SHA-256(prev_hash ‖ seq ‖ canonical(event))`. Changing, removing or reordering
//! a row breaks the chain at that row, and [`ChainVerifier`] names the first broken link.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::Role;
use crate::ids::{AccountId, OrganizationId, PersonId};

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. Codes are stored, so they never change once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    LoginPassword,
    LoginSecondFactor,
    LoginRecoveryCode,
    LoginThrottled,
    Logout,
    SessionExpired,
    SecondFactorEnrolled,
    SecondFactorReset,
    RecoveryCodesRegenerated,
    PasswordChanged,
    AccountCreated,
    AccountUpdated,
    AccountDisabled,
    AccountEnabled,
    RoleGranted,
    RoleRevoked,
    TokenCreated,
    TokenRevoked,
    TokenUsed,
    OrganizationCreated,
    OrganizationUpdated,
    MunicipalityCreated,
    MunicipalityUpdated,
    RegionCreated,
    RegionUpdated,
    ServiceCreated,
    ServiceUpdated,
    AuditViewed,
    AccessDenied,
    PersonRegistered,
    PersonUpdated,
    PersonViewed,
    PersonsSearched,
    PersonsLinked,
    RelativeAdded,
    RelativeRemoved,
    EpisodeStarted,
    EpisodeEnded,
    ConsentGiven,
    ConsentWithdrawn,
    BlockSet,
    BlockLifted,
    EmergencyAccessOpened,
    EmergencyAccessReviewed,
    AccessLogViewed,
    ReferralSent,
    ReferralStep,
    ReferralContactLogged,
    ReferralsViewed,
    WaitingListViewed,
    WaitingStatisticsViewed,
    WaitingListSettingsChanged,
    DecisionRecorded,
    DecisionUpdated,
    DecisionViewed,
    DecisionsViewed,
    DecisionLetterViewed,
    AppealRegistered,
    AppealForwarded,
    DeadlinesViewed,
    DeadlineRuleCreated,
    DeadlineRuleUpdated,
    CalendarOptionChanged,
    PlanCreated,
    PlanViewed,
    PlanUpdated,
    PlanHistoryViewed,
    PlanPrinted,
    CareTeamMemberAdded,
    CareTeamMemberEnded,
    MeetingScheduled,
    MeetingUpdated,
    MeetingViewed,
    PlansOverviewViewed,
    // Housing, tallies and dashboards (issue 6).
    HousingUnitCreated,
    HousingUnitUpdated,
    StayRecorded,
    StayEnded,
    StaysViewed,
    VacancyViewed,
    TallyCountersChanged,
    TallyRecorded,
    TalliesViewed,
    DashboardViewed,
}

impl AuditAction {
    pub const ALL: [AuditAction; 84] = [
        AuditAction::LoginPassword,
        AuditAction::LoginSecondFactor,
        AuditAction::LoginRecoveryCode,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::SessionExpired,
        AuditAction::SecondFactorEnrolled,
        AuditAction::SecondFactorReset,
        AuditAction::RecoveryCodesRegenerated,
        AuditAction::PasswordChanged,
        AuditAction::AccountCreated,
        AuditAction::AccountUpdated,
        AuditAction::AccountDisabled,
        AuditAction::AccountEnabled,
        AuditAction::RoleGranted,
        AuditAction::RoleRevoked,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::TokenUsed,
        AuditAction::OrganizationCreated,
        AuditAction::OrganizationUpdated,
        AuditAction::MunicipalityCreated,
        AuditAction::MunicipalityUpdated,
        AuditAction::RegionCreated,
        AuditAction::RegionUpdated,
        AuditAction::ServiceCreated,
        AuditAction::ServiceUpdated,
        AuditAction::AuditViewed,
        AuditAction::AccessDenied,
        AuditAction::PersonRegistered,
        AuditAction::PersonUpdated,
        AuditAction::PersonViewed,
        AuditAction::PersonsSearched,
        AuditAction::PersonsLinked,
        AuditAction::RelativeAdded,
        AuditAction::RelativeRemoved,
        AuditAction::EpisodeStarted,
        AuditAction::EpisodeEnded,
        AuditAction::ConsentGiven,
        AuditAction::ConsentWithdrawn,
        AuditAction::BlockSet,
        AuditAction::BlockLifted,
        AuditAction::EmergencyAccessOpened,
        AuditAction::EmergencyAccessReviewed,
        AuditAction::AccessLogViewed,
        AuditAction::ReferralSent,
        AuditAction::ReferralStep,
        AuditAction::ReferralContactLogged,
        AuditAction::ReferralsViewed,
        AuditAction::WaitingListViewed,
        AuditAction::WaitingStatisticsViewed,
        AuditAction::WaitingListSettingsChanged,
        AuditAction::DecisionRecorded,
        AuditAction::DecisionUpdated,
        AuditAction::DecisionViewed,
        AuditAction::DecisionsViewed,
        AuditAction::DecisionLetterViewed,
        AuditAction::AppealRegistered,
        AuditAction::AppealForwarded,
        AuditAction::DeadlinesViewed,
        AuditAction::DeadlineRuleCreated,
        AuditAction::DeadlineRuleUpdated,
        AuditAction::CalendarOptionChanged,
        AuditAction::PlanCreated,
        AuditAction::PlanViewed,
        AuditAction::PlanUpdated,
        AuditAction::PlanHistoryViewed,
        AuditAction::PlanPrinted,
        AuditAction::CareTeamMemberAdded,
        AuditAction::CareTeamMemberEnded,
        AuditAction::MeetingScheduled,
        AuditAction::MeetingUpdated,
        AuditAction::MeetingViewed,
        AuditAction::PlansOverviewViewed,
        // Housing, tallies and dashboards (issue 6).
        AuditAction::HousingUnitCreated,
        AuditAction::HousingUnitUpdated,
        AuditAction::StayRecorded,
        AuditAction::StayEnded,
        AuditAction::StaysViewed,
        AuditAction::VacancyViewed,
        AuditAction::TallyCountersChanged,
        AuditAction::TallyRecorded,
        AuditAction::TalliesViewed,
        AuditAction::DashboardViewed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::LoginPassword => "login_password",
            AuditAction::LoginSecondFactor => "login_second_factor",
            AuditAction::LoginRecoveryCode => "login_recovery_code",
            AuditAction::LoginThrottled => "login_throttled",
            AuditAction::Logout => "logout",
            AuditAction::SessionExpired => "session_expired",
            AuditAction::SecondFactorEnrolled => "second_factor_enrolled",
            AuditAction::SecondFactorReset => "second_factor_reset",
            AuditAction::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::AccountCreated => "account_created",
            AuditAction::AccountUpdated => "account_updated",
            AuditAction::AccountDisabled => "account_disabled",
            AuditAction::AccountEnabled => "account_enabled",
            AuditAction::RoleGranted => "role_granted",
            AuditAction::RoleRevoked => "role_revoked",
            AuditAction::TokenCreated => "token_created",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::TokenUsed => "token_used",
            AuditAction::OrganizationCreated => "organization_created",
            AuditAction::OrganizationUpdated => "organization_updated",
            AuditAction::MunicipalityCreated => "municipality_created",
            AuditAction::MunicipalityUpdated => "municipality_updated",
            AuditAction::RegionCreated => "region_created",
            AuditAction::RegionUpdated => "region_updated",
            AuditAction::ServiceCreated => "service_created",
            AuditAction::ServiceUpdated => "service_updated",
            AuditAction::AuditViewed => "audit_viewed",
            AuditAction::AccessDenied => "access_denied",
            AuditAction::PersonRegistered => "person_registered",
            AuditAction::PersonUpdated => "person_updated",
            AuditAction::PersonViewed => "person_viewed",
            AuditAction::PersonsSearched => "persons_searched",
            AuditAction::PersonsLinked => "persons_linked",
            AuditAction::RelativeAdded => "relative_added",
            AuditAction::RelativeRemoved => "relative_removed",
            AuditAction::EpisodeStarted => "episode_started",
            AuditAction::EpisodeEnded => "episode_ended",
            AuditAction::ConsentGiven => "consent_given",
            AuditAction::ConsentWithdrawn => "consent_withdrawn",
            AuditAction::BlockSet => "block_set",
            AuditAction::BlockLifted => "block_lifted",
            AuditAction::EmergencyAccessOpened => "emergency_access_opened",
            AuditAction::EmergencyAccessReviewed => "emergency_access_reviewed",
            AuditAction::AccessLogViewed => "access_log_viewed",
            AuditAction::ReferralSent => "referral_sent",
            AuditAction::ReferralStep => "referral_step",
            AuditAction::ReferralContactLogged => "referral_contact_logged",
            AuditAction::ReferralsViewed => "referrals_viewed",
            AuditAction::WaitingListViewed => "waiting_list_viewed",
            AuditAction::WaitingStatisticsViewed => "waiting_statistics_viewed",
            AuditAction::WaitingListSettingsChanged => "waiting_list_settings_changed",
            AuditAction::DecisionRecorded => "decision_recorded",
            AuditAction::DecisionUpdated => "decision_updated",
            AuditAction::DecisionViewed => "decision_viewed",
            AuditAction::DecisionsViewed => "decisions_viewed",
            AuditAction::DecisionLetterViewed => "decision_letter_viewed",
            AuditAction::AppealRegistered => "appeal_registered",
            AuditAction::AppealForwarded => "appeal_forwarded",
            AuditAction::DeadlinesViewed => "deadlines_viewed",
            AuditAction::DeadlineRuleCreated => "deadline_rule_created",
            AuditAction::DeadlineRuleUpdated => "deadline_rule_updated",
            AuditAction::CalendarOptionChanged => "calendar_option_changed",
            AuditAction::PlanCreated => "plan_created",
            AuditAction::PlanViewed => "plan_viewed",
            AuditAction::PlanUpdated => "plan_updated",
            AuditAction::PlanHistoryViewed => "plan_history_viewed",
            AuditAction::PlanPrinted => "plan_printed",
            AuditAction::CareTeamMemberAdded => "care_team_member_added",
            AuditAction::CareTeamMemberEnded => "care_team_member_ended",
            AuditAction::MeetingScheduled => "meeting_scheduled",
            AuditAction::MeetingUpdated => "meeting_updated",
            AuditAction::MeetingViewed => "meeting_viewed",
            AuditAction::PlansOverviewViewed => "plans_overview_viewed",
            // Housing, tallies and dashboards (issue 6).
            AuditAction::HousingUnitCreated => "housing_unit_created",
            AuditAction::HousingUnitUpdated => "housing_unit_updated",
            AuditAction::StayRecorded => "stay_recorded",
            AuditAction::StayEnded => "stay_ended",
            AuditAction::StaysViewed => "stays_viewed",
            AuditAction::VacancyViewed => "vacancy_viewed",
            AuditAction::TallyCountersChanged => "tally_counters_changed",
            AuditAction::TallyRecorded => "tally_recorded",
            AuditAction::TalliesViewed => "tallies_viewed",
            AuditAction::DashboardViewed => "dashboard_viewed",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|action| action.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Done or allowed.
    Success,
    /// Attempted and failed (wrong password, wrong code).
    Failure,
    /// Refused by the access policy.
    Denied,
}

impl AuditOutcome {
    pub const ALL: [AuditOutcome; 3] = [AuditOutcome::Success, AuditOutcome::Failure, AuditOutcome::Denied];

    pub fn code(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
            AuditOutcome::Denied => "denied",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditOutcome> {
        AuditOutcome::ALL.into_iter().find(|outcome| outcome.code() == code)
    }
}

/// One audit event before it is stored. Contains identifiers, never names or free text about
/// a person, so the log itself reveals nothing beyond who touched which record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub action: AuditAction,
    pub outcome: AuditOutcome,
    pub actor_account: Option<AccountId>,
    pub actor_organization: Option<OrganizationId>,
    pub actor_role: Option<Role>,
    pub person: Option<PersonId>,
    /// What the action was about besides a person: an account, a token, an organisation.
    pub subject: Option<String>,
    /// The purpose given, or why something was refused.
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

impl AuditEvent {
    pub fn new(at: Timestamp, action: AuditAction, outcome: AuditOutcome) -> Self {
        Self {
            at,
            action,
            outcome,
            actor_account: None,
            actor_organization: None,
            actor_role: None,
            person: None,
            subject: None,
            reason: None,
            request_id: None,
            client_address: None,
        }
    }

    /// The stored form: exactly the column values the hash covers.
    pub fn to_record(&self) -> AuditRecord {
        AuditRecord {
            at_micros: self.at.as_microsecond(),
            action: self.action.code().to_string(),
            outcome: self.outcome.code().to_string(),
            actor_account: self.actor_account.map(|id| id.to_string()),
            actor_organization: self.actor_organization.map(|id| id.to_string()),
            actor_role: self.actor_role.map(|role| role.code().to_string()),
            person: self.person.map(|id| id.to_string()),
            subject: self.subject.clone(),
            reason: self.reason.clone(),
            request_id: self.request_id.clone(),
            client_address: self.client_address.clone(),
        }
    }
}

/// Column values of one audit row, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub at_micros: i64,
    pub action: String,
    pub outcome: String,
    pub actor_account: Option<String>,
    pub actor_organization: Option<String>,
    pub actor_role: Option<String>,
    pub person: Option<String>,
    pub subject: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

impl AuditRecord {
    /// Unambiguous bytes: each field is length-prefixed, and absent differs from empty.
    fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(&self.at_micros.to_be_bytes());
        for field in [
            Some(self.action.as_str()),
            Some(self.outcome.as_str()),
            self.actor_account.as_deref(),
            self.actor_organization.as_deref(),
            self.actor_role.as_deref(),
            self.person.as_deref(),
            self.subject.as_deref(),
            self.reason.as_deref(),
            self.request_id.as_deref(),
            self.client_address.as_deref(),
        ] {
            match field {
                None => out.push(0),
                Some(value) => {
                    out.push(1);
                    out.extend_from_slice(&(value.len() as u64).to_be_bytes());
                    out.extend_from_slice(value.as_bytes());
                }
            }
        }
        out
    }
}

/// The hash of the event with sequence number `seq` following `prev_hash`.
pub fn chain_hash(prev_hash: &str, seq: i64, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(seq.to_be_bytes());
    hasher.update(record.canonical_bytes());
    hex::encode(hasher.finalize())
}

/// One stored row as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredAuditRow {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub record: AuditRecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// A sequence number is missing or out of order: a row was removed or reordered.
    Gap { expected: i64 },
    /// The row does not point at the hash of the row before it.
    PrevHashMismatch,
    /// The row's content no longer matches its hash: it was changed.
    HashMismatch,
    /// Rows after the last recorded head were removed.
    Truncated { head_seq: i64 },
    /// Rows exist beyond the recorded head: appended behind the application's back.
    BeyondHead { head_seq: i64 },
    /// The last row does not carry the hash the head recorded: it was rewritten with a
    /// recomputed hash.
    HeadMismatch,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at sequence number {seq}: {kind:?}")]
pub struct BrokenLink {
    pub seq: i64,
    pub kind: BreakKind,
}

/// Walks rows in sequence order and stops at the first broken link.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { next_seq: 1, last_hash: GENESIS_HASH.to_string() }
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(&mut self, row: &StoredAuditRow) -> Result<(), BrokenLink> {
        if row.seq != self.next_seq {
            return Err(BrokenLink { seq: self.next_seq, kind: BreakKind::Gap { expected: self.next_seq } });
        }
        if row.prev_hash != self.last_hash {
            return Err(BrokenLink { seq: row.seq, kind: BreakKind::PrevHashMismatch });
        }
        if chain_hash(&row.prev_hash, row.seq, &row.record) != row.hash {
            return Err(BrokenLink { seq: row.seq, kind: BreakKind::HashMismatch });
        }
        self.next_seq += 1;
        self.last_hash = row.hash.clone();
        Ok(())
    }

    /// Compares the end of the walk with the head the store keeps, which catches removed tails.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, BrokenLink> {
        let verified = self.next_seq - 1;
        if verified < head_seq {
            return Err(BrokenLink { seq: verified + 1, kind: BreakKind::Truncated { head_seq } });
        }
        if verified > head_seq {
            return Err(BrokenLink { seq: head_seq + 1, kind: BreakKind::BeyondHead { head_seq } });
        }
        if self.last_hash != head_hash {
            return Err(BrokenLink { seq: verified, kind: BreakKind::HeadMismatch });
        }
        Ok(verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> AuditRecord {
        let at = Timestamp::from_second(1_700_000_000 + n).unwrap();
        let mut event = AuditEvent::new(at, AuditAction::LoginPassword, AuditOutcome::Success);
        event.subject = Some(format!("account-{n}"));
        event.to_record()
    }

    fn chain(n: i64) -> Vec<StoredAuditRow> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let record = event(seq);
                let hash = chain_hash(&prev, seq, &record);
                let row = StoredAuditRow { seq, prev_hash: prev.clone(), hash: hash.clone(), record };
                prev = hash;
                row
            })
            .collect()
    }

    fn verify(rows: &[StoredAuditRow], head: (i64, &str)) -> Result<i64, BrokenLink> {
        let mut verifier = ChainVerifier::new();
        for row in rows {
            verifier.check(row)?;
        }
        verifier.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        let head = rows[4].hash.clone();
        assert_eq!(verify(&rows, (5, &head)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn changed_row_is_named() {
        let mut rows = chain(5);
        let head = rows[4].hash.clone();
        rows[2].record.subject = Some("someone-else".into());
        assert_eq!(verify(&rows, (5, &head)).unwrap_err(), BrokenLink { seq: 3, kind: BreakKind::HashMismatch });
    }

    #[test]
    fn removed_row_is_named() {
        let mut rows = chain(5);
        let head = rows[4].hash.clone();
        rows.remove(1);
        assert_eq!(verify(&rows, (5, &head)).unwrap_err().seq, 2);
    }

    #[test]
    fn reordered_rows_are_named() {
        let mut rows = chain(5);
        let head = rows[4].hash.clone();
        let (a, b) = (rows[1].record.clone(), rows[2].record.clone());
        rows[1].record = b;
        rows[2].record = a;
        assert_eq!(verify(&rows, (5, &head)).unwrap_err().seq, 2);
    }

    #[test]
    fn removed_tail_is_named() {
        let rows = chain(5);
        let head = rows[4].hash.clone();
        assert_eq!(
            verify(&rows[..3], (5, &head)).unwrap_err(),
            BrokenLink { seq: 4, kind: BreakKind::Truncated { head_seq: 5 } }
        );
    }

    #[test]
    fn rows_beyond_the_head_are_named() {
        let rows = chain(5);
        let head = rows[2].hash.clone();
        assert_eq!(
            verify(&rows, (3, &head)).unwrap_err(),
            BrokenLink { seq: 4, kind: BreakKind::BeyondHead { head_seq: 3 } }
        );
    }

    #[test]
    fn rewritten_last_row_is_named() {
        let mut rows = chain(5);
        let head = rows[4].hash.clone();
        rows[4].record.subject = Some("forged".into());
        rows[4].hash = chain_hash(&rows[4].prev_hash, 5, &rows[4].record);
        assert_eq!(verify(&rows, (5, &head)).unwrap_err(), BrokenLink { seq: 5, kind: BreakKind::HeadMismatch });
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let mut a = event(1);
        let mut b = event(1);
        a.reason = None;
        b.reason = Some(String::new());
        assert_ne!(chain_hash(GENESIS_HASH, 1, &a), chain_hash(GENESIS_HASH, 1, &b));
    }

    #[test]
    fn action_codes_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
        }
    }
}
