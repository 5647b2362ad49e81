-- A template's title and alt text in Urdu, for Urdu pages; '' where staff gave none (the
-- pages then show the one title there is).

ALTER TABLE templates ADD COLUMN title_ur TEXT NOT NULL DEFAULT '';
ALTER TABLE templates ADD COLUMN alt_ur TEXT NOT NULL DEFAULT '';
