#pragma once
// Writes an analytics model's fact tables as CSV files, the input of the pandas baseline
// (benchmarks/analytics_baseline.py), so both sides compute the KPIs from the same tables.
#include <string>

#include "facts.hpp"

namespace roundhouse::bench {

void export_facts(const analytics::FactStore& facts, const std::string& dir);

}  // namespace roundhouse::bench
