/**
 * A local task center: `GET /{service}/v3/{project_id}/jobs?id=` for DDS, GaussDB and RDS with each service's
 * wire format, AK/SK and token authentication with the gateway's error bodies, IAM password login, a rate
 * limit and injectable faults, and an admin API. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { JOB_NOT_FOUND_CODE, SERVICES, type Service } from "../provider/services";
import { type AdminJobView, type AdminTarget, handleAdmin } from "./admin";
import {
  type AuthKind,
  authenticate,
  authKindOf,
  type SimulatorCredentials,
  TokenStore,
  throwawayCredentials,
} from "./auth";
import {
  apiError,
  errorCodeOf,
  InputError,
  iamError,
  newRequestId,
  type Reply,
  readJson,
  safeDecode,
  send,
} from "./http";
import { passwordLogin } from "./iam";
import {
  isTerminal,
  isVisible,
  type JobSpec,
  newJob,
  parseJobSpec,
  renderJob,
  type SimJob,
  stateAt,
} from "./jobs";
import { type RecordedRequest, RequestLog } from "./log";
import {
  FaultQueue,
  type FaultSpec,
  faultError,
  faultSpecSchema,
  type GatewayLimit,
  gatewayLimitSchema,
  parseOrThrow,
  TokenBucket,
} from "./traffic";

export type { AdminJobView } from "./admin";
export type { SimulatorCredentials } from "./auth";
export type { RecordedRequest } from "./log";
export type { FaultSpec, GatewayLimit } from "./traffic";

export interface SimulatorOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** The clock for job progress, visibility, signatures' dates, token expiry and the rate limit. */
  now?: () => number;
  /** Override some of the random throwaway credentials. */
  credentials?: Partial<SimulatorCredentials>;
  /** IAM token lifetime. Default 24 h. */
  tokenTtlMs?: number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  credentials: SimulatorCredentials;
  /** `${url}/iam`: the IAM base URL (`POST /v3/auth/tokens` under it). */
  iamEndpoint: string;
  /** `${url}/${service}`: the base URL a client appends `/v3/{project_id}/jobs` to. */
  endpoint(service: Service): string;
  /** Validates the spec (throws on a bad one) and creates the job now. */
  createJob(spec: JobSpec): { id: string };
  /** The wire body as the job's service would send it now, and the simulator's view; undefined if unknown. */
  describeJob(id: string): AdminJobView | undefined;
  /**
   * Ends a running job now (default with its spec's outcome), so tests need not depend on real durations.
   * A job that has already ended keeps its result. Throws for an unknown id.
   */
  finishJob(id: string, outcome?: "Completed" | "Failed", failReason?: string): void;
  /** From now on the job answers DBS.200543, as an expired one does. Throws for an unknown id. */
  forgetJob(id: string): void;
  injectFault(f: FaultSpec): void;
  setGatewayLimit(l: GatewayLimit | undefined): void;
  revokeTokens(): void;
  /** A valid IAM token for the simulator's project, without calling IAM. */
  issueToken(): string;
  requests(filter?: { jobId?: string }): RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

const JOBS_PATH = /^\/([^/]+)\/v3\/([^/]+)\/jobs\/?$/;
const IAM_TOKENS_PATH = "/iam/v3/auth/tokens";
const API_NOT_FOUND = "The API does not exist or has not been published in the environment";

function isService(s: string): s is Service {
  return (SERVICES as readonly string[]).includes(s);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const now = opts.now ?? Date.now;
  const credentials: SimulatorCredentials = { ...throwawayCredentials(), ...opts.credentials };
  const tokens = new TokenStore(opts.tokenTtlMs ?? 24 * 3600_000, now);
  /** Keyed by service and id: a job created for one service is not found under another. */
  const jobs = new Map<string, SimJob>();
  const key = (service: string, id: string) => `${service}\u0000${id}`;
  const faults = new FaultQueue();
  const log = new RequestLog();
  let gateway: TokenBucket | undefined;
  const timers = new Set<NodeJS.Timeout>();

  const findJob = (id: string): SimJob | undefined => {
    for (const s of SERVICES) {
      const j = jobs.get(key(s, id));
      if (j) return j;
    }
    return undefined;
  };

  const control: AdminTarget & Pick<Simulator, "issueToken"> = {
    credentials,
    createJob(input: JobSpec) {
      const spec = parseJobSpec(input);
      const job = newJob(spec, credentials.projectId, now());
      jobs.set(key(spec.service, job.id), job);
      return { id: job.id };
    },
    describeJob(id: string) {
      const job = findJob(id);
      if (!job) return undefined;
      const t = now();
      return {
        service: job.spec.service,
        projectId: job.projectId,
        forgotten: job.forgotten,
        visible: isVisible(job, job.spec.service, job.projectId, t),
        job: renderJob(job, t).job,
      };
    },
    finishJob(id: string, outcome?: "Completed" | "Failed", failReason?: string) {
      const t = now();
      let found = false;
      for (const s of SERVICES) {
        const j = jobs.get(key(s, id));
        if (!j) continue;
        found = true;
        if (isTerminal(stateAt(j, t).status)) continue;
        const o = outcome ?? j.spec.outcome ?? "Completed";
        j.finished = { at: t, outcome: o, ...(failReason !== undefined ? { failReason } : {}) };
      }
      if (!found) throw new InputError(`no job ${id}`);
    },
    forgetJob(id: string) {
      let found = false;
      for (const s of SERVICES) {
        const j = jobs.get(key(s, id));
        if (j) {
          j.forgotten = true;
          found = true;
        }
      }
      if (!found) throw new InputError(`no job ${id}`);
    },
    injectFault(f: FaultSpec) {
      faults.add(parseOrThrow(faultSpecSchema, "fault", f));
    },
    setGatewayLimit(l: GatewayLimit | undefined) {
      gateway = l ? new TokenBucket(parseOrThrow(gatewayLimitSchema, "gateway limit", l), now()) : undefined;
    },
    revokeTokens() {
      tokens.revokeAll();
    },
    issueToken() {
      return tokens.issue(credentials.projectId).token;
    },
    requests(filter?: { jobId?: string }) {
      return log.list(filter);
    },
    clearRequests() {
      log.clear();
    },
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function jobsApi(
    req: IncomingMessage,
    url: URL,
    service: Service,
    projectId: string,
    requestId: string,
  ): Promise<Reply> {
    const err = (status: number, code: string, msg: string, shape?: "error_code" | "code") =>
      apiError(status, code, msg, requestId, shape);
    if (gateway && !gateway.take(now())) {
      return err(
        429,
        "APIGW.0308",
        `The throttling threshold has been reached: policy user over ratelimit,limit:${gateway.limit.ratePerSecond},time:1 second`,
      );
    }
    const fault = faults.take(service);
    if (fault?.latencyMs) await delay(fault.latencyMs);
    if (fault && fault.status !== 200) {
      const { code, msg } = faultError(fault);
      const r = err(fault.status, code, msg, fault.shape);
      if (fault.retryAfterSeconds !== undefined)
        r.headers = { "Retry-After": String(fault.retryAfterSeconds) };
      return r;
    }
    const auth = authenticate(
      req.method ?? "GET",
      `http://${req.headers.host ?? url.host}${req.url ?? "/"}`,
      req.headers,
      credentials,
      tokens,
      now(),
    );
    if (!auth.ok) return err(auth.status, auth.code, auth.msg);
    const headerProject = req.headers["x-project-id"];
    if (
      (typeof headerProject === "string" && headerProject !== projectId) ||
      (auth.projectId !== undefined && auth.projectId !== projectId)
    ) {
      return err(
        403,
        "DBS.200010",
        "The project ID in the URL does not match the project of the request's credentials.",
      );
    }
    const jobId = url.searchParams.get("id");
    if (!jobId) return err(400, "DBS.200001", "Parameter error: id is mandatory.");
    const job = jobs.get(key(service, jobId));
    const t = now();
    if (!job || !isVisible(job, service, projectId, t))
      return err(400, JOB_NOT_FOUND_CODE, "The job does not exist.");
    return { status: 200, body: renderJob(job, t) };
  }

  async function iam(req: IncomingMessage): Promise<Reply> {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return iamError(400, "Bad Request", "The request body is not valid JSON.");
    }
    return passwordLogin(body, credentials, tokens);
  }

  /** Every request but the admin API's is recorded, whatever it answers. */
  async function recorded(
    req: IncomingMessage,
    url: URL,
    service: string | undefined,
    handler: () => Promise<Reply>,
  ): Promise<Reply> {
    const kind: AuthKind = authKindOf(req.headers);
    const jobId = url.searchParams.get("id");
    const entry: RecordedRequest = {
      time: now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(service !== undefined ? { service } : {}),
      ...(service !== undefined && jobId ? { jobId } : {}),
      status: 0,
      auth: kind,
    };
    const reply = await handler();
    entry.status = reply.status;
    const code = reply.status >= 400 ? errorCodeOf(reply.body) : undefined;
    if (code !== undefined) entry.errorCode = code;
    log.add(entry);
    return reply;
  }

  async function route(req: IncomingMessage, requestId: string): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/_admin" || url.pathname.startsWith("/_admin/"))
      return handleAdmin(req, url, control);
    if (url.pathname === IAM_TOKENS_PATH && req.method === "POST")
      return recorded(req, url, undefined, () => iam(req));
    const m = JOBS_PATH.exec(url.pathname);
    if (m && isService(m[1]!)) {
      const service = m[1];
      if (req.method === "GET") {
        const projectId = safeDecode(m[2]!);
        return recorded(req, url, service, () => jobsApi(req, url, service, projectId, requestId));
      }
      return recorded(req, url, service, async () =>
        apiError(404, "APIGW.0101", "The API does not exist.", requestId),
      );
    }
    return recorded(req, url, undefined, async () => apiError(404, "APIGW.0101", API_NOT_FOUND, requestId));
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    route(req, requestId).then(
      (reply) => send(res, reply, requestId),
      (e: unknown) =>
        send(
          res,
          apiError(
            500,
            "DBS.108000",
            `Simulator error: ${e instanceof Error ? e.message : String(e)}`,
            requestId,
          ),
          requestId,
        ),
    );
  });
  // Cheap keep-alive for a thousand pollers: long idle sockets, no per-connection cap.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: opts.port ?? 0, host: "127.0.0.1", backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    ...control,
    url,
    iamEndpoint: `${url}/iam`,
    endpoint: (service: Service) => `${url}/${service}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
