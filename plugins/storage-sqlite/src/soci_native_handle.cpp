// SOCI's SQLite header wraps <sqlite3.h> in its own namespace, so it cannot share a translation
// unit with code that uses the SQLite C API directly; this file only extracts the handle.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace roundhouse::sqlite {

void* native_sqlite_handle(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return static_cast<void*>(backend->conn_);
}

}  // namespace roundhouse::sqlite

namespace roundhouse::sqlite {

void open_sqlite_session(soci::session& session, const std::string& connect_string) {
  session.open(soci::sqlite3, connect_string);  // the statically linked backend, no dlopen
}

}  // namespace roundhouse::sqlite
