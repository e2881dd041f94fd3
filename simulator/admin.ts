/**
 * The admin API under `/_admin/` (no authentication; the server listens on 127.0.0.1 only). JSON in and out;
 * bad input answers 400 `{"error": "..."}`, unknown routes and jobs 404.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { InputError, type Reply, readJson, safeDecode } from "./http";
import type { JobSpec } from "./jobs";
import type { Simulator } from "./server";
import type { FaultSpec, GatewayLimit } from "./traffic";

/** What the admin API drives: the in-process simulator's own methods (documented on `Simulator`). */
export type AdminTarget = Pick<
  Simulator,
  | "credentials"
  | "createJob"
  | "describeJob"
  | "finishJob"
  | "forgetJob"
  | "injectFault"
  | "setGatewayLimit"
  | "revokeTokens"
  | "requests"
  | "clearRequests"
>;

/** `GET /_admin/jobs/{id}`: the wire body as the job's service sends it now, plus the simulator's view. */
export interface AdminJobView {
  service: string;
  projectId: string;
  forgotten: boolean;
  /** Whether the jobs API would answer 200 for it right now. */
  visible: boolean;
  job: Record<string, unknown>;
}

const finishBody = z.strictObject({
  outcome: z.enum(["Completed", "Failed"]).optional(),
  failReason: z.string().optional(),
});

const ok = (status: number, body?: unknown): Reply => ({ status, body });
const bad = (status: number, error: string): Reply => ({ status, body: { error } });

export async function handleAdmin(req: IncomingMessage, url: URL, sim: AdminTarget): Promise<Reply> {
  const parts = url.pathname.split("/").filter(Boolean).slice(1).map(safeDecode);
  const m = req.method ?? "GET";
  const route = `${m} ${parts[0] ?? ""}${parts.length > 1 ? "/:x" : ""}${parts.length > 2 ? `/${parts[2]}` : ""}`;
  try {
    switch (route) {
      case "GET credentials":
        return ok(200, sim.credentials);
      case "POST jobs": {
        const body = await readJson(req);
        // An array creates many jobs in one call (benchmarks create a thousand).
        return ok(
          201,
          Array.isArray(body) ? body.map((s) => sim.createJob(s)) : sim.createJob(body as JobSpec),
        );
      }
      case "GET jobs/:x": {
        const view = sim.describeJob(parts[1]!);
        return view ? ok(200, view) : bad(404, `no job ${parts[1]}`);
      }
      case "POST jobs/:x/finish": {
        if (!sim.describeJob(parts[1]!)) return bad(404, `no job ${parts[1]}`);
        const body = (await readJson(req)) ?? {};
        const r = finishBody.safeParse(body);
        if (!r.success) return bad(400, `invalid finish body: ${z.prettifyError(r.error)}`);
        sim.finishJob(parts[1]!, r.data.outcome, r.data.failReason);
        return ok(204);
      }
      case "DELETE jobs/:x":
        if (!sim.describeJob(parts[1]!)) return bad(404, `no job ${parts[1]}`);
        sim.forgetJob(parts[1]!);
        return ok(204);
      case "POST faults":
        sim.injectFault((await readJson(req)) as FaultSpec);
        return ok(204);
      case "PUT gateway":
        sim.setGatewayLimit(((await readJson(req)) ?? undefined) as GatewayLimit | undefined);
        return ok(204);
      case "DELETE gateway":
        sim.setGatewayLimit(undefined);
        return ok(204);
      case "POST tokens/:x":
        if (parts[1] !== "revoke") break;
        sim.revokeTokens();
        return ok(204);
      case "GET requests": {
        const jobId = url.searchParams.get("jobId");
        return ok(200, sim.requests(jobId ? { jobId } : undefined));
      }
      case "DELETE requests":
        sim.clearRequests();
        return ok(204);
    }
  } catch (err) {
    // Validation (the simulator's methods check their input) and body errors are the caller's fault.
    if (err instanceof InputError) return bad(400, err.message);
    throw err;
  }
  return bad(404, `no admin route ${m} ${url.pathname}`);
}
