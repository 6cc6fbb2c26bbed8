-- Signed invitations (crates/server/src/invite.rs): the token carries its
-- claims; this table knows what the token cannot: withdrawn, used, its holder
-- removed.
CREATE TABLE invites (
    id          TEXT PRIMARY KEY NOT NULL,
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    role        TEXT NOT NULL,
    not_before  INTEGER NOT NULL, -- unix milliseconds
    expires_at  INTEGER NOT NULL,
    single_use  INTEGER NOT NULL CHECK (single_use IN (0, 1)),
    created_at  INTEGER NOT NULL,
    used_at     INTEGER,
    holder      TEXT, -- SHA-256 of the first holder's HolderKey (single use)
    revoked_at  INTEGER,
    removed_at  INTEGER -- its holder was removed from the meeting
) STRICT;

CREATE INDEX invites_meeting ON invites(meeting_id, created_at);

-- When the host ended the meeting for everyone; invitations stop working.
ALTER TABLE meetings ADD COLUMN ended_at INTEGER;
