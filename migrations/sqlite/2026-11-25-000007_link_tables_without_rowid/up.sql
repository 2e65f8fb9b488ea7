-- The tables linking products and models to categories, unique values and import digests are
-- keyed by their primary key alone. As rowid tables they stored each row twice, in the table and
-- in the primary key's index, and every insert changed both B-trees. WITHOUT ROWID keeps the rows
-- in the primary key's B-tree only. Columns, keys and indexes are otherwise unchanged.
-- docs/decisions.md says why; BENCHMARKS.md (session 12) has the measurements.

CREATE TABLE product_categories_rebuilt (
    category_code TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (category_code, product_id)
) WITHOUT ROWID;
INSERT INTO product_categories_rebuilt (category_code, product_id) SELECT category_code, product_id FROM product_categories;
DROP TABLE product_categories;
ALTER TABLE product_categories_rebuilt RENAME TO product_categories;
CREATE INDEX product_categories_product ON product_categories (product_id);

CREATE TABLE model_categories_rebuilt (
    category_code TEXT NOT NULL,
    model_id BIGINT NOT NULL REFERENCES product_models (id) ON DELETE CASCADE,
    PRIMARY KEY (category_code, model_id)
) WITHOUT ROWID;
INSERT INTO model_categories_rebuilt (category_code, model_id) SELECT category_code, model_id FROM model_categories;
DROP TABLE model_categories;
ALTER TABLE model_categories_rebuilt RENAME TO model_categories;
CREATE INDEX model_categories_model ON model_categories (model_id);

CREATE TABLE unique_values_rebuilt (
    attribute_code TEXT NOT NULL,
    value_key TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (attribute_code, value_key)
) WITHOUT ROWID;
INSERT INTO unique_values_rebuilt (attribute_code, value_key, product_id) SELECT attribute_code, value_key, product_id FROM unique_values;
DROP TABLE unique_values;
ALTER TABLE unique_values_rebuilt RENAME TO unique_values;
CREATE INDEX unique_values_product ON unique_values (product_id);

CREATE TABLE import_row_hashes_rebuilt (
    source TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (source, product_id)
) WITHOUT ROWID;
INSERT INTO import_row_hashes_rebuilt (source, product_id, row_hash) SELECT source, product_id, row_hash FROM import_row_hashes;
DROP TABLE import_row_hashes;
ALTER TABLE import_row_hashes_rebuilt RENAME TO import_row_hashes;
CREATE INDEX import_row_hashes_product ON import_row_hashes (product_id);
