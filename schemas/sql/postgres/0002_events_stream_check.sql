-- Roundhouse event store, PostgreSQL schema version 2.
-- The foreign key from events to streams is dropped. Every event's stream_pk is looked up by the
-- stream's key in the very statement that inserts the event (a missing stream gives NULL, which
-- NOT NULL refuses), and no stream row is ever deleted, so the key's per-row check (a trigger
-- reading and share-locking the stream row again for every event) only repeated that lookup.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_stream_pk_fkey;
