/**
 * A local task center: `GET /{service}/v3/{project_id}/jobs?id=` for DDS, GaussDB and RDS with each service's
 * wire format, AK/SK and token authentication with the gateway's error bodies, IAM password login, a rate
 * limit and injectable faults, and an admin API. Listens on 127.0.0.1 only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AdminApi } from "./admin-api";
import { type SimulatorCredentials, TokenStore, throwawayCredentials } from "./auth";
import { apiError, newRequestId, send } from "./http";
import { localAdmin } from "./local-admin";
import { RequestLog } from "./log";
import { route } from "./router";
import type { SimService } from "./services";
import type { SimState } from "./state";
import { JobStore } from "./store";
import { FaultQueue, Gateway } from "./traffic";

export type { AdminJobView } from "./admin-api";
export type { SimulatorCredentials } from "./auth";
export type { RecordedRequest } from "./log";
export type { FaultSpec, GatewayLimit } from "./traffic";

export interface SimulatorOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** The clock for job progress, visibility, signatures' dates, token expiry and the rate limit. */
  now?: () => number;
  /** Waits out an injected fault's `latencyMs`. Default: a real timer, cancelled by `close()`. */
  sleep?: (ms: number) => Promise<void>;
  /** Override some of the random throwaway credentials. */
  credentials?: Partial<SimulatorCredentials>;
  /** IAM token lifetime. Default 24 h. */
  tokenTtlMs?: number;
}

/** The running simulator: the admin API's operations in process, plus its addresses and credentials. */
export interface Simulator extends Omit<AdminApi, "credentials"> {
  /** `http://127.0.0.1:PORT` */
  url: string;
  credentials: SimulatorCredentials;
  /** The admin API as an object (the one the `/_admin/` routes drive). */
  admin: AdminApi;
  /** `${url}/iam`: the IAM base URL (`POST /v3/auth/tokens` under it). */
  iamEndpoint: string;
  /** `${url}/${service}`: the base URL a client appends `/v3/{project_id}/jobs` to. */
  endpoint(service: SimService): string;
  /** A valid IAM token for the simulator's project, without calling IAM. */
  issueToken(): string;
  close(): Promise<void>;
}

/** Real timers for injected latency, tracked so `close()` leaves none behind. */
function timerSleep(): { sleep: (ms: number) => Promise<void>; cancel: () => void } {
  const pending = new Map<NodeJS.Timeout, () => void>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          pending.delete(t);
          resolve();
        }, ms);
        pending.set(t, resolve);
      }),
    cancel: () => {
      for (const [t, resolve] of pending) {
        clearTimeout(t);
        resolve();
      }
      pending.clear();
    },
  };
}

function newState(opts: SimulatorOptions, sleep: (ms: number) => Promise<void>): SimState {
  const now = opts.now ?? Date.now;
  const credentials: SimulatorCredentials = { ...throwawayCredentials(), ...opts.credentials };
  return {
    now,
    sleep,
    credentials,
    tokens: new TokenStore(opts.tokenTtlMs ?? 24 * 3600_000, now),
    store: new JobStore(credentials.projectId, now),
    faults: new FaultQueue(),
    gateway: new Gateway(now),
    log: new RequestLog(),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", backlog: 4096 }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const timers = timerSleep();
  const state = newState(opts, opts.sleep ?? timers.sleep);
  const admin = localAdmin(state);
  const server = createServer((req, res) => {
    const requestId = newRequestId();
    route(req, requestId, state, admin).then(
      (reply) => send(res, reply, requestId),
      (e: unknown) => {
        const msg = `Simulator error: ${e instanceof Error ? e.message : String(e)}`;
        send(res, apiError(500, "DBS.108000", msg, requestId), requestId);
      },
    );
  });
  // Cheap keep-alive for a thousand pollers: long idle sockets, no per-connection cap.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  const url = `http://127.0.0.1:${await listen(server, opts.port ?? 0)}`;
  return {
    ...admin,
    admin,
    url,
    credentials: state.credentials,
    iamEndpoint: `${url}/iam`,
    endpoint: (service) => `${url}/${service}`,
    issueToken: () => state.tokens.issue(state.credentials.projectId).token,
    close: () =>
      new Promise<void>((resolve) => {
        timers.cancel();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
