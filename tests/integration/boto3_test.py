"""boto3 against the real kms-emulator: the classic envelope walk-through and the symmetric API.

Run by ctest with KMS_EMULATOR_BIN set. Every expected error checks AWS's code and message.
"""
import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from harness import ClientErrorAssertions, Emulator, kms_client  # noqa: E402


class KmsTestCase(ClientErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()
        cls.kms = kms_client(cls.emulator.url)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop_checked()

    def new_key(self, **kwargs):
        return self.kms.create_key(**kwargs)["KeyMetadata"]


class EnvelopeWalkthrough(KmsTestCase):
    def test_generate_data_key_encrypt_locally_decrypt_then_disable(self):
        key = self.new_key(Description="walk-through")
        self.assertEqual(key["KeyState"], "Enabled")
        context = {"purpose": "walk-through", "user": "alice"}

        # 1. A data key: plaintext to use now, ciphertext to keep.
        dk = self.kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_128",
                                        EncryptionContext=context)
        self.assertEqual(len(dk["Plaintext"]), 16)
        self.assertEqual(dk["KeyId"], key["Arn"])

        # 2. Encrypt locally with the data key, then forget it.
        nonce = os.urandom(12)
        secret = b"the launch codes are 0000"
        sealed = AESGCM(dk["Plaintext"]).encrypt(nonce, secret, None)
        encrypted_data_key = dk["CiphertextBlob"]
        del dk

        # 3. Later: KMS decrypts the data key (KeyId is optional for symmetric keys).
        out = self.kms.decrypt(CiphertextBlob=encrypted_data_key, EncryptionContext=context)
        self.assertEqual(out["KeyId"], key["Arn"])
        self.assertEqual(out["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        self.assertEqual(AESGCM(out["Plaintext"]).decrypt(nonce, sealed, None), secret)

        # 4. A disabled key decrypts nothing.
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertError("DisabledException", "%s is disabled." % key["Arn"],
                         self.kms.decrypt, CiphertextBlob=encrypted_data_key,
                         EncryptionContext=context)
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=encrypted_data_key,
                                          EncryptionContext=context)["Plaintext"],
                         out["Plaintext"])


class KeyLifecycle(KmsTestCase):
    def test_create_describe_update_and_list(self):
        key = self.new_key(Description="first", Tags=[{"TagKey": "team", "TagValue": "a"}])
        for field in ("AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled", "Description",
                      "KeyUsage", "KeyState", "Origin", "KeyManager", "CustomerMasterKeySpec",
                      "KeySpec", "EncryptionAlgorithms", "MultiRegion"):
            self.assertIn(field, key)
        self.assertEqual(key["AWSAccountId"], "111122223333")
        self.assertEqual(key["Arn"], "arn:aws:kms:us-east-1:111122223333:key/" + key["KeyId"])
        self.kms.update_key_description(KeyId=key["Arn"], Description="second")
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"],
                         "second")
        ids = set()
        for page in self.kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}):
            ids.update(k["KeyId"] for k in page["Keys"])
        self.assertIn(key["KeyId"], ids)

    def test_schedule_and_cancel_deletion(self):
        key = self.new_key()
        out = self.kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        self.assertEqual(out["KeyState"], "PendingDeletion")
        self.assertEqual(out["PendingWindowInDays"], 7)
        self.assertError("KMSInvalidStateException", "%s is pending deletion." % key["Arn"],
                         self.kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
        self.kms.cancel_key_deletion(KeyId=key["KeyId"])
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"],
                         "Disabled")

    def test_unknown_and_malformed_key_ids(self):
        missing = "11111111-2222-3333-4444-555555555555"
        self.assertError("NotFoundException",
                         "Key 'arn:aws:kms:us-east-1:111122223333:key/%s' does not exist" % missing,
                         self.kms.describe_key, KeyId=missing)
        self.assertError("NotFoundException", "Invalid keyId 'fake-key-id'",
                         self.kms.describe_key, KeyId="fake-key-id")

    def test_keys_live_per_region(self):
        key = self.new_key()
        west = kms_client(self.emulator.url, region="us-west-2")
        self.assertError("NotFoundException",
                         "Key 'arn:aws:kms:us-west-2:111122223333:key/%s' does not exist"
                         % key["KeyId"], west.describe_key, KeyId=key["KeyId"])
        self.assertNotIn(key["KeyId"], [k["KeyId"] for k in west.list_keys()["Keys"]])


class Crypto(KmsTestCase):
    def test_encrypt_decrypt_reencrypt(self):
        a, b = self.new_key(), self.new_key()
        blob = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"hello",
                                EncryptionContext={"k": "v"})["CiphertextBlob"]
        re = self.kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"k": "v"},
                                 DestinationKeyId=b["Arn"])
        self.assertEqual(re["SourceKeyId"], a["Arn"])
        self.assertEqual(re["KeyId"], b["Arn"])
        out = self.kms.decrypt(CiphertextBlob=re["CiphertextBlob"])
        self.assertEqual(out["Plaintext"], b"hello")
        self.assertError("IncorrectKeyException",
                         "The key ID in the request does not identify a CMK that can perform "
                         "this operation.",
                         self.kms.decrypt, CiphertextBlob=re["CiphertextBlob"], KeyId=a["KeyId"])

    def test_context_is_bound_unambiguously(self):
        key = self.new_key()
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p",
                                EncryptionContext={"a": "b"})["CiphertextBlob"]
        self.assertError("InvalidCiphertextException", None, self.kms.decrypt,
                         CiphertextBlob=blob, EncryptionContext={"ab": ""})
        self.assertError("InvalidCiphertextException", None, self.kms.decrypt,
                         CiphertextBlob=blob)

    def test_errors_without_a_message_parse_as_aws_recorded(self):
        # AWS-recorded (reference snapshot): InvalidCiphertextException and
        # KMSInvalidSignatureException have Error.Message "" and no top-level "message" member;
        # errors with a message have both.
        key = self.new_key()
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p",
                                EncryptionContext={"a": "b"})["CiphertextBlob"]
        response = self.assertError("InvalidCiphertextException", "", self.kms.decrypt,
                                    CiphertextBlob=blob)
        self.assertNotIn("message", response)
        signer = self.kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        signature = self.kms.sign(KeyId=signer["KeyId"], Message=b"bad",
                                  SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        response = self.assertError("KMSInvalidSignatureException", "", self.kms.verify,
                                    KeyId=signer["KeyId"], Message=b"good", Signature=signature,
                                    SigningAlgorithm="ECDSA_SHA_256")
        self.assertNotIn("message", response)
        response = self.assertError("NotFoundException", None, self.kms.describe_key,
                                    KeyId="alias/absent")
        self.assertEqual(response["message"], response["Error"]["Message"])

    def test_tampered_blob_is_invalid_ciphertext(self):
        key = self.new_key()
        blob = bytearray(self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"])
        blob[-1] ^= 1
        self.assertError("InvalidCiphertextException", None, self.kms.decrypt,
                         CiphertextBlob=bytes(blob))

    def test_plaintext_limit_and_data_key_rules(self):
        key = self.new_key()
        self.assertError(
            "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096",
            self.kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x" * 4097)
        self.assertEqual(len(self.kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=1024)
                             ["Plaintext"]), 1024)
        out = self.kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
        self.assertNotIn("Plaintext", out)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]),
                         32)

    def test_generate_random(self):
        self.assertEqual(len(self.kms.generate_random(NumberOfBytes=1024)["Plaintext"]), 1024)
        self.assertError(
            "ValidationException",
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
            "constraint: Member must have value less than or equal to 1024",
            self.kms.generate_random, NumberOfBytes=1025)


class AliasesAndTags(KmsTestCase):
    def test_alias_lifecycle_and_use_as_key_id(self):
        a, b = self.new_key(), self.new_key()
        self.kms.create_alias(AliasName="alias/app", TargetKeyId=a["KeyId"])
        blob = self.kms.encrypt(KeyId="alias/app", Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["KeyId"], a["Arn"])
        alias_arn = "arn:aws:kms:us-east-1:111122223333:alias/app"
        self.assertEqual(self.kms.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"],
                         a["KeyId"])
        self.assertError("AlreadyExistsException",
                         "An alias with the name %s already exists" % alias_arn,
                         self.kms.create_alias, AliasName="alias/app", TargetKeyId=b["KeyId"])
        self.kms.update_alias(AliasName="alias/app", TargetKeyId=b["KeyId"])
        listed = self.kms.list_aliases(KeyId=b["KeyId"])["Aliases"]
        self.assertEqual([x["AliasName"] for x in listed], ["alias/app"])
        self.assertEqual(self.kms.list_aliases(KeyId=a["KeyId"])["Aliases"], [])
        self.kms.delete_alias(AliasName="alias/app")
        self.assertError("NotFoundException", "Alias %s is not found." % alias_arn,
                         self.kms.describe_key, KeyId="alias/app")
        self.assertError(
            "ValidationException",
            'Alias must start with the prefix "alias/". Please see '
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
            self.kms.create_alias, AliasName="app", TargetKeyId=a["KeyId"])

    def test_tags(self):
        key = self.new_key()
        self.kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "a", "TagValue": "1"},
                                                         {"TagKey": "b", "TagValue": "2"}])
        self.kms.untag_resource(KeyId=key["KeyId"], TagKeys=["a"])
        self.assertEqual(self.kms.list_resource_tags(KeyId=key["KeyId"])["Tags"],
                         [{"TagKey": "b", "TagValue": "2"}])
        self.assertError("TagException", "Tags beginning with aws: are reserved",
                         self.kms.tag_resource, KeyId=key["KeyId"],
                         Tags=[{"TagKey": "aws:x", "TagValue": "1"}])


if __name__ == "__main__":
    unittest.main(verbosity=2)
