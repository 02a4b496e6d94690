// --query: parsing the JMESPath subset and applying it to responses as JMESPath does.
#include "query.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

using kms::cli::ApplyQuery;
using kms::cli::ParseQuery;

const char* kResponse = R"({"KeyMetadata":{"KeyId":"k1","Enabled":true,"Tags":null,
  "Algs":["A","B"]},
  "Keys":[{"KeyId":"a","Arn":"arn-a"},{"KeyId":"b"},{"Arn":"arn-c"}],"Blob":"AAEC",
  "Nested":[{"L":[{"x":1},{"x":2}]},{"L":[]},{"L":[{"x":3},{"y":4}]},{"M":1}],
  "Odd name":{"x":1}})";

std::string Query(const std::string& query) {
  auto steps = ParseQuery(query);
  REQUIRE(steps.has_value());
  return boost::json::serialize(ApplyQuery(boost::json::parse(kResponse), *steps));
}

std::string QueryError(const std::string& query) {
  auto steps = ParseQuery(query);
  REQUIRE_FALSE(steps.has_value());
  return steps.error().message;
}

}  // namespace

TEST_CASE("--query picks members, list elements and projections") {
  CHECK(Query("KeyMetadata.KeyId") == R"("k1")");
  CHECK(Query("KeyMetadata.Enabled") == "true");
  CHECK(Query("Blob") == R"("AAEC")");
  CHECK(Query("Keys[0].KeyId") == R"("a")");
  CHECK(Query("Keys[-1].Arn") == R"("arn-c")");
  CHECK(Query("Keys[].KeyId") == R"(["a","b"])");  // nulls leave a projection
  CHECK(Query("Keys[].Arn") == R"(["arn-a","arn-c"])");
  CHECK(Query("Keys[1]") == R"({"KeyId":"b"})");
  CHECK(Query(R"("Odd name".x)") == "1");
}

TEST_CASE("--query [] flattens what the query gave so far, as JMESPath (results from jmespath)") {
  CHECK(Query("Keys[].KeyId[]") == R"(["a","b"])");
  CHECK(Query("Keys[][]") == R"([{"KeyId":"a","Arn":"arn-a"},{"KeyId":"b"},{"Arn":"arn-c"}])");
  CHECK(Query("KeyMetadata.Algs[][]") == R"(["A","B"])");
  CHECK(Query("Nested[].L[]") == R"([{"x":1},{"x":2},{"x":3},{"y":4}])");
  CHECK(Query("Nested[].L[].x") == "[1,2,3]");
  CHECK(Query("Nested[].L[0]") == R"([{"x":1},{"x":3}])");
  CHECK(Query("Nested[].L[0].x") == "[1,3]");
  CHECK(Query("Nested[].L[][]") == R"([{"x":1},{"x":2},{"x":3},{"y":4}])");
  CHECK(Query("Keys[].KeyId[0]") == "[]");
}

TEST_CASE("--query gives null for what is not there") {
  CHECK(Query("Missing") == "null");
  CHECK(Query("KeyMetadata.Missing.Deeper") == "null");
  CHECK(Query("Keys[3].KeyId") == "null");
  CHECK(Query("Keys[-4]") == "null");
  CHECK(Query("Blob[0]") == "null");
  CHECK(Query("Blob[].x") == "null");
  CHECK(Query("KeyMetadata.KeyId.Deeper") == "null");
}

TEST_CASE("--query refuses what it does not support, saying where") {
  CHECK(QueryError("") == "Bad value for --query : empty query at position 0");
  CHECK(QueryError("Keys[?Enabled]") ==
        "Bad value for --query Keys[?Enabled]: only [] and [N] are supported at position 4");
  CHECK(QueryError("Keys[0") == "Bad value for --query Keys[0: unterminated [ at position 4");
  CHECK(QueryError("a..b") == "Bad value for --query a..b: expected a member name at position 2");
  CHECK(QueryError("a b") == "Bad value for --query a b: expected . or [ at position 1");
  CHECK(QueryError("length(Keys)") ==
        "Bad value for --query length(Keys): expected . or [ at position 6");
  CHECK(QueryError(R"("open)") ==
        R"(Bad value for --query "open: unterminated quoted name at position 0)");
}

TEST_CASE("kmsctl --query with a bad path is a usage error before any call") {
  std::istringstream in;
  std::ostringstream out, err;
  std::vector<std::string_view> argv = {"list-keys", "--query", "Keys[*].KeyId"};
  int status = kms::cli::Run(argv, {in, out, err});
  CHECK(status == 2);
  CHECK(out.str().empty());
  CHECK(err.str().find("only [] and [N] are supported at position 4") != std::string::npos);
}
