-- Rate limits shared by every node: hits per key in fixed windows, read as a sliding
-- window (the previous window weighted by how much of it still overlaps).

CREATE TABLE rate_limits (
    key          TEXT NOT NULL,           -- e.g. remix:203.0.113.9
    window_start BIGINT NOT NULL,         -- Unix milliseconds, a multiple of the window
    hits         BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,         -- when the row no longer counts
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_by_expiry ON rate_limits (expires_at);

-- A row each node writes to prove the database takes writes (for /healthz).
CREATE TABLE health (
    node        TEXT PRIMARY KEY,
    at          BIGINT NOT NULL
);
