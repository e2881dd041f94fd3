/**
 * Real `pulumi` runs for the engine tests: the CLI from scripts/install-pulumi.sh, one throwaway program
 * directory, file backend and PULUMI_HOME per stack, passphrase secrets, nothing contacting the network.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const repoRoot = join(__dirname, "../../..");

let cliDir: string | undefined;

/** The directory with `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. Never skips. */
export function pulumiBin(): string {
  if (cliDir) return cliDir;
  const fromEnv = process.env.PULUMI_JOB_WAITER_CLI_DIR;
  if (fromEnv) {
    cliDir = fromEnv;
    return cliDir;
  }
  try {
    const out = execFileSync("bash", [join(repoRoot, "scripts/install-pulumi.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    cliDir = out.trim().split("\n").pop()!;
    return cliDir;
  } catch (err) {
    throw new Error(
      `The engine tests need the Pulumi CLI and scripts/install-pulumi.sh could not provide it: ${(err as Error).message}. ` +
        "Install Go (the CLI is built from Pulumi's Go modules) or put pulumi >= 3.139 on PATH; " +
        "PULUMI_JOB_WAITER_SKIP_ENGINE_TESTS=1 skips these tests explicitly.",
    );
  }
}

export const engineTestsEnabled = process.env.PULUMI_JOB_WAITER_SKIP_ENGINE_TESTS !== "1";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr, what a user sees. */
  output: string;
}

export interface Stack {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** `detached` runs pulumi in its own process group, so a test can signal it like a terminal does. */
  run(args: string[], opts?: { timeoutMs?: number; onSpawn?: (p: ChildProcess) => void }): Promise<RunResult>;
  /** Every output of every run so far, for secret scans. */
  transcript(): string;
  outputs(): Promise<Record<string, unknown>>;
  /** `pulumi stack export`; with `showSecrets` the secret values are decrypted (as stored they are ciphertext). */
  exportState(showSecrets?: boolean): Promise<string>;
  cleanup(): void;
}

const LINKED = ["@pulumi", "typescript", "ts-node"];

/** A program directory whose node_modules link to this repository's, with this package installed. */
export function makeProgram(files: Record<string, string>, name = "jw-engine-test"): string {
  const dir = mkdtempSync(join(tmpdir(), "jw-prog-"));
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
  );
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name,
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": "*", "pulumi-job-waiter": "*" },
      devDependencies: { typescript: "*" },
    }),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        esModuleInterop: true,
        skipLibCheck: true,
      },
    }),
  );
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  linkModules(dir);
  return dir;
}

/** Copy an example from examples/ and link its dependencies like `npm install` would. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `jw-example-${name}-`));
  cpSync(join(repoRoot, "examples", name), dir, { recursive: true });
  linkModules(dir);
  return dir;
}

function linkModules(dir: string): void {
  const nm = join(dir, "node_modules");
  mkdirSync(nm, { recursive: true });
  for (const m of LINKED) symlinkSync(join(repoRoot, "node_modules", m), join(nm, m), "dir");
  // The package itself, as an installed dependency (its own dependencies resolve from this repository).
  symlinkSync(repoRoot, join(nm, "pulumi-job-waiter"), "dir");
}

export async function newStack(
  programDir: string,
  opts: {
    config?: Record<string, string>;
    secrets?: Record<string, string>;
    env?: Record<string, string>;
  } = {},
): Promise<Stack> {
  const bin = pulumiBin();
  const state = mkdtempSync(join(tmpdir(), "jw-state-"));
  const home = join(state, ".pulumi-home");
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: process.env.HOME,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    ...opts.env,
  };
  let transcript = "";
  const run = (args: string[], o: { timeoutMs?: number; onSpawn?: (p: ChildProcess) => void } = {}) =>
    new Promise<RunResult>((resolve, reject) => {
      const p = spawn(join(bin, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
        cwd: programDir,
        env,
        detached: o.onSpawn !== undefined,
      });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => {
        stdout += d;
      });
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      const timer = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs ?? 240_000);
      p.on("error", reject);
      p.on("close", (code, signal) => {
        clearTimeout(timer);
        // The command line itself may hold a secret being set; what pulumi prints is what is scanned.
        transcript += `$ pulumi ${args[0]} ...\n${stdout}${stderr}\n`;
        resolve({ code, signal, stdout, stderr, output: stdout + stderr });
      });
      o.onSpawn?.(p);
    });
  const must = async (args: string[]) => {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${r.code}):\n${r.output}`);
    return r;
  };
  await must(["stack", "init", "dev"]);
  for (const [k, v] of Object.entries(opts.config ?? {})) await must(["config", "set", k, v]);
  for (const [k, v] of Object.entries(opts.secrets ?? {})) await must(["config", "set", "--secret", k, v]);
  return {
    dir: programDir,
    env,
    run,
    transcript: () => transcript,
    outputs: async () => JSON.parse((await must(["stack", "output", "--json", "--show-secrets"])).stdout),
    exportState: async (showSecrets = true) =>
      (await must(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])])).stdout,
    cleanup: () => {
      rmSync(state, { recursive: true, force: true });
      rmSync(programDir, { recursive: true, force: true });
    },
  };
}

/** Resources of a given type in an exported state. */
export function resourcesOfType(
  exported: string,
  type: string,
): Array<{ urn: string; id?: string; outputs: Record<string, unknown> }> {
  const doc = JSON.parse(exported) as {
    deployment: {
      resources?: Array<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }>;
    };
  };
  return (doc.deployment.resources ?? [])
    .filter((r) => r.type === type)
    .map((r) => ({ urn: r.urn, id: r.id, outputs: r.outputs ?? {} }));
}
