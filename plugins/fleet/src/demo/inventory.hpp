#pragma once
// Stock keeping for the demo fleet's central store: on hand, reserved per work order, on order.
// It mirrors the rules the part aggregate and the stock commands enforce, so the generated events
// never make stock negative: a reservation or issue needs available = on_hand - (reserved - own
// reservation) >= quantity; a count never drops below what is reserved. Not thread-safe.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/catalogue.hpp"

namespace roundhouse::fleet::demo {

struct StockPart {
  const PartSpec* spec = nullptr;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t on_order = 0;          // ordered, not yet received
  std::int64_t reorder_point = 1;
  std::int64_t order_quantity = 2;
  bool expedite_pending = false;      // an express order for a stock-out is on its way
  double unit_cost = 0;
  std::unordered_map<std::uint32_t, std::int64_t> reservations;  // by work order key
};

class Inventory {
 public:
  // daily_demand[i]: expected units per day of part_catalogue()[i]; sets reorder points and order
  // quantities (cover the lead time plus a week; order about six weeks of demand).
  explicit Inventory(const std::vector<double>& daily_demand);

  std::size_t size() const { return parts_.size(); }
  StockPart& at(std::size_t i) { return parts_[i]; }
  const StockPart& at(std::size_t i) const { return parts_[i]; }
  std::int64_t initial_stock(std::size_t i) const { return parts_[i].reorder_point + parts_[i].order_quantity; }

  std::int64_t available(std::size_t i, std::uint32_t order) const;
  bool can_reserve(std::size_t i, std::int64_t qty) const { return parts_[i].on_hand - parts_[i].reserved >= qty; }
  void reserve(std::size_t i, std::int64_t qty, std::uint32_t order);
  bool can_issue(std::size_t i, std::int64_t qty, std::uint32_t order) const { return available(i, order) >= qty; }
  void issue(std::size_t i, std::int64_t qty, std::uint32_t order);  // consumes the order's reservation first
  void receive(std::size_t i, std::int64_t qty) { parts_[i].on_hand += qty; }
  void give_back(std::size_t i, std::int64_t qty) { parts_[i].on_hand += qty; }
  // Sets on_hand to max(counted, reserved); returns the level actually set.
  std::int64_t count(std::size_t i, std::int64_t counted);
  // True when available stock plus what is on order is at or below the reorder point.
  bool needs_reorder(std::size_t i) const;

 private:
  std::vector<StockPart> parts_;
};

}  // namespace roundhouse::fleet::demo
