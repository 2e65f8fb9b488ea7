-- Catalog structure: small, cached in memory; one row per entity, definition as JSON.
CREATE TABLE structure_entities (
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    definition TEXT NOT NULL,
    updated TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, code)
);

-- Bumped in the same transaction as every structure change, so each node knows when to reload.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('structure_version', 0);

CREATE TABLE product_models (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    family_variant TEXT NOT NULL,
    parent_id BIGINT REFERENCES product_models (id),
    axis_key TEXT,
    raw_values TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    updated TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX product_models_axis ON product_models (parent_id, axis_key);
CREATE INDEX product_models_family_variant ON product_models (family_variant);

CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    sku TEXT NOT NULL,
    sku_key TEXT NOT NULL UNIQUE,
    family TEXT,
    parent_id BIGINT REFERENCES product_models (id),
    axis_key TEXT,
    enabled BOOLEAN NOT NULL,
    raw_values TEXT NOT NULL,
    associations TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    updated TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE UNIQUE INDEX products_axis ON products (parent_id, axis_key);
CREATE INDEX products_family ON products (family, id);
CREATE INDEX products_updated ON products (updated, id);

CREATE TABLE product_categories (
    category_code TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (category_code, product_id)
);
CREATE INDEX product_categories_product ON product_categories (product_id);

CREATE TABLE model_categories (
    category_code TEXT NOT NULL,
    model_id BIGINT NOT NULL REFERENCES product_models (id) ON DELETE CASCADE,
    PRIMARY KEY (category_code, model_id)
);
CREATE INDEX model_categories_model ON model_categories (model_id);

-- Values of unique attributes, so uniqueness holds under concurrent writers.
CREATE TABLE unique_values (
    attribute_code TEXT NOT NULL,
    value_key TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (attribute_code, value_key)
);
CREATE INDEX unique_values_product ON unique_values (product_id);

CREATE TABLE assets (
    hash TEXT PRIMARY KEY NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    format TEXT,
    width INTEGER,
    height INTEGER,
    created TIMESTAMP NOT NULL
);

-- The change log: every catalog change, in commit order.
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    code TEXT NOT NULL,
    operation TEXT NOT NULL,
    fields TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX changes_entity_code ON changes (entity, code, seq);
