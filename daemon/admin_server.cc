#include "daemon/admin_server.h"

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

namespace confab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// A connection keeps its answer buffer between requests up to this size; a larger answer's
// buffer (a metrics scrape, a big page) is freed once written, so idle connections stay small.
constexpr std::size_t kKeptAnswerBytes = 64 << 10;

struct AdminServer::State : std::enable_shared_from_this<AdminServer::State> {
  State(asio::any_io_executor ex, AdminServerOptions opts, const HttpRouter* r)
      : executor(ex), options(std::move(opts)), router(r), acceptor(asio::make_strand(ex)) {}

  asio::any_io_executor executor;
  AdminServerOptions options;
  const HttpRouter* router;
  tcp::acceptor acceptor;
  std::atomic<bool> stopped{false};

  // One entry per open connection. `busy` is true from a request's arrival until its answer
  // is written, so Stop() can close idle keep-alive connections at once and let the others
  // finish the answer they are writing.
  struct Connection {
    explicit Connection(beast::tcp_stream* s) : stream(s) {}
    beast::tcp_stream* stream;
    // Written and read on the connection's strand only (Stop() checks it in a handler posted
    // there), so no request takes the server-wide lock to flip it; atomic in case a reader off
    // the strand is ever added.
    std::atomic<bool> busy{false};
  };
  mutable std::mutex mutex;  // guards the list `connections` (not the flags)
  std::condition_variable all_closed;
  std::list<Connection> connections;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(beast::tcp_stream stream);
  // The router's answer: at once for a synchronous route, else once the handler responds
  // (from any thread; the coroutine resumes on the connection's strand).
  asio::awaitable<HttpResponse> Answer(http::request<http::string_body> request) const;
};

namespace {

HttpRequest FromBeast(http::request<http::string_body>&& request) {
  HttpRequest converted;
  converted.method = std::string(request.method_string());
  converted.target = std::string(request.target());
  converted.headers.reserve(8);
  for (const auto& field : request) {
    converted.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  converted.body = std::move(request.body());
  return converted;
}

http::response<http::string_body> ToBeast(HttpResponse response, unsigned version, bool keep_alive,
                                          bool head) {
  http::response<http::string_body> converted{static_cast<http::status>(response.status), version};
  converted.set(http::field::server, "confabd");
  converted.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) {
    converted.set(name, value);
  }
  converted.keep_alive(keep_alive);
  converted.body() = head ? std::string() : std::move(response.body);
  converted.prepare_payload();
  if (head) {
    converted.content_length(response.body.size());
  }
  return converted;
}

// The whole answer as one buffer, serialized by Beast: one send per answer, and the
// serializer's buffer sequence is walked once here, not again by every step of a composed
// write (which cost ~8% of a redirect's CPU).
void SerializeTo(http::response<http::string_body>& response, std::string& out) {
  out.clear();
  http::response_serializer<http::string_body> serializer(response);
  serializer.split(false);
  beast::error_code ec;
  while (!ec && !serializer.is_done()) {
    serializer.next(ec, [&](beast::error_code&, const auto& buffers) {
      const std::size_t size = beast::buffer_bytes(buffers);
      const std::size_t at = out.size();
      out.resize(at + size);
      asio::buffer_copy(asio::buffer(out.data() + at, size), buffers);
      serializer.consume(size);
    });
  }
}

// True for faults in the request itself (syntax, limits), which get an HTTP error answer;
// false for a connection that closed, broke, timed out or was cancelled.
bool IsRequestError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The answer to a request Beast could not parse.
HttpResponse ParseErrorResponse(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return JsonError(413, "body_too_large", "request body exceeds the configured limit");
  }
  if (ec == http::error::header_limit) {
    return JsonError(431, "header_too_large", "request headers exceed the configured limit");
  }
  return JsonError(400, "bad_request", ec.message());
}

}  // namespace

asio::awaitable<HttpResponse> AdminServer::State::Answer(
    http::request<http::string_body> request) const {
  HttpRequest converted = FromBeast(std::move(request));
  const AsyncHttpHandler* async = nullptr;
  if (std::optional<HttpResponse> answer = router->Answer(converted, &async)) {
    co_return *std::move(answer);
  }
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(HttpResponse)>(
      [async, &converted](auto handler) {
        (*async)(std::move(converted),
                 [handler = std::move(handler)](HttpResponse response) mutable {
                   auto handler_executor = asio::get_associated_executor(handler);
                   asio::dispatch(handler_executor, [handler = std::move(handler),
                                                     response = std::move(response)]() mutable {
                     std::move(handler)(std::move(response));
                   });
                 });
      },
      asio::use_awaitable);
}

asio::awaitable<void> AdminServer::State::Serve(beast::tcp_stream stream) {
  auto self = shared_from_this();
  std::list<Connection>::iterator registered;
  {
    std::lock_guard lock(mutex);
    registered = connections.emplace(connections.end(), &stream);
  }
  beast::flat_buffer buffer;
  std::string serialized;       // the answer being written; reused, so it allocates once
  bool request_unread = false;  // the peer may still be sending what we refused to read
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    stream.expires_after(options.read_timeout);
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    (void)read_bytes;
    registered->busy.store(true, std::memory_order_relaxed);
    if (read_ec && !IsRequestError(read_ec)) {
      break;  // closed, timed out, stopped or broken: nobody to answer
    }
    request_unread = static_cast<bool>(read_ec);
    const bool wants_keep_alive = parser.get().keep_alive();
    const bool head = !read_ec && parser.get().method() == http::verb::head;
    const unsigned version = read_ec ? 11 : parser.get().version();
    // Not a conditional expression: g++ 12 destroys the temporaries of a co_await inside ?:
    // twice.
    HttpResponse answer;
    if (read_ec) {
      answer = ParseErrorResponse(read_ec);
    } else {
      answer = co_await Answer(parser.release());
    }
    // Decided after answering: a Stop() while the handler ran ends the connection after this.
    const bool keep_alive = !read_ec && wants_keep_alive && !stopped;
    auto response = ToBeast(std::move(answer), version, keep_alive, head);
    SerializeTo(response, serialized);
    stream.expires_after(options.write_timeout);
    auto [write_ec, written] =
        co_await asio::async_write(stream, asio::buffer(serialized), kNoThrow);
    (void)written;
    if (serialized.capacity() > kKeptAnswerBytes) {
      std::string().swap(serialized);
    }
    // Stop() may have come while writing; it skipped this connection because it was busy.
    if (write_ec || !keep_alive || stopped) {
      break;
    }
    registered->busy.store(false, std::memory_order_relaxed);
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (request_unread) {
    // Closing with unread input makes the kernel send RST, which can destroy the error answer
    // before the client reads it; read and discard for a moment first (a "lingering close").
    stream.expires_after(options.linger_timeout);
    char discard[4096];
    for (;;) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(discard), kNoThrow);
      (void)n;
      if (ec) {
        break;
      }
    }
  }
  std::lock_guard lock(mutex);
  connections.erase(registered);
  if (connections.empty()) {
    all_closed.notify_all();
  }
}

asio::awaitable<void> AdminServer::State::Accept() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(executor), kNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopped) {
        co_return;
      }
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    std::size_t open;
    {
      std::lock_guard lock(mutex);
      open = connections.size();
    }
    if (open >= options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);  // over the cap: refuse rather than queue unboundedly
      continue;
    }
    auto connection_executor = socket.get_executor();
    asio::co_spawn(connection_executor, Serve(beast::tcp_stream(std::move(socket))),
                   asio::detached);
  }
}

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Listen(asio::any_io_executor executor,
                                                                 AdminServerOptions options,
                                                                 const HttpRouter* router) {
  auto state = std::make_shared<State>(executor, std::move(options), router);
  beast::error_code ec;
  const auto address = asio::ip::make_address(state->options.address, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("admin address '", state->options.address, "': ", ec.message()));
  }
  const tcp::endpoint endpoint(address, state->options.port);
  auto& acceptor = state->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(absl::StrCat("admin listener on ", state->options.address, ":",
                                               state->options.port, ": ", ec.message()));
  }
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(state)));
}

AdminServer::AdminServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::Start() {
  asio::co_spawn(state_->acceptor.get_executor(), state_->Accept(), asio::detached);
}

void AdminServer::Stop() {
  if (state_->stopped.exchange(true)) {
    return;
  }
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
  std::lock_guard lock(state_->mutex);
  for (const State::Connection& connection : state_->connections) {
    // A connection answering a request finishes it and then closes (it sees `stopped`); an idle
    // one is closed now. Cancel on the connection's own strand: the stream is not thread-safe,
    // and check it is still registered, since it may have closed meanwhile.
    beast::tcp_stream* stream = connection.stream;
    asio::post(stream->get_executor(), [stream, state = state_] {
      std::lock_guard inner(state->mutex);
      for (const State::Connection& open : state->connections) {
        if (open.stream == stream && !open.busy.load(std::memory_order_relaxed)) {
          stream->cancel();
          return;
        }
      }
    });
  }
}

bool AdminServer::WaitForConnectionsClosed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mutex);
  return state_->all_closed.wait_until(lock, deadline,
                                       [this] { return state_->connections.empty(); });
}

uint16_t AdminServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

std::size_t AdminServer::open_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections.size();
}

}  // namespace confab
