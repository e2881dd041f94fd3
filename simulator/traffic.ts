/** What happens before a request reaches authentication: the gateway's rate limit and injected faults. */
import { z } from "zod";
import { InputError } from "./http";
import { SIM_SERVICES } from "./services";

export interface FaultSpec {
  /** HTTP status to answer; 200 with `latencyMs` only delays the request, which then proceeds normally. */
  status: number;
  /** How many jobs-API requests this fault answers. */
  count: number;
  /** Default by status, e.g. 429 `APIGW.0308`, 500/503 `DBS.108000`, 502 `APIGW.0202`, 504 `APIGW.0203`. */
  errorCode?: string;
  errorMsg?: string;
  /** `error_code`: `{"error_code","error_msg"}` (default); `code`: `{"code","message"}`. */
  shape?: "error_code" | "code";
  /** Adds a `Retry-After: N` header. */
  retryAfterSeconds?: number;
  /** Real milliseconds (not the simulator clock) to wait before answering. */
  latencyMs?: number;
  /** Only requests to this service (`dds`, `gaussdb`, `rds`). */
  service?: string;
}

export interface GatewayLimit {
  ratePerSecond: number;
  burst: number;
}

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const faultSpecSchema = z.strictObject({
  status: z.number().int().min(200).max(599),
  count: z.number().int().positive(),
  errorCode: z.string().min(1).optional(),
  errorMsg: z.string().optional(),
  shape: z.enum(["error_code", "code"]).optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  latencyMs: z.number().nonnegative().max(600_000).optional(),
  service: z.enum(SIM_SERVICES).optional(),
});

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const gatewayLimitSchema = z.strictObject({
  ratePerSecond: z.number().positive(),
  burst: z.number().positive(),
});

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export function parseOrThrow<T>(schema: z.ZodType<T>, what: string, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new InputError(`invalid ${what}: ${z.prettifyError(r.error)}`);
  return r.data;
}

const DEFAULT_FAULTS: Readonly<Record<number, { code: string; msg: string }>> = {
  400: { code: "DBS.200001", msg: "Parameter error" },
  401: { code: "APIGW.0301", msg: "Incorrect IAM authentication information: decrypt token fail" },
  403: { code: "DBS.200010", msg: "Operation not permitted." },
  404: { code: "APIGW.0101", msg: "The API does not exist or has not been published in the environment" },
  429: {
    code: "APIGW.0308",
    msg: "The throttling threshold has been reached: policy user over ratelimit,limit:0,time:1 second",
  },
  500: { code: "DBS.108000", msg: "Internal server error." },
  502: { code: "APIGW.0202", msg: "Backend unavailable" },
  503: { code: "DBS.108000", msg: "Service temporarily unavailable." },
  504: { code: "APIGW.0203", msg: "Backend timeout" },
};

export function faultError(f: FaultSpec): { code: string; msg: string } {
  const d = DEFAULT_FAULTS[f.status] ?? { code: `SIM.${f.status}`, msg: "Injected fault." };
  return { code: f.errorCode ?? d.code, msg: f.errorMsg ?? d.msg };
}

/** Faults in the order they were injected; each request takes the first one that applies to it. */
export class FaultQueue {
  private faults: FaultSpec[] = [];

  add(f: FaultSpec): void {
    this.faults.push({ ...f });
  }

  take(service: string): FaultSpec | undefined {
    const i = this.faults.findIndex((f) => f.count > 0 && (f.service === undefined || f.service === service));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.count--;
    if (f.count <= 0) this.faults.splice(i, 1);
    return f;
  }
}

/** A token bucket on the simulator's clock, shared by every jobs-API request. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: GatewayLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.ratePerSecond);
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The gateway's rate limit over every jobs-API request, if one is set; on the simulator's clock. */
export class Gateway {
  private bucket: TokenBucket | undefined;

  constructor(private readonly now: () => number) {}

  /** Validates the limit (throws an InputError); undefined removes it. */
  setLimit(l: GatewayLimit | undefined): void {
    this.bucket = l
      ? new TokenBucket(parseOrThrow(gatewayLimitSchema, "gateway limit", l), this.now())
      : undefined;
  }

  /** undefined when the request may pass, else the limit it is over. */
  refuse(): GatewayLimit | undefined {
    return this.bucket && !this.bucket.take(this.now()) ? this.bucket.limit : undefined;
  }
}
