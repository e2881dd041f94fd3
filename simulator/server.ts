/**
 * A local task center: `GET /{service}/v3/{project_id}/jobs?id=` for DDS, GaussDB and RDS with each
 * service's wire format, AK/SK and token authentication with the real error bodies, IAM password login, and an
 * admin API to create jobs and inject faults. Listens on 127.0.0.1 only.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../provider/auth/signer";
import { JOB_NOT_FOUND_CODE, SERVICES, type Service } from "../provider/services";
import { type JobSpec, newJob, renderJob, type SimJob } from "./jobs";

export interface SimulatorCredentials {
  accessKey: string;
  secretKey: string;
  tempAccessKey: string;
  tempSecretKey: string;
  securityToken: string;
  projectId: string;
  region: string;
  username: string;
  password: string;
  domainName: string;
}

export interface RecordedRequest {
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  service?: string;
  jobId?: string;
  status: number;
  auth: "aksk" | "token" | "none";
  errorCode?: string;
}

export interface FaultSpec {
  status: number;
  count: number;
  errorCode?: string;
  errorMsg?: string;
  shape?: "error_code" | "code";
  retryAfterSeconds?: number;
  latencyMs?: number;
  service?: string;
}

export interface GatewayLimit {
  ratePerSecond: number;
  burst: number;
}

export interface SimulatorOptions {
  port?: number;
  now?: () => number;
  credentials?: Partial<SimulatorCredentials>;
  tokenTtlMs?: number;
}

export interface Simulator {
  url: string;
  credentials: SimulatorCredentials;
  iamEndpoint: string;
  endpoint(service: Service): string;
  createJob(spec: JobSpec): { id: string };
  forgetJob(id: string): void;
  injectFault(f: FaultSpec): void;
  setGatewayLimit(l: GatewayLimit | undefined): void;
  revokeTokens(): void;
  issueToken(): string;
  requests(filter?: { jobId?: string }): RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

const MAX_LOG = 200_000;
const alnum = (n: number) =>
  Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("");

export function throwawayCredentials(): SimulatorCredentials {
  return {
    accessKey: `SIMAK${alnum(16)}`,
    secretKey: randomBytes(30).toString("base64url"),
    tempAccessKey: `SIMTMP${alnum(14)}`,
    tempSecretKey: randomBytes(30).toString("base64url"),
    securityToken: `simsts-${randomBytes(24).toString("hex")}`,
    projectId: randomBytes(16).toString("hex"),
    region: "sim-region-1",
    username: "sim-user",
    password: `simpw-${randomBytes(9).toString("base64url")}`,
    domainName: "sim-domain",
  };
}

class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

const apiError = (status: number, code: string, msg: string, shape: "error_code" | "code" = "error_code") =>
  new HttpReply(status, shape === "code" ? { code, message: msg } : { error_code: code, error_msg: msg });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const now = opts.now ?? Date.now;
  const credentials: SimulatorCredentials = { ...throwawayCredentials(), ...opts.credentials };
  const tokenTtl = opts.tokenTtlMs ?? 24 * 3600_000;
  const jobs = new Map<string, SimJob>();
  const tokens = new Map<string, number>();
  const faults: FaultSpec[] = [];
  let gateway: (GatewayLimit & { tokens: number; last: number }) | undefined;
  let log: RecordedRequest[] = [];

  const record = (r: RecordedRequest) => {
    log.push(r);
    if (log.length > MAX_LOG) log = log.slice(-MAX_LOG / 2);
  };

  const issueToken = () => {
    const t = `simtok-${randomBytes(32).toString("hex")}`;
    tokens.set(t, now() + tokenTtl);
    return t;
  };

  const api = {
    createJob(spec: JobSpec) {
      if (!(SERVICES as readonly string[]).includes(spec.service))
        throw new Error(`unknown service ${spec.service}`);
      const job = newJob(spec, credentials.projectId, now());
      jobs.set(job.id, job);
      return { id: job.id };
    },
    forgetJob(id: string) {
      const j = jobs.get(id);
      if (j) j.forgotten = true;
    },
    injectFault(f: FaultSpec) {
      faults.push({ ...f });
    },
    setGatewayLimit(l: GatewayLimit | undefined) {
      gateway = l ? { ...l, tokens: l.burst, last: now() } : undefined;
    },
    revokeTokens() {
      tokens.clear();
    },
    issueToken,
    requests(filter?: { jobId?: string }) {
      return filter?.jobId ? log.filter((r) => r.jobId === filter.jobId) : [...log];
    },
    clearRequests() {
      log = [];
    },
  };

  function authenticate(
    req: IncomingMessage,
    fullUrl: string,
    projectId: string,
  ): { kind: "aksk" | "token" | "none"; error?: HttpReply } {
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
    ) as Record<string, string>;
    const headerProject = headers["x-project-id"];
    if (headerProject && headerProject !== projectId) {
      return {
        kind: "none",
        error: apiError(403, "DBS.200010", "The X-Project-Id header does not match the project in the URL."),
      };
    }
    if (headers.authorization) {
      const r = verifySignature(
        { method: req.method ?? "GET", url: fullUrl, headers },
        (ak) =>
          ak === credentials.accessKey
            ? credentials.secretKey
            : ak === credentials.tempAccessKey
              ? credentials.tempSecretKey
              : undefined,
        new Date(now()),
      );
      if (!r.ok)
        return {
          kind: "aksk",
          error: apiError(401, "APIGW.0301", `Incorrect IAM authentication information: ${r.reason}`),
        };
      if (
        r.accessKey === credentials.tempAccessKey &&
        headers["x-security-token"] !== credentials.securityToken
      ) {
        return {
          kind: "aksk",
          error: apiError(
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information: temporary credentials need a valid X-Security-Token",
          ),
        };
      }
      return { kind: "aksk" };
    }
    const token = headers["x-auth-token"];
    if (token) {
      const exp = tokens.get(token);
      if (exp === undefined || exp <= now()) {
        return {
          kind: "token",
          error: apiError(
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information: the token is invalid or expired",
          ),
        };
      }
      return { kind: "token" };
    }
    return {
      kind: "none",
      error: apiError(401, "APIGW.0301", "Incorrect IAM authentication information: Authorization not found"),
    };
  }

  function takeFault(service: string): FaultSpec | undefined {
    const i = faults.findIndex((f) => f.count > 0 && (!f.service || f.service === service));
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.count--;
    if (f.count <= 0) faults.splice(i, 1);
    return f;
  }

  function gatewayAllows(): boolean {
    if (!gateway) return true;
    const t = now();
    gateway.tokens = Math.min(
      gateway.burst,
      gateway.tokens + ((t - gateway.last) / 1000) * gateway.ratePerSecond,
    );
    gateway.last = t;
    if (gateway.tokens < 1) return false;
    gateway.tokens -= 1;
    return true;
  }

  async function jobsApi(
    req: IncomingMessage,
    url: URL,
    service: string,
    projectId: string,
  ): Promise<HttpReply> {
    const jobId = url.searchParams.get("id") ?? undefined;
    const entry: RecordedRequest = {
      time: now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      service,
      ...(jobId !== undefined ? { jobId } : {}),
      status: 200,
      auth: "none",
    };
    const reply = await (async (): Promise<HttpReply> => {
      if (!gatewayAllows()) {
        return apiError(
          429,
          "APIGW.0308",
          `The throttling threshold has been reached: policy user over ratelimit,limit:${gateway!.ratePerSecond},time:1 second`,
        );
      }
      const fault = takeFault(service);
      if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault && fault.status !== 200) {
        const r = apiError(
          fault.status,
          fault.errorCode ?? `SIM.${fault.status}`,
          fault.errorMsg ?? "Injected fault.",
          fault.shape,
        );
        if (fault.retryAfterSeconds !== undefined) r.headers["Retry-After"] = String(fault.retryAfterSeconds);
        return r;
      }
      const auth = authenticate(req, `http://${req.headers.host}${req.url}`, projectId);
      entry.auth = auth.kind;
      if (auth.error) return auth.error;
      if (!jobId) return apiError(400, "DBS.200001", "Invalid parameter: id is required.");
      const job = jobs.get(jobId);
      const visible =
        job &&
        !job.forgotten &&
        job.spec.service === service &&
        job.projectId === projectId &&
        now() - job.createdAt >= (job.spec.visibleAfterMs ?? 0);
      if (!visible) return apiError(400, JOB_NOT_FOUND_CODE, "The job does not exist.");
      return new HttpReply(200, renderJob(job, now()));
    })();
    entry.status = reply.status;
    const code =
      (reply.body as { error_code?: string; code?: string } | undefined)?.error_code ??
      (reply.body as { code?: string }).code;
    if (reply.status >= 400 && code) entry.errorCode = code;
    record(entry);
    return reply;
  }

  async function iam(req: IncomingMessage, url: URL): Promise<HttpReply> {
    const entry: RecordedRequest = {
      time: now(),
      method: req.method ?? "POST",
      path: url.pathname,
      query: {},
      status: 201,
      auth: "none",
    };
    const reply = await (async () => {
      let body: {
        auth?: {
          identity?: {
            password?: { user?: { name?: string; password?: string; domain?: { name?: string } } };
          };
          scope?: { project?: { id?: string; name?: string } };
        };
      };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return new HttpReply(400, {
          error: { code: 400, message: "The request body is not JSON.", title: "Bad Request" },
        });
      }
      const user = body.auth?.identity?.password?.user;
      const scope = body.auth?.scope?.project;
      if (
        user?.name !== credentials.username ||
        user?.password !== credentials.password ||
        user?.domain?.name !== credentials.domainName
      ) {
        return new HttpReply(401, {
          error: { code: 401, message: "The username or password is wrong.", title: "Unauthorized" },
        });
      }
      if (scope?.id !== credentials.projectId && scope?.name !== credentials.region) {
        return new HttpReply(400, {
          error: { code: 400, message: "The project in the scope does not exist.", title: "Bad Request" },
        });
      }
      const token = issueToken();
      return new HttpReply(
        201,
        {
          token: {
            expires_at: new Date(tokens.get(token)!).toISOString(),
            issued_at: new Date(now()).toISOString(),
            methods: ["password"],
            project: { id: credentials.projectId, name: credentials.region },
            user: { name: credentials.username, domain: { name: credentials.domainName } },
          },
        },
        { "X-Subject-Token": token },
      );
    })();
    entry.status = reply.status;
    record(entry);
    return reply;
  }

  async function admin(req: IncomingMessage, url: URL): Promise<HttpReply> {
    const parts = url.pathname.split("/").filter(Boolean).slice(1);
    const json = async <T>() => JSON.parse((await readBody(req)) || "null") as T;
    const m = req.method;
    if (parts[0] === "credentials" && m === "GET") return new HttpReply(200, credentials);
    if (parts[0] === "jobs" && parts.length === 1 && m === "POST") {
      const body = await json<JobSpec | JobSpec[]>();
      // An array creates many jobs in one call (benchmarks create a thousand).
      return new HttpReply(
        201,
        Array.isArray(body) ? body.map((spec) => api.createJob(spec)) : api.createJob(body),
      );
    }
    if (parts[0] === "jobs" && parts[1]) {
      const job = jobs.get(decodeURIComponent(parts[1]));
      if (!job) return new HttpReply(404, { error: "no such job" });
      if (m === "GET") return new HttpReply(200, { ...renderJob(job, now()), forgotten: job.forgotten });
      if (m === "DELETE") {
        api.forgetJob(job.id);
        return new HttpReply(204, undefined);
      }
    }
    if (parts[0] === "faults" && m === "POST") {
      api.injectFault(await json<FaultSpec>());
      return new HttpReply(204, undefined);
    }
    if (parts[0] === "gateway" && m === "PUT") {
      api.setGatewayLimit((await json<GatewayLimit | null>()) ?? undefined);
      return new HttpReply(204, undefined);
    }
    if (parts[0] === "tokens" && parts[1] === "revoke" && m === "POST") {
      api.revokeTokens();
      return new HttpReply(204, undefined);
    }
    if (parts[0] === "requests" && m === "GET") {
      const jobId = url.searchParams.get("jobId");
      return new HttpReply(200, api.requests(jobId ? { jobId } : undefined));
    }
    if (parts[0] === "requests" && m === "DELETE") {
      api.clearRequests();
      return new HttpReply(204, undefined);
    }
    return new HttpReply(404, { error: `no admin route ${m} ${url.pathname}` });
  }

  async function route(req: IncomingMessage): Promise<HttpReply> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/_admin/")) return admin(req, url);
    if (url.pathname === "/iam/v3/auth/tokens" && req.method === "POST") return iam(req, url);
    const m = /^\/([a-z]+)\/v3\/([^/]+)\/jobs\/?$/.exec(url.pathname);
    if (m && req.method === "GET" && (SERVICES as readonly string[]).includes(m[1]!))
      return jobsApi(req, url, m[1]!, decodeURIComponent(m[2]!));
    return apiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment");
  }

  const send = (res: ServerResponse, r: HttpReply) => {
    const body = r.body === undefined ? "" : JSON.stringify(r.body);
    res.writeHead(r.status, {
      "Content-Type": "application/json;charset=UTF-8",
      "X-Request-Id": randomBytes(16).toString("hex"),
      ...r.headers,
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    route(req).then(
      (r) => send(res, r),
      (err: unknown) =>
        send(
          res,
          apiError(500, "DBS.108000", `Simulator error: ${err instanceof Error ? err.message : String(err)}`),
        ),
    );
  });
  server.keepAliveTimeout = 30_000;
  server.maxConnections = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    credentials,
    iamEndpoint: `${url}/iam`,
    endpoint: (service: Service) => `${url}/${service}`,
    ...api,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
