/**
 * `GET /{service}/v3/{project_id}/jobs?id=`: what the gateway and the service do with one request, in order:
 * the rate limit, injected faults, authentication, the project check, then the job lookup.
 */
import type { IncomingMessage } from "node:http";
import { authenticate } from "./auth";
import { apiError, type Reply } from "./http";
import { JOB_NOT_FOUND, type SimService } from "./services";
import type { SimState } from "./state";
import { faultError } from "./traffic";
import { renderJob } from "./wire";

export interface JobsRequest {
  service: SimService;
  /** Decoded from the path. */
  projectId: string;
  url: URL;
  requestId: string;
}

export async function handleJobs(req: IncomingMessage, r: JobsRequest, state: SimState): Promise<Reply> {
  const err = (status: number, code: string, msg: string, shape?: "error_code" | "code") =>
    apiError(status, code, msg, r.requestId, shape);
  const over = state.gateway.refuse();
  if (over) {
    return err(
      429,
      "APIGW.0308",
      `The throttling threshold has been reached: policy user over ratelimit,limit:${over.ratePerSecond},time:1 second`,
    );
  }
  const fault = state.faults.take(r.service);
  if (fault?.latencyMs) await state.sleep(fault.latencyMs);
  if (fault && fault.status !== 200) {
    const { code, msg } = faultError(fault);
    const reply = err(fault.status, code, msg, fault.shape);
    if (fault.retryAfterSeconds !== undefined)
      reply.headers = { "Retry-After": String(fault.retryAfterSeconds) };
    return reply;
  }
  const auth = authenticate(
    req.method ?? "GET",
    req.url ?? "/",
    req.headers,
    state.credentials,
    state.tokens,
    state.now(),
  );
  if (!auth.ok) return err(auth.status, auth.code, auth.msg);
  const headerProject = req.headers["x-project-id"];
  if (
    (typeof headerProject === "string" && headerProject !== r.projectId) ||
    (auth.projectId !== undefined && auth.projectId !== r.projectId)
  ) {
    return err(
      403,
      "DBS.200010",
      "The project ID in the URL does not match the project of the request's credentials.",
    );
  }
  const jobId = r.url.searchParams.get("id");
  if (!jobId) return err(400, "DBS.200001", "Parameter error: id is mandatory.");
  const job = state.store.visible(r.service, r.projectId, jobId);
  if (!job) return err(400, JOB_NOT_FOUND.code, JOB_NOT_FOUND.msg);
  return { status: 200, body: renderJob(job, state.now()) };
}
