#include "demo/inventory.hpp"

#include <algorithm>
#include <cmath>

namespace roundhouse::fleet::demo {

Inventory::Inventory(const std::vector<double>& daily_demand) {
  const auto& catalogue = part_catalogue();
  parts_.resize(catalogue.size());
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    auto& p = parts_[i];
    p.spec = &catalogue[i];
    p.unit_cost = catalogue[i].unit_cost;
    const double demand = i < daily_demand.size() ? daily_demand[i] : 0.0;
    p.reorder_point = static_cast<std::int64_t>(std::ceil(demand * (catalogue[i].lead_days + 7))) + 1;
    p.order_quantity = std::max<std::int64_t>(2, static_cast<std::int64_t>(std::ceil(demand * 45)));
  }
}

std::int64_t Inventory::available(std::size_t i, std::uint32_t order) const {
  const auto& p = parts_[i];
  auto it = p.reservations.find(order);
  const std::int64_t mine = it == p.reservations.end() ? 0 : it->second;
  return p.on_hand - (p.reserved - mine);
}

void Inventory::reserve(std::size_t i, std::int64_t qty, std::uint32_t order) {
  parts_[i].reserved += qty;
  parts_[i].reservations[order] += qty;
}

void Inventory::issue(std::size_t i, std::int64_t qty, std::uint32_t order) {
  auto& p = parts_[i];
  p.on_hand -= qty;
  if (auto it = p.reservations.find(order); it != p.reservations.end()) {
    const std::int64_t released = std::min(it->second, qty);
    p.reserved -= released;
    if (it->second - released > 0) it->second -= released;
    else p.reservations.erase(it);
  }
}

std::int64_t Inventory::count(std::size_t i, std::int64_t counted) {
  auto& p = parts_[i];
  p.on_hand = std::max(counted, p.reserved);
  return p.on_hand;
}

bool Inventory::needs_reorder(std::size_t i) const {
  const auto& p = parts_[i];
  return p.on_hand - p.reserved + p.on_order <= p.reorder_point;
}

}  // namespace roundhouse::fleet::demo
