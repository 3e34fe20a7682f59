-- The individual plan (IP / SIP), its versions, transitions and care-team meetings.
-- The plan's body (contents, goals, measures) is one JSON document saved as a whole: every
-- change is a new version with a snapshot (plan_versions), and the columns beside it are what
-- the start page, reminders and coverage look plans up by.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE REFERENCES persons (id),
    kind TEXT NOT NULL,
    coordinator_account_id TEXT NOT NULL REFERENCES accounts (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    phase TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    next_revision TEXT NOT NULL,
    consent_given_on TEXT,
    consent_to_sharing BIGINT NOT NULL,
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES accounts (id)
);
CREATE INDEX plans_coordinator ON plans (coordinator_account_id);
CREATE INDEX plans_revision ON plans (next_revision);

CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    version BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    changed_by TEXT REFERENCES accounts (id),
    snapshot TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- Planned transitions (release from prison, discharge from an institution); the checklist is
-- JSON, open_items counts what is not done so overdue transitions can be found by date.
CREATE TABLE plan_transitions (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    due_on TEXT NOT NULL,
    institution TEXT NOT NULL,
    first_contact_on TEXT,
    checklist TEXT NOT NULL,
    open_items BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX plan_transitions_plan ON plan_transitions (plan_id);
CREATE INDEX plan_transitions_due ON plan_transitions (due_on, open_items);

-- Responsibility-group meetings. Times are UTC microseconds; invited is a JSON list of the
-- care-team members at the time of invitation.
CREATE TABLE plan_meetings (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    place TEXT NOT NULL,
    agenda TEXT NOT NULL,
    minutes TEXT NOT NULL,
    status TEXT NOT NULL,
    invited TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    updated_at BIGINT NOT NULL
);
CREATE INDEX plan_meetings_plan ON plan_meetings (plan_id, starts_at);
CREATE INDEX plan_meetings_starts ON plan_meetings (starts_at);

CREATE INDEX care_team_members_account ON care_team_members (account_id, to_date);
