-- Municipalities (tenants) with their population per year, and regions (inter-municipal
-- collaborations) with member municipalities and a host municipality.

CREATE TABLE municipalities (
    id TEXT PRIMARY KEY,
    country TEXT NOT NULL,
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX municipalities_number ON municipalities (country, number);

CREATE TABLE municipality_populations (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    year BIGINT NOT NULL,
    inhabitants BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, year)
);

CREATE TABLE regions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    host_municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX regions_name ON regions (name);

CREATE TABLE region_members (
    region_id TEXT NOT NULL REFERENCES regions (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (region_id, municipality_id)
);
CREATE INDEX region_members_municipality ON region_members (municipality_id);
