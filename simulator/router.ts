/** Which handler answers a request, and the request log around every one but the admin API's. */
import type { IncomingMessage } from "node:http";
import type { AdminApi } from "./admin-api";
import { handleAdmin } from "./admin-routes";
import { authKindOf } from "./auth";
import { apiError, errorCodeOf, iamError, type Reply, readJson, safeDecode } from "./http";
import { passwordLogin } from "./iam";
import { handleJobs } from "./jobs-api";
import type { RecordedRequest } from "./log";
import { isSimService } from "./services";
import type { SimState } from "./state";

const JOBS_PATH = /^\/([^/]+)\/v3\/([^/]+)\/jobs\/?$/;
const IAM_TOKENS_PATH = "/iam/v3/auth/tokens";
const API_NOT_FOUND = "The API does not exist or has not been published in the environment";

async function iam(req: IncomingMessage, state: SimState): Promise<Reply> {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    return iamError(400, "Bad Request", "The request body is not valid JSON.");
  }
  return passwordLogin(body, state.credentials, state.tokens);
}

async function recorded(
  req: IncomingMessage,
  url: URL,
  service: string | undefined,
  state: SimState,
  handler: () => Promise<Reply>,
): Promise<Reply> {
  const jobId = url.searchParams.get("id");
  const entry: RecordedRequest = {
    time: state.now(),
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    ...(service !== undefined ? { service } : {}),
    ...(service !== undefined && jobId ? { jobId } : {}),
    status: 0,
    auth: authKindOf(req.headers),
  };
  const reply = await handler();
  entry.status = reply.status;
  const code = reply.status >= 400 ? errorCodeOf(reply.body) : undefined;
  if (code !== undefined) entry.errorCode = code;
  state.log.add(entry);
  return reply;
}

export function route(
  req: IncomingMessage,
  requestId: string,
  state: SimState,
  admin: AdminApi,
): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/_admin" || url.pathname.startsWith("/_admin/")) return handleAdmin(req, url, admin);
  if (url.pathname === IAM_TOKENS_PATH && req.method === "POST")
    return recorded(req, url, undefined, state, () => iam(req, state));
  const m = JOBS_PATH.exec(url.pathname);
  if (m && isSimService(m[1]!)) {
    const service = m[1];
    if (req.method === "GET") {
      const r = { service, projectId: safeDecode(m[2]!), url, requestId };
      return recorded(req, url, service, state, () => handleJobs(req, r, state));
    }
    return recorded(req, url, service, state, async () =>
      apiError(404, "APIGW.0101", "The API does not exist.", requestId),
    );
  }
  return recorded(req, url, undefined, state, async () =>
    apiError(404, "APIGW.0101", API_NOT_FOUND, requestId),
  );
}
