"""boto3 against the real kms-emulator for asymmetric and HMAC keys, checked with independent code.

Signatures are verified, RSA ciphertexts made and data key pairs and ECDH secrets recomputed with
Python `cryptography`; HMACs with the standard library's hmac; SM2 (which `cryptography` lacks)
with the openssl command-line tool. Key material never leaves KMS, so
the tests that need it (HMAC keys, RSA private keys) read it from the emulator's SQLite file. Run
by ctest with KMS_EMULATOR_BIN set. Every expected error checks AWS's code and message.
"""
import hashlib
import hmac
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from botocore.exceptions import ClientError  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils  # noqa: E402
from cryptography.hazmat.primitives.serialization import (  # noqa: E402
    load_der_private_key, load_der_public_key)

from harness import ClientErrorAssertions, Emulator, kms_client  # noqa: E402

HASHES = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
MESSAGE = b"test message !%$@ 1234567890"


def hash_of(algorithm):
    return next(h() for suffix, h in HASHES.items() if algorithm.endswith(suffix))


def verify_offline(public_key, algorithm, message, signature, prehashed=False):
    """Raises InvalidSignature unless `signature` is `algorithm`'s signature of `message`."""
    if algorithm == "ED25519_SHA_512":
        public_key.verify(signature, message)
        return
    h = hash_of(algorithm)
    chosen = utils.Prehashed(h) if prehashed else h
    if algorithm.startswith("ECDSA"):
        public_key.verify(signature, message, ec.ECDSA(chosen))
    elif algorithm.startswith("RSASSA_PSS"):
        # AWS: MGF1 over the same hash, salt as long as the digest.
        public_key.verify(signature, message,
                          padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), chosen)
    else:
        public_key.verify(signature, message, padding.PKCS1v15(), chosen)


# Ed25519ph (RFC 8032 section 5.1, empty context), which `cryptography` lacks: a direct transcription
# of the RFC's arithmetic, independent of the emulator's C++ and of OpenSSL.
ED_P = 2 ** 255 - 19
ED_L = 2 ** 252 + 27742317777372353535851937790883648493
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])


def ed_add(a, b):
    p = ED_P
    aa = (a[1] - a[0]) * (b[1] - b[0]) % p
    bb = (a[1] + a[0]) * (b[1] + b[0]) % p
    cc = 2 * a[3] * b[3] * ED_D % p
    dd = 2 * a[2] * b[2] % p
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def ed_mul(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = ed_add(result, point)
        point = ed_add(point, point)
        scalar >>= 1
    return result


def ed_decode(data):
    p = ED_P
    y = int.from_bytes(data, "little") & ((1 << 255) - 1)
    sign = data[31] >> 7
    if y >= p:
        return None
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, p - 2, p) % p
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p:
        x = x * pow(2, (p - 1) // 4, p) % p
    if (x * x - x2) % p or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = p - x
    return (x, y, 1, x * y % p)


def ed_encode(point):
    zi = pow(point[2], ED_P - 2, ED_P)
    x, y = point[0] * zi % ED_P, point[1] * zi % ED_P
    return (y | (x & 1) << 255).to_bytes(32, "little")


ED_BASE = ed_decode(bytes([0x58]) + bytes([0x66]) * 31)


def ed25519ph_sign(seed, message):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    public, ph = ed_encode(ed_mul(a, ED_BASE)), hashlib.sha512(message).digest()
    r = int.from_bytes(hashlib.sha512(ED_DOM2 + h[32:] + ph).digest(), "little") % ED_L
    big_r = ed_encode(ed_mul(r, ED_BASE))
    k = int.from_bytes(hashlib.sha512(ED_DOM2 + big_r + public + ph).digest(), "little") % ED_L
    return big_r + ((r + k * a) % ED_L).to_bytes(32, "little")


def ed25519ph_verify(public, message, signature):
    big_r, a = ed_decode(signature[:32]), ed_decode(public)
    s = int.from_bytes(signature[32:], "little")
    if big_r is None or a is None or s >= ED_L:
        return False
    ph = hashlib.sha512(message).digest()
    k = int.from_bytes(hashlib.sha512(ED_DOM2 + signature[:32] + public + ph).digest(),
                       "little") % ED_L
    return ed_encode(ed_mul(s, ED_BASE)) == ed_encode(ed_add(big_r, ed_mul(k, a)))


def spki(public_key):
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


class KmsTestCase(ClientErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kms-asymmetric-test-")
        cls.db = os.path.join(cls.tmp, "kms.db")
        cls.emulator = Emulator(db=cls.db)
        cls.kms = kms_client(cls.emulator.url)

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, cls.emulator.stderr()))

    def material(self, key_id):
        """The current key material of a key, as the emulator persisted it."""
        with sqlite3.connect("file:%s?mode=ro" % self.db, uri=True) as db:
            row = db.execute(
                "SELECT m.material FROM keys k JOIN key_materials m ON m.account = k.account AND "
                "m.region = k.region AND m.key_id = k.key_id AND "
                "m.material_id = k.current_material_id WHERE k.key_id = ?", (key_id,)).fetchone()
        self.assertIsNotNone(row)
        return bytes(row[0])

    def new_key(self, spec, usage):
        return self.kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]

    def public_key(self, key_id):
        return load_der_public_key(self.kms.get_public_key(KeyId=key_id)["PublicKey"])


class SignVerify(KmsTestCase):
    CASES = [("RSA_2048", a) for a in (
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
        "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512")] + [
        ("RSA_3072", "RSASSA_PSS_SHA_256"), ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512"),
        ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_NIST_P521", "ECDSA_SHA_512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256")]

    def test_signatures_verify_with_cryptography_for_raw_and_digest_messages(self):
        keys = {}
        for spec, algorithm in self.CASES:
            with self.subTest(spec=spec, algorithm=algorithm):
                if spec not in keys:
                    keys[spec] = self.new_key(spec, "SIGN_VERIFY")["KeyId"]
                key_id = keys[spec]
                public_key = self.public_key(key_id)
                raw = self.kms.sign(KeyId=key_id, Message=MESSAGE, MessageType="RAW",
                                    SigningAlgorithm=algorithm)
                self.assertEqual(raw["SigningAlgorithm"], algorithm)
                self.assertTrue(raw["KeyId"].endswith(":key/" + key_id))
                verify_offline(public_key, algorithm, MESSAGE, raw["Signature"])
                digest = hashlib.new(hash_of(algorithm).name, MESSAGE).digest()
                signed = self.kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST",
                                       SigningAlgorithm=algorithm)["Signature"]
                verify_offline(public_key, algorithm, MESSAGE, signed)
                verify_offline(public_key, algorithm, digest, signed, prehashed=True)
                self.assertTrue(self.kms.verify(
                    KeyId=key_id, Message=MESSAGE, Signature=signed,
                    SigningAlgorithm=algorithm)["SignatureValid"])

    def test_the_stored_private_key_is_the_public_keys_pair(self):
        for spec in ("RSA_2048", "ECC_NIST_P521", "ECC_NIST_EDWARDS25519"):
            key_id = self.new_key(spec, "SIGN_VERIFY")["KeyId"]
            private_key = load_der_private_key(self.material(key_id), password=None)
            self.assertEqual(spki(private_key.public_key()), spki(self.public_key(key_id)))

    def test_a_signature_by_a_key_outside_kms_does_not_verify(self):
        private_key = ec.generate_private_key(ec.SECP256R1())
        key_id = self.new_key("ECC_NIST_P256", "SIGN_VERIFY")["KeyId"]
        foreign = private_key.sign(MESSAGE, ec.ECDSA(hashes.SHA256()))
        self.assertError("KMSInvalidSignatureException", "", self.kms.verify, KeyId=key_id,
                         Message=MESSAGE, Signature=foreign, SigningAlgorithm="ECDSA_SHA_256")

    def test_ed25519_signs_the_raw_message(self):
        key = self.new_key("ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
        self.assertEqual(key["SigningAlgorithms"], ["ED25519_SHA_512", "ED25519_PH_SHA_512"])
        self.assertNotIn("CustomerMasterKeySpec", key)
        public_key = self.public_key(key["KeyId"])
        self.assertIsInstance(public_key, ed25519.Ed25519PublicKey)
        signature = self.kms.sign(KeyId=key["KeyId"], Message=MESSAGE,
                                  SigningAlgorithm="ED25519_SHA_512")["Signature"]
        public_key.verify(signature, MESSAGE)
        # ED25519_PH_SHA_512: a 64-byte DIGEST, prehashed again (Ed25519ph over the digest).
        digest = hashlib.sha512(MESSAGE).digest()
        ph = self.kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                           SigningAlgorithm="ED25519_PH_SHA_512")["Signature"]
        raw_public = public_key.public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)
        self.assertTrue(ed25519ph_verify(raw_public, digest, ph))
        self.assertFalse(ed25519ph_verify(raw_public, MESSAGE, ph))
        # Ed25519 is deterministic: the independent implementation makes the same signature.
        seed = load_der_private_key(self.material(key["KeyId"]), password=None).private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption())
        self.assertEqual(ed25519ph_sign(seed, digest), ph)
        self.assertError("ValidationException",
                         "Message type DIGEST is incompatible with algorithm ED25519_SHA_512.",
                         self.kms.sign, KeyId=key["KeyId"], Message=b"x" * 64,
                         MessageType="DIGEST", SigningAlgorithm="ED25519_SHA_512")

    def test_failed_verify_and_bad_digest_are_errors_as_aws_records_them(self):
        key_id = self.new_key("RSA_2048", "SIGN_VERIFY")["KeyId"]
        kwargs = {"KeyId": key_id, "SigningAlgorithm": "RSASSA_PSS_SHA_256"}
        bad = self.kms.sign(Message=b"bad", **kwargs)["Signature"]
        self.assertError("KMSInvalidSignatureException", "", self.kms.verify,
                         Message=MESSAGE, Signature=bad, MessageType="RAW", **kwargs)
        self.assertError("ValidationException",
                         "Digest is invalid length for algorithm RSASSA_PSS_SHA_256.",
                         self.kms.sign, Message=MESSAGE, MessageType="DIGEST", **kwargs)
        self.assertError("InvalidKeyUsageException",
                         "Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.",
                         self.kms.sign, KeyId=key_id, Message=MESSAGE,
                         SigningAlgorithm="ECDSA_SHA_256")

    def test_key_usage_errors_name_the_operation(self):
        mac = self.new_key("HMAC_256", "GENERATE_VERIFY_MAC")
        self.assertError("InvalidKeyUsageException",
                         mac["Arn"] + " key usage is GENERATE_VERIFY_MAC which is not valid for "
                         "Sign.", self.kms.sign, KeyId=mac["KeyId"], Message=MESSAGE,
                         SigningAlgorithm="RSASSA_PSS_SHA_256")


class RsaEncryption(KmsTestCase):
    def test_offline_ciphertexts_decrypt_in_kms_and_kms_ciphertexts_decrypt_offline(self):
        for spec in ("RSA_2048", "RSA_4096"):
            key_id = self.new_key(spec, "ENCRYPT_DECRYPT")["KeyId"]
            public_key = self.public_key(key_id)
            for algorithm, h in (("RSAES_OAEP_SHA_1", hashes.SHA1),
                                 ("RSAES_OAEP_SHA_256", hashes.SHA256)):
                with self.subTest(spec=spec, algorithm=algorithm):
                    oaep = padding.OAEP(mgf=padding.MGF1(h()), algorithm=h(), label=None)
                    ciphertext = public_key.encrypt(MESSAGE, oaep)
                    out = self.kms.decrypt(KeyId=key_id, CiphertextBlob=ciphertext,
                                           EncryptionAlgorithm=algorithm)
                    self.assertEqual(out["Plaintext"], MESSAGE)
                    self.assertEqual(out["EncryptionAlgorithm"], algorithm)
                    self.assertNotIn("KeyMaterialId", out)
                    made = self.kms.encrypt(KeyId=key_id, Plaintext=MESSAGE,
                                            EncryptionAlgorithm=algorithm)["CiphertextBlob"]
                    self.assertEqual(len(made), public_key.key_size // 8)
                    private_key = load_der_private_key(self.material(key_id), password=None)
                    self.assertEqual(private_key.decrypt(made, oaep), MESSAGE)

    def test_size_limits_are_awss(self):
        key_id = self.new_key("RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
        for algorithm, limit in (("RSAES_OAEP_SHA_1", 214), ("RSAES_OAEP_SHA_256", 190)):
            self.kms.encrypt(KeyId=key_id, Plaintext=b"p" * limit, EncryptionAlgorithm=algorithm)
            self.assertError(
                "ValidationException",
                "Algorithm %s and key spec RSA_2048 cannot encrypt data larger than %d bytes."
                % (algorithm, limit),
                self.kms.encrypt, KeyId=key_id, Plaintext=b"p" * (limit + 1),
                EncryptionAlgorithm=algorithm)

    def test_re_encrypt_between_rsa_keys(self):
        source = self.new_key("RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
        destination = self.new_key("RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
        ciphertext = self.public_key(source).encrypt(
            MESSAGE, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                  label=None))
        out = self.kms.re_encrypt(CiphertextBlob=ciphertext, SourceKeyId=source,
                                  DestinationKeyId=destination,
                                  SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                                  DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assertEqual(out["SourceEncryptionAlgorithm"], "RSAES_OAEP_SHA_256")
        self.assertEqual(self.kms.decrypt(KeyId=destination, CiphertextBlob=out["CiphertextBlob"],
                                          EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"],
                         MESSAGE)


class DataKeyPairs(KmsTestCase):
    SPECS = {"RSA_2048": rsa.RSAPrivateKey, "RSA_3072": rsa.RSAPrivateKey,
             "RSA_4096": rsa.RSAPrivateKey, "ECC_NIST_P256": ec.EllipticCurvePrivateKey,
             "ECC_NIST_P384": ec.EllipticCurvePrivateKey,
             "ECC_NIST_P521": ec.EllipticCurvePrivateKey,
             "ECC_SECG_P256K1": ec.EllipticCurvePrivateKey,
             "ECC_NIST_EDWARDS25519": ed25519.Ed25519PrivateKey}

    def test_every_pair_spec_matches_its_public_key_and_decrypts_with_its_context(self):
        key_id = self.kms.create_key()["KeyMetadata"]["KeyId"]
        context = {"purpose": "pairs"}
        for spec, kind in self.SPECS.items():
            with self.subTest(spec=spec):
                out = self.kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec=spec,
                                                      EncryptionContext=context)
                self.assertEqual(out["KeyPairSpec"], spec)
                private_key = load_der_private_key(out["PrivateKeyPlaintext"], password=None)
                self.assertIsInstance(private_key, kind)
                self.assertEqual(spki(private_key.public_key()), out["PublicKey"])
                sealed = self.kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"],
                                          EncryptionContext=context)
                self.assertEqual(sealed["Plaintext"], out["PrivateKeyPlaintext"])
                self.assertError("InvalidCiphertextException", "", self.kms.decrypt,
                                 CiphertextBlob=out["PrivateKeyCiphertextBlob"])

    def test_without_plaintext_and_dry_run(self):
        key_id = self.kms.create_key()["KeyMetadata"]["KeyId"]
        out = self.kms.generate_data_key_pair_without_plaintext(KeyId=key_id,
                                                                KeyPairSpec="ECC_NIST_P384")
        self.assertNotIn("PrivateKeyPlaintext", out)
        private_der = self.kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"]
        private_key = load_der_private_key(private_der, password=None)
        self.assertEqual(spki(private_key.public_key()), out["PublicKey"])
        for fn in (self.kms.generate_data_key_pair,
                   self.kms.generate_data_key_pair_without_plaintext):
            self.assertError("DryRunOperationException",
                             "The request would have succeeded, but the DryRun option is set.",
                             fn, KeyId=key_id, KeyPairSpec="RSA_2048", DryRun=True)


class KeyAgreement(KmsTestCase):
    def test_shared_secrets_equal_cryptographys(self):
        for spec, curve in (("ECC_NIST_P256", ec.SECP256R1()), ("ECC_NIST_P384", ec.SECP384R1()),
                            ("ECC_NIST_P521", ec.SECP521R1())):
            with self.subTest(spec=spec):
                key = self.new_key(spec, "KEY_AGREEMENT")
                self.assertEqual(key["KeyAgreementAlgorithms"], ["ECDH"])
                local = ec.generate_private_key(curve)
                out = self.kms.derive_shared_secret(KeyId=key["KeyId"],
                                                    KeyAgreementAlgorithm="ECDH",
                                                    PublicKey=spki(local.public_key()))
                self.assertEqual(out["KeyOrigin"], "AWS_KMS")
                self.assertEqual(out["SharedSecret"],
                                 local.exchange(ec.ECDH(), self.public_key(key["KeyId"])))

    def test_errors_as_aws_records_them(self):
        key = self.new_key("ECC_NIST_P256", "KEY_AGREEMENT")
        self.assertError("ValidationException", "", self.kms.derive_shared_secret,
                         KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH",
                         PublicKey=b"InvalidPublicKey")
        self.assertError(
            "ValidationException",
            "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to "
            "satisfy constraint: Member must satisfy enum value set: [ECDH]",
            self.kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="INVALID",
            PublicKey=b"x")
        self.assertError("ValidationException",
                         "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048",
                         self.kms.create_key, KeySpec="RSA_2048", KeyUsage="KEY_AGREEMENT")
        sign = self.new_key("ECC_NIST_P256", "SIGN_VERIFY")
        self.assertError("InvalidKeyUsageException",
                         sign["Arn"] + " key usage is SIGN_VERIFY which is not valid for "
                         "DeriveSharedSecret.", self.kms.derive_shared_secret,
                         KeyId=sign["KeyId"], KeyAgreementAlgorithm="ECDH",
                         PublicKey=spki(ec.generate_private_key(ec.SECP256R1()).public_key()))


class Macs(KmsTestCase):
    def test_macs_equal_hmac_new_with_the_key_material(self):
        for spec, algorithm, digest in (("HMAC_224", "HMAC_SHA_224", hashlib.sha224),
                                        ("HMAC_256", "HMAC_SHA_256", hashlib.sha256),
                                        ("HMAC_384", "HMAC_SHA_384", hashlib.sha384),
                                        ("HMAC_512", "HMAC_SHA_512", hashlib.sha512)):
            with self.subTest(spec=spec):
                key = self.new_key(spec, "GENERATE_VERIFY_MAC")
                self.assertEqual(key["MacAlgorithms"], [algorithm])
                self.assertNotIn("CurrentKeyMaterialId", key)
                out = self.kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE,
                                            MacAlgorithm=algorithm)
                self.assertEqual(out["MacAlgorithm"], algorithm)
                expected = hmac.new(self.material(key["KeyId"]), MESSAGE, digest).digest()
                self.assertEqual(out["Mac"], expected)
                self.assertTrue(self.kms.verify_mac(KeyId=key["KeyId"], Message=MESSAGE,
                                                    Mac=expected,
                                                    MacAlgorithm=algorithm)["MacValid"])
                self.assertError("KMSInvalidMacException", "", self.kms.verify_mac,
                                 KeyId=key["KeyId"], Message=MESSAGE + b"!", Mac=expected,
                                 MacAlgorithm=algorithm)

    def test_algorithm_and_usage_errors(self):
        key = self.new_key("HMAC_224", "GENERATE_VERIFY_MAC")
        self.assertError("InvalidKeyUsageException",
                         "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
                         self.kms.generate_mac, KeyId=key["KeyId"], Message=b"m",
                         MacAlgorithm="HMAC_SHA_256")
        symmetric = self.kms.create_key()["KeyMetadata"]
        self.assertError("InvalidKeyUsageException",
                         symmetric["Arn"] + " key usage is ENCRYPT_DECRYPT which is not valid for "
                         "GenerateMac.", self.kms.generate_mac, KeyId=symmetric["KeyId"],
                         Message=b"m", MacAlgorithm="HMAC_SHA_256")


class Sm2InChina(KmsTestCase):
    """SM2 exists only in the China Regions, as on AWS; checked with the openssl CLI."""

    def setUp(self):
        self.cn = kms_client(self.emulator.url, region="cn-north-1")
        self.dir = tempfile.mkdtemp(prefix="kms-sm2-", dir=self.tmp)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def openssl(self, *args, data=None):
        return subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=30)

    def test_sm2dsa_signatures_verify_with_openssl_and_the_default_distinguishing_id(self):
        key = self.cn.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        self.assertEqual(key["SigningAlgorithms"], ["SM2DSA"])
        public_key = self.write("pub.der", self.cn.get_public_key(KeyId=key["KeyId"])["PublicKey"])
        signature = self.cn.sign(KeyId=key["KeyId"], Message=MESSAGE,
                                 SigningAlgorithm="SM2DSA")["Signature"]
        sig = self.write("sig", signature)
        msg = self.write("msg", MESSAGE)
        verify = ["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", public_key,
                  "-rawin", "-digest", "sm3", "-in", msg, "-sigfile", sig]
        ok = self.openssl(*verify, "-pkeyopt", "distid:1234567812345678")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        # Another ID gives another ZA: the signature is bound to AWS's default ID.
        other = self.openssl(*verify, "-pkeyopt", "distid:1234567812345679")
        self.assertNotEqual(other.returncode, 0)

    def test_sm2pke_ciphertexts_from_openssl_decrypt_in_kms(self):
        key = self.cn.create_key(KeySpec="SM2", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        public_key = self.write("pub.der", self.cn.get_public_key(KeyId=key["KeyId"])["PublicKey"])
        made = self.openssl("pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey",
                            public_key, data=MESSAGE)
        self.assertEqual(made.returncode, 0, made.stderr)
        out = self.cn.decrypt(KeyId=key["KeyId"], CiphertextBlob=made.stdout,
                              EncryptionAlgorithm="SM2PKE")
        self.assertEqual(out["Plaintext"], MESSAGE)

    def test_sm2_key_agreement_and_pairs(self):
        a = self.cn.create_key(KeySpec="SM2", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
        b = self.cn.create_key(KeySpec="SM2", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
        ab = self.cn.derive_shared_secret(
            KeyId=a, KeyAgreementAlgorithm="ECDH",
            PublicKey=self.cn.get_public_key(KeyId=b)["PublicKey"])["SharedSecret"]
        ba = self.cn.derive_shared_secret(
            KeyId=b, KeyAgreementAlgorithm="ECDH",
            PublicKey=self.cn.get_public_key(KeyId=a)["PublicKey"])["SharedSecret"]
        self.assertEqual(len(ab), 32)
        self.assertEqual(ab, ba)
        symmetric = self.cn.create_key()["KeyMetadata"]["KeyId"]
        pair = self.cn.generate_data_key_pair(KeyId=symmetric, KeyPairSpec="SM2")
        private_key = self.write("priv.der", pair["PrivateKeyPlaintext"])
        derived = self.openssl("pkey", "-inform", "DER", "-in", private_key, "-pubout",
                               "-outform", "DER")
        self.assertEqual(derived.returncode, 0, derived.stderr)
        self.assertEqual(derived.stdout, pair["PublicKey"])

    def test_sm2_is_outside_the_key_spec_set_elsewhere(self):
        with self.assertRaises(ClientError) as cm:
            self.kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Value 'SM2' at 'keySpec' failed to satisfy constraint",
                      cm.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
