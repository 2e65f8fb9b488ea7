-- Suppliers: who sends feeds.
CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contacts TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    updated TIMESTAMP NOT NULL
);

-- Mapping profiles, every saved version kept.
CREATE TABLE import_profiles (
    id INTEGER PRIMARY KEY NOT NULL,
    supplier TEXT NOT NULL,
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    actor TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    UNIQUE (supplier, code, version)
);

-- One row per import run (dry run or commit): file, profile version, counts, actor, times.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY NOT NULL,
    supplier TEXT,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    file_bytes BIGINT NOT NULL,
    profile_code TEXT,
    profile_version BIGINT,
    settings TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    bytes_read BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_created BIGINT NOT NULL,
    rows_updated BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    facts TEXT NOT NULL,
    error TEXT,
    actor TEXT NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    heartbeat_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX imports_supplier ON imports (supplier, id);
CREATE INDEX imports_state ON imports (state);

-- Row outcomes worth showing: rejected rows, and for dry runs the rows that would change.
CREATE TABLE import_rows (
    import_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    sku TEXT NOT NULL,
    status TEXT NOT NULL,
    errors TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- Which supplier's feeds a product came in.
CREATE TABLE supplier_products (
    supplier TEXT NOT NULL,
    sku_key TEXT NOT NULL,
    PRIMARY KEY (supplier, sku_key)
);
-- The search index reads each product's suppliers by SKU.
CREATE INDEX supplier_products_sku ON supplier_products (sku_key);
