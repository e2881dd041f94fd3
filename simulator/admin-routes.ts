/**
 * The admin API over HTTP, under `/_admin/` (no authentication; the server listens on 127.0.0.1 only). JSON
 * in and out; bad input answers 400 `{"error": "..."}`, unknown routes and jobs 404.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { AdminApi } from "./admin-api";
import { InputError, type Reply, readJson, safeDecode } from "./http";
import type { JobSpec } from "./jobs";
import type { FaultSpec, GatewayLimit } from "./traffic";

const finishBody = z.strictObject({
  outcome: z.enum(["Completed", "Failed"]).optional(),
  failReason: z.string().optional(),
});

const ok = (status: number, body?: unknown): Reply => ({ status, body });
const bad = (status: number, error: string): Reply => ({ status, body: { error } });

/** `METHOD first[/:x][/third]`, e.g. `POST jobs/:x/finish`. */
function routeKey(method: string, parts: readonly string[]): string {
  return `${method} ${parts[0] ?? ""}${parts.length > 1 ? "/:x" : ""}${parts.length > 2 ? `/${parts[2]}` : ""}`;
}

export async function handleAdmin(req: IncomingMessage, url: URL, admin: AdminApi): Promise<Reply> {
  const parts = url.pathname.split("/").filter(Boolean).slice(1).map(safeDecode);
  const m = req.method ?? "GET";
  const id = parts[1] ?? "";
  const noJob = () => bad(404, `no job ${id}`);
  try {
    switch (routeKey(m, parts)) {
      case "GET credentials":
        return ok(200, admin.credentials());
      case "POST jobs": {
        const body = await readJson(req);
        // An array creates many jobs in one call (benchmarks create a thousand).
        return ok(201, Array.isArray(body) ? admin.createJobs(body) : admin.createJob(body as JobSpec));
      }
      case "GET jobs/:x": {
        const view = admin.describeJob(id);
        return view ? ok(200, view) : noJob();
      }
      case "POST jobs/:x/finish": {
        if (!admin.describeJob(id)) return noJob();
        const r = finishBody.safeParse((await readJson(req)) ?? {});
        if (!r.success) return bad(400, `invalid finish body: ${z.prettifyError(r.error)}`);
        admin.finishJob(id, r.data.outcome, r.data.failReason);
        return ok(204);
      }
      case "DELETE jobs/:x":
        if (!admin.describeJob(id)) return noJob();
        admin.forgetJob(id);
        return ok(204);
      case "POST faults":
        admin.injectFault((await readJson(req)) as FaultSpec);
        return ok(204);
      case "PUT gateway":
        admin.setGatewayLimit(((await readJson(req)) ?? undefined) as GatewayLimit | undefined);
        return ok(204);
      case "DELETE gateway":
        admin.setGatewayLimit(undefined);
        return ok(204);
      case "POST tokens/:x":
        if (id !== "revoke") break;
        admin.revokeTokens();
        return ok(204);
      case "GET requests": {
        const jobId = url.searchParams.get("jobId");
        return ok(200, admin.requests(jobId ? { jobId } : undefined));
      }
      case "DELETE requests":
        admin.clearRequests();
        return ok(204);
    }
  } catch (err) {
    // Validation (the admin API checks its input) and body errors are the caller's fault.
    if (err instanceof InputError) return bad(400, err.message);
    throw err;
  }
  return bad(404, `no admin route ${m} ${url.pathname}`);
}
