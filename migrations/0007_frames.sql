-- Frames: official borders supporters put their own photo under. A frame is a template
-- whose photo is a PNG with transparency; its remixes ("framed pictures") cannot be drawn
-- again from their row, since the supporter's photo is never kept.

ALTER TABLE templates ADD COLUMN kind TEXT NOT NULL DEFAULT 'photo';  -- photo | frame
