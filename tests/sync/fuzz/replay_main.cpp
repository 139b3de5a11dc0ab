// A standalone driver for the wire decoder fuzz target, for builds without libFuzzer (GCC): feeds it
// valid messages from random change sets, every truncation of them, and deterministic random
// mutations (bit flips, byte overwrites, insertions, deletions, splices), plus files given on the
// command line. `--write-corpus DIR` writes the valid seeds as a libFuzzer corpus instead.
//
//   sync_wire_fuzz_replay [--iterations N] [--write-corpus DIR] [FILE...]

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../random_changes.hpp"
#include "roundhouse/sync/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int run(const std::string& s) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::string mutate(std::string s, const std::string& other, roundhouse::sync::testing::Rng& rng) {
  int rounds = 1 + static_cast<int>(rng.below(4));
  for (int i = 0; i < rounds; ++i) {
    std::size_t at = s.empty() ? 0 : rng.below(s.size());
    switch (rng.below(6)) {
      case 0: if (!s.empty()) s[at] = static_cast<char>(s[at] ^ (1 << rng.below(8))); break;
      case 1: if (!s.empty()) s[at] = static_cast<char>(rng.below(256)); break;
      case 2: s.insert(at, 1, static_cast<char>(rng.below(256))); break;
      case 3: if (!s.empty()) s.erase(at, 1 + rng.below(4)); break;
      case 4: if (!s.empty()) s[at] = static_cast<char>(0xff); break;  // long varints
      default: s = s.substr(0, at) + other.substr(std::min(other.size(), rng.below(other.size() + 1)));
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace roundhouse::sync;
  long iterations = 200'000;
  std::string corpus_dir;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--iterations" && i + 1 < argc) iterations = std::stol(argv[++i]);
    else if (a == "--write-corpus" && i + 1 < argc) corpus_dir = argv[++i];
    else files.push_back(a);
  }
  std::vector<std::string> seeds;
  for (std::uint64_t seed = 1; seed <= 40; ++seed)
    for (const auto& cs : testing::random_changes(seed, 12)) {
      seeds.push_back(wire::encode(cs));
      seeds.push_back(wire::encode(cs.context()));
    }
  if (!corpus_dir.empty()) {
    std::filesystem::create_directories(corpus_dir);
    for (std::size_t i = 0; i < seeds.size(); ++i)
      std::ofstream(corpus_dir + "/seed-" + std::to_string(i), std::ios::binary) << seeds[i];
    std::printf("wrote %zu seeds to %s\n", seeds.size(), corpus_dir.c_str());
    return 0;
  }
  long inputs = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    run(std::string(std::istreambuf_iterator<char>(in), {}));
    ++inputs;
  }
  for (const auto& s : seeds)
    for (std::size_t n = 0; n <= s.size(); ++n, ++inputs) run(s.substr(0, n));
  testing::Rng rng(20261123);
  for (long i = 0; i < iterations; ++i, ++inputs)
    run(mutate(seeds[rng.below(seeds.size())], seeds[rng.below(seeds.size())], rng));
  std::printf("%ld inputs, no crash, every failure a clear error\n", inputs);
  return 0;
}
