"""boto3 against the real kms-emulator: importing key material (BYOK).

Key material is wrapped independently of the emulator with `cryptography`, with every wrapping
algorithm AWS offers, the way AWS's documentation does it with OpenSSL. Run by ctest with
KMS_EMULATOR_BIN set. Every expected error checks AWS's code and message. (ValidTo expiry is
tested in tests/emulator/import_test.cpp with the emulator clock.)
"""
import datetime
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from botocore.exceptions import ClientError  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding  # noqa: E402
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding  # noqa: E402
from cryptography.hazmat.primitives.serialization import load_der_public_key  # noqa: E402

from harness import ClientErrorAssertions, Emulator, kms_client  # noqa: E402

NEVER = "KEY_MATERIAL_DOES_NOT_EXPIRE"


def wrap(public_key_der, algorithm, material):
    """Wraps `material` for ImportKeyMaterial as AWS documents each wrapping algorithm."""
    public_key = load_der_public_key(public_key_der)
    sha = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=sha), algorithm=sha, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public_key.encrypt(material, oaep)
    # CKM_RSA_AES_KEY_WRAP: RSA-OAEP of an ephemeral AES key, then AES key wrap with padding.
    aes_key = os.urandom(32)
    return public_key.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)


class ImportTestCase(ClientErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "kms.db")
        cls.emulator = Emulator(db=cls.db)
        cls.kms = kms_client(cls.emulator.url)

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        stderr = cls.emulator.stderr()
        cls.emulator.stderr_file.close()
        cls.tmp.cleanup()
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, stderr))

    def external_key(self, **kwargs):
        return self.kms.create_key(Origin="EXTERNAL", **kwargs)["KeyMetadata"]

    def params(self, key_id, algorithm="RSAES_OAEP_SHA_256", spec="RSA_2048"):
        return self.kms.get_parameters_for_import(
            KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)

    def import_with(self, key_id, p, algorithm, material, **kwargs):
        """ImportKeyMaterial of `material` wrapped for `p`, GetParametersForImport's answer."""
        kwargs.setdefault("ExpirationModel", NEVER)
        return self.kms.import_key_material(
            KeyId=key_id, ImportToken=p["ImportToken"],
            EncryptedKeyMaterial=wrap(p["PublicKey"], algorithm, material), **kwargs)

    def import_material(self, key_id, material, algorithm="RSAES_OAEP_SHA_256",
                        spec="RSA_2048", **kwargs):
        p = self.params(key_id, algorithm, spec)
        return self.import_with(key_id, p, algorithm, material, **kwargs)

    def test_every_wrapping_algorithm_imports_symmetric_material(self):
        for algorithm in ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1",
                          "RSA_AES_KEY_WRAP_SHA_256"):
            with self.subTest(algorithm=algorithm):
                key = self.external_key()
                self.assertEqual(key["KeyState"], "PendingImport")
                self.assertEqual(key["Origin"], "EXTERNAL")
                self.assertNotIn("CurrentKeyMaterialId", key)
                # AWS: test_import_key_symmetric "encrypt-before-import-error".
                self.assertError("KMSInvalidStateException",
                                 key["Arn"] + " is pending import.",
                                 self.kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
                p = self.params(key["KeyId"], algorithm)
                self.assertEqual(p["KeyId"], key["Arn"])
                self.assertIsInstance(p["ParametersValidTo"], datetime.datetime)
                self.assertEqual(load_der_public_key(p["PublicKey"]).key_size, 2048)
                out = self.kms.import_key_material(
                    KeyId=key["KeyId"], ImportToken=p["ImportToken"],
                    EncryptedKeyMaterial=wrap(p["PublicKey"], algorithm, os.urandom(32)),
                    ExpirationModel=NEVER)
                self.assertEqual(out["KeyId"], key["Arn"])
                self.assertRegex(out["KeyMaterialId"], "^[0-9a-f]{64}$")
                meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
                self.assertEqual(meta["KeyState"], "Enabled")
                self.assertEqual(meta["ExpirationModel"], NEVER)
                self.assertEqual(meta["CurrentKeyMaterialId"], out["KeyMaterialId"])
                blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret",
                                        EncryptionContext={"a": "b"})["CiphertextBlob"]
                plain = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
                self.assertEqual(plain["Plaintext"], b"secret")

    def test_larger_wrapping_keys(self):
        key = self.external_key()
        p = self.params(key["KeyId"], "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
        self.assertEqual(load_der_public_key(p["PublicKey"]).key_size, 4096)
        self.import_with(key["KeyId"], p, "RSA_AES_KEY_WRAP_SHA_256", os.urandom(32))
        self.assertEqual(
            self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"], "Enabled")

    def test_ciphertext_decrypts_after_delete_and_reimport(self):
        key = self.external_key()
        material = os.urandom(32)
        first = self.import_material(key["KeyId"], material)["KeyMaterialId"]
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"kept")["CiphertextBlob"]
        deleted = self.kms.delete_imported_key_material(KeyId=key["KeyId"])
        self.assertEqual(deleted["KeyId"], key["Arn"])
        self.assertEqual(deleted["KeyMaterialId"], first)
        meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        # AWS: test_import_key_symmetric "describe-key-after-deleted-import".
        self.assertEqual(meta["KeyState"], "PendingImport")
        self.assertEqual(meta["CurrentKeyMaterialId"], first)
        self.assertNotIn("ExpirationModel", meta)
        self.assertError("KMSInvalidStateException", key["Arn"] + " is pending import.",
                         self.kms.decrypt, CiphertextBlob=blob)
        # AWS: only the same material goes back in.
        self.assertError("IncorrectKeyMaterialException",
                         "The key material in the request is not the same key material that was "
                         "previously imported into " + key["Arn"] + ".",
                         self.import_material, key["KeyId"], os.urandom(32))
        again = self.import_material(key["KeyId"], material, "RSA_AES_KEY_WRAP_SHA_1")
        self.assertEqual(again["KeyMaterialId"], first)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"kept")

    def test_expiring_material_shows_valid_to(self):
        key = self.external_key()
        valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
        valid_to = valid_to.replace(microsecond=0)
        # AWS: test_import_key_symmetric "import-expiring-key-without-valid-to".
        p = self.params(key["KeyId"])
        wrapped = wrap(p["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
        self.assertError("ValidationException",
                         "A validTo date must be set if the ExpirationModel is "
                         "KEY_MATERIAL_EXPIRES",
                         self.kms.import_key_material, KeyId=key["KeyId"],
                         ImportToken=p["ImportToken"], EncryptedKeyMaterial=wrapped)
        self.kms.import_key_material(KeyId=key["KeyId"], ImportToken=p["ImportToken"],
                                     EncryptedKeyMaterial=wrapped, ValidTo=valid_to,
                                     ExpirationModel="KEY_MATERIAL_EXPIRES")
        meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        self.assertEqual(meta["ExpirationModel"], "KEY_MATERIAL_EXPIRES")
        self.assertEqual(meta["ValidTo"], valid_to)

    def test_token_errors(self):
        key = self.external_key()
        other = self.external_key()
        p = self.params(other["KeyId"])
        self.assertError("InvalidImportTokenException",
                         "The import token is invalid or is associated with a different KMS key.",
                         self.kms.import_key_material, KeyId=key["KeyId"],
                         ImportToken=p["ImportToken"],
                         EncryptedKeyMaterial=wrap(p["PublicKey"], "RSAES_OAEP_SHA_256",
                                                   os.urandom(32)),
                         ExpirationModel=NEVER)
        q = self.params(key["KeyId"], "RSAES_OAEP_SHA_256")
        self.assertError("InvalidCiphertextException", "",
                         self.kms.import_key_material, KeyId=key["KeyId"],
                         ImportToken=q["ImportToken"],
                         EncryptedKeyMaterial=wrap(q["PublicKey"], "RSAES_OAEP_SHA_1",
                                                   os.urandom(32)),
                         ExpirationModel=NEVER)

    def test_origin_and_algorithm_errors(self):
        kms_key = self.kms.create_key()["KeyMetadata"]
        message = kms_key["Arn"] + " origin is AWS_KMS which is not valid for this operation."
        # AWS: test_get_parameters_for_import_raises_for_non_external_kms_keys
        self.assertError("UnsupportedOperationException", message, self.params, kms_key["KeyId"])
        self.assertError("UnsupportedOperationException", message,
                         self.kms.delete_imported_key_material, KeyId=kms_key["KeyId"])
        key = self.external_key()
        self.assertError("UnsupportedOperationException",
                         "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.",
                         self.params, key["KeyId"], "RSAES_PKCS1_V1_5")

    def test_new_key_material_and_on_demand_rotation(self):
        # AWS: test_rotate_key_on_demand_updates_current_key_material_for_external_keys
        key = self.external_key()
        first = self.import_material(key["KeyId"], os.urandom(32))["KeyMaterialId"]
        old_blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
        second = self.import_material(key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                                      KeyMaterialDescription="next")["KeyMaterialId"]
        meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        self.assertEqual(meta["CurrentKeyMaterialId"], first)
        rotations = self.kms.list_key_rotations(
            KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
        self.assertEqual([r["KeyMaterialState"] for r in rotations],
                         ["CURRENT", "PENDING_ROTATION"])
        self.assertEqual(rotations[1]["ImportState"], "IMPORTED")
        self.assertEqual(rotations[1]["KeyMaterialDescription"], "next")
        third = os.urandom(32)
        with self.assertRaises(ClientError) as cm:
            self.import_material(key["KeyId"], third, ImportType="NEW_KEY_MATERIAL")
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "KMSInvalidStateException")
        self.assertRegex(err["Message"],
                         r"^New key material \(id: [0-9a-f]{64}\) cannot be imported into KMS "
                         r"key " + key["Arn"] + r", because another key material \(id: " +
                         second + r"\) is pending rotation\.$")
        self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        self.assertEqual(meta["CurrentKeyMaterialId"], second)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=old_blob)["Plaintext"], b"old")

    def test_hmac_and_asymmetric_material(self):
        # AWS: test_import_key_hmac_keys
        mac_key = self.external_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        self.import_material(mac_key["KeyId"], os.urandom(32))
        mac = self.kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m",
                                    MacAlgorithm="HMAC_SHA_256")["Mac"]
        self.assertTrue(self.kms.verify_mac(KeyId=mac_key["KeyId"], Message=b"m", Mac=mac,
                                            MacAlgorithm="HMAC_SHA_256")["MacValid"])
        # AWS: test_import_key_ecc_keys (the public key is derived from the private key)
        ecc_key = self.external_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        private = ec.generate_private_key(ec.SECP256R1())
        der = private.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        self.import_material(ecc_key["KeyId"], der, "RSA_AES_KEY_WRAP_SHA_256")
        public = self.kms.get_public_key(KeyId=ecc_key["KeyId"])["PublicKey"]
        self.assertEqual(public, private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
        signature = self.kms.sign(KeyId=ecc_key["KeyId"], Message=b"signed", MessageType="RAW",
                                  SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        private.public_key().verify(signature, b"signed", ec.ECDSA(hashes.SHA256()))

    def test_import_token_survives_a_restart(self):
        key = self.external_key()
        p = self.params(key["KeyId"], "RSA_AES_KEY_WRAP_SHA_256")
        rc = type(self).emulator.stop()
        type(self).emulator.stderr_file.close()
        self.assertEqual(rc, 0)
        type(self).emulator = Emulator(db=self.db)
        type(self).kms = kms_client(type(self).emulator.url)
        self.import_with(key["KeyId"], p, "RSA_AES_KEY_WRAP_SHA_256", os.urandom(32))
        self.assertEqual(
            self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"], "Enabled")


if __name__ == "__main__":
    unittest.main(verbosity=2)
