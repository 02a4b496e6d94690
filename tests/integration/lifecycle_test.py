"""boto3 against the real kms-emulator: key rotation, key policies and grants.

Run by ctest with KMS_EMULATOR_BIN set. Every expected error checks AWS's code and message.
"""
import datetime
import json
import os
import sqlite3
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from harness import ClientErrorAssertions, Emulator, kms_client  # noqa: E402

ACCOUNT = "111122223333"
DEFAULT_POLICY = (
    '{\n'
    '  "Version" : "2012-10-17",\n'
    '  "Id" : "key-default-1",\n'
    '  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n'
    '    "Effect" : "Allow",\n'
    '    "Principal" : {\n'
    '      "AWS" : "arn:aws:iam::111122223333:root"\n'
    '    },\n'
    '    "Action" : "kms:*",\n'
    '    "Resource" : "*"\n'
    '  } ]\n'
    '}')
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
DRY_RUN = "The request would have succeeded, but the DryRun option is set."


class LifecycleTestCase(ClientErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()
        cls.kms = kms_client(cls.emulator.url)
        # For requests the SDK would refuse before sending (out-of-range members).
        cls.raw = kms_client(cls.emulator.url, validate=False)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop_checked()

    def new_key(self, **kwargs):
        return self.kms.create_key(**kwargs)["KeyMetadata"]

    def current_material(self, key_id):
        return self.kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]


class Rotation(LifecycleTestCase):
    def test_rotate_on_demand_keeps_every_old_ciphertext_decryptable(self):
        key = self.new_key()
        m0 = self.current_material(key["KeyId"])
        blob0 = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"zero")["CiphertextBlob"]
        out = self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        self.assertEqual(out["KeyId"], key["Arn"])
        m1 = self.current_material(key["KeyId"])
        self.assertNotEqual(m0, m1)
        self.assertRegex(m1, r"^[0-9a-f]{64}$")
        blob1 = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"one")["CiphertextBlob"]
        self.kms.rotate_key_on_demand(KeyId=key["Arn"])
        m2 = self.current_material(key["KeyId"])

        for blob, plaintext, material in ((blob0, b"zero", m0), (blob1, b"one", m1)):
            out = self.kms.decrypt(CiphertextBlob=blob)
            self.assertEqual(out["Plaintext"], plaintext)
            self.assertEqual(out["KeyMaterialId"], material)
        dk = self.kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
        self.assertEqual(dk["KeyMaterialId"], m2)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"],
                         dk["Plaintext"])
        # AWS: on-demand rotation does not turn automatic rotation on.
        status = self.kms.get_key_rotation_status(KeyId=key["KeyId"])
        self.assertFalse(status["KeyRotationEnabled"])
        self.assertNotIn("NextRotationDate", status)

    def test_list_key_rotations(self):
        key = self.new_key()
        m0 = self.current_material(key["KeyId"])
        self.assertEqual(self.kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"], [])
        for _ in range(3):
            self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        rotations = self.kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
        self.assertEqual(len(rotations), 3)
        for entry in rotations:
            self.assertEqual(entry["KeyId"], key["KeyId"])
            self.assertEqual(entry["RotationType"], "ON_DEMAND")
            self.assertIsInstance(entry["RotationDate"], datetime.datetime)
        self.assertEqual([r["KeyMaterialState"] for r in rotations],
                         ["NON_CURRENT", "NON_CURRENT", "CURRENT"])
        self.assertEqual(rotations[-1]["KeyMaterialId"], self.current_material(key["KeyId"]))

        everything = self.kms.list_key_rotations(KeyId=key["KeyId"],
                                                 IncludeKeyMaterial="ALL_KEY_MATERIAL")
        first = everything["Rotations"][0]
        self.assertEqual(first["KeyMaterialId"], m0)
        self.assertNotIn("RotationDate", first)
        self.assertNotIn("RotationType", first)

        pages = list(self.kms.get_paginator("list_key_rotations").paginate(
            KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 2)
        self.assertEqual(sum((p["Rotations"] for p in pages), []), rotations)

    def test_enable_get_and_disable_automatic_rotation(self):
        key = self.new_key()
        before = datetime.datetime.now(datetime.timezone.utc)
        self.kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=180)
        status = self.kms.get_key_rotation_status(KeyId=key["KeyId"])
        self.assertTrue(status["KeyRotationEnabled"])
        self.assertEqual(status["KeyId"], key["Arn"])
        self.assertEqual(status["RotationPeriodInDays"], 180)
        delta = status["NextRotationDate"] - before
        self.assertLess(abs(delta - datetime.timedelta(days=180)), datetime.timedelta(minutes=1))
        self.kms.enable_key_rotation(KeyId=key["KeyId"])
        self.assertEqual(
            self.kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"], 365)
        self.kms.disable_key_rotation(KeyId=key["KeyId"])
        status = self.kms.get_key_rotation_status(KeyId=key["KeyId"])
        self.assertFalse(status["KeyRotationEnabled"])
        self.assertNotIn("RotationPeriodInDays", status)

    def test_rotation_errors(self):
        key = self.new_key()
        self.assertError(
            "ValidationException",
            "1 validation error detected: Value '30' at 'rotationPeriodInDays' failed to satisfy "
            "constraint: Member must have value greater than or equal to 90",
            self.raw.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=30)
        rsa = self.new_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        self.assertError("UnsupportedOperationException", "", self.kms.rotate_key_on_demand,
                         KeyId=rsa["KeyId"])
        self.assertError("UnsupportedOperationException", "", self.kms.enable_key_rotation,
                         KeyId=rsa["KeyId"])
        self.assertFalse(
            self.kms.get_key_rotation_status(KeyId=rsa["KeyId"])["KeyRotationEnabled"])
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertError("DisabledException", "%s is disabled." % key["Arn"],
                         self.kms.rotate_key_on_demand, KeyId=key["KeyId"])
        self.assertError("DisabledException", "%s is disabled." % key["Arn"],
                         self.kms.enable_key_rotation, KeyId=key["KeyId"])
        missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
        arn = "arn:aws:kms:us-east-1:%s:key/%s" % (ACCOUNT, missing)
        self.assertError("NotFoundException", "Key '%s' does not exist" % arn,
                         self.kms.rotate_key_on_demand, KeyId=missing)

    def test_on_demand_rotation_limit(self):
        key = self.new_key()
        for _ in range(25):
            self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        self.assertError(
            "LimitExceededException",
            "The on-demand rotations limit has been reached for the given keyId. No more "
            "on-demand rotations can be performed for this key: " + key["Arn"],
            self.kms.rotate_key_on_demand, KeyId=key["KeyId"])


class AutomaticRotationTimer(unittest.TestCase):
    def test_a_due_key_rotates_within_seconds_of_start(self):
        # No clock endpoint yet: make the rotation due by editing the database while the emulator
        # is stopped, then let the server's 1-second timer find it.
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "kms.db")
            with Emulator(db=db) as emulator:
                kms = kms_client(emulator.url)
                key = kms.create_key()["KeyMetadata"]
                kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
                first = key["CurrentKeyMaterialId"]
            with sqlite3.connect(db) as conn:
                conn.execute("UPDATE keys SET next_rotation_ms = ? WHERE key_id = ?",
                             (int(time.time() * 1000) - 1000, key["KeyId"]))
            with Emulator(db=db) as emulator:
                kms = kms_client(emulator.url)
                deadline = time.monotonic() + 10
                rotations = []
                while not rotations and time.monotonic() < deadline:
                    time.sleep(0.2)
                    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
                self.assertEqual(len(rotations), 1)
                self.assertEqual(rotations[0]["RotationType"], "AUTOMATIC")
                metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
                self.assertNotEqual(metadata["CurrentKeyMaterialId"], first)
                self.assertEqual(rotations[0]["KeyMaterialId"], metadata["CurrentKeyMaterialId"])
                status = kms.get_key_rotation_status(KeyId=key["KeyId"])
                delta = status["NextRotationDate"] - rotations[0]["RotationDate"]
                self.assertLess(abs(delta - datetime.timedelta(days=90)),
                                datetime.timedelta(milliseconds=1))


class Policies(LifecycleTestCase):
    def test_default_policy_get_put_and_list(self):
        key = self.new_key()
        out = self.kms.get_key_policy(KeyId=key["KeyId"])
        self.assertEqual(out["Policy"], DEFAULT_POLICY)
        self.assertEqual(out["PolicyName"], "default")
        named = self.kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
        self.assertEqual(named["Policy"], DEFAULT_POLICY)
        listed = self.kms.list_key_policies(KeyId=key["KeyId"])
        self.assertEqual(listed["PolicyNames"], ["default"])
        self.assertFalse(listed["Truncated"])

        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Root", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "Use", "Effect": "Allow",
                 "Principal": {"AWS": ["arn:aws:iam::%s:role/app" % ACCOUNT]},
                 "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
            ],
        }
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                                Policy=json.dumps(policy))
        stored = self.kms.get_key_policy(KeyId=key["KeyId"])["Policy"]
        # AWS re-prints policies; the document is unchanged.
        self.assertEqual(json.loads(stored), policy)
        self.assertIn('  "Statement" : [ {\n', stored)
        self.assertIn('"Action" : [ "kms:Encrypt", "kms:Decrypt" ]', stored)

    def test_create_key_with_policy(self):
        policy = json.dumps({"Statement": {"Effect": "Allow", "Principal": "*",
                                           "Action": "kms:*", "Resource": "*"}})
        key = self.new_key(Policy=policy)
        self.assertEqual(json.loads(self.kms.get_key_policy(KeyId=key["KeyId"])["Policy"]),
                         json.loads(policy))
        self.assertError("MalformedPolicyDocumentException", "", self.kms.create_key,
                         Policy="not a policy")

    def test_policy_errors(self):
        key = self.new_key()
        self.assertError("NotFoundException", "No such policy exists", self.kms.get_key_policy,
                         KeyId=key["KeyId"], PolicyName="other")
        self.assertError("MalformedPolicyDocumentException", "", self.kms.put_key_policy,
                         KeyId=key["KeyId"], Policy="{")
        no_principal = json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*",
                                                  "Resource": "*"}]})
        self.assertError("MalformedPolicyDocumentException",
                         "Policy contains a statement with no principal.",
                         self.kms.put_key_policy, KeyId=key["KeyId"], Policy=no_principal)
        other_root = "arn:aws:iam::444455556666:root"
        foreign = json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*",
                                             "Principal": {"AWS": other_root},
                                             "Resource": "*"}]})
        self.assertError("MalformedPolicyDocumentException", LOCKOUT, self.kms.put_key_policy,
                         KeyId=key["KeyId"], Policy=foreign)
        self.kms.put_key_policy(KeyId=key["KeyId"], Policy=foreign,
                                BypassPolicyLockoutSafetyCheck=True)
        self.assertIn("444455556666", self.kms.get_key_policy(KeyId=key["KeyId"])["Policy"])


class Grants(LifecycleTestCase):
    GRANTEE = "arn:aws:iam::111122223333:user/alice"
    RETIRER = "arn:aws:iam::111122223333:role/retirer"

    def test_create_list_retire_and_revoke(self):
        key = self.new_key()
        created = self.kms.create_grant(
            KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE, RetiringPrincipal=self.RETIRER,
            Operations=["Decrypt", "GenerateDataKey"],
            Constraints={"EncryptionContextSubset": {"app": "billing"}})
        self.assertRegex(created["GrantId"], r"^[0-9a-f]{64}$")
        self.assertTrue(created["GrantToken"])
        grants = self.kms.list_grants(KeyId=key["KeyId"])["Grants"]
        self.assertEqual(len(grants), 1)
        g = grants[0]
        self.assertEqual(g["GrantId"], created["GrantId"])
        self.assertEqual(g["KeyId"], key["Arn"])
        self.assertEqual(g["GranteePrincipal"], self.GRANTEE)
        self.assertEqual(g["RetiringPrincipal"], self.RETIRER)
        self.assertEqual(g["IssuingAccount"], "arn:aws:iam::%s:root" % ACCOUNT)
        self.assertEqual(g["Operations"], ["Decrypt", "GenerateDataKey"])
        self.assertEqual(g["Constraints"], {"EncryptionContextSubset": {"app": "billing"}})
        self.assertEqual(g["Name"], "")
        self.assertIsInstance(g["CreationDate"], datetime.datetime)

        retirable = self.kms.list_retirable_grants(RetiringPrincipal=self.RETIRER)["Grants"]
        self.assertIn(created["GrantId"], [r["GrantId"] for r in retirable])

        self.kms.retire_grant(GrantToken=created["GrantToken"])
        self.assertEqual(self.kms.list_grants(KeyId=key["KeyId"])["Grants"], [])
        self.assertError("NotFoundException", "Grant token not found.", self.kms.retire_grant,
                         GrantToken=created["GrantToken"])

        second = self.kms.create_grant(KeyId=key["Arn"], GranteePrincipal=self.GRANTEE,
                                       Operations=["Encrypt"])
        self.kms.retire_grant(KeyId=key["Arn"], GrantId=second["GrantId"])
        third = self.kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE,
                                      Operations=["Encrypt"])
        self.assertError("DryRunOperationException", DRY_RUN, self.kms.revoke_grant,
                         KeyId=key["KeyId"], GrantId=third["GrantId"], DryRun=True)
        self.kms.revoke_grant(KeyId=key["KeyId"], GrantId=third["GrantId"])
        self.assertError("NotFoundException", "Grant ID %s not found" % third["GrantId"],
                         self.kms.revoke_grant, KeyId=key["KeyId"], GrantId=third["GrantId"])
        self.assertEqual(self.kms.list_grants(KeyId=key["KeyId"])["Grants"], [])

    def test_names_make_create_grant_idempotent(self):
        key = self.new_key()
        args = dict(KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE, Name="deploy-1",
                    Operations=["Encrypt", "Decrypt"])
        first = self.kms.create_grant(**args)
        again = self.kms.create_grant(**args)
        self.assertEqual(again["GrantId"], first["GrantId"])
        self.assertNotEqual(again["GrantToken"], first["GrantToken"])
        changed = self.kms.create_grant(**dict(args, Operations=["Encrypt"]))
        self.assertNotEqual(changed["GrantId"], first["GrantId"])
        names = sorted(g["Name"] for g in self.kms.list_grants(KeyId=key["KeyId"])["Grants"])
        self.assertEqual(names, ["deploy-1", "deploy-1"])

    def test_list_grants_paginates_and_filters(self):
        key = self.new_key()
        ids = [self.kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE,
                                     Operations=["Decrypt"])["GrantId"] for _ in range(5)]
        pages = list(self.kms.get_paginator("list_grants").paginate(
            KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        self.assertEqual(sorted(g["GrantId"] for p in pages for g in p["Grants"]), sorted(ids))
        only = self.kms.list_grants(KeyId=key["KeyId"], GrantId=ids[2])["Grants"]
        self.assertEqual([g["GrantId"] for g in only], [ids[2]])
        self.assertEqual(self.kms.list_grants(KeyId=key["KeyId"],
                                              GranteePrincipal="arn:aws:iam::1:user/x")["Grants"],
                         [])

    def test_grant_errors(self):
        key = self.new_key()
        self.assertError("DryRunOperationException", DRY_RUN, self.kms.create_grant,
                         KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE, Operations=["Decrypt"],
                         DryRun=True)
        self.assertEqual(self.kms.list_grants(KeyId=key["KeyId"])["Grants"], [])
        self.assertError("ValidationException", None, self.kms.create_grant, KeyId=key["KeyId"],
                         GranteePrincipal=self.GRANTEE, Operations=["Sign"])
        self.assertError("InvalidGrantTokenException", "Invalid grant token.",
                         self.kms.retire_grant, GrantToken="nonsense")
        self.assertError("ValidationException",
                         "Grant token OR (grant ID, key ID) must be specified",
                         self.kms.retire_grant)
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertError("DisabledException", "%s is disabled." % key["Arn"],
                         self.kms.create_grant, KeyId=key["KeyId"], GranteePrincipal=self.GRANTEE,
                         Operations=["Decrypt"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
