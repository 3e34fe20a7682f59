-- Decisions (vedtak / beslut, design item 8): a service granted, partly granted or denied on a
-- legal basis from the catalogue (stored by its code), extent, period, review date, grounds, the
-- date of notice; an appeal registered and forwarded. Dates are ISO text (YYYY-MM-DD); instants
-- are microseconds since the epoch.

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    legal_basis TEXT NOT NULL,
    outcome TEXT NOT NULL,
    extent TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    review_on TEXT,
    grounds TEXT NOT NULL,
    notice_on TEXT,
    appeal_received_on TEXT,
    appeal_registered_by TEXT REFERENCES accounts (id),
    appeal_forwarded_on TEXT,
    appeal_forwarded_to TEXT,
    appeal_forwarded_by TEXT REFERENCES accounts (id),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES accounts (id),
    CHECK (outcome IN ('granted', 'partly_granted', 'denied')),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (appeal_received_on IS NULL OR (notice_on IS NOT NULL AND appeal_received_on >= notice_on)),
    CHECK (appeal_forwarded_on IS NULL OR (appeal_received_on IS NOT NULL AND appeal_forwarded_on >= appeal_received_on))
);
CREATE INDEX decisions_person ON decisions (person_id, valid_from);
CREATE INDEX decisions_review ON decisions (organization_id, review_on);
