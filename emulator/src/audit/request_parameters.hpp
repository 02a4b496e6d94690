// The requestParameters and responseElements of a CloudTrail record for KMS, converted from the
// already-parsed request and response JSON the way AWS logs them: member names in lowerCamel,
// encryption-context keys as sent, and never plaintext, ciphertext, key material or secrets.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "audit/json_text.hpp"

namespace kms::emulator::audit {

// True for the members CloudTrail never shows: every blob of the KMS model (Plaintext,
// CiphertextBlob, EncryptedKeyMaterial, ImportToken, Message, Signature, Mac, PublicKey,
// AttestationDocument), the custom key store secrets and grant tokens (AWS logs RetireGrant with
// its token as "requestParameters": null). Pure.
bool IsOmittedMember(std::string_view member);

// Writes the requestParameters value of `operation`: the request's members of the KMS model,
// converted, plus the defaults AWS records although the caller left them out (encryptionAlgorithm
// for Encrypt/Decrypt, both algorithms for ReEncrypt, CreateKey's key spec, usage, origin and
// description from the created key's metadata in `output`). null when `input` is null or nothing
// loggable remains. Pure.
void WriteRequestParameters(JsonWriter& out, std::string_view operation,
                            const boost::json::object* input, const boost::json::object* output);

// Writes the responseElements value: null for every operation except those AWS logs a response
// for (CreateKey's keyMetadata, ScheduleKeyDeletion, CancelKeyDeletion, CreateGrant), whose
// members are converted like the request's, dates as "Aug 10, 2022, 10:38:27 PM". null when
// `output` is null (the call failed). Pure.
void WriteResponseElements(JsonWriter& out, std::string_view operation,
                           const boost::json::object* output);

}  // namespace kms::emulator::audit
