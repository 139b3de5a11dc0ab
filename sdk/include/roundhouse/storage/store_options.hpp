#pragma once
// Options every storage factory understands; backend-specific ones come as URI parameters or in
// `config` (the store section of the host configuration).

#include <boost/json/object.hpp>

namespace roundhouse {

struct StoreOptions {
  boost::json::object config;
  // false: opening a store that does not exist yet is not_found instead of creating it (the
  // source of a migration or backup). Backends without persistent stores (memory:) ignore it.
  bool create_if_missing = true;
};

}  // namespace roundhouse
