/** The simulator's admin API over HTTP, for other processes (the demo, engine tests, benchmarks). */
import type { AdminJobView, AsyncAdminApi } from "./admin-api";
import type { SimulatorCredentials } from "./auth";
import type { JobSpec } from "./jobs";
import type { RecordedRequest } from "./log";
import type { FaultSpec, GatewayLimit } from "./traffic";

export class SimulatorAdmin implements AsyncAdminApi {
  readonly url: string;

  /** `url`: the simulator's base URL, `http://127.0.0.1:PORT` (the CLI prints it as `SIMULATOR_URL=`). */
  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown, absent?: T): Promise<T> {
    const res = await fetch(`${this.url}/_admin${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status === 404 && absent !== undefined) return absent;
    if (!res.ok) throw new Error(`simulator admin ${method} ${path}: HTTP ${res.status} ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
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
  /** undefined for an unknown job, as in process. */
  async describeJob(id: string): Promise<AdminJobView | undefined> {
    const view = await this.call<AdminJobView | null>(
      "GET",
      `/jobs/${encodeURIComponent(id)}`,
      undefined,
      null,
    );
    return view ?? undefined;
  }
  finishJob(id: string, outcome?: "Completed" | "Failed", failReason?: string): Promise<void> {
    return this.call("POST", `/jobs/${encodeURIComponent(id)}/finish`, {
      ...(outcome !== undefined ? { outcome } : {}),
      ...(failReason !== undefined ? { failReason } : {}),
    });
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
