-- Nothing changes on PostgreSQL: its tables are heaps beside their primary key's index in any
-- case. The migration exists so that both backends' migrations keep the same names
-- (migrations/sqlite/2026-11-25-000007_link_tables_without_rowid makes SQLite's link tables
-- WITHOUT ROWID).
SELECT 1;
