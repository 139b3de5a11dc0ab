#include "domain/domain_benchmarks.hpp"

namespace roundhouse::bench {
namespace {

// replay passes, snapshot loads, full-replay loads, state_at calls
constexpr DomainSizes kFull{10, 2000, 5, 100};
constexpr DomainSizes kQuick{3, 300, 2, 20};
bool g_quick = false;

}  // namespace

const DomainSizes& domain_sizes() { return g_quick ? kQuick : kFull; }
void set_domain_quick(bool quick) { g_quick = quick; }
bool domain_quick() { return g_quick; }

}  // namespace roundhouse::bench
