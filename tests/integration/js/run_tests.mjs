// Runs the JS cross-client tests with node's test runner, after checking that `npm ci` ran
// (tools/test.sh does it; the lock file pins every package).
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const pinned = ["@aws-sdk/client-kms", "@aws-crypto/client-node"];
if (!pinned.every((p) => existsSync(new URL(`./node_modules/${p}/package.json`, import.meta.url)))) {
  console.error("tests/integration/js/node_modules is missing: run `npm ci` in tests/integration/js " +
    "(tools/test.sh does this).");
  process.exit(1);
}
const files = ["kms_client.test.mjs", "auth.test.mjs", "envelope_interop.test.mjs"].map((f) => new URL(f, import.meta.url).pathname);
const r = spawnSync(process.execPath, ["--test", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
