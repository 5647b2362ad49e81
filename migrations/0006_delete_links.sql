-- A remix's creator gets a private delete link once: its random token is kept only as
-- its blake3 hash. A remix deleted with it keeps its row (so it answers 410 everywhere and
-- an identical request finds it gone) but no picture: blob_key '' and no captions.

ALTER TABLE remixes ADD COLUMN delete_hash TEXT NOT NULL DEFAULT '';  -- blake3 of the token, hex; '' for none
