"""boto3 against the real kms-emulator: multi-Region keys across two Regions of one emulator,
and the custom-key-store operations (not emulated, answered as for stores that do not exist).

Run by ctest with KMS_EMULATOR_BIN set. Every expected error checks AWS's code and message.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from harness import ClientErrorAssertions, Emulator, kms_client  # noqa: E402

ACCOUNT = "111122223333"
EAST = "us-east-1"
WEST = "eu-west-1"


def arn(region, key_id):
    return "arn:aws:kms:%s:%s:key/%s" % (region, ACCOUNT, key_id)


def entry(region, key_id):
    return {"Arn": arn(region, key_id), "Region": region}


class MultiRegionTestCase(ClientErrorAssertions, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()
        cls.east = kms_client(cls.emulator.url, EAST)
        cls.west = kms_client(cls.emulator.url, WEST)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop_checked()

    def replicated_key(self):
        key_id = self.east.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.east.replicate_key(KeyId=key_id, ReplicaRegion=WEST)
        return key_id

    def test_create_replicate_and_describe(self):
        meta = self.east.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]
        key_id = meta["KeyId"]
        self.assertTrue(key_id.startswith("mrk-"))
        self.assertTrue(meta["MultiRegion"])
        self.assertEqual(meta["MultiRegionConfiguration"], {
            "MultiRegionKeyType": "PRIMARY", "PrimaryKey": entry(EAST, key_id),
            "ReplicaKeys": []})
        # AWS (recorded): the key is not visible in another Region before it is replicated.
        self.assertError("NotFoundException", "Key '%s' does not exist" % arn(WEST, key_id),
                         self.west.describe_key, KeyId=key_id)
        out = self.east.replicate_key(KeyId=key_id, ReplicaRegion=WEST,
                                      Tags=[{"TagKey": "team", "TagValue": "west"}])
        replica = out["ReplicaKeyMetadata"]
        self.assertEqual(replica["Arn"], arn(WEST, key_id))
        self.assertEqual(replica["KeyState"], "Creating")
        self.assertEqual(replica["Description"], "")
        self.assertEqual(out["ReplicaTags"], [{"TagKey": "team", "TagValue": "west"}])
        self.assertIn('"Enable IAM User Permissions"', out["ReplicaPolicy"])
        config = {"PrimaryKey": entry(EAST, key_id), "ReplicaKeys": [entry(WEST, key_id)]}
        east = self.east.describe_key(KeyId=key_id)["KeyMetadata"]
        west = self.west.describe_key(KeyId=key_id)["KeyMetadata"]
        self.assertEqual(east["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="PRIMARY"))
        self.assertEqual(west["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="REPLICA"))
        self.assertEqual(west["KeyState"], "Enabled")
        self.assertEqual(west["CurrentKeyMaterialId"], east["CurrentKeyMaterialId"])
        self.assertEqual(self.west.list_keys()["Keys"].count(
            {"KeyId": key_id, "KeyArn": arn(WEST, key_id)}), 1)

    def test_encrypt_in_one_region_decrypt_in_the_other(self):
        key_id = self.replicated_key()
        blob = self.east.encrypt(KeyId=key_id, Plaintext=b"east", EncryptionContext={"a": "b"})
        out = self.west.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "b"})
        self.assertEqual(out["Plaintext"], b"east")
        self.assertEqual(out["KeyId"], arn(WEST, key_id))
        blob = self.west.encrypt(KeyId=arn(WEST, key_id), Plaintext=b"west")
        self.assertEqual(self.east.decrypt(CiphertextBlob=blob["CiphertextBlob"])["Plaintext"],
                         b"west")
        # After a rotation of the primary, the replica encrypts with the new material.
        self.east.rotate_key_on_demand(KeyId=key_id)
        blob = self.west.encrypt(KeyId=key_id, Plaintext=b"rotated")
        self.assertEqual(self.east.decrypt(CiphertextBlob=blob["CiphertextBlob"])["Plaintext"],
                         b"rotated")
        self.assertEqual(
            self.west.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"],
            self.east.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"])

    def test_update_primary_region(self):
        key_id = self.replicated_key()
        self.east.update_primary_region(KeyId=key_id, PrimaryRegion=WEST)
        config = {"PrimaryKey": entry(WEST, key_id), "ReplicaKeys": [entry(EAST, key_id)]}
        self.assertEqual(self.west.describe_key(KeyId=key_id)["KeyMetadata"]
                         ["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="PRIMARY"))
        self.assertEqual(self.east.describe_key(KeyId=key_id)["KeyMetadata"]
                         ["MultiRegionConfiguration"], dict(config, MultiRegionKeyType="REPLICA"))
        self.assertError("UnsupportedOperationException",
                         "%s is not a multi-region primary key." % arn(EAST, key_id),
                         self.east.replicate_key, KeyId=key_id, ReplicaRegion="ap-south-1")
        self.assertError("UnsupportedOperationException",
                         "%s is not a multi-region primary key." % arn(EAST, key_id),
                         self.east.update_primary_region, KeyId=key_id, PrimaryRegion=WEST)

    def test_replicate_errors(self):
        key_id = self.replicated_key()
        self.assertError("AlreadyExistsException",
                         "Key '%s' already exists" % arn(WEST, key_id),
                         self.east.replicate_key, KeyId=key_id, ReplicaRegion=WEST)
        single = self.east.create_key()["KeyMetadata"]["KeyId"]
        self.assertError("UnsupportedOperationException",
                         "%s is not a multi-region primary key." % arn(EAST, single),
                         self.east.replicate_key, KeyId=single, ReplicaRegion=WEST)

    def test_primary_deletion_waits_for_replicas(self):
        key_id = self.replicated_key()
        out = self.east.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        self.assertEqual(out["KeyState"], "PendingReplicaDeletion")
        self.assertNotIn("DeletionDate", out)
        meta = self.east.describe_key(KeyId=key_id)["KeyMetadata"]
        self.assertEqual(meta["PendingDeletionWindowInDays"], 7)
        self.assertError("KMSInvalidStateException",
                         "%s is pending replica deletion." % arn(EAST, key_id),
                         self.east.encrypt, KeyId=key_id, Plaintext=b"x")
        self.east.cancel_key_deletion(KeyId=key_id)
        self.assertEqual(self.east.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"],
                         "Disabled")

    def test_custom_key_stores_are_not_emulated(self):
        out = self.east.describe_custom_key_stores()
        self.assertEqual(out["CustomKeyStores"], [])
        self.assertFalse(out["Truncated"])
        self.assertError("CustomKeyStoreNotFoundException",
                         "Custom key store 'cks-1234567890abcdef0' does not exist.",
                         self.east.connect_custom_key_store,
                         CustomKeyStoreId="cks-1234567890abcdef0")
        self.assertError("CustomKeyStoreNotFoundException",
                         "Custom key store named 'hsm' does not exist.",
                         self.east.describe_custom_key_stores, CustomKeyStoreName="hsm")
        self.assertError("UnsupportedOperationException",
                         "Custom key stores are not emulated: they front an AWS CloudHSM cluster "
                         "or an external key store proxy, which this emulator cannot reach.",
                         self.east.create_custom_key_store, CustomKeyStoreName="hsm",
                         CloudHsmClusterId="cluster-234567abcdefg",
                         TrustAnchorCertificate="pem", KeyStorePassword="kmsuser-pw")
        self.assertError("CustomKeyStoreNotFoundException",
                         "Custom key store 'cks-1' does not exist.",
                         self.east.create_key, CustomKeyStoreId="cks-1")


if __name__ == "__main__":
    unittest.main()
