-- One schema for SQLite and PostgreSQL: TEXT and BIGINT only, times in Unix milliseconds.

CREATE TABLE templates (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    alt         TEXT NOT NULL,
    hashtags    TEXT NOT NULL,           -- JSON array of strings
    boxes       TEXT NOT NULL,           -- JSON array of text boxes
    photo_hash  TEXT NOT NULL,           -- blake3 hex of the photo file
    photo_key   TEXT NOT NULL,           -- object store key of the photo
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    status      TEXT NOT NULL,           -- published | retired
    bundled     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE remixes (
    id          TEXT PRIMARY KEY,        -- first 16 hex digits of hash
    hash        TEXT NOT NULL UNIQUE,    -- blake3 hex of the image bytes
    template_id TEXT NOT NULL,
    captions    TEXT NOT NULL,           -- JSON array, as the supporter typed them
    style       TEXT NOT NULL,           -- JSON object
    format      TEXT NOT NULL,           -- jpg | png | webp
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    blob_key    TEXT NOT NULL,
    parent_id   TEXT,
    status      TEXT NOT NULL,           -- new | approved | featured | hidden | removed
    reports     BIGINT NOT NULL DEFAULT 0,
    requests    BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);
CREATE INDEX remixes_by_status ON remixes (status, created_at, id);
CREATE INDEX remixes_by_template ON remixes (template_id, created_at);

-- A repeat request finds its remix here without rendering.
CREATE TABLE request_keys (
    key         TEXT PRIMARY KEY,        -- blake3 hex of the canonical request
    remix_id    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Other pictures of a remix: its share card, the same picture in other formats.
CREATE TABLE renditions (
    remix_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,           -- card | jpg | png | webp
    hash        TEXT NOT NULL,
    blob_key    TEXT NOT NULL,
    bytes       BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (remix_id, kind)
);
