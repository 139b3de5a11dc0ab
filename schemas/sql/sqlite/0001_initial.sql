-- Roundhouse event store, SQLite schema version 1.
-- Positions are assigned by the SDK inside an exclusive (BEGIN IMMEDIATE) write transaction as
-- tip + 1, so they follow commit order and have no gaps.

CREATE TABLE streams (
  stream_pk      INTEGER PRIMARY KEY,
  aggregate_type TEXT    NOT NULL,
  aggregate_id   TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  tenant         TEXT    NOT NULL DEFAULT '',
  UNIQUE (aggregate_type, aggregate_id)
);

CREATE TABLE events (
  position    INTEGER PRIMARY KEY,               -- global, gap-free, commit order
  stream_pk   INTEGER NOT NULL REFERENCES streams (stream_pk),
  version     INTEGER NOT NULL,                  -- per stream, from 1, gap-free
  event_id    BLOB    NOT NULL,                  -- 16-byte UUID
  event_type  TEXT    NOT NULL,
  tenant      TEXT    NOT NULL,
  occurred_at INTEGER NOT NULL,                  -- microseconds since the epoch, UTC
  recorded_at INTEGER NOT NULL,
  payload     TEXT    NOT NULL,                  -- JSON object
  metadata    TEXT    NOT NULL,                  -- JSON object
  hash        BLOB    NOT NULL,                  -- SHA-256 chained over the previous event
  UNIQUE (stream_pk, version)
);
CREATE UNIQUE INDEX events_by_event_id ON events (event_id);

-- Checkpoints with read-model state, and aggregate snapshots (a cache of the log).
CREATE TABLE state_documents (
  ns       TEXT    NOT NULL,
  key      TEXT    NOT NULL,
  position INTEGER NOT NULL,
  data     TEXT    NOT NULL,
  saved_at INTEGER NOT NULL,
  PRIMARY KEY (ns, key)
) WITHOUT ROWID;
