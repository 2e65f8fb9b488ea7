DROP TABLE export_runs;
DROP TABLE export_cursors;
DROP TABLE export_channels;
