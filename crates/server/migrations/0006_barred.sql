-- Browsers of people removed from a meeting (room::Holder: the SHA-256 of
-- the browser's holder key): refused by any link for the rest of the meeting.
CREATE TABLE barred (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    holder      TEXT NOT NULL,
    at          INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (meeting_id, holder)
) STRICT;
