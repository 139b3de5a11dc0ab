#include "device_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <boost/json.hpp>

#include "../engine/value_json.hpp"
#include "roundhouse/core/fnv1a.hpp"
#include "roundhouse/sync/varint.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync::client {
namespace {

constexpr char kIdentity = 'I', kOp = 'O', kAck = 'A', kPull = 'P', kDead = 'D', kDeadSettled = 'X';

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
std::uint32_t get_u32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

Error io_error(const std::string& what) { return Error{ErrorCode::io_error, what + ": " + std::strerror(errno)}; }

}  // namespace

DeviceStore::DeviceStore(int fd, std::string device_id, ReplicaId replica)
    : fd_(fd), device_id_(std::move(device_id)), replica_(replica) {}

DeviceStore::~DeviceStore() {
  if (fd_ < 0) return;
  (void)flush();  // best effort: a record written with_next is not dropped just because nothing followed it
  ::close(fd_);
}

Result<std::unique_ptr<DeviceStore>> DeviceStore::create(const std::filesystem::path& path,
                                                         const std::string& device_id, ReplicaId replica) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create device store " + path.string());
  std::unique_ptr<DeviceStore> s(new DeviceStore(fd, device_id, replica));
  wire::Writer w;
  w.varint(replica);
  w.bytes(device_id);
  if (auto st = s->append(kIdentity, w.str()); !st) return st.error();
  return s;
}

Result<std::unique_ptr<DeviceStore>> DeviceStore::open(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::not_found, "no device store at " + path.string()};
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  // Identity first, to construct the replica; then everything else.
  if (bytes.size() < 9 || bytes[8] != kIdentity)
    return Error{ErrorCode::corrupted, path.string() + " is not a device store"};
  wire::Reader r(std::string_view(bytes).substr(9, get_u32(bytes, 0) - 1));
  std::uint64_t replica;
  std::string_view device;
  if (!r.varint(replica) || !r.bytes(device)) return Error{ErrorCode::corrupted, path.string() + ": bad identity"};
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open device store " + path.string());
  std::unique_ptr<DeviceStore> s(new DeviceStore(fd, std::string(device), replica));
  if (auto st = s->replay(bytes); !st) return st.error();
  return s;
}

Status DeviceStore::replay(std::string_view bytes) {
  std::size_t at = 0, good = 0;
  while (at + 8 <= bytes.size()) {
    const std::uint32_t len = get_u32(bytes, at), sum = get_u32(bytes, at + 4);
    if (len == 0 || at + 8 + len > bytes.size()) break;
    std::string_view rec = bytes.substr(at + 8, len);
    if (fnv1a_32(rec) != sum) break;
    wire::Reader r(rec.substr(1));
    switch (rec[0]) {
      case kIdentity: break;
      case kOp: {
        std::int64_t wall;
        std::uint64_t logical, clamped;
        std::string_view delta;
        if (!r.svarint(wall) || !r.varint(logical) || !r.varint(clamped) || !r.bytes(delta))
          return {ErrorCode::corrupted, "device store: bad operation record"};
        auto cs = wire::decode_change_set(delta);
        if (!cs) return cs.error();
        replica_.restore_op(*cs, HlcState{wall, static_cast<std::uint32_t>(logical), clamped});
        break;
      }
      case kAck: {
        std::uint64_t acked;
        if (!r.varint(acked)) return {ErrorCode::corrupted, "device store: bad ack record"};
        replica_.on_acked(acked);
        break;
      }
      case kPull: {
        std::uint64_t from, cursor;
        std::int64_t phys;
        std::string_view changes;
        if (!r.varint(from) || !r.varint(cursor) || !r.svarint(phys) || !r.bytes(changes))
          return {ErrorCode::corrupted, "device store: bad pull record"};
        auto cs = wire::decode_change_set(changes);
        if (!cs) return cs.error();
        replica_.on_pulled(std::move(*cs), from, cursor, phys);
        break;
      }
      case kDead: {
        DeadLetter d;
        std::string_view key, value, code, reason;
        std::uint64_t status;
        if (!r.varint(d.op_seq) || !r.bytes(key) || !r.bytes(value) || !r.bytes(code) || !r.varint(status) ||
            !r.bytes(reason))
          return {ErrorCode::corrupted, "device store: bad dead-letter record"};
        boost::system::error_code ec;
        auto parsed = boost::json::parse(value, ec);
        auto v = ec ? Result<Value>(Error{ErrorCode::corrupted, "bad value"}) : value_from_json(parsed);
        if (!v) return {ErrorCode::corrupted, "device store: bad dead-letter value"};
        d.key = key, d.value = *v, d.code = code, d.status = static_cast<int>(status), d.reason = reason;
        dead_[d.op_seq] = std::move(d);
        break;
      }
      case kDeadSettled: {
        std::uint64_t seq;
        if (!r.varint(seq)) return {ErrorCode::corrupted, "device store: bad dead-letter record"};
        dead_.erase(seq);
        settled_dead_.insert(seq);
        break;
      }
      default: return {ErrorCode::corrupted, "device store: unknown record kind"};
    }
    at += 8 + len;
    good = at;
  }
  // A torn tail (crash while appending): cut it so new records follow the last good one.
  if (good < bytes.size() && ::ftruncate(fd_, static_cast<off_t>(good)) != 0) return io_error("truncating a torn record");
  return {};
}

Status DeviceStore::append(char kind, std::string_view payload, Durability durability) {
  std::string rec(1, kind);
  rec.append(payload);
  std::string frame;
  put_u32(frame, static_cast<std::uint32_t>(rec.size()));
  put_u32(frame, fnv1a_32(rec));
  frame += rec;
  const char* p = frame.data();
  std::size_t left = frame.size();
  while (left) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("writing the device store");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  unsynced_ = true;
  return durability == Durability::now ? flush() : Status{};
}

Status DeviceStore::flush() {
  if (!unsynced_) return {};
  if (::fdatasync(fd_) != 0) return io_error("syncing the device store");
  unsynced_ = false;
  return {};
}

Status DeviceStore::persist_last_op() {
  const auto& clock = replica_.clock().state();
  wire::Writer w;
  w.svarint(clock.wall_ms);
  w.varint(clock.logical);
  w.varint(clock.clamped);
  w.bytes(wire::encode(replica_.last_queued()));
  return append(kOp, w.str());
}

Result<Dot> DeviceStore::write(const std::string& key, Value value, std::int64_t physical_ms) {
  Dot d = replica_.write(key, std::move(value), physical_ms);
  if (auto st = persist_last_op(); !st) return st.error();
  return d;
}

Result<Dot> DeviceStore::erase(const std::string& key) {
  Dot d = replica_.erase(key);
  if (auto st = persist_last_op(); !st) return st.error();
  return d;
}

Result<Dot> DeviceStore::add(const std::string& key, Value amount, std::int64_t physical_ms) {
  const std::uint64_t next = replica_.state().context().max(replica_.id()) + 1;
  return write(key + "+" + std::to_string(replica_.id()) + "." + std::to_string(next), std::move(amount), physical_ms);
}

Result<bool> DeviceStore::record_refusal(const DeadLetter& d) {
  if (dead_.count(d.op_seq) || settled_dead_.count(d.op_seq)) return false;
  wire::Writer w;
  w.varint(d.op_seq);
  w.bytes(d.key);
  w.bytes(boost::json::serialize(to_json(d.value)));
  w.bytes(d.code);
  w.varint(static_cast<std::uint64_t>(d.status));
  w.bytes(d.reason);
  if (auto st = append(kDead, w.str()); !st) return st.error();
  dead_[d.op_seq] = d;
  return true;
}

Status DeviceStore::discard(std::uint64_t op_seq) {
  if (!dead_.count(op_seq)) return {ErrorCode::not_found, "no dead letter for operation " + std::to_string(op_seq)};
  wire::Writer w;
  w.varint(op_seq);
  if (auto st = append(kDeadSettled, w.str()); !st) return st;
  dead_.erase(op_seq);
  settled_dead_.insert(op_seq);
  return {};
}

Result<Dot> DeviceStore::retry(std::uint64_t op_seq, std::int64_t physical_ms) {
  auto it = dead_.find(op_seq);
  if (it == dead_.end()) return Error{ErrorCode::not_found, "no dead letter for operation " + std::to_string(op_seq)};
  // The new operation first: a crash in between leaves the letter listed, never the value lost.
  auto dot = write(it->second.key, it->second.value, physical_ms);
  if (!dot) return dot.error();
  if (auto st = discard(op_seq); !st) return st.error();
  return dot;
}

Status DeviceStore::record_ack(std::uint64_t acked, Durability durability) {
  if (acked <= replica_.acked()) return {};
  wire::Writer w;
  w.varint(acked);
  if (auto st = append(kAck, w.str(), durability); !st) return st;
  replica_.on_acked(acked);
  return {};
}

Status DeviceStore::record_pull(std::string_view wire_changes, std::uint64_t from, std::uint64_t cursor,
                                std::int64_t physical_ms) {
  auto cs = wire::decode_change_set(wire_changes);
  if (!cs) return cs.error();
  if (from > replica_.cursor()) return {};  // stale: see DeviceReplica::on_pulled
  wire::Writer w;
  w.varint(from);
  w.varint(cursor);
  w.svarint(physical_ms);
  w.bytes(wire_changes);
  if (auto st = append(kPull, w.str()); !st) return st;
  replica_.on_pulled(std::move(*cs), from, cursor, physical_ms);
  return {};
}

}  // namespace roundhouse::sync::client
