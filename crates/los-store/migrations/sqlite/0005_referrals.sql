-- Referrals (design item 7): timed steps from sent to started, declined or withdrawn; every
-- step with who and when; follow-up contacts while waiting; the waiting-list settings of a
-- service. Dates are ISO text (YYYY-MM-DD); instants are microseconds since the epoch.

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    from_organization_id TEXT NOT NULL REFERENCES organizations (id),
    from_service_id TEXT REFERENCES services (id),
    to_service_id TEXT NOT NULL REFERENCES services (id),
    reason TEXT NOT NULL,
    priority TEXT NOT NULL,
    youth_guarantee BIGINT NOT NULL,
    status TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    received_on TEXT,
    assessed_on TEXT,
    right_to_care BIGINT NOT NULL,
    start_deadline TEXT,
    decline_reason TEXT,
    offered_date TEXT,
    started_on TEXT,
    withdrawn_on TEXT,
    withdraw_reason TEXT,
    episode_id TEXT REFERENCES episodes (id),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    CHECK (status IN ('sent', 'received', 'accepted', 'declined', 'offered', 'started', 'withdrawn')),
    CHECK (priority IN ('urgent', 'high', 'normal')),
    CHECK (received_on IS NULL OR received_on >= sent_on),
    CHECK (started_on IS NULL OR received_on IS NOT NULL)
);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE INDEX referrals_to_service ON referrals (to_service_id, status);
CREATE INDEX referrals_from_organization ON referrals (from_organization_id, status);

CREATE TABLE referral_steps (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    status TEXT NOT NULL,
    step_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    organization_id TEXT REFERENCES organizations (id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX referral_steps_referral ON referral_steps (referral_id, recorded_at);

CREATE TABLE referral_contacts (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    contact_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    recorded_at BIGINT NOT NULL,
    CHECK (kind IN ('phone', 'meeting', 'letter', 'other'))
);
CREATE INDEX referral_contacts_referral ON referral_contacts (referral_id, contact_on);

CREATE TABLE waiting_list_settings (
    service_id TEXT PRIMARY KEY REFERENCES services (id),
    follow_up_days BIGINT NOT NULL DEFAULT 14,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES accounts (id),
    CHECK (follow_up_days > 0)
);
