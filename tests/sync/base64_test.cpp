// The sync routes' base64 (RFC 4648, padded): the standard's test vectors, every length's round
// trip, and the malformed input a push must refuse.

#include <gtest/gtest.h>

#include <string>

#include "engine/base64.hpp"

namespace roundhouse::sync {
namespace {

TEST(Base64Test, Rfc4648VectorsAndRoundTripsOfEveryLength) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : vectors) {
    EXPECT_EQ(base64_encode(plain), coded);
    EXPECT_EQ(base64_decode(coded), plain);
  }
  std::string bytes;
  for (int n = 0; n < 300; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << n << " bytes";
    bytes.push_back(static_cast<char>(n * 151 + 7));  // every byte value, in no particular order
  }
}

TEST(Base64Test, RefusesWhatIsNotPaddedBase64) {
  for (const char* bad : {"Zg=", "Z===", "Zg=a", "Zm9v!A==", "Zm=v", "Zg==Zg==", "Zm9v\n"})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
}

}  // namespace
}  // namespace roundhouse::sync
