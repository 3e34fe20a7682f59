-- Housing and low-threshold tallies (design items 10 and 11, issue 6). Dates are ISO text
-- (YYYY-MM-DD); instants are microseconds since the epoch.
--
-- A unit (a bed, a flat, a shared house) belongs to a service and has a type and a capacity.
-- A stay is a person in a unit from the day they moved in to the day they moved out (open
-- while they live there); `episode_id` is the episode at the unit's service that the stay
-- opened, ended together with the stay.
--
-- Tallies: the counters a service keeps, and one entry per service, day and person (none: the
-- day's anonymous counts). Entries are never changed: a correction is a new entry, the latest
-- recorded wins and the earlier ones are its history. Triggers refuse UPDATE and DELETE.

CREATE TABLE housing_units (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    name TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES accounts (id),
    CHECK (capacity > 0),
    CHECK (unit_type IN ('night_shelter', 'low_threshold_flat', 'dual_diagnosis_flat',
        'shared_housing_with_staff', 'transitional_flat', 'municipal_flat')),
    UNIQUE (service_id, name)
);

CREATE TABLE stays (
    id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES housing_units (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    from_date TEXT NOT NULL,
    to_date TEXT,
    episode_id TEXT REFERENCES episodes (id),
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    ended_by TEXT REFERENCES accounts (id),
    CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX stays_unit ON stays (unit_id, from_date);
CREATE INDEX stays_person ON stays (person_id, from_date);

CREATE TABLE tally_counters (
    service_id TEXT NOT NULL REFERENCES services (id),
    counter TEXT NOT NULL,
    PRIMARY KEY (service_id, counter)
);

CREATE TABLE tally_entries (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    day TEXT NOT NULL,
    person_id TEXT REFERENCES persons (id),
    note TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT REFERENCES accounts (id)
);
CREATE INDEX tally_entries_day ON tally_entries (service_id, day, recorded_at);

CREATE TABLE tally_counts (
    entry_id TEXT NOT NULL REFERENCES tally_entries (id),
    counter TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (entry_id, counter),
    CHECK (count >= 0)
);

CREATE TRIGGER tally_entries_append_only_update BEFORE UPDATE ON tally_entries
BEGIN
    SELECT RAISE(ABORT, 'tally entries are append-only');
END;

CREATE TRIGGER tally_entries_append_only_delete BEFORE DELETE ON tally_entries
BEGIN
    SELECT RAISE(ABORT, 'tally entries are append-only');
END;

CREATE TRIGGER tally_counts_append_only_update BEFORE UPDATE ON tally_counts
BEGIN
    SELECT RAISE(ABORT, 'tally entries are append-only');
END;

CREATE TRIGGER tally_counts_append_only_delete BEFORE DELETE ON tally_counts
BEGIN
    SELECT RAISE(ABORT, 'tally entries are append-only');
END;
