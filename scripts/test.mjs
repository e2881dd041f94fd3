// `npm test`: everything CI checks, in order, from a fresh clone: dependencies, formatter + linter,
// type check and build, the Pulumi CLI for the engine tests, then the mocha suite.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (file, args, env = process.env) => execFileSync(file, args, { cwd: root, stdio: "inherit", env });

run(process.execPath, [join(root, "scripts/ensure.mjs")]);
console.log("[test] biome check (format + lint)");
run(process.execPath, [join(root, "node_modules/@biomejs/biome/bin/biome"), "check", "."]);
console.log("[test] type check + build");
run(process.execPath, [join(root, "scripts/build.mjs")]);
const env = { ...process.env };
if (process.env.PULUMI_JOB_WAITER_SKIP_ENGINE_TESTS !== "1") {
  console.log("[test] ensuring the Pulumi CLI for the engine tests");
  const bin = execFileSync("bash", [join(root, "scripts/install-pulumi.sh")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  env.PULUMI_JOB_WAITER_CLI_DIR = bin;
}
console.log("[test] mocha");
run(process.execPath, [join(root, "node_modules/mocha/bin/mocha.js"), ...process.argv.slice(2)], env);
