// Tests of kms-bench's percentile computation and report formats.
#include "latency_stats.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <numeric>
#include <vector>

namespace kms::bench {
namespace {

std::vector<uint64_t> OneTo(uint64_t n) {
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), 1);
  return v;
}

TEST_CASE("Percentile of no samples is zero") {
  CHECK(Percentile({}, 50) == 0);
  CHECK(Percentile({}, 100) == 0);
}

TEST_CASE("Percentile uses the nearest rank: the smallest sample covering the percentage") {
  auto hundred = OneTo(100);
  CHECK(Percentile(hundred, 50) == 50);
  CHECK(Percentile(hundred, 90) == 90);
  CHECK(Percentile(hundred, 99) == 99);
  CHECK(Percentile(hundred, 99.5) == 100);
  CHECK(Percentile(hundred, 100) == 100);
  CHECK(Percentile(hundred, 0.001) == 1);
  auto ten = OneTo(10);
  CHECK(Percentile(ten, 50) == 5);
  CHECK(Percentile(ten, 51) == 6);
  CHECK(Percentile(ten, 90) == 9);
  CHECK(Percentile(ten, 99) == 10);
  std::vector<uint64_t> one{7};
  CHECK(Percentile(one, 1) == 7);
  CHECK(Percentile(one, 100) == 7);
}

TEST_CASE("Summarize sorts the samples and reports milliseconds and requests per second") {
  std::vector<uint64_t> ns = OneTo(1000);
  for (uint64_t& v : ns) v *= 1000;  // 1 us .. 1 ms
  std::reverse(ns.begin(), ns.end());
  OpFigures f = Summarize("Encrypt", ns, 3, "HTTP 400: x", 2.0);
  CHECK(std::is_sorted(ns.begin(), ns.end()));
  CHECK(f.op == "Encrypt");
  CHECK(f.completed == 1000);
  CHECK(f.errors == 3);
  CHECK(f.first_error == "HTTP 400: x");
  CHECK(f.window_s == 2.0);
  CHECK(f.requests_per_s == doctest::Approx(500.0));
  CHECK(f.p50_ms == doctest::Approx(0.5));
  CHECK(f.p90_ms == doctest::Approx(0.9));
  CHECK(f.p99_ms == doctest::Approx(0.99));
  CHECK(f.max_ms == doctest::Approx(1.0));
}

TEST_CASE("Summarize of an empty window reports zeros") {
  std::vector<uint64_t> none;
  OpFigures f = Summarize("Decrypt", none, 0, "", 0);
  CHECK(f.completed == 0);
  CHECK(f.requests_per_s == 0);
  CHECK(f.max_ms == 0);
}

RunInfo Info() { return RunInfo{"http://127.0.0.1:4599", "k1", 16, 10, 1, 64}; }

TEST_CASE("The text report is a fixed-width table followed by each operation's first error") {
  std::vector<uint64_t> a{1'000'000, 2'000'000};
  std::vector<uint64_t> b{500'000};
  std::vector<OpFigures> figures{Summarize("GenerateDataKey", a, 0, "", 10),
                                 Summarize("Decrypt", b, 1, "HTTP 400: {\"__type\":\"X\"}", 10)};
  std::string expected =
      "endpoint http://127.0.0.1:4599  key k1\n"
      "16 connections, 1.0 s warm-up + 10.0 s per operation, plaintext 64 bytes\n\n"
      "operation                          requests   errors      req/s    p50 ms    p90 ms    "
      "p99 ms    max ms\n"
      "GenerateDataKey                           2        0        0.2     1.000     2.000     "
      "2.000     2.000\n"
      "Decrypt                                   1        1        0.1     0.500     0.500     "
      "0.500     0.500\n"
      "first Decrypt error: HTTP 400: {\"__type\":\"X\"}\n";
  CHECK(FormatText(Info(), figures) == expected);
}

TEST_CASE("The JSON report carries every figure and a null first_error when there was none") {
  std::vector<uint64_t> a{1'234'567, 2'000'000, 3'000'000};
  std::vector<OpFigures> figures{Summarize("Encrypt", a, 0, "", 3),
                                 Summarize("Decrypt", a, 2, "HTTP 400: {\"m\":\"x\"}", 3)};
  std::string text = FormatJson(Info(), figures);
  CHECK(text.back() == '\n');
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  REQUIRE_FALSE(ec);
  const auto& o = root.as_object();
  CHECK(o.at("endpoint") == "http://127.0.0.1:4599");
  CHECK(o.at("key_id") == "k1");
  CHECK(o.at("connections") == 16);
  CHECK(o.at("duration_s").to_number<double>() == 10.0);
  CHECK(o.at("warmup_s").to_number<double>() == 1.0);
  CHECK(o.at("plaintext_size") == 64);
  const auto& ops = o.at("operations").as_array();
  REQUIRE(ops.size() == 2);
  const auto& e = ops[0].as_object();
  CHECK(e.at("op") == "Encrypt");
  CHECK(e.at("completed") == 3u);
  CHECK(e.at("errors") == 0u);
  CHECK(e.at("first_error").is_null());
  CHECK(e.at("requests_per_s").as_double() == doctest::Approx(1.0));
  const auto& latency = e.at("latency_ms").as_object();
  CHECK(latency.at("p50").as_double() == doctest::Approx(2.0));
  CHECK(latency.at("p90").as_double() == doctest::Approx(3.0));
  CHECK(latency.at("max").as_double() == doctest::Approx(3.0));
  const auto& d = ops[1].as_object();
  CHECK(d.at("errors") == 2u);
  CHECK(d.at("first_error") == "HTTP 400: {\"m\":\"x\"}");
  std::string latency_text = R"("latency_ms":{"p50":2.000,"p90":3.000,"p99":3.000,"max":3.000})";
  CHECK(text ==
        R"({"endpoint":"http://127.0.0.1:4599","key_id":"k1","connections":16,"duration_s":10,)"
        R"("warmup_s":1,"plaintext_size":64,"operations":[{"op":"Encrypt","completed":3,)"
        R"("errors":0,"first_error":null,"requests_per_s":1.0,)" +
            latency_text +
            R"(},{"op":"Decrypt","completed":3,"errors":2,)"
            R"("first_error":"HTTP 400: {\"m\":\"x\"}","requests_per_s":1.0,)" +
            latency_text + "}]}\n");
}

}  // namespace
}  // namespace kms::bench
