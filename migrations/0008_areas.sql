-- Where supporters are: the campaign's areas (cities and districts), in English and Urdu,
-- and the area a remix was made from (optional; '' for none).

CREATE TABLE areas (
    id          TEXT PRIMARY KEY,        -- a-z, 0-9 and '-'
    name_en     TEXT NOT NULL,
    name_ur     TEXT NOT NULL,
    retired     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

ALTER TABLE remixes ADD COLUMN area_id TEXT NOT NULL DEFAULT '';
