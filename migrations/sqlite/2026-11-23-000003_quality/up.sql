-- Completeness per channel and locale and failed quality rules, computed by the write path.
ALTER TABLE products ADD COLUMN quality TEXT NOT NULL DEFAULT '{}';

-- Background jobs: the row is the truth about progress, heartbeats and outcome.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    detail TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL,
    cursor BIGINT NOT NULL,
    error TEXT,
    worker TEXT,
    heartbeat TIMESTAMP,
    created TIMESTAMP NOT NULL,
    started TIMESTAMP,
    finished TIMESTAMP
);
CREATE INDEX jobs_state ON jobs (state, id);
