-- Roundhouse event store, PostgreSQL schema version 1.
-- Positions are assigned by the SDK inside a write transaction that first takes a
-- transaction-scoped advisory lock (pg_advisory_xact_lock) and only then reads the tip, so they
-- are tip + 1, tip + 2, ...: commit order, no gaps, across every process and host sharing the
-- database. No sequence is involved (sequences hand out numbers outside transactions, which is
-- what lets readers skip events that commit late).

CREATE TABLE streams (
  stream_pk      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type TEXT   NOT NULL,
  aggregate_id   TEXT   NOT NULL,
  version        BIGINT NOT NULL,
  tenant         TEXT   NOT NULL DEFAULT '',
  UNIQUE (aggregate_type, aggregate_id)
);

CREATE TABLE events (
  position    BIGINT NOT NULL PRIMARY KEY,      -- global, gap-free, commit order
  stream_pk   BIGINT NOT NULL REFERENCES streams (stream_pk),
  version     BIGINT NOT NULL,                  -- per stream, from 1, gap-free
  event_id    BYTEA  NOT NULL,                  -- 16-byte UUID
  event_type  TEXT   NOT NULL,
  tenant      TEXT   NOT NULL,
  occurred_at BIGINT NOT NULL,                  -- microseconds since the epoch, UTC
  recorded_at BIGINT NOT NULL,
  payload     TEXT   NOT NULL,                  -- JSON object, byte-exact as hashed (not jsonb)
  metadata    TEXT   NOT NULL,                  -- JSON object, byte-exact as hashed
  hash        BYTEA  NOT NULL,                  -- SHA-256 chained over the previous event
  UNIQUE (stream_pk, version)
);
CREATE UNIQUE INDEX events_by_event_id ON events (event_id);

-- Checkpoints with read-model state, and aggregate snapshots (a cache of the log).
CREATE TABLE state_documents (
  ns       TEXT   NOT NULL,
  key      TEXT   NOT NULL,
  position BIGINT NOT NULL,
  data     TEXT   NOT NULL,
  saved_at BIGINT NOT NULL,
  PRIMARY KEY (ns, key)
);
