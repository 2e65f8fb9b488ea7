-- Channel definitions edited through the API; they override the file of the same code.
CREATE TABLE export_channels (
    code TEXT PRIMARY KEY NOT NULL,
    definition TEXT NOT NULL,
    updated TIMESTAMP NOT NULL
);

-- Each consumer's position in the change log per channel: the next delta starts after it.
CREATE TABLE export_cursors (
    consumer TEXT NOT NULL,
    channel TEXT NOT NULL,
    seq BIGINT NOT NULL,
    updated TIMESTAMP NOT NULL,
    PRIMARY KEY (consumer, channel)
);

-- Export history: one row per run, with its counts and the issues of rejected products.
CREATE TABLE export_runs (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    format TEXT NOT NULL,
    since_seq BIGINT,
    until_seq BIGINT NOT NULL,
    exported BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    issues TEXT NOT NULL,
    actor TEXT NOT NULL,
    destination TEXT NOT NULL,
    error TEXT,
    started TIMESTAMP NOT NULL,
    finished TIMESTAMP NOT NULL
);
CREATE INDEX export_runs_channel ON export_runs (channel, id);
