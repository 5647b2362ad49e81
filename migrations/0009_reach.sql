-- Reach: what happens to each remix, counted per hour. Aggregate counters only: no IP
-- address, cookie or user agent is stored. Nodes gather counts in memory and add them here
-- in batches (every few seconds and at shutdown).

CREATE TABLE reach_hourly (
    remix_id    TEXT NOT NULL,
    hour        BIGINT NOT NULL,         -- the hour's start, Unix milliseconds
    metric      TEXT NOT NULL,           -- page_view | picture_view | preview | share:<network> | copy | download | child | ref:<domain>
    count       BIGINT NOT NULL,
    PRIMARY KEY (remix_id, hour, metric)
);
CREATE INDEX reach_by_hour ON reach_hourly (hour, metric);
