-- Page images, named by the SHA-256 of their bytes (shared by every deck and
-- still that has the same picture).
CREATE TABLE images (
    id     TEXT PRIMARY KEY NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('webp', 'png')),
    data   BLOB NOT NULL
) STRICT;

CREATE TABLE decks (
    id         TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    pages      INTEGER NOT NULL,
    manifest   TEXT NOT NULL, -- the `Deck` as JSON
    created_at INTEGER NOT NULL -- unix milliseconds
) STRICT;

CREATE INDEX decks_meeting ON decks(meeting_id);
