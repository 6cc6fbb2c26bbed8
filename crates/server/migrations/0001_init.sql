CREATE TABLE meetings (
    id         TEXT PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    host_key   TEXT NOT NULL,
    created_at INTEGER NOT NULL -- unix milliseconds
) STRICT;

CREATE TABLE participation (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    peer_id    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('host', 'guest')),
    event      TEXT NOT NULL CHECK (event IN ('joined', 'left', 'lost', 'resumed')),
    at         INTEGER NOT NULL -- unix milliseconds
) STRICT;

CREATE INDEX participation_meeting ON participation(meeting_id, at);
