#include "http_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace roundhouse::sync::client {
namespace beast = boost::beast;
namespace http = beast::http;

Result<HttpTransport> HttpTransport::create(const std::string& base_url, std::string api_key,
                                            std::chrono::milliseconds timeout) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0) return Error{ErrorCode::invalid_argument, "the server URL must start with http://"};
  std::string rest = base_url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  HttpTransport t;
  t.host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  t.port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (t.host_.empty() || t.port_.empty() || rest.find('/') != std::string::npos)
    return Error{ErrorCode::invalid_argument, "the server URL must be http://host[:port]"};
  t.api_key_ = std::move(api_key);
  t.timeout_ = timeout;
  return t;
}

Result<HttpReply> HttpTransport::request(const std::string& method, const std::string& target,
                                         const std::string& json_body) const {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout_);
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host_);
    req.set(http::field::authorization, "Bearer " + api_key_);
    if (!json_body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = json_body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    auto res = parser.release();
    return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
  } catch (const std::exception& e) {
    return Error{ErrorCode::unavailable, std::string("sync server unreachable: ") + e.what()};
  }
}

}  // namespace roundhouse::sync::client
