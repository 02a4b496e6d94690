// Interop with the official AWS Encryption SDK for JavaScript (@aws-crypto/client-node, pinned in
// package-lock.json): messages `kmsctl envelope encrypt` writes decrypt with it, and its messages
// decrypt with ours, under the AWS KMS keyring against the real kms-emulator and under a raw AES
// keyring (ours through the test-only esdk_raw_aes_tool). Run with `node --test`.
// KMS_EMULATOR_BIN names the emulator; KMSCTL_BIN and ESDK_RAW_AES_TOOL default to their places
// in the same build tree.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { KMS, KMSClient, CreateKeyCommand } from "@aws-sdk/client-kms";
import {
  buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, KmsKeyringNode, getClient,
  RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} from "@aws-crypto/client-node";

const binDir = path.dirname(process.env.KMS_EMULATOR_BIN ?? "");
const kmsctlBin = process.env.KMSCTL_BIN ?? path.join(binDir, "kmsctl");
const rawAesToolBin = process.env.ESDK_RAW_AES_TOOL ??
  path.join(binDir, "..", "tests", "interop", "esdk_raw_aes_tool");

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "AKIAJSTEST", secretAccessKey: "secret" };
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const SUITE_0478 = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const SUITE_0578 =
  AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
// Keys that sort differently by UTF-16 code units (JS default) and by UTF-8 bytes (the format).
const TRICKY_CONTEXT = { "\uFFFD": "replacement", "\u{1F600}": "emoji", purpose: "interop" };

let proc;
let url;
let kms;
let keyArn;
let otherKeyArn;

function startEmulator() {
  return new Promise((resolve, reject) => {
    proc = spawn(process.env.KMS_EMULATOR_BIN, ["--port", "0", "--db", ":memory:"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const timer = setTimeout(() => reject(new Error("emulator did not start")), 10000);
    let buf = "";
    proc.stdout.on("data", (d) => {
      buf += d.toString();
      const m = buf.match(/^kms-emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

function kmsctl(args, input) {
  const env = {
    PATH: process.env.PATH, HOME: "/nonexistent", AWS_ENDPOINT_URL: url, AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/creds",
    AWS_MAX_ATTEMPTS: "1",
  };
  return spawnSync(kmsctlBin, args, { input, env, maxBuffer: 64 << 20 });
}

function ok(result, what) {
  assert.equal(result.status, 0, `${what}: ${result.stderr?.toString()}`);
  return result.stdout;
}

function contextArgs(context) {
  return Object.entries(context).flatMap(([k, v]) => ["--context", `${k}=${v}`]);
}

// The JS KMS keyring, talking to the emulator through a client supplier.
function jsKmsKeyring(options) {
  const clientProvider = getClient(KMS, {
    endpoint: url, credentials: CREDENTIALS, maxAttempts: 1,
  });
  return new KmsKeyringNode({ clientProvider, ...options });
}

// The JS keyring takes ownership of the key bytes and zeroes them, so it gets a copy.
function jsRawAesKeyring(key) {
  return new RawAesKeyringNode({
    keyName: "interop-key", keyNamespace: "kms-tests", unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    utf8Sorting: true,
  });
}

// Our raw AES keyring: esdk_raw_aes_tool MODE KEY_HEX NAMESPACE NAME [--algorithm ID] [k=v]...
function rawAesTool(mode, key, input, extra = []) {
  const r = spawnSync(rawAesToolBin, [mode, key.toString("hex"), "kms-tests", "interop-key", ...extra],
    { input, maxBuffer: 64 << 20 });
  return r;
}

before(async () => {
  url = await startEmulator();
  kms = new KMSClient({ endpoint: url, region: REGION, maxAttempts: 1, credentials: CREDENTIALS });
  keyArn = (await kms.send(new CreateKeyCommand({ Description: "esdk interop" }))).KeyMetadata.Arn;
  otherKeyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata.Arn;
});

after(async () => {
  kms.destroy();
  const exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  proc.kill("SIGTERM");
  assert.equal(await exited, 0);
});

const SIZES = [0, 1, 4095, 4096, 4097, 1 << 20];

test("Messages kmsctl encrypts under a KMS key decrypt with the JS Encryption SDK", async () => {
  for (const suite of [null, "0x0478"]) {
    for (const size of SIZES) {
      const data = randomBytes(size);
      const args = ["envelope", "encrypt", "--key-id", keyArn, "--key-id", otherKeyArn,
        ...contextArgs({ purpose: "interop", size: String(size) })];
      if (suite) args.push("--algorithm", suite);
      const message = ok(kmsctl(args, data), "kmsctl envelope encrypt");
      for (const keyring of [jsKmsKeyring({ keyIds: [otherKeyArn] }),
        jsKmsKeyring({ discovery: true })]) {
        const { plaintext, messageHeader } = await decrypt(keyring, message);
        assert.ok(Buffer.from(plaintext).equals(data), `suite ${suite} size ${size}`);
        assert.equal(messageHeader.suiteId, suite ? SUITE_0478 : SUITE_0578);
        assert.equal(messageHeader.encryptionContext.purpose, "interop");
        assert.equal(messageHeader.encryptionContext.size, String(size));
        assert.equal(messageHeader.encryptedDataKeys.length, 2);
      }
    }
  }
});

test("Messages the JS Encryption SDK encrypts under a KMS key decrypt with kmsctl", async () => {
  for (const suiteId of [SUITE_0578, SUITE_0478]) {
    for (const size of SIZES) {
      const data = randomBytes(size);
      const keyring = jsKmsKeyring({ generatorKeyId: keyArn, keyIds: [otherKeyArn] });
      const { result } = await encrypt(keyring, data, {
        encryptionContext: { purpose: "interop" }, suiteId, frameLength: 4096,
      });
      for (const keys of [[], ["--key-id", keyArn], ["--key-id", otherKeyArn]]) {
        const out = ok(kmsctl(["envelope", "decrypt", ...keys, "--context", "purpose=interop"],
          Buffer.from(result)), "kmsctl envelope decrypt");
        assert.ok(out.equals(data), `suite ${suiteId} size ${size} keys ${keys}`);
      }
      const wrong = kmsctl(["envelope", "decrypt", "--context", "purpose=other"],
        Buffer.from(result));
      assert.equal(wrong.status, 255);
      assert.equal(wrong.stderr.toString(), "kmsctl: Encryption context does not match the " +
        "message: the value of key \"purpose\" differs\n");
    }
  }
});

// Past 4 MiB, our signature hash runs on a thread of its own: the JS SDK checks what it signed,
// and we check what the JS SDK signed, at a size where that thread is in use.
test("Signed messages past 4 MiB interoperate both ways", async () => {
  const data = randomBytes((6 << 20) + 123);
  const message = ok(kmsctl(["envelope", "encrypt", "--key-id", keyArn], data),
    "kmsctl envelope encrypt");
  const { plaintext, messageHeader } = await decrypt(jsKmsKeyring({ keyIds: [keyArn] }), message);
  assert.equal(messageHeader.suiteId, SUITE_0578);
  assert.ok(Buffer.from(plaintext).equals(data));
  const { result } = await encrypt(jsKmsKeyring({ generatorKeyId: keyArn }), data,
    { suiteId: SUITE_0578, frameLength: 4096 });
  const out = ok(kmsctl(["envelope", "decrypt", "--key-id", keyArn], Buffer.from(result)),
    "kmsctl envelope decrypt");
  assert.ok(out.equals(data));
  const tampered = Buffer.from(result);
  tampered[tampered.length - 3] ^= 1;  // inside the signature
  const bad = kmsctl(["envelope", "decrypt", "--key-id", keyArn], tampered);
  assert.equal(bad.status, 255);
  assert.equal(bad.stderr.toString(), "kmsctl: Signature verification failed\n");
});

test("Raw AES messages the JS Encryption SDK encrypts decrypt with ours", async () => {
  const key = randomBytes(32);
  for (const suiteId of [SUITE_0578, SUITE_0478]) {
    for (const size of [0, 4097, 300000]) {
      const data = randomBytes(size);
      const { result } = await encrypt(jsRawAesKeyring(key), data,
        { encryptionContext: TRICKY_CONTEXT, suiteId });
      const r = rawAesTool("decrypt", key, Buffer.from(result));
      assert.equal(r.status, 0, `suite ${suiteId} size ${size}: ${r.stderr}`);
      assert.ok(r.stdout.equals(data), `suite ${suiteId} size ${size}`);
    }
  }
  const { result } = await encrypt(jsRawAesKeyring(key), Buffer.from("x"));
  const wrongKey = rawAesTool("decrypt", randomBytes(32), Buffer.from(result));
  assert.equal(wrongKey.status, 1);
  assert.match(wrongKey.stderr.toString(), /^esdk_raw_aes_tool: No keyring could decrypt a data key/);
});

test("Raw AES messages we encrypt decrypt with the JS Encryption SDK", async () => {
  const key = randomBytes(32);
  const context = Object.entries(TRICKY_CONTEXT).map(([k, v]) => `${k}=${v}`);
  for (const suite of [[], ["--algorithm", "0x0478"]]) {
    for (const size of [0, 4097, 300000]) {
      const data = randomBytes(size);
      const r = rawAesTool("encrypt", key, data, [...suite, ...context]);
      assert.equal(r.status, 0, r.stderr.toString());
      const { plaintext, messageHeader } = await decrypt(jsRawAesKeyring(key), r.stdout);
      assert.ok(Buffer.from(plaintext).equals(data), `suite ${suite} size ${size}`);
      for (const [k, v] of Object.entries(TRICKY_CONTEXT)) {
        assert.equal(messageHeader.encryptionContext[k], v);
      }
    }
  }
});

// Older SDKs' messages: kmsctl refuses non-committing suites by default, as the official SDKs do,
// and decrypts them under --commitment-policy require-encrypt-allow-decrypt.
test("Non-committing messages of the JS Encryption SDK decrypt with kmsctl only when allowed", async () => {
  const legacy = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const data = randomBytes(10000);
  for (const suiteId of [AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
    AlgorithmSuiteIdentifier.ALG_AES128_GCM_IV12_TAG16]) {
    const { result } = await legacy.encrypt(jsKmsKeyring({ generatorKeyId: keyArn }), data,
      { suiteId, frameLength: 1000 });
    const refused = kmsctl(["envelope", "decrypt"], Buffer.from(result));
    assert.equal(refused.status, 255);
    assert.equal(refused.stdout.length, 0);
    assert.equal(refused.stderr.toString(), "kmsctl: Commitment policy " +
      `REQUIRE_ENCRYPT_REQUIRE_DECRYPT forbids decrypting non-committing algorithm suite 0x${
        suiteId.toString(16).padStart(4, "0")}\n`);
    for (const policy of ["require-encrypt-allow-decrypt", "forbid-encrypt-allow-decrypt"]) {
      const out = ok(kmsctl(["envelope", "decrypt", "--commitment-policy", policy],
        Buffer.from(result)), `kmsctl envelope decrypt --commitment-policy ${policy}`);
      assert.ok(out.equals(data), `suite ${suiteId} policy ${policy}`);
    }
  }
});

// Any context key passes through --context as a JSON object (keys with '=' or ',' included), and
// JSON-array values mix with k=v ones.
test("Contexts given as JSON objects and arrays reach the JS Encryption SDK exactly", async () => {
  const context = { "a=b": "1", " spaced ": "x,y", "[bracket": "z", plain: "p" };
  const message = ok(kmsctl(["envelope", "encrypt", "--key-id", keyArn,
    "--context", JSON.stringify({ "a=b": "1", " spaced ": "x,y" }),
    "--context", "plain=p", "--context", JSON.stringify(["[bracket=z"])], Buffer.from("ctx")),
  "kmsctl envelope encrypt");
  const { messageHeader } = await decrypt(jsKmsKeyring({ keyIds: [keyArn] }), message);
  for (const [k, v] of Object.entries(context)) assert.equal(messageHeader.encryptionContext[k], v);
  const out = ok(kmsctl(["envelope", "decrypt", "--context", JSON.stringify(context)], message),
    "kmsctl envelope decrypt");
  assert.equal(out.toString(), "ctx");
});
