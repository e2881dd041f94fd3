/** The request log: every jobs-API and IAM request (not the admin API), the newest 200,000 kept. */

export interface RecordedRequest {
  /** Simulator clock (`now()`) when the request arrived. */
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  service?: string;
  jobId?: string;
  status: number;
  /** What the client sent (`Authorization` → aksk, else `X-Auth-Token` → token), valid or not. */
  auth: "aksk" | "token" | "none";
  errorCode?: string;
}

export const MAX_LOG_ENTRIES = 200_000;

/** A ring buffer: constant-time appends, oldest entries overwritten past the capacity. */
export class RequestLog {
  private buf: RecordedRequest[] = [];
  private next = 0;

  constructor(private readonly capacity = MAX_LOG_ENTRIES) {}

  add(r: RecordedRequest): void {
    if (this.buf.length < this.capacity) {
      this.buf.push(r);
      return;
    }
    this.buf[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  list(filter?: { jobId?: string }): RecordedRequest[] {
    const ordered =
      this.next === 0 ? this.buf.slice() : [...this.buf.slice(this.next), ...this.buf.slice(0, this.next)];
    const jobId = filter?.jobId;
    return jobId === undefined ? ordered : ordered.filter((r) => r.jobId === jobId);
  }

  clear(): void {
    this.buf = [];
    this.next = 0;
  }
}
