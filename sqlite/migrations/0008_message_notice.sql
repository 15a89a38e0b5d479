-- Messages linked to a notice or diffusion (0 when none), as to a hit:
-- the notice's page lists the messages about it that the reader sent or
-- received, walking this index.

ALTER TABLE messages ADD COLUMN notice_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_notice ON messages (notice_id, id) WHERE notice_id > 0;
