-- Persons, their relatives, episodes at services, consents, blocks, emergency access and the
-- care team that the individual plan fills. Dates are ISO text (YYYY-MM-DD, which sorts as
-- dates); instants are microseconds since the epoch.

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    identifier TEXT UNIQUE,
    identifier_kind TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT,
    birth_year BIGINT NOT NULL,
    sex TEXT,
    pseudonym TEXT UNIQUE,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    language TEXT NOT NULL,
    -- lower-case "given|family|birth date", for the duplicate warning and name search
    duplicate_key TEXT,
    search_name TEXT NOT NULL,
    -- a pseudonymous record linked to the identified person it turned out to be
    linked_person_id TEXT REFERENCES persons (id),
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    CHECK (kind IN ('identified', 'pseudonymous'))
);
CREATE INDEX persons_duplicate_key ON persons (duplicate_key);
CREATE INDEX persons_birth_date ON persons (birth_date);

CREATE TABLE relatives (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    birth_date TEXT,
    phone TEXT NOT NULL,
    may_be_contacted BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX relatives_person ON relatives (person_id);

CREATE TABLE episodes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    end_reason TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    ended_by TEXT REFERENCES accounts (id),
    version BIGINT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX episodes_person ON episodes (person_id);
CREATE INDEX episodes_service ON episodes (service_id, end_date);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    categories TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    note TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    given_by TEXT REFERENCES accounts (id),
    withdrawn_at BIGINT,
    withdrawn_by TEXT REFERENCES accounts (id),
    CHECK (valid_to >= valid_from)
);
CREATE INDEX consents_person ON consents (person_id, organization_id);

CREATE TABLE blocks (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    organization_id TEXT REFERENCES organizations (id),
    account_id TEXT REFERENCES accounts (id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    lifted_at BIGINT,
    lifted_by TEXT REFERENCES accounts (id),
    CHECK ((organization_id IS NULL AND account_id IS NOT NULL) OR (organization_id IS NOT NULL AND account_id IS NULL))
);
CREATE INDEX blocks_person ON blocks (person_id);

CREATE TABLE emergency_accesses (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    role TEXT NOT NULL,
    reason TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reviewed_at BIGINT,
    reviewed_by TEXT REFERENCES accounts (id),
    review_note TEXT
);
CREATE INDEX emergency_accesses_person ON emergency_accesses (person_id, account_id);
CREATE INDEX emergency_accesses_review ON emergency_accesses (organization_id, reviewed_at);

-- Filled by the individual plan (ansvarsgruppe); read by the access policy now.
CREATE TABLE care_team_members (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    role_in_team TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT
);
CREATE INDEX care_team_members_person ON care_team_members (person_id, account_id);
