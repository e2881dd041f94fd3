/**
 * The package as npm users get it: `npm pack` of the build, installed from the tarball into a fresh
 * consumer project (dependencies from the npm cache when they are there, else the registry), then
 * - type-checked, with `skipLibCheck: false`, under Pulumi's default TypeScript template tsconfig (verbatim,
 *   today's `nodenext` one and the 2024-2026 `commonjs`/`node` one), a `nodenext` ES module project and a
 *   `bundler` project;
 * - loaded at runtime from CommonJS `require` and ESM `import`, root and subpaths, reading a job from the
 *   packaged simulator.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const repoRoot = join(__dirname, "../../..");
const templates = join(repoRoot, "tests/consumer/templates");

/** The version of a package as this test run resolves it (the matrix runs with other Pulumi versions). */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string })
    .version;
}

/** A Pulumi program using the public API, checked by tsc; `@ts-expect-error` lines prove the types bite. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import {
  type GetJobResult,
  getJob,
  getJobOutput,
  type Job,
  JobApiError,
  type JobEntities,
  JobWaiter,
  type JobWaiterArgs,
  JobWaitError,
  jobFailure,
  parseDuration,
} from "pulumi-job-waiter";
import { JobClient, waitForJob } from "pulumi-job-waiter/provider";
import { startSimulator } from "pulumi-job-waiter/simulator";

const upstream = pulumi.output("31b8ae23-c687-4d80-b7b4-42a66c9bb886");
const args: JobWaiterArgs = { service: "rds", jobId: upstream, region: "eu-de", timeout: "45m" };
const ready = new JobWaiter("orders-db-ready", args, { dependsOn: [] });
export const endpoint = ready.entities.apply((e: JobEntities | undefined) =>
  e?.kind === "instance" ? e.instance.endpoint : undefined,
);
export const status: pulumi.Output<"Running" | "Completed" | "Failed"> = ready.status;
export const job: pulumi.Output<GetJobResult> = getJobOutput({ service: "dds", jobId: ready.jobId });

export async function script(): Promise<Job> {
  const j = await getJob({ service: "gaussdb", jobId: "j", wait: true, timeout: 60 });
  if (j.status === "Failed") throw jobFailure("gaussdb", j.id, j);
  return j;
}
export const kept = [parseDuration("1h30m"), JobWaitError, JobApiError, JobClient, waitForJob, startSimulator];

// @ts-expect-error: not a service
new JobWaiter("bad-service", { service: "mysql", jobId: "x" });
// @ts-expect-error: jobId is required
new JobWaiter("no-job", { service: "rds" });
// @ts-expect-error: failOnJobFailure is not a getJob argument
void getJob({ service: "rds", jobId: "x", failOnJobFailure: false });
`;

const CJS_RUNTIME = `
const sdk = require("pulumi-job-waiter");
const provider = require("pulumi-job-waiter/provider");
const { startSimulator } = require("pulumi-job-waiter/simulator");
for (const name of ["JobWaiter", "getJob", "getJobOutput", "jobFailure", "parseDuration", "JobWaitError", "JobApiError"]) {
  if (typeof sdk[name] !== "function") throw new Error("require: " + name + " missing");
}
if (typeof provider.hostJobWaiterProvider !== "function") throw new Error("require: provider entry incomplete");
(async () => {
  const sim = await startSimulator();
  try {
    const { id } = sim.createJob({ service: "rds", durationMs: 60000 });
    // A plain Node process: getJob reads the environment (script options belong to waitForJobId).
    Object.assign(process.env, { HW_ACCESS_KEY: sim.credentials.accessKey, HW_SECRET_KEY: sim.credentials.secretKey, HW_PROJECT_ID: sim.credentials.projectId });
    const job = await sdk.getJob({ service: "rds", jobId: id, endpoint: sim.endpoint("rds") });
    console.log("CJS " + job.id + " " + job.status);
  } finally {
    await sim.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

const ESM_RUNTIME = `
import { createRequire } from "node:module";
import { getJob, JobWaiter, parseDuration } from "pulumi-job-waiter";
import * as provider from "pulumi-job-waiter/provider";
import { startSimulator } from "pulumi-job-waiter/simulator";
if (typeof JobWaiter !== "function" || parseDuration("2m") !== 120) throw new Error("import: root entry incomplete");
if (typeof provider.createJobWaiterProvider !== "function") throw new Error("import: provider entry incomplete");
const esmNames = Object.keys(await import("pulumi-job-waiter")).filter((n) => n !== "default").sort();
const cjsNames = Object.keys(createRequire(import.meta.url)("pulumi-job-waiter")).filter((n) => n !== "__esModule").sort();
if (esmNames.join() !== cjsNames.join()) throw new Error("import and require differ: " + esmNames + " vs " + cjsNames);
const sim = await startSimulator();
try {
  const { id } = sim.createJob({ service: "dds", durationMs: 60000 });
  Object.assign(process.env, { HW_ACCESS_KEY: sim.credentials.accessKey, HW_SECRET_KEY: sim.credentials.secretKey, HW_PROJECT_ID: sim.credentials.projectId });
  const job = await getJob({ service: "dds", jobId: id, endpoint: sim.endpoint("dds") });
  console.log("ESM " + job.id + " " + job.status);
} finally {
  await sim.close();
}
`;

interface Variant {
  name: string;
  /** The tsconfig.json, as text: the templates are copied byte for byte. */
  tsconfig: string;
  /** Extra files in the variant's folder (e.g. a package.json making it an ES module project). */
  extra?: Record<string, string>;
}

const strictCommon = { strict: true, skipLibCheck: false, noEmit: true, types: ["node"] };
const VARIANTS: Variant[] = [
  {
    name: "pulumi-typescript",
    tsconfig: readFileSync(join(templates, "pulumi-typescript/tsconfig.json"), "utf8"),
  },
  {
    name: "pulumi-typescript-2024",
    tsconfig: readFileSync(join(templates, "pulumi-typescript-2024/tsconfig.json"), "utf8"),
  },
  {
    name: "nodenext-esm",
    tsconfig: JSON.stringify({
      compilerOptions: {
        ...strictCommon,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
      },
      files: ["index.ts"],
    }),
    extra: { "package.json": JSON.stringify({ type: "module" }) },
  },
  {
    name: "bundler",
    tsconfig: JSON.stringify({
      compilerOptions: { ...strictCommon, target: "es2022", module: "esnext", moduleResolution: "bundler" },
      files: ["index.ts"],
    }),
  },
];

/** Runs the project's tsc on a folder; resolves with its output, "" when it found no error. */
function typeCheck(project: string, dir: string): Promise<string> {
  const tsc = join(project, "node_modules/typescript/bin/tsc");
  return exec(process.execPath, [tsc, "-p", dir, "--noEmit", "--pretty", "false"], { cwd: dir }).then(
    () => "",
    (e: { stdout?: string; stderr?: string; message: string }) =>
      `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message,
  );
}

/** At most `n` of the given jobs at a time (each tsc checks all of Pulumi's declarations: CPU-bound). */
function limited(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await exec("npm", args, {
    cwd,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe("the packed package in consumer projects", function () {
  this.timeout(300_000);
  let work: string;
  let project: string;
  // Started together once the project is installed, awaited one per test.
  const checks = new Map<string, Promise<string>>();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "job-waiter-consumer-"));
    // npm pack reads package.json's `files`: what users get, nothing more.
    const packed = JSON.parse(
      await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], repoRoot),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = join(work, packed[0]!.filename);
    const paths = packed[0]!.files.map((f) => f.path);
    for (const f of ["LICENSE", "CHANGELOG.md", "README.md", "package.json", "dist/sdk/index.d.ts"]) {
      assert.ok(paths.includes(f), `${f} is not in the tarball`);
    }
    assert.ok(!paths.some((p) => p.startsWith("dist/tests/") || p.startsWith("dist/bench/")), "tests packed");

    project = join(work, "consumer");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: {
          "pulumi-job-waiter": `file:${tarball}`,
          "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
        },
        devDependencies: {
          typescript: installedVersion("typescript"),
          "@types/node": installedVersion("@types/node"),
        },
      }),
    );
    // From the npm cache where it can, from the registry where it must (a fresh machine).
    await npm(
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--ignore-scripts",
        "--no-package-lock",
        "--loglevel=error",
      ],
      project,
    );
    for (const v of VARIANTS) {
      const dir = join(project, v.name);
      mkdirSync(dir);
      writeFileSync(join(dir, "tsconfig.json"), v.tsconfig);
      writeFileSync(join(dir, "index.ts"), PROGRAM);
      for (const [f, text] of Object.entries(v.extra ?? {})) writeFileSync(join(dir, f), text);
    }
    // A copy of the default template's project with one @ts-expect-error removed: tsc must report it.
    const broken = join(project, "broken");
    cpSync(join(project, "pulumi-typescript"), broken, { recursive: true });
    writeFileSync(join(broken, "index.ts"), PROGRAM.replace("// @ts-expect-error: not a service\n", ""));
    const pool = limited(Math.max(1, availableParallelism()));
    for (const name of [...VARIANTS.map((v) => v.name), "broken"]) {
      const check = pool(() => typeCheck(project, join(project, name)));
      checks.set(name, check);
    }
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("no published declaration imports zod; the root entry's do not import ky either", () => {
    // zod's CommonJS declarations need esModuleInterop (TS1259 without it); ky's are ES modules only.
    const pkg = join(project, "node_modules/pulumi-job-waiter");
    const problems: string[] = [];
    for (const [entry, banned] of [
      ["dist/sdk/index.d.ts", /^(zod|ky)(\/|$)/],
      ["dist/provider/index.d.ts", /^zod(\/|$)/],
      ["dist/simulator/index.d.ts", /^zod(\/|$)/],
    ] as const) {
      const via = new Map<string, string>();
      const visit = (file: string, from: string) => {
        if (via.has(file)) return;
        via.set(file, from);
        for (const [, spec] of readFileSync(file, "utf8").matchAll(
          /(?:from|import)\s*\(?\s*["']([^"']+)["']/g,
        )) {
          if (spec!.startsWith(".")) visit(join(dirname(file), `${spec!.replace(/\.js$/, "")}.d.ts`), file);
          else if (banned.test(spec!)) {
            const chain = [file];
            for (let f = via.get(file); f; f = via.get(f)) chain.push(f);
            problems.push(`${spec} imported by ${chain.map((f) => f.slice(pkg.length + 1)).join(" <- ")}`);
          }
        }
      };
      visit(join(pkg, entry), "");
      assert.ok(via.size > 2, `the walk from ${entry} found its declaration files`);
    }
    assert.deepEqual(problems, []);
  });

  for (const v of VARIANTS) {
    it(`type-checks with skipLibCheck false: ${v.name}`, async () => {
      const dir = join(project, v.name);
      const config = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as {
        compilerOptions: Record<string, unknown>;
      };
      assert.equal(config.compilerOptions.skipLibCheck ?? false, false);
      // The template is used as it comes: no esModuleInterop to paper over CommonJS/ESM typing problems.
      if (v.name.startsWith("pulumi")) assert.equal(config.compilerOptions.esModuleInterop, undefined);
      const output = await checks.get(v.name)!;
      assert.equal(output, "", `tsc found errors for ${v.name}:\n${output}`);
    });
  }

  it("a type error in the consumer program is reported (the check is live)", async () => {
    const output = await checks.get("broken")!;
    assert.match(output, /index\.ts\(\d+,\d+\): error TS2322: Type '"mysql"' is not assignable/);
  });

  it("loads from CommonJS require and reads a job from the packaged simulator", async () => {
    writeFileSync(join(project, "runtime.cjs"), CJS_RUNTIME);
    const { stdout } = await exec(process.execPath, ["runtime.cjs"], { cwd: project });
    assert.match(stdout, /^CJS \S+ Running$/m);
  });

  it("loads from ESM import and reads a job from the packaged simulator", async () => {
    writeFileSync(join(project, "runtime.mjs"), ESM_RUNTIME);
    const { stdout } = await exec(process.execPath, ["runtime.mjs"], { cwd: project });
    assert.match(stdout, /^ESM \S+ Running$/m);
  });
});
