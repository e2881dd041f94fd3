/**
 * A fresh simulator and fake clock per test, and the requests tests make of it: signed with the provider's
 * signer (so every signed request also cross-checks that signer against the simulator's own verifier).
 */
import assert from "node:assert/strict";
import { signRequest } from "../../provider/auth/signer";
import type { Service } from "../../provider/services";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator";

export type Json = Record<string, unknown>;
export type How = "aksk" | "temp" | "token" | "none";

export const START = Date.parse("2026-11-23T08:00:00Z");

export class SimHarness {
  /** The simulator's clock: tests move it, nothing else does. */
  t = START;
  private current: Simulator | undefined;

  get sim(): Simulator {
    assert.ok(this.current, "no simulator: use useSimulator() in the describe block");
    return this.current;
  }

  /** Replaces the simulator (and resets the clock), e.g. to start one with other options. */
  async fresh(opts: SimulatorOptions = {}): Promise<Simulator> {
    await this.close();
    this.t = START;
    this.current = await startSimulator({ now: () => this.t, tokenTtlMs: 3600_000, ...opts });
    return this.current;
  }

  async close(): Promise<void> {
    const s = this.current;
    this.current = undefined;
    await s?.close();
  }

  jobsUrl(service: string, jobId?: string, project = this.sim.credentials.projectId): string {
    const query = jobId === undefined ? "" : `?id=${encodeURIComponent(jobId)}`;
    return `${this.sim.url}/${service}/v3/${project}/jobs${query}`;
  }

  headersFor(
    url: string,
    how: How,
    extra: Record<string, string> = {},
    token?: string,
  ): Record<string, string> {
    const c = this.sim.credentials;
    const now = new Date(this.t);
    if (how === "aksk") return signRequest({ method: "GET", url, headers: extra }, c, now);
    if (how === "temp") {
      return signRequest(
        { method: "GET", url, headers: { "X-Security-Token": c.securityToken, ...extra } },
        { accessKey: c.tempAccessKey, secretKey: c.tempSecretKey },
        now,
      );
    }
    if (how === "token") return { "X-Auth-Token": token ?? this.sim.issueToken(), ...extra };
    return extra;
  }

  async call(
    url: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Headers }> {
    const res = await fetch(url, { headers });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  }

  get(service: string, jobId: string, how: How = "aksk", token?: string) {
    const url = this.jobsUrl(service, jobId);
    return this.call(url, this.headersFor(url, how, {}, token));
  }

  /** The job body; fails the test unless the answer is 200. */
  async job(service: Service, id: string): Promise<Json> {
    const r = await this.get(service, id);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.job as Json;
  }

  login(body: unknown): Promise<Response> {
    return fetch(`${this.sim.iamEndpoint}/v3/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  passwordBody(over: { password?: string; project?: Json } = {}) {
    const c = this.sim.credentials;
    return {
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: { name: c.username, password: over.password ?? c.password, domain: { name: c.domainName } },
          },
        },
        scope: { project: over.project ?? { name: c.region } },
      },
    };
  }
}

/** In a describe block: a fresh simulator and clock before each test, closed after it. */
export function useSimulator(): SimHarness {
  const h = new SimHarness();
  beforeEach(() => h.fresh());
  afterEach(() => h.close());
  return h;
}
