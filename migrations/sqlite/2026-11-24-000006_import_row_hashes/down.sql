DROP TABLE import_row_hashes;
