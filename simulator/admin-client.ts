/** The simulator's admin API over HTTP, for other processes (the demo, engine tests, benchmarks). */
import type { JobSpec } from "./jobs";
import type { FaultSpec, GatewayLimit, RecordedRequest, SimulatorCredentials } from "./server";

export class SimulatorAdmin {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_admin${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`simulator admin ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  credentials(): Promise<SimulatorCredentials> {
    return this.call("GET", "/credentials");
  }
  createJob(spec: JobSpec): Promise<{ id: string }> {
    return this.call("POST", "/jobs", spec);
  }
  createJobs(specs: JobSpec[]): Promise<Array<{ id: string }>> {
    return this.call("POST", "/jobs", specs);
  }
  forgetJob(id: string): Promise<void> {
    return this.call("DELETE", `/jobs/${encodeURIComponent(id)}`);
  }
  injectFault(f: FaultSpec): Promise<void> {
    return this.call("POST", "/faults", f);
  }
  setGatewayLimit(l: GatewayLimit | undefined): Promise<void> {
    return this.call("PUT", "/gateway", l ?? null);
  }
  revokeTokens(): Promise<void> {
    return this.call("POST", "/tokens/revoke");
  }
  requests(filter?: { jobId?: string }): Promise<RecordedRequest[]> {
    return this.call("GET", `/requests${filter?.jobId ? `?jobId=${encodeURIComponent(filter.jobId)}` : ""}`);
  }
  clearRequests(): Promise<void> {
    return this.call("DELETE", "/requests");
  }
}
