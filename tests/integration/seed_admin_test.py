"""--seed (JSON and local-kms YAML) and the /_emulator admin endpoint against the real binary.

Run by ctest with KMS_EMULATOR_BIN set. Seeded keys must give ciphertexts that decrypt after a
restart and in a fresh database started with the same seed; the clock endpoint must make a
scheduled deletion happen at once; an exported seed must bring back the same keys.
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from botocore.exceptions import ClientError  # noqa: E402

from harness import Emulator, kms_client, run_to_exit  # noqa: E402

AES_ID = "11111111-2222-4333-8444-555555555555"
MRK_ID = "mrk-0123456789abcdef0123456789abcdef"
LK_AES_ID = "bc436485-5092-42b8-92a3-0aa8b93536dc"
LK_ECC_ID = "800d5768-3fd7-4edd-a4b8-4c81c3e4c147"
OLD_MATERIAL = "00" * 32
NEW_MATERIAL = base64.b64encode(bytes(range(1, 33))).decode()


def ec_private_key_pem():
    """A fresh P-256 key in the traditional "BEGIN EC PRIVATE KEY" form, as local-kms shows."""
    pem = subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"],
                         capture_output=True, text=True, check=True, timeout=10).stdout
    return pem


def material_id(blob):
    arn_size = int.from_bytes(blob[4:6], "big")
    return blob[6 + arn_size:6 + arn_size + 32]


def admin(emulator, method, path, body=None):
    """(status, parsed JSON body) of an admin request."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(emulator.url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class SeedAdminTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.json_seed = cls.path("seed.json")
        with open(cls.json_seed, "w") as f:
            json.dump({"version": 1, "keys": [
                {"id": AES_ID, "description": "fixture key", "aliases": ["alias/fixture"],
                 "tags": {"team": "payments"},
                 "rotation": {"enabled": True, "periodDays": 90},
                 "materials": [{"hex": OLD_MATERIAL}, {"base64": NEW_MATERIAL}]},
                {"id": MRK_ID, "state": "Disabled"},
            ]}, f)
        cls.yaml_seed = cls.path("seed.yaml")
        pem = "".join("          " + line + "\n" for line in ec_private_key_pem().splitlines())
        with open(cls.yaml_seed, "w") as f:
            f.write("# local-kms seed\nKeys:\n  Symmetric:\n    Aes:\n      - Metadata:\n"
                    "          KeyId: " + LK_AES_ID + "\n"
                    "          Description: \"Your key description\"\n"
                    "        BackingKeys:\n"
                    "          - 34743777217A25432A46294A404E635266556A586E3272357538782F413F4428\n"
                    "  Asymmetric:\n    Ecc:\n      - Metadata:\n"
                    "          KeyId: " + LK_ECC_ID + "\n"
                    "          KeyUsage: SIGN_VERIFY # the only one local-kms has for ECC\n"
                    "        PrivateKeyPem: |\n" + pem +
                    "\nAliases:\n  - AliasName: alias/testing\n"
                    "    TargetKeyId: " + LK_AES_ID + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir.name, name)

    def encrypt(self, kms, key_id, text=b"seeded secret"):
        return kms.encrypt(KeyId=key_id, Plaintext=text)["CiphertextBlob"]

    def test_json_seed_survives_restart_and_decrypts_in_a_fresh_database(self):
        db = self.path("json.db")
        with Emulator("--seed", self.json_seed, db=db) as emu:
            kms = kms_client(emu.url)
            blob = self.encrypt(kms, "alias/fixture")
            meta = kms.describe_key(KeyId=AES_ID)["KeyMetadata"]
            self.assertEqual(meta["Description"], "fixture key")
            self.assertEqual(kms.describe_key(KeyId=MRK_ID)["KeyMetadata"]["KeyState"],
                             "Disabled")
            self.assertTrue(kms.describe_key(KeyId=MRK_ID)["KeyMetadata"]["MultiRegion"])
            tags = kms.list_resource_tags(KeyId=AES_ID)["Tags"]
            self.assertEqual(tags, [{"TagKey": "team", "TagValue": "payments"}])
            status = kms.get_key_rotation_status(KeyId=AES_ID)
            self.assertTrue(status["KeyRotationEnabled"])
            self.assertEqual(status["RotationPeriodInDays"], 90)
            self.assertEqual(len(kms.list_key_rotations(KeyId=AES_ID)["Rotations"]), 1)
            kms.update_key_description(KeyId=AES_ID, Description="changed by a test")
        with Emulator("--seed", self.json_seed, db=db) as emu:  # same seed, same db: no change
            kms = kms_client(emu.url)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"seeded secret")
            meta = kms.describe_key(KeyId=AES_ID)["KeyMetadata"]
            self.assertEqual(meta["Description"], "changed by a test")
            self.assertIn("0 keys created, 2 already there, 0 aliases created", emu.stderr())
        with Emulator("--seed", self.json_seed) as emu:  # a fresh database
            kms = kms_client(emu.url)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"seeded secret")

    def test_old_material_of_the_seed_still_decrypts(self):
        # A ciphertext made under the first material, by an emulator seeded with only that one,
        # decrypts where the seed lists it as the older of two.
        only_old = self.path("old.json")
        with open(only_old, "w") as f:
            json.dump({"keys": [{"id": AES_ID, "materials": [{"hex": OLD_MATERIAL}]}]}, f)
        with Emulator("--seed", only_old) as emu:
            blob = self.encrypt(kms_client(emu.url), AES_ID, b"old")
        with Emulator("--seed", self.json_seed) as emu:
            kms = kms_client(emu.url)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"old")
            new_blob = self.encrypt(kms, AES_ID)
        # The material id in the blob (ciphertext_blob.hpp layout) is derived from the seed.
        derived = hmac.new(bytes.fromhex(OLD_MATERIAL),
                           ("kms-emulator seed material id " + AES_ID).encode(),
                           hashlib.sha256).digest()
        self.assertEqual(material_id(blob), derived)
        self.assertNotEqual(material_id(new_blob), derived)  # made with the newer material

    def test_local_kms_yaml_seed(self):
        with Emulator("--seed", self.yaml_seed) as emu:
            kms = kms_client(emu.url)
            blob = self.encrypt(kms, "alias/testing")
            meta = kms.describe_key(KeyId=LK_ECC_ID)["KeyMetadata"]
            self.assertEqual(meta["KeySpec"], "ECC_NIST_P256")
            self.assertEqual(meta["KeyUsage"], "SIGN_VERIFY")
            sig = kms.sign(KeyId=LK_ECC_ID, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
            self.assertTrue(kms.verify(KeyId=LK_ECC_ID, Message=b"m", Signature=sig["Signature"],
                                       SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"])
        with Emulator("--seed", self.yaml_seed) as emu:
            kms = kms_client(emu.url)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"seeded secret")

    def test_a_bad_seed_exits_before_listening(self):
        bad = self.path("bad.json")
        with open(bad, "w") as f:
            json.dump({"keys": [{"id": AES_ID, "keySpec": "AES_256"}]}, f)
        code, out, err = run_to_exit("--seed", bad)
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("kms-emulator: seed " + bad + ": keys[0] (" + AES_ID + "): keySpec: must "
                      "be one of SYMMETRIC_DEFAULT, RSA_2048", err)

    def test_a_conflicting_existing_key_is_reported(self):
        db = self.path("conflict.db")
        with Emulator("--seed", self.json_seed, db=db):
            pass
        other = self.path("other.json")
        with open(other, "w") as f:
            json.dump({"keys": [{"id": AES_ID, "materials": [{"hex": "11" * 32}]}]}, f)
        code, out, err = run_to_exit("--seed", other, "--db", db)
        self.assertEqual(code, 1)
        self.assertIn("seed " + other + ": keys[0] (" + AES_ID + "): conflicts with the existing "
                      "key arn:aws:kms:us-east-1:111122223333:key/" + AES_ID + ": it has no key "
                      "material ", err)

    def test_clock_advance_runs_a_scheduled_deletion_at_once(self):
        with Emulator() as emu:
            kms = kms_client(emu.url)
            key_id = kms.create_key()["KeyMetadata"]["KeyId"]
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
            status, body = admin(emu, "POST", "/_emulator/clock", {"advanceDays": 7})
            self.assertEqual(status, 200)
            self.assertEqual(body["deletedKeys"], 1)
            self.assertEqual(body["offsetSeconds"], 7 * 86400)
            with self.assertRaises(ClientError) as e:
                kms.describe_key(KeyId=key_id)
            self.assertEqual(e.exception.response["Error"]["Code"], "NotFoundException")
            status, body = admin(emu, "GET", "/_emulator/clock")
            self.assertEqual((status, body["offsetSeconds"]), (200, 7 * 86400))
            status, body = admin(emu, "POST", "/_emulator/clock", {"advanceSeconds": -1})
            self.assertEqual((status, body), (400, {
                "message": "advanceSeconds must be an integer from 0 to 3153600000"}))

    def test_export_then_seed_a_fresh_emulator(self):
        with Emulator() as emu:
            kms = kms_client(emu.url)
            key_id = kms.create_key(Description="made by the API")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName="alias/exported", TargetKeyId=key_id)
            kms.rotate_key_on_demand(KeyId=key_id)
            blob = self.encrypt(kms, "alias/exported")
            status, exported = admin(emu, "GET", "/_emulator/seed")
            self.assertEqual(status, 200)
        path = self.path("exported.json")
        with open(path, "w") as f:
            json.dump(exported, f)
        with Emulator("--seed", path) as emu:
            kms = kms_client(emu.url)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"seeded secret")
            meta = kms.describe_key(KeyId="alias/exported")["KeyMetadata"]
            self.assertEqual((meta["KeyId"], meta["Description"]), (key_id, "made by the API"))
            rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
            self.assertEqual([r["RotationType"] for r in rotations], ["ON_DEMAND"])
            _, again = admin(emu, "GET", "/_emulator/seed")
            self.assertEqual(again, exported)

    def test_reset_deletes_everything_and_reapplies_the_seed(self):
        with Emulator("--seed", self.json_seed) as emu:
            kms = kms_client(emu.url)
            kms.create_key()
            status, body = admin(emu, "POST", "/_emulator/reset")
            self.assertEqual((status, body), (200, {"deletedKeys": 3, "seededKeys": 2}))
            ids = sorted(k["KeyId"] for k in kms.list_keys()["Keys"])
            self.assertEqual(ids, sorted([AES_ID, MRK_ID]))

    def test_admin_off(self):
        with Emulator("--admin", "off") as emu:
            status, body = admin(emu, "GET", "/_emulator/clock")
            self.assertEqual((status, body), (403, {
                "message": "The admin endpoint is off; start kms-emulator with --admin on"}))


if __name__ == "__main__":
    unittest.main(verbosity=2)
