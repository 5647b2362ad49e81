-- The campaign's reach rolled up per hour and per day, over everything ('all', key '') and
-- per template, area and constituency, so a year of figures reads thousands of rows, not
-- the millions of reach_hourly. Nodes add to it in the same transaction as to
-- reach_hourly. Metric 'made' counts remixes made (kept here only, not per remix).

CREATE TABLE reach_rollup (
    dim         TEXT NOT NULL,           -- all | template | area | constituency | remix (seen only)
    span        TEXT NOT NULL,           -- hour | day | block (30 UTC days from 1970-01-01)
    at          BIGINT NOT NULL,         -- the span's start, Unix ms
    key         TEXT NOT NULL,           -- '' for all; the template, area or constituency id
    metric      TEXT NOT NULL,           -- as reach_hourly, or 'made'
    count       BIGINT NOT NULL,
    PRIMARY KEY (dim, span, at, key, metric)
);

-- A constituency the remix was made from, within its area ('' for none).
ALTER TABLE remixes ADD COLUMN constituency_id TEXT NOT NULL DEFAULT '';

-- A constituency belongs to a city or district: its parent area ('' for a city or district).
ALTER TABLE areas ADD COLUMN parent_id TEXT NOT NULL DEFAULT '';

-- What was counted before this table existed.
INSERT INTO reach_rollup (dim, span, at, key, metric, count)
SELECT d.dim, s.span, (h.hour / s.ms) * s.ms,
       CASE d.dim WHEN 'template' THEN r.template_id WHEN 'area' THEN r.area_id ELSE '' END,
       h.metric, CAST(SUM(h.count) AS BIGINT)
FROM reach_hourly h
LEFT JOIN remixes r ON r.id = h.remix_id
CROSS JOIN (SELECT 'hour' AS span, CAST(3600000 AS BIGINT) AS ms
            UNION ALL SELECT 'day', CAST(86400000 AS BIGINT)
            UNION ALL SELECT 'block', CAST(2592000000 AS BIGINT)) s
CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'template' UNION ALL SELECT 'area') d
WHERE d.dim = 'all' OR r.id IS NOT NULL
GROUP BY d.dim, s.span, (h.hour / s.ms) * s.ms,
         CASE d.dim WHEN 'template' THEN r.template_id WHEN 'area' THEN r.area_id ELSE '' END,
         h.metric;

INSERT INTO reach_rollup (dim, span, at, key, metric, count)
SELECT d.dim, s.span, (r.created_at / s.ms) * s.ms,
       CASE d.dim WHEN 'template' THEN r.template_id WHEN 'area' THEN r.area_id ELSE '' END,
       'made', COUNT(*)
FROM remixes r
CROSS JOIN (SELECT 'hour' AS span, CAST(3600000 AS BIGINT) AS ms
            UNION ALL SELECT 'day', CAST(86400000 AS BIGINT)
            UNION ALL SELECT 'block', CAST(2592000000 AS BIGINT)) s
CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'template' UNION ALL SELECT 'area') d
GROUP BY d.dim, s.span, (r.created_at / s.ms) * s.ms,
         CASE d.dim WHEN 'template' THEN r.template_id WHEN 'area' THEN r.area_id ELSE '' END;

-- How often each remix was seen, for the most seen of an hour, a day, a week.
INSERT INTO reach_rollup (dim, span, at, key, metric, count)
SELECT 'remix', s.span, (h.hour / s.ms) * s.ms, h.remix_id, 'seen', CAST(SUM(h.count) AS BIGINT)
FROM reach_hourly h
JOIN remixes r ON r.id = h.remix_id
CROSS JOIN (SELECT 'hour' AS span, CAST(3600000 AS BIGINT) AS ms
            UNION ALL SELECT 'day', CAST(86400000 AS BIGINT)
            UNION ALL SELECT 'block', CAST(2592000000 AS BIGINT)) s
WHERE h.metric IN ('page_view', 'picture_view', 'preview')
GROUP BY s.span, (h.hour / s.ms) * s.ms, h.remix_id;

-- The campaign's hours and days with their named sums as columns, for the charts and
-- by_hour: one row a span to read.
CREATE TABLE reach_series (
    span          TEXT NOT NULL,         -- hour | day
    at            BIGINT NOT NULL,       -- the span's start, Unix ms
    made          BIGINT NOT NULL,
    page_views    BIGINT NOT NULL,
    picture_views BIGINT NOT NULL,
    previews      BIGINT NOT NULL,
    shares        BIGINT NOT NULL,
    copies        BIGINT NOT NULL,
    downloads     BIGINT NOT NULL,
    children      BIGINT NOT NULL,
    PRIMARY KEY (span, at)
);

INSERT INTO reach_series (span, at, made, page_views, picture_views, previews, shares, copies,
                          downloads, children)
SELECT span, at,
       CAST(SUM(CASE WHEN metric = 'made' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'page_view' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'picture_view' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'preview' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric LIKE 'share:%' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'copy' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'download' THEN count ELSE 0 END) AS BIGINT),
       CAST(SUM(CASE WHEN metric = 'child' THEN count ELSE 0 END) AS BIGINT)
FROM reach_rollup WHERE dim = 'all' AND span IN ('hour', 'day')
GROUP BY span, at;
