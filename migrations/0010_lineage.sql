-- A remix's lineage: its "remix this" children, found by their parent.

CREATE INDEX remixes_by_parent ON remixes (parent_id);
