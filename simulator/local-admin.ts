/** The admin API in process: direct calls on the simulator's state. */
import type { AdminApi, AdminJobView } from "./admin-api";
import { isVisible, parseJobSpec } from "./jobs";
import type { SimState } from "./state";
import { faultSpecSchema, parseOrThrow } from "./traffic";
import { renderJob } from "./wire";

export function localAdmin(state: SimState): AdminApi {
  const { store } = state;
  return {
    credentials: () => state.credentials,
    createJob: (spec) => ({ id: store.create(spec).id }),
    createJobs(specs) {
      // Checked first, so a bad spec in the middle leaves no half-created batch behind.
      for (const s of specs) parseJobSpec(s);
      return specs.map((s) => ({ id: store.create(s).id }));
    },
    describeJob(id): AdminJobView | undefined {
      const job = store.byId(id)[0];
      if (!job) return undefined;
      const t = state.now();
      return {
        service: job.spec.service,
        projectId: job.projectId,
        forgotten: job.forgotten,
        visible: isVisible(job, job.spec.service, job.projectId, t),
        job: renderJob(job, t).job,
      };
    },
    finishJob: (id, outcome, failReason) => store.finish(id, outcome, failReason),
    forgetJob: (id) => store.forget(id),
    injectFault: (f) => state.faults.add(parseOrThrow(faultSpecSchema, "fault", f)),
    setGatewayLimit: (l) => state.gateway.setLimit(l),
    revokeTokens: () => state.tokens.revokeAll(),
    requests: (filter) => state.log.list(filter),
    clearRequests: () => state.log.clear(),
  };
}
