-- What an import last applied to each product, per source (a supplier's code, or '' for imports
-- without one): a digest of the row with everything that shaped its mapping. A row whose digest
-- is stored here is unchanged and is not mapped or written again. Every later write of the
-- product (or of its product models) deletes its digests, so a stored digest always means the
-- product still holds what that row gave it.
CREATE TABLE import_row_hashes (
    source TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    row_hash BYTEA NOT NULL,
    PRIMARY KEY (source, product_id)
);
CREATE INDEX import_row_hashes_product ON import_row_hashes (product_id);
