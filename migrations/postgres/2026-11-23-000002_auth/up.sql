-- Accounts: people sign in with a password (Argon2id hash), machines use API tokens (SHA-256 of
-- the secret). Grants narrow a role: locales for translators, channels for channel consumers,
-- the supplier account for suppliers, as a JSON document.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    grants TEXT NOT NULL,
    disabled BOOLEAN NOT NULL,
    created TIMESTAMP NOT NULL,
    updated TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created TIMESTAMP NOT NULL,
    expires TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    grants TEXT NOT NULL,
    expires TIMESTAMP,
    last_used TIMESTAMP,
    created TIMESTAMP NOT NULL,
    revoked TIMESTAMP
);
CREATE INDEX api_tokens_owner ON api_tokens (owner_id);
