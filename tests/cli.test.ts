import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Simulator, startSimulator } from "../simulator";

// The built bin, run the way npm's shim runs it: a child process, real env, real exit code.
const repoRoot = join(__dirname, "../..");
const BIN = join(repoRoot, "dist/cli/main.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

describe("CLI pulumi-job-waiter (end to end against the simulator)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let home: string;
  before(async () => {
    sim = await startSimulator();
    // An empty HOME: no ~/.huaweicloud/credentials of whoever runs the tests.
    home = mkdtempSync(join(tmpdir(), "jw-cli-home-"));
  });
  after(async () => {
    rmSync(home, { recursive: true, force: true });
    await sim.close();
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    HW_ACCESS_KEY: sim.credentials.accessKey,
    HW_SECRET_KEY: sim.credentials.secretKey,
    HW_PROJECT_ID: sim.credentials.projectId,
    ...extra,
  });
  const fast = ["--max-poll-interval", "0.2s", "--min-poll-interval", "0.1s"];

  it("wait: exit 0 on Completed; --json prints exactly the job on stdout, progress goes to stderr", async () => {
    const { id } = sim.createJob({
      service: "rds",
      durationMs: 800,
      instance: { id: "rds-in01", name: "orders" },
      entities: {
        instance: { endpoint: "10.1.2.3:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
        resource_ids: ["a.vm"],
      },
    });
    const r = await cli(["wait", "rds", id, "--endpoint", sim.endpoint("rds"), "--json", ...fast], env());
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(job).sort(), ["created", "entities", "id", "instance", "name", "status"]);
    assert.equal(job.id, id);
    assert.equal(job.status, "Completed");
    assert.equal(job.name, "CreateMysqlSingleHAInstance");
    assert.deepEqual(job.instance, { id: "rds-in01", name: "orders" });
    assert.deepEqual(job.entities, {
      kind: "instance",
      instance: { endpoint: "10.1.2.3:3306", type: "Ha", datastore: { type: "mysql", version: "8.0" } },
      resourceIds: ["a.vm"],
    });
    assert.match(job.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(
      r.stderr,
      new RegExp(`\\[job-waiter\\] rds job ${id} CreateMysqlSingleHAInstance: Completed`),
    );
    // The simulator's own record says the job has ended (an oracle sharing no code with the client).
    assert.equal(sim.describeJob(id)!.job.status, "Completed");
  });

  it("wait: exit 1 on Failed, with the fail_reason on stderr and the job on stdout", async () => {
    const { id } = sim.createJob({
      service: "dds",
      durationMs: 300,
      outcome: "Failed",
      failReason: "Failed to create the replica set.",
    });
    const r = await cli(["wait", "dds", id, "--endpoint", sim.endpoint("dds"), "--json", ...fast], env());
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "Failed");
    assert.equal(JSON.parse(r.stdout).failReason, "Failed to create the replica set.");
    assert.match(
      r.stderr,
      new RegExp(`dds job ${id} .*failed.*fail_reason: "Failed to create the replica set\\."`),
    );
    assert.doesNotMatch(r.stderr, /failOnJobFailure/, "no advice that only applies to Pulumi programs");
  });

  it("wait: exit 2 when the job is still running at --timeout, saying how to go on", async () => {
    const { id } = sim.createJob({ service: "gaussdb", durationMs: 600_000 });
    const r = await cli(
      ["wait", "gaussdb", id, "--endpoint", sim.endpoint("gaussdb"), "--timeout", "1s", "--json", ...fast],
      env(),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "Running");
    assert.match(r.stderr, /did not finish within the timeout of 1s \(last seen Running/);
    assert.match(r.stderr, /raise --timeout/);
  });

  it("wait: exit 3 on an API error (refused credentials), secret not echoed", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 300 });
    const wrong = "not-the-secret-key-0123456789";
    const r = await cli(
      ["wait", "rds", id, "--endpoint", sim.endpoint("rds"), ...fast],
      env({ HW_SECRET_KEY: wrong }),
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /HTTP 401/);
    assert.match(r.stderr, /credentials from environment \(HW_\*\)/);
    assert.equal(r.stdout, "");
    assert.ok(!(r.stdout + r.stderr).includes(wrong), "the secret key is not printed");
  });

  it("wait: exit 3 when the job stays not found past --not-found-grace", async () => {
    const r = await cli(
      ["wait", "rds", "no-such-job", "--endpoint", sim.endpoint("rds"), "--not-found-grace", "0.5s", ...fast],
      env(),
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /job still not found after .*DBS\.200543/);
  });

  it("get: one look at a running job, exit 0, as JSON or as a table", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 600_000 });
    const before = sim.requests({ jobId: id }).length;
    const r = await cli(["get", "dds", id, "--endpoint", sim.endpoint("dds"), "--json"], env());
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.equal(job.status, "Running");
    assert.equal(typeof job.progress, "number");
    assert.equal(sim.requests({ jobId: id }).length - before, 1, "exactly one request");
    const t = await cli(["get", "dds", id, "--endpoint", sim.endpoint("dds")], env());
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`^status +Running \\d+%\\nid +${id}\\nname +Create_MongoDB`, "m"));
  });

  it("reads credentials from the SDKs' credentials file when the environment has none", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 200 });
    const file = join(home, "sdk-credentials");
    writeFileSync(
      file,
      `[basic]\nak = ${sim.credentials.accessKey}\nsk = ${sim.credentials.secretKey}\nproject_id = ${sim.credentials.projectId}\n`,
    );
    const r = await cli(["wait", "rds", id, "--endpoint", sim.endpoint("rds"), "--quiet", ...fast], {
      PATH: process.env.PATH,
      HOME: home,
      HUAWEICLOUD_SDK_CREDENTIALS_FILE: file,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "--quiet prints no progress");
    assert.match(r.stdout, /^status +Completed$/m);
    assert.doesNotMatch(r.stdout, /\[job-waiter\]/, "progress never goes to stdout, even with --quiet");
  });

  it("--project overrides the environment; --region and --cloud are accepted with --endpoint", async () => {
    const { id } = sim.createJob({ service: "rds", durationMs: 200 });
    const r = await cli(
      [
        "get",
        "rds",
        id,
        "--endpoint",
        sim.endpoint("rds"),
        "--project",
        sim.credentials.projectId,
        "--region",
        "eu-de",
        "--cloud",
        "otc",
      ],
      env({ HW_PROJECT_ID: "someotherproject" }),
    );
    // The simulator refuses another project's path (its own oracle), so this passed only through --project.
    assert.equal(r.code, 0, r.stderr);
    const other = await cli(
      ["get", "rds", id, "--endpoint", sim.endpoint("rds"), "--project", "someotherproject"],
      env(),
    );
    assert.equal(other.code, 3, other.stderr);
  });

  it("Ctrl-C during a wait ends it with exit 130", async () => {
    const { id } = sim.createJob({ service: "dds", durationMs: 600_000 });
    const p = spawn(process.execPath, [BIN, "wait", "dds", id, "--endpoint", sim.endpoint("dds"), ...fast], {
      env: env(),
    });
    let stderr = "";
    let sent = false;
    p.stderr.on("data", (d) => {
      stderr += d;
      if (!sent && /Running/.test(stderr)) {
        sent = true;
        p.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => p.on("close", resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /the wait was interrupted .*run `pulumi-job-waiter wait` again/);
  });

  describe("usage", () => {
    it("--help of the program and of every command, exit 0", async () => {
      const main = await cli(["--help"], env());
      assert.equal(main.code, 0);
      assert.match(main.stdout, /Usage:/);
      assert.match(main.stdout, /Exit codes: 0 completed, 1 the job failed, 2 timeout, 3 any other error/);
      for (const [cmd, expect] of [
        ["wait", /--timeout <duration>/],
        ["get", /Reads the job once/],
        ["simulator", /--port <n>/],
      ] as const) {
        const r = await cli([cmd, "--help"], env());
        assert.equal(r.code, 0, cmd);
        assert.match(r.stdout, new RegExp(`Usage: pulumi-job-waiter ${cmd}`));
        assert.match(r.stdout, expect);
      }
      assert.equal((await cli([], env())).stdout, main.stdout, "no arguments prints the help");
    });

    it("a bad argument is named with the fix, exit 3, before any request", async () => {
      sim.clearRequests();
      const bad = await cli(
        ["wait", "mysql", "abc", "--timeout", "soon", "--endpoint", sim.endpoint("rds")],
        env(),
      );
      assert.equal(bad.code, 3);
      assert.match(
        bad.stderr,
        /<service> "mysql" is not a service this waiter knows; use one of "dds", "gaussdb", "rds"/,
      );
      assert.match(bad.stderr, /--timeout "soon" is not a duration; use seconds .* "45m"/);
      assert.match(bad.stderr, /Run `pulumi-job-waiter wait --help`/);
      const unknown = await cli(["get", "rds", "abc", "--projct", "x"], env());
      assert.equal(unknown.code, 3);
      assert.match(unknown.stderr, /unknown option --projct; the options are .*--project/);
      const missing = await cli(["wait", "rds"], env());
      assert.equal(missing.code, 3);
      assert.match(missing.stderr, /<jobId> is missing; run `pulumi-job-waiter wait <service> <jobId>`/);
      const noValue = await cli(["wait", "rds", "abc", "--timeout"], env());
      assert.equal(noValue.code, 3);
      assert.match(noValue.stderr, /--timeout needs a value/);
      const cmd = await cli(["watch", "rds", "abc"], env());
      assert.equal(cmd.code, 3);
      assert.match(cmd.stderr, /unknown command "watch"; use one of wait, get, simulator/);
      const region = await cli(["get", "rds", "abc"], { PATH: process.env.PATH, HOME: home });
      assert.equal(region.code, 3);
      assert.match(region.stderr, /no region given.*On the command line: --region/);
      assert.equal(sim.requests().length, 0);
    });
  });

  it("simulator: serves jobs, prints SIMULATOR_URL and stops by itself (exit 0)", async () => {
    const p = spawn(process.execPath, [BIN, "simulator", "--exit-after", "3"], { env: env() });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout.on("data", (d) => {
        out += d;
        const m = /^SIMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      p.on("close", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const printed = (name: string) => {
      const m = new RegExp(`export ${name}=(\\S+)`).exec(out);
      assert.ok(m, `${name} is printed`);
      return m[1] as string;
    };
    const ak = printed("HW_ACCESS_KEY");
    const sk = printed("HW_SECRET_KEY");
    const project = printed("HW_PROJECT_ID");
    const res = await fetch(`${url}/_admin/jobs`, {
      method: "POST",
      body: JSON.stringify({ service: "rds", durationMs: 100 }),
    });
    const { id } = (await res.json()) as { id: string };
    const r = await cli(["wait", "rds", id, "--endpoint", `${url}/rds`, "--json", ...fast], {
      PATH: process.env.PATH,
      HOME: home,
      HW_ACCESS_KEY: ak,
      HW_SECRET_KEY: sk,
      HW_PROJECT_ID: project,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "Completed");
    const code = await new Promise<number | null>((resolve) => {
      if (p.exitCode !== null) resolve(p.exitCode);
      else p.on("close", resolve);
    });
    assert.equal(code, 0);
  });

  it("the packed package has the bin, executable, with its shebang", async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot }, (err, o) =>
        err ? reject(err) : resolve({ stdout: o }),
      ),
    );
    const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string; mode: number }> }>;
    const main = pack!.files.find((f) => f.path === "dist/cli/main.js");
    assert.ok(main, "dist/cli/main.js is in the package");
    assert.ok(pack!.files.some((f) => f.path === "dist/cli/args.js"));
    const pkg = require(join(repoRoot, "package.json")) as { bin: Record<string, string> };
    assert.equal(pkg.bin["pulumi-job-waiter"], "dist/cli/main.js");
    const { readFileSync } = await import("node:fs");
    assert.match(readFileSync(BIN, "utf8"), /^#!\/usr\/bin\/env node\n/);
  });
});
