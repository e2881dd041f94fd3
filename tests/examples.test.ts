import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { type Simulator, startSimulator } from "../simulator";
import { engineTestsEnabled, pulumiBin } from "./support/engine-harness";

// Every example runs from a fresh clone exactly as its README says: the test copies what a clone has (the
// tracked and unignored files, no node_modules, no dist), takes the README's simulator block, fills in only
// what the simulator printed (its URL and the four credentials a user pastes) and a passphrase, and runs the
// block with bash. A step the README forgets (building the root, credentials) fails the example here.

const repoRoot = join(__dirname, "../..");
const EXAMPLES = readdirSync(join(repoRoot, "examples")).sort();

/** The first ```sh block of the section about the local simulator. */
function simulatorBlock(readme: string): string {
  const section = readme.split(/^## /m).find((s) => /^[^\n]*simulator/i.test(s));
  assert.ok(section, "the README has a section about the local simulator");
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(m, "that section has a ```sh block");
  return m[1] as string;
}

const PLACEHOLDERS = (sim: Simulator): Record<string, string> => ({
  "<the SIMULATOR_URL the simulator printed>": sim.url,
  "<a passphrase of your choice>": "examples-test-passphrase",
});

function run(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const p = spawn("bash", ["-c", script], { cwd, env });
    let output = "";
    p.stdout.on("data", (d) => {
      output += d;
    });
    p.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("examples: the README's simulator block, from a fresh clone", () => {
  it("every example README has a simulator block with only known placeholders", () => {
    const known = Object.keys(PLACEHOLDERS({ url: "" } as Simulator));
    for (const name of EXAMPLES) {
      const block = simulatorBlock(readFileSync(join(repoRoot, "examples", name, "README.md"), "utf8"));
      const commands = block.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
      for (const line of commands) {
        for (const ph of line.match(/<[^<>\s][^<>]*>/g) ?? []) {
          assert.ok(
            known.includes(ph),
            `${name}: the README's command "${line}" has an unknown placeholder ${ph}`,
          );
        }
      }
      assert.ok(block.includes("npm run build"), `${name}: the README builds the package first`);
      assert.ok(
        commands.some((l) => l.startsWith("pulumi up")),
        `${name}: the README runs pulumi up`,
      );
    }
  });
});

(engineTestsEnabled ? describe : describe.skip)(
  "examples: run from a fresh clone against the simulator",
  function () {
    this.timeout(900_000);
    let sim: Simulator;
    let clone: string;
    let bin: string;
    const work: string[] = [];
    const rootStepsDone = new Set<string>();

    // `pulumi login --local` creates ~/.pulumi (with a meta.yaml) in the real home (see PULUMI_BACKEND_URL below).
    const realDotPulumi = join(userInfo().homedir, ".pulumi");
    let hadDotPulumi = true;

    before(async () => {
      hadDotPulumi = existsSync(realDotPulumi);
      bin = pulumiBin();
      sim = await startSimulator();
      // What `git clone` gives: tracked files plus new ones not ignored (so uncommitted work is tested too).
      clone = mkdtempSync(join(tmpdir(), "jw-clone-"));
      work.push(clone);
      const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot })
        .toString("utf8")
        .split("\0")
        .filter((f) => f !== "");
      for (const f of files) {
        mkdirSync(join(clone, dirname(f)), { recursive: true });
        try {
          cpSync(join(repoRoot, f), join(clone, f));
        } catch (err) {
          // A tracked file deleted in the working tree is not in the clone either.
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }
    });
    after(async () => {
      for (const d of work) rmSync(d, { recursive: true, force: true });
      await sim?.close();
      // Only what the login itself writes (the backend's meta.yaml), nothing else of anyone's.
      const leftByLogin = (f: string) => f === "meta.yaml" || f === "meta.yaml.attrs";
      if (!hadDotPulumi && existsSync(realDotPulumi) && readdirSync(realDotPulumi).every(leftByLogin)) {
        rmSync(realDotPulumi, { recursive: true });
      }
    });

    const envFor = (home: string): NodeJS.ProcessEnv => ({
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      // The CLI takes `~` in `pulumi login --local` (file://~) from the user database, not $HOME, so the stacks
      // would land in the real ~/.pulumi. The README's login still runs; this local backend, which overrides
      // the current login, keeps the state in the test's directory.
      PULUMI_HOME: join(home, ".pulumi"),
      PULUMI_BACKEND_URL: `file://${join(home, "state")}`,
      // The user's npm cache, so installs are as fast as they are for them; nothing else of the machine's.
      npm_config_cache: process.env.npm_config_cache ?? join(homedir(), ".npm"),
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
      // The four lines the simulator prints and the README says to paste.
      HW_ACCESS_KEY: sim.credentials.accessKey,
      HW_SECRET_KEY: sim.credentials.secretKey,
      HW_PROJECT_ID: sim.credentials.projectId,
      HW_REGION_NAME: sim.credentials.region,
    });

    /** The README's block as a bash script; the root install+build runs once per clone, as a user does it once. */
    function script(name: string): string {
      let block = simulatorBlock(readFileSync(join(clone, "examples", name, "README.md"), "utf8"));
      for (const [ph, value] of Object.entries(PLACEHOLDERS(sim))) block = block.split(ph).join(value);
      const lines = block.split("\n").filter((l) => {
        if (!l.includes("cd ../..")) return true;
        if (rootStepsDone.has(l)) return false;
        rootStepsDone.add(l);
        return true;
      });
      // Then, in the same shell (the README's exports still set), what the test reads and the clean-up.
      return [
        "set -euo pipefail",
        "set -x",
        ...lines,
        'pulumi stack output --json > "$JW_OUTPUTS"',
        "pulumi destroy --yes",
      ].join("\n");
    }

    async function runExample(name: string): Promise<Record<string, unknown>> {
      const home = mkdtempSync(join(tmpdir(), `jw-home-${name}-`));
      work.push(home);
      mkdirSync(join(home, "state"));
      const outputsFile = join(home, "outputs.json");
      const env = { ...envFor(home), JW_OUTPUTS: outputsFile };
      const dir = join(clone, "examples", name);
      const r = await run(script(name), dir, env, 600_000);
      assert.equal(r.code, 0, `examples/${name}: the README's commands failed:\n${r.output}`);
      return JSON.parse(readFileSync(outputsFile, "utf8")) as Record<string, unknown>;
    }

    it("rds-instance: waits for the job and exports the instance's endpoint", async () => {
      const out = await runExample("rds-instance");
      assert.equal(out.status, "Completed");
      assert.equal(out.endpoint, "192.168.1.203:3306");
      assert.equal(out.engine, "mysql 8.0");
    });

    it("multi-service: three waits, then the app; the DDS and GaussDB end times are before it", async () => {
      const out = await runExample("multi-service");
      assert.deepEqual(out.statuses, ["Completed", "Completed", "Completed"]);
      const ends = [out.ddsEnded, out.gaussdbEnded].map((t) => Date.parse(String(t)));
      assert.ok(
        ends.every((t) => Number.isFinite(t)),
        `end times reported: ${JSON.stringify(out)}`,
      );
      assert.ok(
        Date.parse(String(out.appConfiguredAt)) >= Math.max(...ends),
        "configured after every job ended",
      );
    });

    it("read-job: a failed job is reported, not thrown", async () => {
      const out = await runExample("read-job");
      assert.equal(out.status, "Failed");
      assert.equal(out.failReason, "Insufficient quota.");
    });

    it("job-from-resource: the jobId comes from another resource; the app is configured after the job completed", async () => {
      const out = await runExample("job-from-resource");
      assert.equal(out.status, "Completed");
      assert.equal(out.databaseUrl, "postgres://app@192.168.7.10:5432/orders");
      const jobId = String(out.jobId);
      const seen = sim.requests({ jobId });
      assert.ok(seen.length > 0, "the waiter polled the job the Database resource created");
      const lastPoll = seen.at(-1)!.time;
      assert.ok(Date.parse(String(out.configuredAt)) >= lastPoll, "app-config created after the last poll");
    });
  },
);
