// JSON 1.1 codecs of the SDK's request and response structs (private to kms_sdk). The emulator
// has its own, on purpose: the two sides never share a codec.
#pragma once

#include <boost/json/object.hpp>
#include <kms/model.hpp>
#include <kms/result.hpp>
#include <string>

namespace kms::internal {

// The request body: botocore member names, blobs base64, enums by wire name, unset optional
// members left out. Thread-safe (pure).
std::string EncodeRequest(const CancelKeyDeletionRequest& r);
std::string EncodeRequest(const CreateAliasRequest& r);
std::string EncodeRequest(const CreateKeyRequest& r);
std::string EncodeRequest(const DecryptRequest& r);
std::string EncodeRequest(const DeleteAliasRequest& r);
std::string EncodeRequest(const DescribeKeyRequest& r);
std::string EncodeRequest(const DisableKeyRequest& r);
std::string EncodeRequest(const EnableKeyRequest& r);
std::string EncodeRequest(const EncryptRequest& r);
std::string EncodeRequest(const GenerateDataKeyRequest& r);
std::string EncodeRequest(const GenerateDataKeyWithoutPlaintextRequest& r);
std::string EncodeRequest(const GenerateRandomRequest& r);
std::string EncodeRequest(const ListAliasesRequest& r);
std::string EncodeRequest(const ListKeysRequest& r);
std::string EncodeRequest(const ListResourceTagsRequest& r);
std::string EncodeRequest(const ReEncryptRequest& r);
std::string EncodeRequest(const ScheduleKeyDeletionRequest& r);
std::string EncodeRequest(const TagResourceRequest& r);
std::string EncodeRequest(const UntagResourceRequest& r);
std::string EncodeRequest(const UpdateAliasRequest& r);
std::string EncodeRequest(const UpdateKeyDescriptionRequest& r);

// Fills `out` from a response body. JSON null counts as absent; unknown members are ignored.
// kInternal "Unable to parse the KMS response: <member> <problem>" when a member has the wrong
// JSON type or is not valid base64. Thread-safe (pure).
Status DecodeResponse(const boost::json::object& body, CancelKeyDeletionResponse& out);
Status DecodeResponse(const boost::json::object& body, CreateKeyResponse& out);
Status DecodeResponse(const boost::json::object& body, DecryptResponse& out);
Status DecodeResponse(const boost::json::object& body, DescribeKeyResponse& out);
Status DecodeResponse(const boost::json::object& body, EncryptResponse& out);
Status DecodeResponse(const boost::json::object& body, GenerateDataKeyResponse& out);
Status DecodeResponse(const boost::json::object& body,
                      GenerateDataKeyWithoutPlaintextResponse& out);
Status DecodeResponse(const boost::json::object& body, GenerateRandomResponse& out);
Status DecodeResponse(const boost::json::object& body, ListAliasesResponse& out);
Status DecodeResponse(const boost::json::object& body, ListKeysResponse& out);
Status DecodeResponse(const boost::json::object& body, ListResourceTagsResponse& out);
Status DecodeResponse(const boost::json::object& body, ReEncryptResponse& out);
Status DecodeResponse(const boost::json::object& body, ScheduleKeyDeletionResponse& out);

}  // namespace kms::internal
