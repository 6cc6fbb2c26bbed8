-- The record of each meeting: an append-only, hash-chained event log
-- (crates/record). `prev` and `hash` are SHA-256 in hex; `event` is the exact
-- JSON text the hash covers. Participation events go here from now on; the
-- `participation` table keeps what was written before and gets no new rows.
CREATE TABLE record (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    at         INTEGER NOT NULL, -- unix milliseconds
    event      TEXT NOT NULL,
    prev       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (meeting_id, seq)
) STRICT;

-- Append-only through SQL. Someone with the file can drop these; the hash
-- chain is what shows it (`sala-server record verify`).
CREATE TRIGGER record_no_update BEFORE UPDATE ON record
BEGIN
    SELECT RAISE(ABORT, 'the record is append-only');
END;

CREATE TRIGGER record_no_delete BEFORE DELETE ON record
BEGIN
    SELECT RAISE(ABORT, 'the record is append-only');
END;
