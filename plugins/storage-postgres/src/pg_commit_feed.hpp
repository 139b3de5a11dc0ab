#pragma once
// Cross-host wake-ups through LISTEN/NOTIFY. Every write transaction of a log ends with
// `NOTIFY <channel>, '<last position>'` (PostgreSQL delivers it when, and only if, the transaction
// commits); the commit feed holds one extra connection that LISTENs on that channel and reports
// each notified head to LogStore, which wakes its subscriptions. Notifications are a hint: the
// subscriptions still read the log to learn what is committed.

#include <memory>
#include <string>

#include "pg_uri.hpp"
#include "roundhouse/storage/log_backend.hpp"

namespace roundhouse::postgres {

// The channel of the log in `uri`'s schema, as a quoted identifier (stores in different schemas
// of one database do not wake each other).
std::string commit_channel(const PgUri& uri);

// Starts the listening thread. It connects (and, whenever the connection drops, reconnects with
// a growing pause between attempts), LISTENs, reports the log's head once connected (commits
// made while it was away are not notified to it), then reports every notification. While it is
// disconnected LogStore's polling keeps subscriptions correct, only slower. Destroying the feed
// stops the thread at once (an eventfd ends its socket wait; only a connection attempt under way
// is waited for, bounded by the URI's connect_timeout); no callback runs after that.
std::unique_ptr<CommitFeed> start_commit_feed(const PgUri& uri, CommitCallback on_commit);

}  // namespace roundhouse::postgres
