DROP TABLE supplier_products;
DROP TABLE import_rows;
DROP TABLE imports;
DROP TABLE import_profiles;
DROP TABLE suppliers;
