-- A meeting or a court hearing (sala_protocol::MeetingKind): a hearing's
-- lobby is always on.
ALTER TABLE meetings ADD COLUMN kind TEXT NOT NULL DEFAULT 'meeting'
    CHECK (kind IN ('meeting', 'hearing'));
