-- The service catalogue: each service belongs to the chain of one municipality or one region and
-- is provided by an organisation. Short lists (phases, legal bases, focus areas) are JSON arrays.

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    provider_organization_id TEXT NOT NULL REFERENCES organizations (id),
    municipality_id TEXT REFERENCES municipalities (id),
    region_id TEXT REFERENCES regions (id),
    category TEXT NOT NULL,
    phases TEXT NOT NULL,
    target_group TEXT NOT NULL,
    goals TEXT NOT NULL,
    legal_bases TEXT NOT NULL,
    capacity BIGINT,
    capacity_unit TEXT,
    opening_hours TEXT NOT NULL,
    focus_areas TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((municipality_id IS NULL AND region_id IS NOT NULL) OR (municipality_id IS NOT NULL AND region_id IS NULL))
);
CREATE INDEX services_municipality ON services (municipality_id);
CREATE INDEX services_region ON services (region_id);
CREATE INDEX services_provider ON services (provider_organization_id);

CREATE TABLE service_years (
    service_id TEXT NOT NULL REFERENCES services (id),
    year BIGINT NOT NULL,
    budget BIGINT,
    fte_hundredths BIGINT,
    PRIMARY KEY (service_id, year)
);
