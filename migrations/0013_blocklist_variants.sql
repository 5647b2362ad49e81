-- A blocked phrase's spelling variants are rows of their own naming the phrase they spell
-- ('' for a phrase itself); a remix held for a blocked phrase records which one and how
-- it was written (JSON; NULL when nothing held it).

ALTER TABLE blocklist ADD COLUMN variant_of TEXT NOT NULL DEFAULT '';
ALTER TABLE remixes ADD COLUMN held_for TEXT;
