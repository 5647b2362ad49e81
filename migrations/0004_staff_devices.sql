-- Where each staff member has signed in from: the client address (a /64 for IPv6) and a
-- long-lived cookie, hashed. Sign-ins from these get a lane of password checks of their
-- own, so a flood of wrong passwords from elsewhere cannot keep a staff member out.

CREATE TABLE staff_devices (
    name        TEXT NOT NULL REFERENCES staff (name) ON DELETE CASCADE,
    device      TEXT NOT NULL,           -- client:203.0.113.9 or cookie:<blake3 hex>
    seen_at     BIGINT NOT NULL,         -- Unix milliseconds, the last sign-in
    PRIMARY KEY (name, device)
);
CREATE INDEX staff_devices_by_seen ON staff_devices (seen_at);
