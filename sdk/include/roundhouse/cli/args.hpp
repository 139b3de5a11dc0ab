#pragma once
// ArgReader: walks a subcommand's arguments the way every `roundhouse` command spells them —
// "--name value", "--name=value", bare flags and positionals — so each command only says what
// its options mean. Errors are invalid_argument values with a one-line message.

#include <cstdint>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

class ROUNDHOUSE_API ArgReader {
 public:
  explicit ArgReader(const std::vector<std::string>& args) : args_(args) {}

  // Moves to the next argument; false when there is none left.
  bool next();
  // The current argument without any "=value" part ("--size" for "--size=small").
  const std::string& name() const { return name_; }
  // True for "--anything" and "-h".
  bool is_option() const { return name_.rfind("--", 0) == 0 || name_ == "-h"; }
  bool is_help() const { return name_ == "--help" || name_ == "-h"; }
  // The option's value: the "=value" part, else the following argument (consumed).
  Result<std::string> value();
  // value() parsed as a non-negative decimal integer.
  Result<std::uint64_t> unsigned_value();
  // "unknown argument '<the argument as given>'"
  Error unknown() const;

 private:
  const std::vector<std::string>& args_;
  std::size_t next_ = 0;
  std::string raw_;
  std::string name_;
  std::string inline_value_;
  bool has_inline_value_ = false;
};

}  // namespace roundhouse
