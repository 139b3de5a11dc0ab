#pragma once
// The sync wire format, version 1 (plugins/sync/WIRE-FORMAT.md is the specification): compact binary
// change sets (an OR-map delta of field values, keys and replica ids interned in tables, counters,
// ranges and wall times delta-coded as varints) and causal contexts. decode_* validate everything
// (bounds, tables, ordering, entries covered by the context, no NaN, no trailing bytes) and return an
// invalid_argument error naming the byte offset; they never touch anything but their result.
// read_change_set makes the same checks while handing the parts to a caller's sink, for callers that
// need less than the whole change set (the server validates a batch it holds back without building it).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/value.hpp"
#include "roundhouse/sync/varint.hpp"

namespace roundhouse::sync::wire {

inline constexpr std::uint8_t kMagic[3] = {'R', 'H', 'S'};
inline constexpr std::uint8_t kVersion = 1;
enum class Kind : std::uint8_t { change_set = 1, context = 2 };
enum class ValueTag : std::uint8_t { null = 0, false_ = 1, true_ = 2, integer = 3, real = 4, string = 5 };

namespace detail {

// Replica ids in first-use order of a sorted walk, so indexes are small and deterministic.
class ReplicaTable {
 public:
  void note(ReplicaId r) { index_.emplace(r, 0); }
  void seal() {
    std::uint64_t i = 0;
    for (auto& [_, idx] : index_) idx = i++;
  }
  std::uint64_t operator[](ReplicaId r) const { return index_.at(r); }
  void write(Writer& w) const {
    w.varint(index_.size());
    for (const auto& [r, _] : index_) w.varint(r);
  }

 private:
  std::map<ReplicaId, std::uint64_t> index_;
};

inline void write_header(Writer& w, Kind kind) {
  for (auto b : kMagic) w.byte(b);
  w.byte(kVersion);
  w.byte(static_cast<std::uint8_t>(kind));
}

inline void write_context(Writer& w, const CausalContext& ctx, const ReplicaTable& replicas) {
  w.varint(ctx.replicas().size());
  for (const auto& [r, set] : ctx.replicas()) {
    w.varint(replicas[r]);
    w.varint(set.ranges().size());
    std::uint64_t prev_hi = 0;
    bool first = true;
    for (const auto& range : set.ranges()) {
      w.varint(first ? range.lo - 1 : range.lo - prev_hi - 2);
      w.varint(range.hi - range.lo);
      prev_hi = range.hi;
      first = false;
    }
  }
}

inline void write_value(Writer& w, const Value& v) {
  switch (v.index()) {
    case 0: w.byte(static_cast<std::uint8_t>(ValueTag::null)); break;
    case 1: w.byte(static_cast<std::uint8_t>(std::get<bool>(v) ? ValueTag::true_ : ValueTag::false_)); break;
    case 2:
      w.byte(static_cast<std::uint8_t>(ValueTag::integer));
      w.svarint(std::get<std::int64_t>(v));
      break;
    case 3:
      w.byte(static_cast<std::uint8_t>(ValueTag::real));
      w.f64(std::get<double>(v));
      break;
    default:
      w.byte(static_cast<std::uint8_t>(ValueTag::string));
      w.bytes(std::get<std::string>(v));
  }
}

}  // namespace detail

// A causal context as a message carries it: per replica (increasing ids) its ranges (sorted,
// disjoint, non-adjacent), flat, so reading a small message's context allocates nothing.
struct ContextRanges {
  struct Replica {
    ReplicaId id;
    std::size_t begin, end;  // its ranges are ranges[begin, end)
  };
  boost::container::small_vector<Replica, 2> replicas;
  boost::container::small_vector<IntervalSet::Range, 2> ranges;

  // The ranges of replica r (empty when the context has none of it).
  std::span<const IntervalSet::Range> of(ReplicaId r) const noexcept {
    auto it = std::lower_bound(replicas.begin(), replicas.end(), r,
                               [](const Replica& x, ReplicaId v) { return x.id < v; });
    if (it == replicas.end() || it->id != r) return {};
    return {ranges.data() + it->begin, ranges.data() + it->end};
  }
  bool contains(const Dot& d) const noexcept {
    const auto set = of(d.replica);
    auto it = std::upper_bound(set.begin(), set.end(), d.counter,
                               [](std::uint64_t v, const IntervalSet::Range& x) { return v < x.lo; });
    return it != set.begin() && std::prev(it)->hi >= d.counter;
  }
  CausalContext build() const {
    CausalContext ctx;
    for (const auto& r : replicas) {
      IntervalSet set;
      set.reserve(r.end - r.begin);
      for (auto i = r.begin; i < r.end; ++i) set.insert(ranges[i].lo, ranges[i].hi);
      ctx.insert_set(r.id, std::move(set));
    }
    return ctx;
  }
};

namespace detail {

// Decoding state shared by both kinds: the reader and the replica table.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : r_(in) {}

  Error fail(std::string_view what) const {
    return Error{ErrorCode::invalid_argument,
                 "sync wire: " + std::string(what) + " at byte " + std::to_string(r_.offset())};
  }
  Reader& reader() { return r_; }

  bool header(Kind expected, Error& err) {
    std::uint8_t b[5];
    for (auto& x : b)
      if (!r_.byte(x)) return (err = fail("truncated header")), false;
    if (b[0] != kMagic[0] || b[1] != kMagic[1] || b[2] != kMagic[2]) return (err = fail("bad magic")), false;
    if (b[3] != kVersion) return (err = fail("unsupported version " + std::to_string(b[3]))), false;
    if (b[4] != static_cast<std::uint8_t>(expected)) return (err = fail("unexpected message kind")), false;
    return true;
  }
  // A count of items that each take at least one byte: never more than the bytes left.
  bool count(std::uint64_t& n, std::string_view what, Error& err) {
    if (!r_.varint(n) || n > r_.remaining()) return (err = fail("bad " + std::string(what) + " count")), false;
    return true;
  }
  bool replica_table(Error& err) {
    std::uint64_t n;
    if (!count(n, "replica", err)) return false;
    replicas_.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t id;
      if (!r_.varint(id)) return (err = fail("truncated replica id")), false;
      if (id == 0 || (!replicas_.empty() && id <= replicas_.back()))
        return (err = fail("replica ids must be nonzero and increasing")), false;
      replicas_.push_back(id);
    }
    return true;
  }
  bool replica(ReplicaId& out, Error& err) {
    std::uint64_t i;
    if (!r_.varint(i) || i >= replicas_.size()) return (err = fail("bad replica index")), false;
    out = replicas_[static_cast<std::size_t>(i)];
    return true;
  }
  bool context(ContextRanges& ctx, Error& err) {
    std::uint64_t n;
    if (!count(n, "context replica", err)) return false;
    ctx.replicas.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      ReplicaId r;
      if (!replica(r, err)) return false;
      if (!ctx.replicas.empty() && r <= ctx.replicas.back().id)
        return (err = fail("context replicas must be increasing")), false;
      std::uint64_t ranges;
      if (!count(ranges, "range", err)) return false;
      if (ranges == 0) return (err = fail("empty range list")), false;
      const std::size_t begin = ctx.ranges.size();
      std::uint64_t prev_hi = 0;
      for (std::uint64_t j = 0; j < ranges; ++j) {
        std::uint64_t gap, len;
        if (!r_.varint(gap) || !r_.varint(len)) return (err = fail("truncated range")), false;
        const std::uint64_t base = j == 0 ? 1 : prev_hi + 2;
        if (j > 0 && prev_hi > UINT64_MAX - 2) return (err = fail("range overflows")), false;
        if (gap > UINT64_MAX - base || len > UINT64_MAX - (base + gap))
          return (err = fail("range overflows")), false;
        const std::uint64_t lo = base + gap, hi = lo + len;
        ctx.ranges.push_back({lo, hi});
        prev_hi = hi;
      }
      ctx.replicas.push_back({r, begin, ctx.ranges.size()});
    }
    return true;
  }
  bool end(Error& err) {
    if (!r_.at_end()) return (err = fail("trailing bytes")), false;
    return true;
  }

 private:
  Reader r_;
  boost::container::small_vector<ReplicaId, 4> replicas_;  // inline for the usual one or two
};

// Reads one value into *v, or only validates it when v is null.
inline bool read_value(Decoder& d, Value* v, Error& err) {
  std::uint8_t tag;
  if (!d.reader().byte(tag)) return (err = d.fail("truncated value")), false;
  switch (static_cast<ValueTag>(tag)) {
    case ValueTag::null:
      if (v) *v = std::monostate{};
      return true;
    case ValueTag::false_:
    case ValueTag::true_:
      if (v) *v = static_cast<ValueTag>(tag) == ValueTag::true_;
      return true;
    case ValueTag::integer: {
      std::int64_t i;
      if (!d.reader().svarint(i)) return (err = d.fail("truncated integer")), false;
      if (v) *v = i;
      return true;
    }
    case ValueTag::real: {
      double x;
      if (!d.reader().f64(x)) return (err = d.fail("truncated double")), false;
      if (std::isnan(x)) return (err = d.fail("NaN is not a value")), false;
      if (v) *v = x;
      return true;
    }
    case ValueTag::string: {
      std::string_view s;
      if (!d.reader().bytes(s)) return (err = d.fail("truncated string")), false;
      if (v) *v = std::string(s);
      return true;
    }
  }
  return (err = d.fail("unknown value tag " + std::to_string(tag))), false;
}

}  // namespace detail

// Encodes a change set (a state, a delta or a compacted batch). Deterministic: equal change sets give
// equal bytes.
inline std::string encode(const ChangeSet& cs) {
  struct Item {
    Dot dot;
    std::uint64_t key;
    const FieldValue* value;
  };
  detail::ReplicaTable replicas;
  std::vector<Item> items;
  std::uint64_t key_index = 0;
  for (const auto& [k, reg] : cs.entries()) {
    for (const auto& [d, fv] : reg) {
      replicas.note(d.replica);
      replicas.note(fv.ts.replica);
      items.push_back({d, key_index, &fv});
    }
    ++key_index;
  }
  for (const auto& [r, _] : cs.context().replicas()) replicas.note(r);
  replicas.seal();
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.dot < b.dot; });

  Writer w;
  detail::write_header(w, Kind::change_set);
  replicas.write(w);
  w.varint(cs.entries().size());
  for (const auto& [k, _] : cs.entries()) w.bytes(k);
  detail::write_context(w, cs.context(), replicas);
  w.varint(items.size());
  Dot prev{};
  std::int64_t prev_wall = 0;
  for (const auto& it : items) {
    w.varint(replicas[it.dot.replica]);
    w.varint(it.dot.replica == prev.replica ? it.dot.counter - prev.counter - 1 : it.dot.counter - 1);
    w.varint(it.key);
    w.svarint(it.value->ts.wall_ms - prev_wall);
    w.varint(it.value->ts.logical);
    w.varint(replicas[it.value->ts.replica]);
    detail::write_value(w, it.value->value);
    prev = it.dot;
    prev_wall = it.value->ts.wall_ms;
  }
  return w.take();
}

// Reads a change set message with every check decode_change_set makes, handing its parts to `sink`
// as they pass (so a caller that needs less than the whole change set builds less):
//   Sink::kValues                              false: values are validated, entries get an empty Value
//   sink.key(std::string_view)                 each key, in order (unique, sorted)
//   sink.context(const ContextRanges&)         once, after the keys
//   sink.entry(std::size_t key, const Dot&, FieldValue&&)   each entry, sorted by dot, covered by the context
// The views point into `bytes`. On an error the sink may have seen a prefix: callers discard it.
template <class Sink>
Status read_change_set(std::string_view bytes, Sink& sink) {
  detail::Decoder d(bytes);
  Error err;
  if (!d.header(Kind::change_set, err) || !d.replica_table(err)) return err;
  std::uint64_t nkeys;
  if (!d.count(nkeys, "key", err)) return err;
  std::string_view prev_key;
  for (std::uint64_t i = 0; i < nkeys; ++i) {
    std::string_view k;
    if (!d.reader().bytes(k)) return d.fail("truncated key");
    if (i > 0 && !(prev_key < k)) return d.fail("keys must be unique and sorted");
    sink.key(k);
    prev_key = k;
  }
  ContextRanges ctx;
  if (!d.context(ctx, err)) return err;
  sink.context(ctx);
  std::uint64_t n;
  if (!d.count(n, "entry", err)) return err;
  boost::container::small_vector<bool, 8> used(static_cast<std::size_t>(nkeys), false);
  Dot prev{};
  std::int64_t prev_wall = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    Dot dot;
    std::uint64_t delta, key;
    std::int64_t wall_delta;
    std::uint64_t logical;
    FieldValue fv;
    if (!d.replica(dot.replica, err)) return err;
    if (!d.reader().varint(delta)) return d.fail("truncated dot");
    if (i > 0 && dot.replica < prev.replica) return d.fail("entries must be sorted by dot");
    const std::uint64_t base = (i > 0 && dot.replica == prev.replica) ? prev.counter + 1 : 1;
    if (delta > UINT64_MAX - base) return d.fail("dot counter overflows");
    dot.counter = base + delta;
    if (!ctx.contains(dot)) return d.fail("entry not covered by the context");
    if (!d.reader().varint(key) || key >= nkeys) return d.fail("bad key index");
    if (!d.reader().svarint(wall_delta) || !d.reader().varint(logical) || logical > UINT32_MAX)
      return d.fail("bad timestamp");
    if ((wall_delta > 0 && prev_wall > INT64_MAX - wall_delta) || (wall_delta < 0 && prev_wall < INT64_MIN - wall_delta))
      return d.fail("timestamp overflows");
    fv.ts.wall_ms = prev_wall + wall_delta;
    fv.ts.logical = static_cast<std::uint32_t>(logical);
    if (!d.replica(fv.ts.replica, err) || !detail::read_value(d, Sink::kValues ? &fv.value : nullptr, err)) return err;
    prev = dot;
    prev_wall = fv.ts.wall_ms;
    used[static_cast<std::size_t>(key)] = true;
    sink.entry(static_cast<std::size_t>(key), dot, std::move(fv));
  }
  if (!d.end(err)) return err;
  if (std::find(used.begin(), used.end(), false) != used.end()) return d.fail("a key without entries");
  return {};
}

namespace detail {

// The sink that builds the change set. The map of keys is built in key order with a slot per key
// index: entries come sorted by dot, so each register then fills in order (no per-entry key string,
// key lookup or moved register).
struct ChangeSetBuilder {
  static constexpr bool kValues = true;
  ChangeSet::Entries entries;
  boost::container::small_vector<ChangeSet::Entries::iterator, 4> slots;
  CausalContext ctx;

  void key(std::string_view k) { slots.push_back(entries.emplace_hint(entries.end(), std::string(k), ChangeSet::Register{})); }
  void context(const ContextRanges& c) { ctx = c.build(); }
  void entry(std::size_t key, const Dot& dot, FieldValue&& fv) {
    auto& reg = slots[key]->second;
    reg.emplace_hint(reg.end(), dot, std::move(fv));
  }
};

}  // namespace detail

inline Result<ChangeSet> decode_change_set(std::string_view bytes) {
  detail::ChangeSetBuilder b;
  if (auto s = read_change_set(bytes, b); !s.ok()) return s.error();
  return ChangeSet::from_parts(std::move(b.entries), std::move(b.ctx));
}

inline std::string encode(const CausalContext& ctx) {
  detail::ReplicaTable replicas;
  for (const auto& [r, _] : ctx.replicas()) replicas.note(r);
  replicas.seal();
  Writer w;
  detail::write_header(w, Kind::context);
  replicas.write(w);
  detail::write_context(w, ctx, replicas);
  return w.take();
}

inline Result<CausalContext> decode_context(std::string_view bytes) {
  detail::Decoder d(bytes);
  Error err;
  ContextRanges ctx;
  if (!d.header(Kind::context, err) || !d.replica_table(err) || !d.context(ctx, err) || !d.end(err)) return err;
  return ctx.build();
}

}  // namespace roundhouse::sync::wire

namespace roundhouse::sync::wire {

// Decodes `bytes` completely, then joins it into `state`: a malformed message leaves `state` exactly
// as it was. Returns the decoded change set's error, if any.
inline Status apply(ChangeSet& state, std::string_view bytes) {
  auto decoded = decode_change_set(bytes);
  if (!decoded) return decoded.error();
  state.join(*decoded);
  return {};
}

}  // namespace roundhouse::sync::wire
