// The router: one HTTP request in, one HTTP response out. Checks method, path and content type,
// reads the caller from the SigV4 Authorization header, parses the JSON body once, dispatches on
// X-Amz-Target and renders every error, once, as AWS JSON 1.1 does.
#include "server/router.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <exception>
#include <kms/internal/random.hpp>
#include <kms/sigv4.hpp>
#include <optional>

#include "api/cloudtrail_ops.hpp"
#include "api/operations.hpp"
#include "audit/audit_log.hpp"
#include "server/admin.hpp"

namespace kms::emulator {
namespace {

constexpr std::string_view kJson11 = "application/x-amz-json-1.1";
constexpr std::string_view kJson10 = "application/x-amz-json-1.0";
constexpr std::string_view kTargetPrefix = "TrentService.";
constexpr std::string_view kRequestIdHeader = "x-amzn-RequestId";

// Routing choice for requests the AWS JSON protocol does not claim (a method other than POST, a
// path other than "/", a content type other than application/x-amz-json-1.x). AWS's service
// framework offers a request to each protocol handler; when none claims it, the answer is
// UnknownOperationException with status 404 (Smithy maintainers, smithy-lang/smithy#1368).
// Clients key on __type, so the 404 only matters to humans with curl. A missing Content-Type is
// accepted as JSON 1.1: that is lenient, but hand-written requests are common against emulators.
// A request the protocol claims but whose X-Amz-Target is missing, not TrentService.* or not an
// operation is UnknownOperationException with the error table's status, 400.
constexpr int kUnclaimedStatus = 404;

// GET /health answers this.
constexpr std::string_view kHealthBody = R"({"status":"ok"})";

// What the audit trail sees of one request: its KMS operation, parsed body and handler output,
// kept in Router::Handle's frame until the response has been recorded.
struct Exchange {
  std::string_view operation;  // set once X-Amz-Target names a KMS operation
  // The request's JSON lives in a stack buffer while small: no heap allocation per member.
  unsigned char buffer[4096];
  boost::json::monotonic_resource resource{buffer, sizeof(buffer)};
  boost::json::value input = boost::json::value(boost::json::storage_ptr(&resource));
  bool parsed = false;
  std::optional<boost::json::object> output;  // the handler's members, on success
};

HttpResponse MakeResponse(int status, std::string_view content_type, std::string body,
                          std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.headers.reserve(3);
  response.headers.emplace_back("Content-Type", content_type);
  response.headers.emplace_back(kRequestIdHeader, request_id);
  response.body = std::move(body);
  return response;
}

HttpResponse RenderError(const Error& error, int status, std::string_view request_id) {
  std::string_view type = TypeName(error.code);
  boost::json::object body;
  body.reserve(2);
  body.emplace("__type", type);
  // AWS leaves the member out when there is no message (e.g. InvalidCiphertextException,
  // KMSInvalidSignatureException); SDKs then report an empty message and no `message` field.
  if (!error.message.empty()) body.emplace("message", error.message);
  HttpResponse response = MakeResponse(status, kJson11, boost::json::serialize(body), request_id);
  response.headers.emplace_back("x-amzn-ErrorType", type);
  return response;
}

HttpResponse Unclaimed(std::string message, std::string_view request_id) {
  return RenderError(MakeError(ErrorCode::kUnknownOperation, std::move(message)), kUnclaimedStatus,
                     request_id);
}

void LogInternal(std::string_view request_id, const char* what) {
  // One fprintf per line, so lines from concurrent requests do not interleave.
  std::fprintf(stderr, "kms-emulator: internal error in request %.*s: %s\n",
               static_cast<int>(request_id.size()), request_id.data(), what);
}

// The per-request catch-all (DESIGN.md §6): an exception becomes 500 KMSInternalException.
template <class F>
HttpResponse CatchAll(std::string_view request_id, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    LogInternal(request_id, e.what());
  } catch (...) {
    LogInternal(request_id, "unknown exception");
  }
  return RenderError(MakeError(ErrorCode::kInternal, "An internal error occurred"),
                     HttpStatus(ErrorCode::kInternal), request_id);
}

// Runs the handler; on success its output is also moved to `kept` (for the audit trail).
HttpResponse Invoke(Handler handler, Services& services, const RequestContext& ctx,
                    const boost::json::object& input,
                    std::optional<boost::json::object>* kept = nullptr) {
  Result<boost::json::object> output = handler(services, ctx, input);
  if (!output) return ErrorResponse(output.error(), ctx.request_id);
  HttpResponse response =
      MakeResponse(200, kJson11, boost::json::serialize(*output), ctx.request_id);
  if (kept != nullptr) kept->emplace(std::move(*output));
  return response;
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// The media type without parameters ("application/x-amz-json-1.1; charset=utf-8").
bool IsJsonContentType(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return IEquals(value, kJson11) || IEquals(value, kJson10);
}

// The handler named by X-Amz-Target "TrentService.<Operation>", or UnknownOperationException.
Result<Handler> LookUp(std::string_view target) {
  if (target.empty()) {
    return MakeError(ErrorCode::kUnknownOperation, "Missing X-Amz-Target header");
  }
  Handler handler = nullptr;
  if (target.substr(0, kTargetPrefix.size()) == kTargetPrefix) {
    handler = FindOperation(target.substr(kTargetPrefix.size()));
  }
  if (handler == nullptr) {
    return MakeError(ErrorCode::kUnknownOperation, "Unknown operation: " + std::string(target));
  }
  return handler;
}

// The caller: account, region, access key and user from the Authorization header, verified or
// not as --auth says (server/auth.hpp).
Status FillCaller(const HttpRequest& request, const RouterOptions& options, RequestContext& ctx) {
  return Authenticate(request, options.auth, options.default_region, options.default_account,
                      sigv4::Clock::now(), ctx);
}

// Parses the body into `out`, allocating from out's storage. An empty body is {}.
Status ParseBody(std::string_view body, boost::json::value& out) {
  if (body.empty()) {
    out.emplace_object();
    return {};
  }
  unsigned char temp[1024];  // the parser's scratch space, also kept off the heap
  boost::json::parser parser(boost::json::storage_ptr(), boost::json::parse_options(), temp,
                             sizeof(temp));
  parser.reset(out.storage());
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  if (ec) {
    return MakeError(ErrorCode::kSerialization,
                     "The request body is not valid JSON: " + ec.message());
  }
  out = parser.release();  // same storage: a move, not a copy
  if (!out.is_object()) {
    return MakeError(ErrorCode::kSerialization, "The request body must be a JSON object");
  }
  return {};
}

// The /_emulator admin endpoint (server/admin.hpp), not a KMS operation: plain JSON, never
// audited. Off unless --admin allows it; with --auth sigv4 only for signed requests of a caller.
HttpResponse ServeAdmin(const HttpRequest& request, std::string_view path,
                        const RouterOptions& options, RequestContext& ctx) {
  AdminResponse out;
  Status caller;
  if (options.auth.mode == AuthMode::kSigV4) caller = FillCaller(request, options, ctx);
  if (!options.admin) {
    out = AdminError(403, "The admin endpoint is off; start kms-emulator with --admin on");
  } else if (!caller) {
    out = AdminError(403,
                     "The admin endpoint needs a request signed by a caller of --credentials "
                     "(--auth sigv4): " +
                         caller.error().message);
  } else {
    out = options.admin->Handle(request.method, path, request.body);
  }
  return MakeResponse(out.status, "application/json", std::move(out.body), ctx.request_id);
}

HttpResponse Route(const HttpRequest& request, Services& services, const RouterOptions& options,
                   RequestContext& ctx, Exchange& exchange) {
  std::string_view path = PathOf(request.target);
  if (path == "/health" && request.method == "GET") {
    return MakeResponse(200, "application/json", std::string(kHealthBody), ctx.request_id);
  }
  if (AdminEndpoint::Claims(path)) return ServeAdmin(request, path, options, ctx);
  if (request.method != "POST" || path != "/") {
    return Unclaimed("No operation at " + request.method + " " + std::string(path) +
                         ": KMS requests are POST / with X-Amz-Target TrentService.<Operation>",
                     ctx.request_id);
  }
  if (request.HasHeader("Content-Type") && !IsJsonContentType(request.Header("Content-Type"))) {
    return Unclaimed("Unsupported Content-Type '" + std::string(request.Header("Content-Type")) +
                         "': KMS requests use application/x-amz-json-1.1",
                     ctx.request_id);
  }
  std::string_view target = request.Header("X-Amz-Target");
  bool cloudtrail = IsCloudTrailTarget(target);  // CloudTrail's LookupEvents, on the same port
  Result<Handler> handler = cloudtrail ? Result<Handler>(Handler(nullptr)) : LookUp(target);
  if (!handler) return ErrorResponse(handler.error(), ctx.request_id);
  if (!cloudtrail) exchange.operation = target.substr(kTargetPrefix.size());
  if (Status caller = FillCaller(request, options, ctx); !caller) {
    return ErrorResponse(caller.error(), ctx.request_id);
  }
  if (Status parsed = ParseBody(request.body, exchange.input); !parsed) {
    return ErrorResponse(parsed.error(), ctx.request_id);
  }
  exchange.parsed = true;
  ctx.now_ms = services.clock.NowMs();
  if (cloudtrail) return ServeCloudTrail(target, services, ctx, exchange.input.get_object());
  return Invoke(*handler, services, ctx, exchange.input.get_object(), &exchange.output);
}

}  // namespace

HttpResponse ErrorResponse(const Error& error, std::string_view request_id) {
  return RenderError(error, HttpStatus(error.code), request_id);
}

HttpResponse RunHandler(Handler handler, Services& services, const RequestContext& ctx,
                        const boost::json::object& input) {
  return CatchAll(ctx.request_id, [&] { return Invoke(handler, services, ctx, input); });
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  RequestContext ctx;
  ctx.request_id = internal::RandomUuid();
  Exchange exchange;
  HttpResponse response =
      CatchAll(ctx.request_id, [&] { return Route(request, services_, options_, ctx, exchange); });
  // The audit hook: one CloudTrail event per KMS call, success or error, auth failures included.
  if (services_.audit != nullptr && !exchange.operation.empty()) {
    const boost::json::object* input = exchange.parsed ? &exchange.input.get_object() : nullptr;
    const boost::json::object* output = exchange.output ? &*exchange.output : nullptr;
    services_.audit->Record({exchange.operation, request, ctx, services_, input, output, response});
  }
  return response;
}

}  // namespace kms::emulator
