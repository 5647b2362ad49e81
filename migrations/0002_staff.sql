-- Staff accounts, their sessions and API tokens, the audit log, the caption blocklist,
-- supporters' reports. Secrets are stored only as hashes.

CREATE TABLE staff (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,         -- blake3 hex of the cookie value
    staff       TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,         -- short public id, to name it when revoking
    token_hash  TEXT NOT NULL UNIQUE,     -- blake3 hex of the token
    staff       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,         -- time-ordered: zero-padded millis + random
    at          BIGINT NOT NULL,
    staff       TEXT NOT NULL,
    action      TEXT NOT NULL,
    item        TEXT NOT NULL,
    detail      TEXT NOT NULL
);

CREATE TABLE blocklist (
    phrase      TEXT PRIMARY KEY,         -- lowercased, NFC
    staff       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE reports (
    remix_id    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX reports_by_remix ON reports (remix_id);
CREATE INDEX remixes_by_reports ON remixes (reports, created_at);
