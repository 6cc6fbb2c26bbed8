-- What a room started again needs of the one before (room/machine/restart.rs):
-- which numbered message of which participant each record entry came of
-- (not hashed: the record's text is unchanged), and the session tokens
-- handed out (their SHA-256, never the token), so that someone dropped by a
-- restart comes back as themselves and a message they send again is
-- recognised.
ALTER TABLE record ADD COLUMN cause_peer INTEGER;
ALTER TABLE record ADD COLUMN cause_seq INTEGER;

CREATE TABLE sessions (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    session     TEXT NOT NULL,
    peer        INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, session)
) STRICT;
