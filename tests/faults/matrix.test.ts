/**
 * The fault matrix: the real client and waiter (`waitForInputs`, `getJob`) against a raw fault server, one
 * fault per case. Each case asserts the outcome and how long the wait took against its deadline; the endless
 * body also asserts bounded memory. Every case starts its own servers (own ports, so its own gate) and closes
 * them, so the cases do not depend on their order.
 */
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { clearTokenCache, createAuthenticator } from "../../provider/auth/authenticator";
import { ambientSources } from "../../provider/auth/credentials-file";
import { JobClient } from "../../provider/client";
import { JobApiError } from "../../provider/errors";
import { gateFor, resetGates } from "../../provider/gate";
import type { HttpOptions } from "../../provider/http";
import { requireValidInputs } from "../../provider/inputs";
import { waitForInputs } from "../../provider/run";
import type { WaitOutcome } from "../../provider/waiter";
import { getJob } from "../../sdk/get-job";
import { ddsJobJson, FaultServer, type Handler, headerBlock, NOT_FOUND_JSON, statusLine } from "./server";

const JOB = "2f1c6a0e-5b7d-4c8e-9a3f-1d2e3f4a5b6c";
const PROJECT = "0123456789abcdef0123456789abcdef";
const SECRET_KEY = "SKfault0123456789SECRET";
const akskEnv = (): NodeJS.ProcessEnv => ({
  HW_ACCESS_KEY: "AKFAULT0123456789",
  HW_SECRET_KEY: SECRET_KEY,
  HW_PROJECT_ID: PROJECT,
  HUAWEICLOUD_SDK_CREDENTIALS_FILE: "/nonexistent/pulumi-job-waiter-fault-matrix",
});

/** Settle margin past the timeout: the deadline's last-look grace (<= 2 s) plus scheduling on a busy machine. */
const MARGIN_MS = 3_500;

interface Row {
  fault: string;
  outcome: string;
  timeoutMs: number;
  settledMs: number;
  note?: string;
}
const rows: Row[] = [];

describe("fault matrix (raw fault server, real client and waiter)", function () {
  this.timeout(60_000);
  const open: FaultServer[] = [];
  const serve = async (h: Handler) => {
    const s = await FaultServer.start(h);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    resetGates();
    clearTokenCache();
  });
  after(() => {
    const table = rows.map(
      (r) =>
        `  ${r.fault.padEnd(34)} ${r.outcome.padEnd(26)} timeout ${String(r.timeoutMs / 1000).padStart(3)} s  settled ${(r.settledMs / 1000).toFixed(2).padStart(6)} s${r.note ? `  ${r.note}` : ""}`,
    );
    console.log(`\n  fault matrix: measured settle times\n${table.join("\n")}`);
  });

  async function wait(
    fault: string,
    server: FaultServer,
    extra: Record<string, unknown> = {},
    env: NodeJS.ProcessEnv = akskEnv(),
    http: HttpOptions = {},
  ): Promise<{ outcome: WaitOutcome; ms: number; lines: string[]; timeoutMs: number }> {
    const raw = { service: "dds", jobId: JOB, endpoint: server.url, timeout: "2s", ...extra };
    const inputs = requireValidInputs(raw, "fault case inputs");
    const lines: string[] = [];
    const t0 = performance.now();
    // The first look goes at once: these cases are about faults, not about the policy's first delay.
    const { outcome, target } = await waitForInputs(inputs, ambientSources(env), {
      write: (l) => lines.push(l),
      http,
      lookFirst: true,
    });
    const ms = performance.now() - t0;
    // No credential in any progress line or error message, whatever the fault.
    const said = [
      ...lines,
      outcome.state === "error" ? outcome.error.message : "",
      outcome.state === "timeout" ? (outcome.lastError?.message ?? "") : "",
    ].join("\n");
    for (const secret of [SECRET_KEY, "fault-password-123"])
      assert.ok(!said.includes(secret), `${secret} leaked`);
    const note =
      outcome.state === "timeout"
        ? (outcome.lastError?.details.fault ?? outcome.lastError?.details.kind)
        : outcome.state === "error"
          ? outcome.error instanceof JobApiError
            ? outcome.error.details.kind
            : outcome.error.name
          : undefined;
    rows.push({
      fault,
      outcome: outcome.state,
      timeoutMs: target.timeoutMs,
      settledMs: ms,
      ...(note ? { note } : {}),
    });
    return { outcome, ms, lines, timeoutMs: target.timeoutMs };
  }

  const settledNearTimeout = (ms: number, timeoutMs: number) => {
    assert.ok(ms >= timeoutMs - 50, `settled after ${ms} ms, before the ${timeoutMs} ms timeout`);
    assert.ok(ms <= timeoutMs + MARGIN_MS, `settled after ${ms} ms, long past the ${timeoutMs} ms timeout`);
  };
  const lastErrorOf = (o: WaitOutcome) => {
    assert.equal(o.state, "timeout", `outcome ${o.state}`);
    const e = o.state === "timeout" ? o.lastError : undefined;
    assert.ok(e, "the timeout quotes the last error");
    return e;
  };

  it("hang: a server that never answers ends at the timeout, saying the request was in flight", async () => {
    const s = await serve(() => undefined);
    const { outcome, ms, timeoutMs } = await wait("hang (no answer)", s);
    settledNearTimeout(ms, timeoutMs);
    assert.match(lastErrorOf(outcome).message, /no complete answer before the wait's deadline/);
  });

  it("slow headers: a header byte every 200 ms never completes the head; ends at the timeout", async () => {
    const s = await serve((_req, reply) => {
      reply.write(statusLine(200));
      s.every(200, () => reply.write("X"));
    });
    const { outcome, ms, timeoutMs } = await wait("slow headers (1 byte / 200 ms)", s);
    settledNearTimeout(ms, timeoutMs);
    assert.equal(lastErrorOf(outcome).details.kind, "transient");
  });

  it("slow body: a body byte every 200 ms is cut off at the deadline, not read to its end", async () => {
    const s = await serve((_req, reply) => {
      reply.write(
        statusLine(200) + headerBlock({ "Content-Type": "application/json", "Content-Length": "4000" }),
      );
      s.every(200, () => reply.write(" "));
    });
    const { outcome, ms, timeoutMs } = await wait("slow body (1 byte / 200 ms)", s);
    settledNearTimeout(ms, timeoutMs);
    assert.match(lastErrorOf(outcome).message, /deadline/);
  });

  it("endless body: reading stops at the 1 MiB cap; memory stays bounded", async () => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const perConnection: number[] = [];
    const s = await serve((_req, reply) => {
      reply.write(
        statusLine(200) + headerBlock({ "Content-Type": "application/json", "Transfer-Encoding": "chunked" }),
      );
      let sent = 0;
      const pump = () => {
        while (!reply.socket.destroyed) {
          const frame = Buffer.concat([
            Buffer.from(`${chunk.length.toString(16)}\r\n`),
            chunk,
            Buffer.from("\r\n"),
          ]);
          sent += frame.length;
          reply.write(frame);
          if (reply.socket.writableLength > 256 * 1024) return void reply.socket.once("drain", pump);
        }
      };
      void reply.closed.then(() => perConnection.push(sent));
      pump();
    });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const { outcome, ms, timeoutMs } = await wait("endless body", s, { timeout: "3s" });
      settledNearTimeout(ms, timeoutMs);
      assert.match(lastErrorOf(outcome).message, /over the 1048576-byte cap/);
    } finally {
      clearInterval(sampler);
    }
    await new Promise((r) => setTimeout(r, 100));
    const deltaMb = (peak - before) / 2 ** 20;
    const maxSentMb = Math.max(...perConnection) / 2 ** 20;
    rows.at(-1)!.note =
      `${rows.at(-1)!.note}; ${s.connections} connections, at most ${maxSentMb.toFixed(1)} MiB sent on one, RSS peak +${deltaMb.toFixed(1)} MB`;
    assert.ok(perConnection.length >= 1, "the client closed the endless connection");
    // The cap plus what socket buffers hold on both ends: a few MiB, never the unbounded stream.
    assert.ok(maxSentMb < 16, `server managed to send ${maxSentMb} MiB on one connection`);
    assert.ok(deltaMb < 100, `RSS grew by ${deltaMb} MB`);
  });

  it("reset before headers: transient, retried, the progress says so after 3 in a row; timeout quotes it", async () => {
    const s = await serve((_req, reply) => reply.reset());
    // One attempt per look (no retries inside the request), so the looks in a row are countable.
    const { outcome, ms, timeoutMs, lines } = await wait(
      "reset before headers",
      s,
      { timeout: "3s", minPollInterval: "0.1s", maxPollInterval: "0.3s" },
      akskEnv(),
      { retry: { limit: 0 } },
    );
    settledNearTimeout(ms, timeoutMs);
    const e = lastErrorOf(outcome);
    assert.equal(e.details.kind, "transient");
    assert.match(e.message, /connection failed before the response headers/);
    assert.ok(s.requests.length >= 3, `${s.requests.length} requests`);
    assert.ok(
      lines.some((l) => /ECONNRESET.*\(\d+ failed looks in a row\)/.test(l)),
      lines.join("\n"),
    );
  });

  it("reset mid-body: transient; the next look succeeds and the wait completes", async () => {
    const s = await serve((_req, reply, i) => {
      if (i > 0) return reply.send(200, ddsJobJson(JOB, "Completed"));
      reply.write(
        statusLine(200) + headerBlock({ "Content-Type": "application/json", "Content-Length": "500" }),
      );
      reply.write('{"job":{"id":"');
      setTimeout(() => reply.reset(), 50);
    });
    const { outcome, ms, lines } = await wait("reset mid-body, then OK", s, { timeout: "20s" });
    assert.equal(outcome.state, "completed");
    assert.ok(ms < 10_000, `${ms} ms`);
    assert.ok(
      lines.some((l) => /cut off after \d+ bytes.*retrying/.test(l)),
      lines.join("\n"),
    );
  });

  it("truncated JSON (complete framing): transient, retried, then completes", async () => {
    const s = await serve((_req, reply, i) =>
      reply.send(200, i === 0 ? '{"job":{"id":"2f1c6a0e","sta' : ddsJobJson(JOB, "Completed")),
    );
    const { outcome, ms } = await wait("truncated JSON, then OK", s, { timeout: "20s" });
    assert.equal(outcome.state, "completed");
    assert.ok(ms < 10_000, `${ms} ms`);
    assert.equal(s.requests.length, 2);
  });

  it("HTML 502 pages: transient, retried inside the request with backoff, then completes", async () => {
    const s = await serve((_req, reply, i) =>
      i < 2
        ? reply.send(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", {
            "Content-Type": "text/html",
          })
        : reply.send(200, ddsJobJson(JOB, "Completed")),
    );
    const { outcome, ms } = await wait("HTML 502 x2, then OK", s, { timeout: "20s" });
    assert.equal(outcome.state, "completed");
    assert.ok(ms < 10_000, `${ms} ms`);
  });

  it("{} with 200: never a job; retried until the timeout, which quotes the schema problem", async () => {
    const s = await serve((_req, reply) => reply.send(200, "{}"));
    const { outcome, ms, timeoutMs } = await wait("{} (200), always", s);
    settledNearTimeout(ms, timeoutMs);
    const e = lastErrorOf(outcome);
    assert.equal(e.details.kind, "invalid-response");
    assert.match(e.message, /job: /);
  });

  it("HTML with 200: retried like {}, never taken as a job", async () => {
    const s = await serve((_req, reply) =>
      reply.send(200, "<!doctype html><title>Login</title>", { "Content-Type": "text/html" }),
    );
    const { outcome, ms, timeoutMs } = await wait("HTML (200), always", s);
    settledNearTimeout(ms, timeoutMs);
    assert.match(lastErrorOf(outcome).message, /not JSON/);
  });

  it("wrong job id: a well-formed Completed job for another id is an error, never completion", async () => {
    const s = await serve((_req, reply) => reply.send(200, ddsJobJson("another-job-0000", "Completed")));
    const { outcome, ms } = await wait("wrong job id (Completed)", s, { timeout: "10s" });
    assert.equal(outcome.state, "error");
    assert.ok(outcome.state === "error" && outcome.error instanceof JobApiError);
    assert.equal((outcome.error as JobApiError).details.kind, "wrong-job");
    assert.match(outcome.error.message, /another-job-0000/);
    assert.ok(ms < 3_000, `${ms} ms`);
  });

  it("3xx to another loopback port: not followed, nothing reaches the target, the message names only its host", async () => {
    const target = await serve((_req, reply) => reply.send(200, ddsJobJson(JOB, "Completed")));
    const s = await serve((_req, reply) =>
      reply.send(302, "", {
        Location: `http://user:pw@127.0.0.1:${target.port}/v3/${PROJECT}/jobs?id=${JOB}&token=leak`,
      }),
    );
    const { outcome, ms } = await wait("302 to another port", s, { timeout: "10s" });
    assert.equal(outcome.state, "error");
    const e = (outcome as { error: Error }).error;
    assert.ok(e instanceof JobApiError && e.details.kind === "redirect");
    assert.match(
      e.message,
      new RegExp(`HTTP 302 redirect to http://127\\.0\\.0\\.1:${target.port}, not followed`),
    );
    assert.doesNotMatch(e.message, /token=leak|user:pw|\/v3\/.*jobs\?/);
    assert.equal(target.connections, 0, "nothing reached the redirect target");
    assert.equal(s.requests.length, 1, "a redirect is not retried");
    assert.ok(ms < 3_000, `${ms} ms`);
  });

  it("3xx from IAM: the password login is not followed, the target sees nothing", async () => {
    const target = await serve((_req, reply) => reply.send(201, "{}", { "X-Subject-Token": "stolen" }));
    const iam = await serve((_req, reply) =>
      reply.send(307, "", { Location: `http://127.0.0.1:${target.port}/v3/auth/tokens?x=1` }),
    );
    const api = await serve((_req, reply) => reply.send(200, ddsJobJson(JOB, "Completed")));
    const env = {
      HW_USER_NAME: "fault-user",
      HW_USER_PASSWORD: "fault-password-123",
      HW_DOMAIN_NAME: "fault-domain",
      HW_PROJECT_ID: PROJECT,
      HW_AUTH_URL: `${iam.url}/v3`,
      HUAWEICLOUD_SDK_CREDENTIALS_FILE: "/nonexistent/pulumi-job-waiter-fault-matrix",
    };
    const { outcome } = await wait("307 from IAM", api, { timeout: "10s" }, env);
    assert.equal(outcome.state, "error");
    const e = (outcome as { error: Error }).error;
    assert.match(e.message, /HTTP 307 redirect to http:\/\/127\.0\.0\.1:\d+, not followed/);
    assert.doesNotMatch(e.message, /fault-password-123|x=1/);
    assert.equal(target.connections, 0);
    assert.equal(api.requests.length, 0, "no job request without a token");
  });

  it("IAM that never answers: the wait still ends at its timeout", async () => {
    const iam = await serve(() => undefined);
    const api = await serve((_req, reply) => reply.send(200, ddsJobJson(JOB, "Completed")));
    const env = {
      HW_USER_NAME: "fault-user",
      HW_USER_PASSWORD: "fault-password-123",
      HW_DOMAIN_NAME: "fault-domain",
      HW_PROJECT_ID: PROJECT,
      HW_AUTH_URL: iam.url,
      HUAWEICLOUD_SDK_CREDENTIALS_FILE: "/nonexistent/pulumi-job-waiter-fault-matrix",
    };
    const { outcome, ms, timeoutMs } = await wait("IAM hang (password login)", api, {}, env);
    settledNearTimeout(ms, timeoutMs);
    assert.match(lastErrorOf(outcome).message, /deadline/);
    assert.equal(api.requests.length, 0);
  });

  for (const status of [429, 503] as const) {
    it(`${status} with Retry-After: 3600: waited out no longer than the deadline; the gate's pause ends with it`, async () => {
      const s = await serve((_req, reply) =>
        reply.send(status, '{"error_code":"APIGW.0308","error_msg":"Too many requests"}', {
          "Retry-After": "3600",
        }),
      );
      const { outcome, ms, timeoutMs } = await wait(`${status} Retry-After: 3600`, s);
      settledNearTimeout(ms, timeoutMs);
      const e = lastErrorOf(outcome);
      assert.equal(e.details.httpStatus, status);
      assert.equal(e.details.kind, status === 429 ? "throttled" : "transient");
      const gate = gateFor(s.url, PROJECT);
      assert.ok(
        gate.pausedUntilMs <= Date.now() + 1_000,
        `paused ${gate.pausedUntilMs - Date.now()} ms more`,
      );
    });
  }

  it("401 once, then OK: the IAM token is fetched again once and the wait completes", async () => {
    let tokens = 0;
    const iam = await serve((req, reply) => {
      assert.equal(req.method, "POST");
      tokens++;
      reply.send(
        201,
        `{"token":{"expires_at":"2099-01-01T00:00:00.000000Z","project":{"id":"${PROJECT}"}}}`,
        {
          "X-Subject-Token": `token-${tokens}`,
        },
      );
    });
    const api = await serve((req, reply, i) =>
      i === 0
        ? reply.send(
            401,
            '{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}',
          )
        : reply.send(
            200,
            ddsJobJson(JOB, req.headers["x-auth-token"] === "token-2" ? "Completed" : "Running"),
          ),
    );
    const env = {
      HW_USER_NAME: "fault-user",
      HW_USER_PASSWORD: "fault-password-123",
      HW_DOMAIN_NAME: "fault-domain",
      HW_PROJECT_ID: PROJECT,
      HW_AUTH_URL: iam.url,
      HUAWEICLOUD_SDK_CREDENTIALS_FILE: "/nonexistent/pulumi-job-waiter-fault-matrix",
    };
    const { outcome, ms } = await wait("401 once (token refresh), then OK", api, { timeout: "10s" }, env);
    assert.equal(outcome.state, "completed");
    assert.equal(tokens, 2);
    assert.deepEqual(
      api.requests.map((r) => r.headers["x-auth-token"]),
      ["token-1", "token-2"],
    );
    assert.ok(ms < 5_000, `${ms} ms`);
  });

  it("not found before first sight: waited out within the grace, then completes", async () => {
    const s = await serve((_req, reply, i) =>
      i < 2 ? reply.send(400, NOT_FOUND_JSON) : reply.send(200, ddsJobJson(JOB, "Completed")),
    );
    const { outcome, ms, lines } = await wait("not found x2 before first sight", s, {
      timeout: "20s",
      minPollInterval: "0.2s",
      maxPollInterval: "0.5s",
    });
    assert.equal(outcome.state, "completed");
    assert.ok(ms < 10_000, `${ms} ms`);
    assert.ok(lines.some((l) => /not visible yet.*still looking/.test(l)));
  });

  it("not found once after first sight: tolerated, the wait goes on and completes", async () => {
    const s = await serve((_req, reply, i) =>
      i === 1
        ? reply.send(400, NOT_FOUND_JSON)
        : reply.send(200, ddsJobJson(JOB, i === 0 ? "Running" : "Completed")),
    );
    const { outcome } = await wait("not found once after sight", s, {
      timeout: "20s",
      minPollInterval: "0.2s",
      maxPollInterval: "0.5s",
    });
    assert.equal(outcome.state, "completed");
  });

  it("not found for good after first sight: a few looks over a bounded time, then 'disappeared'", async () => {
    const s = await serve((_req, reply, i) =>
      i === 0 ? reply.send(200, ddsJobJson(JOB, "Running")) : reply.send(400, NOT_FOUND_JSON),
    );
    const { outcome, ms, lines } = await wait("not found for good after sight", s, {
      timeout: "30s",
      notFoundGrace: "2s",
      minPollInterval: "0.2s",
      maxPollInterval: "0.5s",
    });
    assert.equal(outcome.state, "error");
    assert.ok(outcome.state === "error" && outcome.disappeared === true);
    assert.equal(outcome.job?.status, "Running");
    assert.ok(s.requests.length >= 4, `${s.requests.length} requests`);
    assert.ok(ms < 8_000, `${ms} ms`);
    assert.ok(
      lines.some((l) => /no longer found.*looking again/.test(l)),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) => /giving up: it has disappeared/.test(l)),
      lines.join("\n"),
    );
  });

  it("a job ID with a lone surrogate reaching the client: a clear error naming the problem, no URIError, no request", async () => {
    // The input validator refuses such IDs first; the client must not throw a bare URIError on its own either.
    const s = await serve((_req, reply) => reply.send(200, ddsJobJson(JOB, "Completed")));
    const client = new JobClient({
      service: "dds",
      baseUrl: s.url,
      projectId: PROJECT,
      auth: createAuthenticator({
        kind: "aksk",
        accessKey: "AKFAULT",
        secretKey: SECRET_KEY,
        source: "test",
      }),
    });
    const err = await client.getJob("job-\uD800-x").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof JobApiError && !(err instanceof URIError), String(err));
    assert.equal(err.details.kind, "client");
    assert.match(err.message, /lone UTF-16 surrogate at index 4/);
    assert.match(err.message, /job-\\ud800-x/);
    assert.equal(s.connections, 0);
  });

  it("getJob (wait: true) on a hanging server: JobWaitError timeout within the margin", async () => {
    const s = await serve(() => undefined);
    const t0 = performance.now();
    const err = await getJob(
      { service: "dds", jobId: JOB, endpoint: s.url, timeout: "2s", wait: true },
      { env: akskEnv(), write: () => undefined },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    rows.push({ fault: "hang via getJob(wait)", outcome: "JobWaitError", timeoutMs: 2_000, settledMs: ms });
    assert.ok(err instanceof Error && err.name === "JobWaitError", String(err));
    assert.match(
      err.message,
      /did not finish within the timeout.*no complete answer before the wait's deadline/s,
    );
    settledNearTimeout(ms, 2_000);
  });

  it("getJob (one look) with a wrong id answer: rejected, never returned as the job", async () => {
    const s = await serve((_req, reply) => reply.send(200, ddsJobJson("another-job-0000", "Completed")));
    const err = await getJob({ service: "dds", jobId: JOB, endpoint: s.url }, { env: akskEnv() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof JobApiError && err.details.kind === "wrong-job", String(err));
  });
});
