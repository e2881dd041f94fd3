/**
 * Every error type the package can throw, built with credentials planted in every input and cause, through
 * the real code paths where there is one (IAM login, a signed job request that times out, the dynamic
 * provider, getJob). Each is scanned where a credential could surface: message, stack, the whole cause
 * chain, `util.inspect(err, {depth: Infinity})`, `JSON.stringify(err)`, and the progress lines written.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { clearTokenCache, createAuthenticator } from "../provider/auth/authenticator";
import { CredentialsError, envSources, resolveCredentials } from "../provider/auth/credentials";
import { createTokenFetcher, IamError } from "../provider/auth/iam";
import { JobClient } from "../provider/client";
import { createJobWaiterProvider } from "../provider/dynamic";
import {
  type ApiErrorKind,
  errorForOutcome,
  InvalidInputError,
  JobApiError,
  JobWaitError,
  JobWaiterError,
  PartialFailureError,
} from "../provider/errors";
import { EndpointGate } from "../provider/gate";
import { clearSecrets, redactText, registerSecret } from "../provider/redact";
import { SettingsError } from "../provider/settings";
import { getJob } from "../sdk";

// Distinct, unmistakable values: a hit in any scanned text is a leak.
const S = {
  accessKey: "LEAKAKQTWAOYTTINDUT2",
  secretKey: "LEAKSKMFyfvK41ba2giqM7Uio6PznpdUKGpownRZ",
  securityToken: "LEAKSTgQpjbi1ub3J0aC00ABCDEFGHIJ",
  authToken: "LEAKTOKMIIEhAYJKoZIhvcNAQcCoIIEdTCC",
  password: "LEAKPW-Hunter2-correct-horse",
  iamToken: "LEAKIAMTOKEN-MIIZsgYJKoZIhvcNAQcC",
};
const ALL = Object.values(S);

/** Every text a person or a log could see of `value`. */
function exposures(value: unknown): string[] {
  const out: string[] = [];
  const json = (v: unknown) => {
    try {
      return JSON.stringify(v) ?? "";
    } catch (e) {
      return `JSON.stringify threw: ${String(e)}`;
    }
  };
  out.push(
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true }),
    json(value),
  );
  let e: unknown = value;
  for (let depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (e instanceof Error) out.push(e.message, e.stack ?? "", String(e), json(e));
    else if (typeof e === "object") out.push(json(e), String((e as { message?: unknown }).message));
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function assertNoSecret(value: unknown, what: string, secrets: readonly string[] = ALL): void {
  for (const text of exposures(value)) {
    for (const s of secrets) assert.ok(!text.includes(s), `${what} leaks ${s} in:\n${text.slice(0, 3000)}`);
  }
}

/** An error as ky makes them: the request with its headers and the options with the JSON body. */
function kyLikeError(): Error {
  const err = new Error(`Request failed with X-Auth-Token: ${S.authToken}`) as Error &
    Record<string, unknown>;
  err.name = "HTTPError";
  err.request = new Request("https://rds.eu-de.otc.t-systems.com/v3/p/jobs?id=j", {
    headers: {
      "X-Auth-Token": S.authToken,
      "X-Security-Token": S.securityToken,
      Authorization: `SDK-HMAC-SHA256 Access=${S.accessKey}, SignedHeaders=x-sdk-date, Signature=abc123`,
    },
  });
  err.options = { json: { auth: { identity: { password: { user: { password: S.password } } } } } };
  err.cause = Object.assign(new Error(`socket hang up (sk ${S.secretKey})`), { code: "ECONNRESET" });
  return err;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
async function loopback(handler: Handler): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits: () => hits };
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

describe("redaction: no credential in any error the package throws", function () {
  this.timeout(20_000);
  beforeEach(() => {
    clearSecrets();
    clearTokenCache();
    // What resolveCredentials does for every credential it reads.
    resolveCredentials([
      ...envSources({
        HW_ACCESS_KEY: S.accessKey,
        HW_SECRET_KEY: S.secretKey,
        HW_SECURITY_TOKEN: S.securityToken,
      }),
    ]);
    resolveCredentials(envSources({ HW_AUTH_TOKEN: S.authToken }));
    resolveCredentials(envSources({ HW_USER_NAME: "u", HW_USER_PASSWORD: S.password }));
    registerSecret(S.iamToken);
  });

  it("the scanner itself finds a planted secret (it can fail)", () => {
    assert.throws(() => assertNoSecret(kyLikeError(), "raw ky-like error"), /leaks/);
    assert.throws(() => assertNoSecret(new Error(S.password), "plain"), /leaks/);
  });

  const kinds: ApiErrorKind[] = [
    "not-found",
    "auth",
    "throttled",
    "transient",
    "client",
    "unknown-host",
    "invalid-response",
  ];
  for (const kind of kinds) {
    it(`JobApiError (${kind}) with secrets in url, error_msg, source and cause`, () => {
      const e = new JobApiError({
        kind,
        service: "rds",
        jobId: "31b8ae23",
        url: `https://${S.accessKey}:${S.secretKey}@rds.eu-de.otc.t-systems.com/v3/p/jobs`,
        httpStatus: 500,
        errorCode: "DBS.108000",
        errorMsg: `bad token ${S.authToken} for password ${S.password}`,
        requestId: "rid",
        credentialSource: `environment (HW_*): HW_ACCESS_KEY ${S.accessKey}`,
        cause: kyLikeError(),
      });
      assertNoSecret(e, `JobApiError ${kind}`);
      assertNoSecret(e.details, "details");
      assert.match(e.message, /rds job 31b8ae23/);
      assert.match(
        e.message,
        /rds\.eu-de\.otc\.t-systems\.com\/v3\/p\/jobs/,
        "the URL stays, without userinfo",
      );
      if (kind === "transient")
        assert.match(e.message, /socket hang up|Request failed/, "the cause is still told");
      assert.equal(
        (e.cause as { cause?: { code?: string } }).cause?.code,
        "ECONNRESET",
        "system codes survive",
      );
    });
  }

  it("JobWaitError with secrets in message and cause", () => {
    const e = new JobWaitError("timeout", `timed out; last error ${S.secretKey}`, {
      service: "dds",
      jobId: "j",
      cause: kyLikeError(),
    });
    assertNoSecret(e, "JobWaitError");
    assert.equal(e.kind, "timeout");
  });

  it("JobWaiterError, InvalidInputError, PartialFailureError and every errorForOutcome error", () => {
    assertNoSecret(
      new JobWaiterError("settings", `x ${S.authToken}`, { cause: kyLikeError() }),
      "JobWaiterError",
    );
    assertNoSecret(
      new InvalidInputError("invalid JobWaiter inputs", [
        { property: "endpoint", reason: `bad ${S.password}` },
      ]),
      "InvalidInputError",
    );
    const api = new JobApiError({
      kind: "transient",
      service: "rds",
      jobId: "j",
      url: "https://h/v3/p/jobs",
      errorMsg: `echo ${S.securityToken}`,
      cause: kyLikeError(),
    });
    const job = {
      id: "j",
      name: "",
      status: "Failed" as const,
      created: "",
      failReason: `fail ${S.secretKey}`,
    };
    const subject = { service: "rds" as const, jobId: "j", timeoutMs: 1000, notFoundGraceMs: 1000 };
    const notFound = new JobApiError({
      kind: "not-found",
      service: "rds",
      jobId: "j",
      url: "https://h/x",
      cause: kyLikeError(),
    });
    const outcomes = [
      { state: "failed" as const, job },
      { state: "timeout" as const, job, lastError: api },
      { state: "aborted" as const, job },
      { state: "error" as const, error: notFound },
      { state: "error" as const, error: notFound, job },
      { state: "error" as const, error: kyLikeError() },
    ];
    for (const o of outcomes) {
      const e = errorForOutcome(o, subject);
      assert.ok(e instanceof Error, o.state);
      assertNoSecret(e, `errorForOutcome(${o.state})`);
      if (e instanceof JobWaitError && (o.state === "timeout" || o.state === "error")) {
        assertNoSecret(new PartialFailureError("rds:j", { status: "Running" }, e), "PartialFailureError");
      }
    }
    // A cause that is already one of ours is kept by identity, so callers can still look at it.
    const timeout = errorForOutcome({ state: "timeout", lastError: api }, subject);
    assert.equal(timeout?.cause, api);
  });

  it("SettingsError and CredentialsError with secrets in message and cause", () => {
    assertNoSecret(
      new SettingsError("region", `region ${S.password}`, { cause: kyLikeError() }),
      "SettingsError",
    );
    assertNoSecret(
      new CredentialsError("secretKey", `sk ${S.secretKey}`, { cause: kyLikeError() }),
      "CredentialsError",
    );
  });

  it("CredentialsError from malformed credentials never shows them, registered or not", () => {
    clearSecrets();
    const unregistered = ["LEAKNEW AK WITH SPACE", "LEAKNEWSK\nline2", "LEAKNEWTOKEN with space"];
    for (const env of [
      { HW_ACCESS_KEY: unregistered[0], HW_SECRET_KEY: "x" },
      { HW_ACCESS_KEY: "AK1234", HW_SECRET_KEY: unregistered[1] },
      { HW_AUTH_TOKEN: unregistered[2] },
    ]) {
      try {
        resolveCredentials(envSources(env));
        assert.fail("expected a CredentialsError");
      } catch (e) {
        assert.ok(e instanceof CredentialsError);
        assertNoSecret(e, "CredentialsError", ["LEAKNEW", "line2"]);
      }
    }
  });

  it("IamError from a real failed login: no password in message, stack, cause, inspect or JSON", async () => {
    // IAM at its worst: it echoes the password and answers with a token header on an error.
    const iam = await loopback((_req, res, body) => {
      res.writeHead(401, {
        "content-type": "application/json",
        "x-request-id": "iamrid",
        "x-subject-token": S.iamToken,
      });
      res.end(JSON.stringify({ error: { code: 401, message: `wrong password; you sent ${body}` } }));
    });
    try {
      const fetchToken = createTokenFetcher({ retry: { limit: 0 } });
      const err = await fetchToken({
        authUrl: iam.url,
        userName: "alice",
        password: S.password,
        domainName: "corp",
        scope: { projectName: "eu-de" },
      }).then(
        () => assert.fail("expected an IamError"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof IamError, String(err));
      assert.match(err.message, /HTTP 401/);
      assert.match(err.message, /request id iamrid/);
      assert.match(err.message, /user "alice" in domain "corp"/);
      assertNoSecret(err, "IamError");
    } finally {
      await close(iam.server);
    }
  });

  it("a password never registered before is still kept out of a login error (the fetcher registers it)", async () => {
    clearSecrets();
    const fresh = "LEAKFRESHPW-never-seen";
    const iam = await loopback((_req, res, body) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_msg: `bad request body ${body}` }));
    });
    try {
      const err = await createTokenFetcher({ retry: { limit: 0 } })({
        authUrl: iam.url,
        userName: "bob",
        password: fresh,
        domainName: "corp",
        scope: { projectId: "p" },
      }).catch((e: unknown) => e);
      assert.ok(err instanceof IamError);
      assertNoSecret(err, "IamError (fresh password)", [fresh]);
    } finally {
      await close(iam.server);
    }
  });

  it("JobApiError from a real request that times out: the signed request's headers are not kept", async () => {
    const hang = await loopback(() => {
      // never answers
    });
    try {
      for (const creds of [
        { kind: "token" as const, token: S.authToken, source: "test" },
        {
          kind: "aksk" as const,
          accessKey: S.accessKey,
          secretKey: S.secretKey,
          securityToken: S.securityToken,
          source: "test",
        },
      ]) {
        const client = new JobClient({
          service: "rds",
          baseUrl: hang.url,
          projectId: "p1",
          auth: createAuthenticator(creds),
          gate: new EndpointGate({ ratePerSecond: 100, burst: 100 }),
          timeoutMs: 100,
          retry: { limit: 0 },
        });
        const err = await client.getJob("j1").catch((e: unknown) => e);
        assert.ok(err instanceof JobApiError, String(err));
        assert.equal(err.details.kind, "transient");
        assertNoSecret(err, `JobApiError timeout (${creds.kind})`);
      }
    } finally {
      hang.server.closeAllConnections();
      await close(hang.server);
    }
  });

  it("the dynamic provider: a refused token echoed by the server, and a timeout (partial failure)", async () => {
    const api = await loopback((req, res) => {
      const token = String(req.headers["x-auth-token"]);
      if (req.url?.includes("id=refused")) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error_code: "APIGW.0301",
            error_msg: `Incorrect IAM authentication information: ${token}`,
          }),
        );
        return;
      }
      res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error_code: "SYS.503", error_msg: `busy, token ${token}` }));
    });
    const lines: string[] = [];
    try {
      const p = createJobWaiterProvider({
        env: { HW_AUTH_TOKEN: S.authToken, HW_PROJECT_ID: "p1" },
        write: (l) => lines.push(l),
        http: { retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 5 } },
      });
      const base = { service: "rds", endpoint: api.url, minPollInterval: "0.02s", maxPollInterval: "0.05s" };
      const refused = await p.create({ ...base, jobId: "refused" }).catch((e: unknown) => e);
      assert.ok(refused instanceof Error);
      assert.match(refused.message, /HTTP 401/);
      assertNoSecret(refused, "provider error (401)");
      const partial = await p.create({ ...base, jobId: "busy", timeout: "0.5s" }).catch((e: unknown) => e);
      assert.equal(typeof (partial as { id?: unknown }).id, "string", "a partial failure");
      assertNoSecret(partial, "partial failure");
      assert.ok(lines.length > 0, "progress lines were written");
      assertNoSecret(lines, "progress lines");
    } finally {
      await close(api.server);
    }
  });

  it("getJob: an InvalidInputError for an endpoint with a password, a SettingsError for a bad setting", async () => {
    const e1 = await getJob(
      { service: "rds", jobId: "j", endpoint: `https://admin:${S.password}@rds.example.com` },
      { env: {} },
    ).catch((e: unknown) => e);
    assert.ok(e1 instanceof InvalidInputError, String(e1));
    assert.match(e1.message, /endpoint/);
    assertNoSecret(e1, "getJob validation");
    const e3 = await getJob(
      { service: "rds", jobId: "j", region: "eu-de" },
      { env: { HW_SECRET_KEY: S.secretKey, HW_PROJECT_ID: "p1" } },
    ).catch((e: unknown) => e);
    assert.ok(e3 instanceof SettingsError, String(e3));
    assert.match(e3.message, /HW_SECRET_KEY but not HW_ACCESS_KEY/);
    assertNoSecret(e3, "getJob credentials");
  });

  it("redactText also blanks credential shapes it was never told about", () => {
    clearSecrets();
    const text = redactText(
      'GET https://u:p4ss@h/x Authorization: SDK-HMAC-SHA256 Access=AKX, Signature=0fa9 X-Auth-Token: tok123 {"password":"pw\\"x"}',
    );
    for (const s of ["p4ss", "AKX", "0fa9", "tok123", "pw"]) assert.ok(!text.includes(s), `${s} in ${text}`);
    assert.match(text, /GET https:\/\/h\/x/);
  });
});
