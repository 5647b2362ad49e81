-- Bundled templates remember which version of their folder they were recorded from, and
-- whether staff edited them since: a restart applies the folder only when the folder
-- changed, so staff edits survive restarts on every node.

ALTER TABLE templates ADD COLUMN source_hash TEXT NOT NULL DEFAULT '';  -- blake3 of the folder's spec and photo; '' for uploads
ALTER TABLE templates ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0;   -- last staff edit, Unix ms; 0 if never
