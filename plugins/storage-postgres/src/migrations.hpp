#pragma once
#include "pg_connection.hpp"

namespace roundhouse::postgres {

// The newest schema version this build knows.
int latest_schema_version();

// Creates the URI's schema if it is missing and brings it up to date, all in one transaction
// holding a transaction-scoped advisory lock (so hosts starting together migrate once), recording
// each migration in schema_migrations. A store whose schema is newer than this build is refused
// (incompatible): an older plugin must never write to a store it does not understand.
Status migrate(Connection& c, const PgUri& uri);

}  // namespace roundhouse::postgres
