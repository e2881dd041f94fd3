// Makes `npm run <x>` work from a fresh clone: installs dependencies when they are missing and builds when
// the sources are newer than dist/.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist") continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// npm writes node_modules/.package-lock.json on every install: older than the lock file means the lock changed
// since (a pulled commit added a dependency), so install again.
const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules/.package-lock.json");
const stale =
  existsSync(lock) && (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs);
if (stale || !existsSync(join(root, "node_modules/.bin/tsc")) || !existsSync(join(root, "node_modules/ky"))) {
  console.log("[setup] installing dependencies (npm ci)...");
  execFileSync(
    npm,
    [existsSync(join(root, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
}
const stamp = join(root, "dist/sdk/index.mjs");
const sources = Math.max(
  ...["provider", "sdk", "simulator", "tests", "bench"].map((d) => newest(join(root, d))),
  statSync(join(root, "tsconfig.json")).mtimeMs,
);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  console.log("[setup] building (tsc)...");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
}
