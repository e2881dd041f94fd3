/** The job store: every job the simulator knows, keyed by service and id (a job is found only under its own). */
import { InputError } from "./http";
import { isTerminal, isVisible, type JobSpec, newJob, parseJobSpec, type SimJob, stateAt } from "./jobs";
import { SIM_SERVICES, type SimService } from "./services";

export class JobStore {
  private readonly jobs = new Map<string, SimJob>();

  constructor(
    private readonly defaultProjectId: string,
    private readonly now: () => number,
  ) {}

  private static key(service: string, id: string): string {
    return `${service}\u0000${id}`;
  }

  /** Validates the spec (throws an InputError naming every problem) and creates the job now. */
  create(input: JobSpec): SimJob {
    const spec = parseJobSpec(input);
    const job = newJob(spec, this.defaultProjectId, this.now());
    this.jobs.set(JobStore.key(spec.service, job.id), job);
    return job;
  }

  /** The job the jobs API answers for, if it is queryable now under this service and project. */
  visible(service: SimService, projectId: string, id: string): SimJob | undefined {
    const job = this.jobs.get(JobStore.key(service, id));
    return job && isVisible(job, service, projectId, this.now()) ? job : undefined;
  }

  /** Every service's job of this id (the admin API addresses jobs by id alone). */
  byId(id: string): SimJob[] {
    const found: SimJob[] = [];
    for (const s of SIM_SERVICES) {
      const j = this.jobs.get(JobStore.key(s, id));
      if (j) found.push(j);
    }
    return found;
  }

  private existing(id: string): SimJob[] {
    const found = this.byId(id);
    if (found.length === 0) throw new InputError(`no job ${id}`);
    return found;
  }

  /** Ends running jobs of this id now; a job that has already ended keeps its result. */
  finish(id: string, outcome?: "Completed" | "Failed", failReason?: string): void {
    const t = this.now();
    for (const j of this.existing(id)) {
      if (isTerminal(stateAt(j, t).status)) continue;
      j.finished = {
        at: t,
        outcome: outcome ?? j.spec.outcome ?? "Completed",
        ...(failReason !== undefined ? { failReason } : {}),
      };
    }
  }

  /** From now on the jobs of this id answer as expired ones do. */
  forget(id: string): void {
    for (const j of this.existing(id)) j.forgotten = true;
  }
}
