#include "strategy_table.hpp"

#include <boost/json/serialize.hpp>

namespace roundhouse::sync {
namespace json = boost::json;

namespace {

Result<StrategyRule> parse_rule(const json::value& v, const std::string& where) {
  if (v.is_string()) {
    const std::string_view s = v.get_string();
    if (s.rfind("custom:", 0) == 0 && s.size() > 7) return StrategyRule{Strategy::custom, std::string(s.substr(7))};
    if (auto st = parse_strategy(s); st && *st != Strategy::custom) return StrategyRule{*st, {}};
  }
  return Error{ErrorCode::invalid_argument,
               "sync: conflicts" + where + " must be one of manual, server_wins, client_wins, timestamp, version, "
                                           "additive, custom:<name>; not " + json::serialize(v)};
}

}  // namespace

KeyView split_key_view(std::string_view key) {
  KeyView k;
  const auto a = key.find('/');
  const auto b = a == std::string_view::npos ? a : key.find('/', a + 1);
  if (b == std::string_view::npos) return k;
  k.type = key.substr(0, a);
  k.id = key.substr(a + 1, b - a - 1);
  k.field = key.substr(b + 1);
  k.field_base = k.field.substr(0, k.field.find_first_of(".+"));
  return k;
}

KeyParts split_key(const std::string& key) {
  const KeyView k = split_key_view(key);
  return {std::string(k.type), std::string(k.id), std::string(k.field), std::string(k.field_base)};
}

StrategyTable::StrategyTable() {
  using S = Strategy;
  by_type_["work_order"] = {{"status", {S::version, {}}},   {"notes", {S::timestamp, {}}},
                            {"labour", {S::additive, {}}},  {"parts", {S::additive, {}}},
                            {"technician", {S::server_wins, {}}}};
  by_type_["vehicle"] = {{"status", {S::version, {}}}, {"odometer_km", {S::timestamp, {}}},
                         {"depot", {S::server_wins, {}}}};
  by_type_["part"] = {{"*", {S::server_wins, {}}}};
}

Result<StrategyTable> StrategyTable::from_json(const json::object& config) {
  StrategyTable t;
  if (auto st = t.merge(config); !st) return st.error();
  return t;
}

Status StrategyTable::merge(const json::object& config) {
  for (const auto& [type, v] : config) {
    const std::string where = "." + std::string(type);
    if (type == "default") {
      auto r = parse_rule(v, where);
      if (!r) return r.error();
      default_ = *r;
      continue;
    }
    if (!v.is_object())
      return {ErrorCode::invalid_argument, "sync: conflicts" + where + " must be an object of field -> strategy"};
    for (const auto& [field, rule] : v.get_object()) {
      auto r = parse_rule(rule, where + "." + std::string(field));
      if (!r) return r.error();
      by_type_[std::string(type)][std::string(field)] = *r;
    }
  }
  return {};
}

StrategyRule StrategyTable::rule_for(const std::string& key) const {
  const KeyView k = split_key_view(key);  // views: a push looks up every conflicting key
  auto t = by_type_.find(k.type);
  if (t == by_type_.end()) return default_;
  if (auto f = t->second.find(k.field_base); f != t->second.end()) return f->second;
  if (auto f = t->second.find("*"); f != t->second.end()) return f->second;
  return default_;
}

json::object StrategyTable::to_json() const {
  json::object types;
  for (const auto& [type, fields] : by_type_) {
    json::object f;
    for (const auto& [name, rule] : fields) f[name] = rule.text();
    types[type] = std::move(f);
  }
  return {{"default", default_.text()}, {"types", std::move(types)}};
}

}  // namespace roundhouse::sync
