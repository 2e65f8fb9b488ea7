DROP TABLE jobs;
ALTER TABLE products DROP COLUMN quality;
