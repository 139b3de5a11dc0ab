#include "series_stats.hpp"

#include <algorithm>

#include "fact_math.hpp"

namespace roundhouse::analytics {

namespace {

class Series {
 public:
  Series(const std::vector<KpiWindow>& buckets, std::vector<WindowStats>& stats) : stats_(stats) {
    for (const auto& b : buckets) starts_.push_back(b.from);
    end_ = buckets.back().to;
  }
  Timestamp from() const { return starts_.front(); }
  Timestamp to() const { return end_; }
  std::size_t size() const { return starts_.size(); }
  // The bucket holding t, or size() when t is outside the series.
  std::size_t bucket_of(Timestamp t) const {
    if (t < from() || t >= end_) return size();
    return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), t) - starts_.begin()) - 1;
  }
  Timestamp bucket_end(std::size_t i) const { return i + 1 < size() ? starts_[i + 1] : end_; }
  WindowStats& operator[](std::size_t i) { return stats_[i]; }

 private:
  std::vector<Timestamp> starts_;
  Timestamp end_;
  std::vector<WindowStats>& stats_;
};

// Odometer readings at increasing times, walking the readings once (same values as odometer_at).
class OdometerCursor {
 public:
  explicit OdometerCursor(const VehicleFacts& v) : r_(v.readings) {}
  double at(Timestamp t) {
    if (r_.empty()) return 0;
    if (next_ == 0)  // the first call: jump to t
      next_ = static_cast<std::size_t>(std::upper_bound(r_.begin(), r_.end(), t,
                                                        [](Timestamp x, const MeterReading& r) { return x < r.at; }) -
                                       r_.begin());
    while (next_ < r_.size() && r_[next_].at <= t) ++next_;  // next_: first reading after t
    if (next_ == 0) return r_.front().odometer_km;
    if (next_ == r_.size()) return r_.back().odometer_km;
    const auto& a = r_[next_ - 1];
    const auto& b = r_[next_];
    const double f = static_cast<double>(t - a.at) / static_cast<double>(b.at - a.at);
    return a.odometer_km + f * (b.odometer_km - a.odometer_km);
  }

 private:
  const std::vector<MeterReading>& r_;
  std::size_t next_ = 0;
};

void series_vehicles(const FactStore& facts, const Scope& scope, Series& s) {
  for (const VehicleFacts& v : facts.vehicles()) {
    if (!scope.matches(v)) continue;
    const Timestamp lo = std::max(s.from(), v.registered);
    const Timestamp hi = v.retired ? std::min(s.to(), *v.retired) : s.to();
    if (lo >= hi) continue;
    // Km per bucket, over the vehicle's part of it (exactly as collect() clips the window).
    OdometerCursor odometer(v);
    const std::size_t first = s.bucket_of(lo);
    for (std::size_t i = first; i < s.size() && s[i].window.from < hi; ++i) {
      const Timestamp a = std::max(lo, s[i].window.from), b = std::min(hi, s[i].window.to);
      ++s[i].active_vehicles;
      const double start = odometer.at(a);
      s[i].km += odometer.at(b) - start;
    }
    // One walk over the status stretches, cut at the bucket boundaries; each bucket's sums are
    // added in the same order as a walk over that bucket alone.
    std::size_t i = first;
    double up = 0, down = 0, in_service = 0;
    auto flush = [&] {
      s[i].up_h += up;
      s[i].down_h += down;
      s[i].in_service_h += in_service;
      up = down = in_service = 0;
    };
    for_each_status_segment(v, lo, hi, [&](Timestamp t, Timestamp next, VehicleStatus status) {
      while (t < next) {  // a zero-length stretch adds nothing
        while (s.bucket_end(i) <= t) {
          flush();
          ++i;
        }
        const Timestamp e = std::min(next, s.bucket_end(i));
        const double h = hours(t, e);
        (is_up(status) ? up : down) += h;
        if (status == VehicleStatus::in_service) in_service += h;
        t = e;
      }
    });
    flush();
  }
}

void series_bookings(const FactStore& facts, const Scope& scope, Series& s) {
  const auto& vehicles = facts.vehicles();
  const auto& failures = facts.failures();
  for (auto it = first_at_or_after(failures, s.from()); it != failures.end() && it->at < s.to(); ++it) {
    if (!scope.matches(vehicles[it->vehicle])) continue;
    WindowStats& w = s[s.bucket_of(it->at)];
    auto& sys = w.per_system[it->system];
    ++sys.failures;
    ++w.failures;
    if (it->service_affecting) {
      ++sys.sa_failures;
      ++w.sa_failures;
    }
  }
  const auto& costs = facts.costs();
  for (auto it = first_at_or_after(costs, s.from()); it != costs.end() && it->at < s.to(); ++it) {
    if (!scope.matches(vehicles[it->vehicle])) continue;
    WindowStats& w = s[s.bucket_of(it->at)];
    w.parts_cost += it->parts;
    w.labour_h += it->labour_hours;
  }
}

void series_work_orders(const FactStore& facts, const Scope& scope, Series& s) {
  const auto& vehicles = facts.vehicles();
  facts.for_each_work_order_touching(s.from(), s.to(), [&](const WorkOrderFact& o) {
    if (!scope.matches(vehicles[o.vehicle])) return;
    if (o.category == 0 && o.completed && o.started) {
      if (auto i = s.bucket_of(*o.completed); i < s.size() && o.created < s[i].window.to) {
        const Timestamp us = *o.completed - *o.started;
        ++s[i].repairs;
        s[i].repair_us += us;
        if (o.system >= 0) {
          ++s[i].per_system[static_cast<std::size_t>(o.system)].repairs;
          s[i].per_system[static_cast<std::size_t>(o.system)].repair_us += us;
        }
      }
    }
    if (o.scheduled_end && !o.cancelled)
      if (auto i = s.bucket_of(*o.scheduled_end); i < s.size() && o.created < s[i].window.to) {
        ++s[i].scheduled;
        if (o.completed && *o.completed <= *o.scheduled_end) ++s[i].scheduled_on_time;
      }
    if (o.category == 1 && !o.cancelled)
      if (auto i = s.bucket_of(o.due); i < s.size() && o.created < s[i].window.to) {
        ++s[i].pm_due;
        if (o.completed && *o.completed <= o.due) ++s[i].pm_on_time;
      }
    // Backlog at each bucket's end T: created < T and not closed before T.
    Timestamp closed = std::numeric_limits<Timestamp>::max();
    if (o.completed) closed = *o.completed;
    if (o.cancelled) closed = std::min(closed, *o.cancelled);
    if (closed < s.from()) return;
    for (std::size_t i = o.created < s.from() ? 0 : s.bucket_of(o.created); i < s.size(); ++i) {
      const Timestamp end = s.bucket_end(i);
      if (closed < end) break;
      if (o.created >= end) continue;
      ++s[i].backlog;
      s[i].backlog_age_us += end - o.created;
      s[i].backlog_oldest_created = std::min(s[i].backlog_oldest_created, o.created);
    }
  });
}

void series_inventory(const FactStore& facts, Series& s) {
  const auto& issues = facts.issues();
  for (auto it = first_at_or_after(issues, s.from()); it != issues.end() && it->at < s.to(); ++it) {
    WindowStats& w = s[s.bucket_of(it->at)];
    ++w.issues;
    w.issued_value += it->value;
    if (it->emptied) ++w.issues_emptied;
  }
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i].average_stock_value = average_value(facts.stock_value(), s[i].window.from, s[i].window.to);
}

}  // namespace

std::vector<WindowStats> collect_series(const FactStore& facts, const std::vector<KpiWindow>& buckets,
                                        const Scope& scope, const Needs& needs) {
  std::vector<WindowStats> stats(buckets.size());
  for (std::size_t i = 0; i < buckets.size(); ++i) stats[i].window = buckets[i];
  if (buckets.empty()) return stats;
  Series s(buckets, stats);
  if (needs.vehicles) series_vehicles(facts, scope, s);
  if (needs.bookings) series_bookings(facts, scope, s);
  if (needs.work_orders) series_work_orders(facts, scope, s);
  if (needs.inventory && scope.is_fleet()) series_inventory(facts, s);
  for (auto& w : stats) w.finish();
  return stats;
}

}  // namespace roundhouse::analytics
