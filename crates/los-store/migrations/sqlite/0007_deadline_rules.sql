-- Local deadline rules made by administrators. A row with the code of a seeded local rule
-- (local.…) overrides it; statutory and guideline rules are never stored here. The rule is the
-- JSON of los_core::deadline::DeadlineRule. Kept identical to the PostgreSQL migration.

CREATE TABLE local_deadline_rules (
    code TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES accounts (id),
    version BIGINT NOT NULL
);

-- Treat the days customarily off in Norway (Christmas Eve, New Year's Eve) as non-working in the
-- deadline calendar: a local option, off by default.
INSERT INTO settings (key, value) VALUES ('calendar.no.customary_days_off', 'false');
