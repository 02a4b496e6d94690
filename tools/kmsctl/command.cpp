// Args accessors, the Output builder and the lazily created client of Context.
#include "command.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <kms/internal/encoding.hpp>

#include "model_json.hpp"

namespace kms::cli {
namespace {

template <class T>
const T* Get(const std::map<std::string, OptionValue, std::less<>>& values, std::string_view name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : std::get_if<T>(&it->second);
}

// Wipes every string in `v`: base64 copies of plaintext and data keys.
void Wipe(boost::json::value& v) {
  if (auto* s = v.if_string()) {
    OPENSSL_cleanse(s->data(), s->size());
  } else if (auto* o = v.if_object()) {
    for (auto& member : *o) Wipe(member.value());
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) Wipe(item);
  }
}

}  // namespace

void Args::Set(std::string_view name, OptionValue value) {
  values_.insert_or_assign(std::string(name), std::move(value));
}

bool Args::Has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::optional<std::string> Args::String(std::string_view name) const {
  const auto* v = Get<std::string>(values_, name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

std::string Args::Required(std::string_view name) const { return String(name).value_or(""); }

std::optional<int> Args::Int(std::string_view name) const {
  const auto* v = Get<int>(values_, name);
  return v ? std::optional<int>(*v) : std::nullopt;
}

std::optional<bool> Args::Bool(std::string_view name) const {
  const auto* v = Get<bool>(values_, name);
  return v ? std::optional<bool>(*v) : std::nullopt;
}

std::vector<std::string> Args::List(std::string_view name) const {
  const auto* v = Get<std::vector<std::string>>(values_, name);
  return v ? *v : std::vector<std::string>{};
}

EncryptionContextMap Args::Map(std::string_view name) const {
  const auto* v = Get<EncryptionContextMap>(values_, name);
  return v ? *v : EncryptionContextMap{};
}

std::vector<Tag> Args::Tags(std::string_view name) const {
  const auto* v = Get<std::vector<Tag>>(values_, name);
  return v ? *v : std::vector<Tag>{};
}

const internal::SecretBytes* Args::Blob(std::string_view name) const {
  return Get<internal::SecretBytes>(values_, name);
}

Output::Output(std::vector<OutfileTarget> targets) : targets_(std::move(targets)) {}

Output::~Output() { Wipe(data_); }

void Output::Str(std::string_view name, const std::string& value) {
  if (!value.empty()) Data()[name] = value;
}

void Output::Int(std::string_view name, std::optional<int> value) {
  if (value) Data()[name] = *value;
}

void Output::Bool(std::string_view name, std::optional<bool> value) {
  if (value) Data()[name] = *value;
}

void Output::Time(std::string_view name, std::optional<Timestamp> value) {
  if (value) Data()[name] = EpochSeconds(*value);
}

void Output::Blob(std::string_view name, std::span<const uint8_t> bytes) {
  auto target = std::find_if(targets_.begin(), targets_.end(),
                             [&](const OutfileTarget& t) { return t.field == name; });
  if (target != targets_.end()) {
    files_.push_back({target->path, internal::SecretBytes(bytes)});
    return;
  }
  if (bytes.empty()) return;
  boost::json::string& out = Data()[name].emplace_string();
  out.resize(internal::Base64EncodedSize(bytes.size()));
  internal::Base64EncodeInto(bytes, out.data());
}

bool Output::WritesStdout() const {
  return std::any_of(targets_.begin(), targets_.end(),
                     [](const OutfileTarget& t) { return t.path == "-"; });
}

ClientConfig ClientConfigFrom(const GlobalOptions& g) {
  ClientConfig config;
  config.endpoint_url = g.endpoint_url;
  config.region = g.region;
  config.profile = g.profile;
  config.ca_bundle = g.ca_bundle;
  config.verify_tls = g.verify_ssl;
  return config;
}

Result<const KmsClient*> Context::Client() {
  if (client_) return &*client_;
  auto client = KmsClient::Create(ClientConfigFrom(globals_));
  if (!client) return client.error();
  client_.emplace(std::move(*client));
  return &*client_;
}

}  // namespace kms::cli
