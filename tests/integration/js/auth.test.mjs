// The AWS SDK for JavaScript v3 against kms-emulator --auth sigv4: right and wrong credentials
// (AWS's error names, messages and status), session tokens, two accounts, and HTTPS with the
// development CA from tools/make-dev-cert.sh. Run with `node --test`; KMS_EMULATOR_BIN names the
// binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand,
  ListKeysCommand, NotFoundException,
} from "@aws-sdk/client-kms";

const ALICE = { accessKeyId: "AKIAALICEJS", secretAccessKey: "alice-js-secret" };
const BOB = { accessKeyId: "AKIABOBJS", secretAccessKey: "bob-js-secret" };
const TEMP = { accessKeyId: "ASIATEMPJS", secretAccessKey: "temp-js-secret", sessionToken: "js-token" };
const BOB_ACCOUNT = "222233334444";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your " +
  "AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

const dir = mkdtempSync(join(tmpdir(), "kms-js-auth-"));
const emulators = [];
let httpUrl;
let httpsUrl;
let ca;

function startEmulator(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.KMS_EMULATOR_BIN, ["--port", "0", "--db", ":memory:", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    emulators.push(proc);
    const timer = setTimeout(() => reject(new Error("emulator did not start")), 10000);
    let buf = "";
    proc.stdout.on("data", (d) => {
      buf += d.toString();
      const m = buf.match(/^kms-emulator listening on (https?:\/\/127\.0\.0\.1:\d+)\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

function client(url, credentials, extra = {}) {
  return new KMSClient({ endpoint: url, region: "us-west-2", maxAttempts: 1, credentials, ...extra });
}

before(async () => {
  const credentials = join(dir, "credentials");
  writeFileSync(credentials, [
    "[alice]", `aws_access_key_id = ${ALICE.accessKeyId}`,
    `aws_secret_access_key = ${ALICE.secretAccessKey}`,
    "[bob]", `aws_access_key_id = ${BOB.accessKeyId}`, `aws_secret_access_key = ${BOB.secretAccessKey}`,
    `aws_account_id = ${BOB_ACCOUNT}`,
    "[temp]", `aws_access_key_id = ${TEMP.accessKeyId}`,
    `aws_secret_access_key = ${TEMP.secretAccessKey}`, `aws_session_token = ${TEMP.sessionToken}`,
    "",
  ].join("\n"));
  const script = new URL("../../../tools/make-dev-cert.sh", import.meta.url).pathname;
  const made = spawnSync("bash", [script, join(dir, "certs")], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  ca = readFileSync(join(dir, "certs", "ca.pem"));
  const auth = ["--auth", "sigv4", "--credentials", credentials];
  httpUrl = await startEmulator(auth);
  httpsUrl = await startEmulator([...auth, "--tls-cert", join(dir, "certs", "server.pem"),
    "--tls-key", join(dir, "certs", "server.key")]);
});

after(async () => {
  for (const proc of emulators) {
    const exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill("SIGTERM");
    assert.equal(await exited, 0);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("sigv4: a caller from the credentials file creates, encrypts and decrypts", async () => {
  const kms = client(httpUrl, ALICE);
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "js signed" }));
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:us-west-2:111122223333:key\//);
  const enc = await kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("js") }));
  const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
  assert.equal(Buffer.from(dec.Plaintext).toString(), "js");
  kms.destroy();
});

test("sigv4: a wrong secret is InvalidSignatureException with AWS's message, status 400", async () => {
  const kms = client(httpUrl, { ...ALICE, secretAccessKey: "wrong" });
  await assert.rejects(kms.send(new ListKeysCommand({})), (e) =>
    e.name === "InvalidSignatureException" && e.message === SIGNATURE_MISMATCH &&
    e.$metadata.httpStatusCode === 400);
  kms.destroy();
});

test("sigv4: an unknown access key or a foreign session token is UnrecognizedClientException", async () => {
  for (const credentials of [{ accessKeyId: "AKIASTRANGER", secretAccessKey: "x" },
    { ...ALICE, sessionToken: "made-up" }, { ...TEMP, sessionToken: "stale" }]) {
    const kms = client(httpUrl, credentials);
    await assert.rejects(kms.send(new ListKeysCommand({})), (e) =>
      e.name === "UnrecognizedClientException" && e.message === INVALID_TOKEN &&
      e.$metadata.httpStatusCode === 400);
    kms.destroy();
  }
});

test("sigv4: temporary credentials with the caller's session token work", async () => {
  const kms = client(httpUrl, TEMP);
  const { Keys } = await kms.send(new ListKeysCommand({}));
  assert.ok(Array.isArray(Keys));
  kms.destroy();
});

test("sigv4: a second account cannot see the first one's key except by its ARN", async () => {
  const alice = client(httpUrl, ALICE);
  const bob = client(httpUrl, BOB);
  const { KeyMetadata } = await alice.send(new CreateKeyCommand({}));
  const { Keys } = await bob.send(new ListKeysCommand({}));
  assert.ok(!Keys.some((k) => k.KeyId === KeyMetadata.KeyId));
  await assert.rejects(bob.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId })), (e) =>
    e instanceof NotFoundException &&
    e.message === `Key 'arn:aws:kms:us-west-2:${BOB_ACCOUNT}:key/${KeyMetadata.KeyId}' does not exist`);
  const byArn = await bob.send(new DescribeKeyCommand({ KeyId: KeyMetadata.Arn }));
  assert.equal(byArn.KeyMetadata.AWSAccountId, "111122223333");
  alice.destroy();
  bob.destroy();
});

test("https: the SDK trusting the development CA talks to a TLS emulator with sigv4", async () => {
  const httpsAgent = new Agent({ ca });
  const kms = client(httpsUrl, BOB, { requestHandler: { httpsAgent } });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  assert.match(KeyMetadata.Arn, new RegExp(`^arn:aws:kms:us-west-2:${BOB_ACCOUNT}:key/`));
  kms.destroy();
  httpsAgent.destroy();
  const untrusting = client(httpsUrl, BOB);
  // The emulator sends its leaf certificate only; without the CA Node cannot verify it.
  await assert.rejects(untrusting.send(new ListKeysCommand({})), (e) =>
    e.code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  untrusting.destroy();
});
