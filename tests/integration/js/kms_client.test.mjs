// The AWS SDK for JavaScript v3 (@aws-sdk/client-kms, pinned in package-lock.json) against the
// real kms-emulator. Run with `node --test`; KMS_EMULATOR_BIN names the binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, GenerateDataKeyCommand,
  DisableKeyCommand, DescribeKeyCommand, CreateAliasCommand, ListAliasesCommand,
  NotFoundException, DisabledException, InvalidCiphertextException,
} from "@aws-sdk/client-kms";

let proc;
let kms;

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

before(async () => {
  const url = await startEmulator();
  kms = new KMSClient({
    endpoint: url, region: "eu-west-1", maxAttempts: 1,
    credentials: { accessKeyId: "AKIAJSTEST", secretAccessKey: "secret" },
  });
});

after(async () => {
  kms.destroy();
  const exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  proc.kill("SIGTERM");
  assert.equal(await exited, 0);
});

test("CreateKey, Encrypt and Decrypt round-trip with an encryption context", async () => {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "js" }));
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:eu-west-1:111122223333:key\//);
  assert.ok(KeyMetadata.CreationDate instanceof Date);
  const enc = await kms.send(new EncryptCommand({
    KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("from node"),
    EncryptionContext: { lang: "js" },
  }));
  const dec = await kms.send(new DecryptCommand({
    CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { lang: "js" },
  }));
  assert.equal(Buffer.from(dec.Plaintext).toString(), "from node");
  assert.equal(dec.KeyId, KeyMetadata.Arn);
  await assert.rejects(
    kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })),
    (e) => e instanceof InvalidCiphertextException);
});

test("GenerateDataKey gives 32 bytes and a blob that decrypts to them", async () => {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: KeyMetadata.Arn, KeySpec: "AES_256" }));
  assert.equal(dk.Plaintext.length, 32);
  const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
  assert.deepEqual(Buffer.from(dec.Plaintext), Buffer.from(dk.Plaintext));
});

test("errors arrive as the SDK's typed exceptions with AWS's messages", async () => {
  await assert.rejects(
    kms.send(new DescribeKeyCommand({ KeyId: "alias/nope" })),
    (e) => e instanceof NotFoundException &&
      e.message === "Alias arn:aws:kms:eu-west-1:111122223333:alias/nope is not found." &&
      e.$metadata.httpStatusCode === 400 && typeof e.$metadata.requestId === "string");
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata.KeyId }));
  await assert.rejects(
    kms.send(new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from("x") })),
    (e) => e instanceof DisabledException && e.message === `${KeyMetadata.Arn} is disabled.`);
});

test("aliases are listed with their target key", async () => {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  await kms.send(new CreateAliasCommand({ AliasName: "alias/js-app", TargetKeyId: KeyMetadata.KeyId }));
  const { Aliases } = await kms.send(new ListAliasesCommand({ KeyId: KeyMetadata.KeyId }));
  assert.deepEqual(Aliases.map((a) => [a.AliasName, a.TargetKeyId]), [["alias/js-app", KeyMetadata.KeyId]]);
  assert.ok(Aliases[0].CreationDate instanceof Date);
});
