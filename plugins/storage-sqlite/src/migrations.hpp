#pragma once
#include "sqlite_connection.hpp"

namespace roundhouse::sqlite {

// The newest schema version this build knows.
int latest_schema_version();

// Brings the file's schema up to date inside one transaction per migration, recording each in
// schema_migrations. A file whose schema is newer than this build is refused (incompatible): an
// older plugin must never write to a store it does not understand.
Status migrate(Connection& c);

}  // namespace roundhouse::sqlite
