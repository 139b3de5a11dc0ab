-- Roundhouse event store, PostgreSQL schema version 3.
-- A stream's version is the version of its last event (the events' (stream_pk, version) unique
-- index answers it with one lookup), so streams rows no longer carry a copy that every commit had
-- to update. A stream row is written once, when the stream's first event is, and never changes
-- (its tenant is fixed: appends under another tenant are refused).
ALTER TABLE streams DROP COLUMN IF EXISTS version;
