/**
 * The simulator's own facts about each service's jobs API, read off the seed documents (../shared/seeds) and
 * deliberately not shared with the provider's service table: a mistake in that table must show up as a
 * disagreement with the simulator, not be repeated by it.
 */

export const SIM_SERVICES = ["dds", "gaussdb", "rds"] as const;
export type SimService = (typeof SIM_SERVICES)[number];

export function isSimService(s: string): s is SimService {
  return (SIM_SERVICES as readonly string[]).includes(s);
}

/** What the service answers (HTTP 400) for a job it does not know, yet or any more: every seed's error table. */
export const JOB_NOT_FOUND = { code: "DBS.200543", msg: "The job does not exist." } as const;

export interface WireProfile {
  /** Seed 004 (RDS) names it `process`; 000-003 (DDS) and 001 (GaussDB) `progress`. */
  readonly progressField: "process" | "progress";
  /** Seed 004 sends `"60% "`: some RDS percentages carry a trailing space. */
  readonly trailingSpaceInProgress: boolean;
  /** Only seed 004 has `entities` (`{}` for jobs without any, per its note). */
  readonly entities: boolean;
  /** 000-003 and 001 send `"fail_reason": null` on success; 004 leaves it out unless the job failed. */
  readonly nullFailReason: boolean;
  /** 000-003 and 001 always send `ended` (even while running); no 004 example has it. */
  readonly ended: boolean;
  /** 001 (GaussDB) writes times at `+0800`; the others at `+0000`. */
  readonly utcOffsetMinutes: number;
  /** The instance-creation job's name as the service's example spells it. */
  readonly createJobName: string;
  /** Instance ids are 32 hex digits and a service suffix: `...in01` (004), `...in02` (000), `...in14` (001). */
  readonly instanceIdSuffix: string;
  /** Example instance names: `rds-...`, `dds-5ff4-sh`, `gauss-c1a3`. */
  readonly instanceNamePrefix: string;
}

export const WIRE_PROFILES: Readonly<Record<SimService, WireProfile>> = {
  rds: {
    progressField: "process",
    trailingSpaceInProgress: true,
    entities: true,
    nullFailReason: false,
    ended: false,
    utcOffsetMinutes: 0,
    createJobName: "CreateMysqlSingleHAInstance",
    instanceIdSuffix: "in01",
    instanceNamePrefix: "rds",
  },
  dds: {
    progressField: "progress",
    trailingSpaceInProgress: false,
    entities: false,
    nullFailReason: true,
    ended: true,
    utcOffsetMinutes: 0,
    createJobName: "Create_MongoDB",
    instanceIdSuffix: "in02",
    instanceNamePrefix: "dds",
  },
  gaussdb: {
    progressField: "progress",
    trailingSpaceInProgress: false,
    entities: false,
    nullFailReason: true,
    ended: true,
    utcOffsetMinutes: 480,
    createJobName: "CreateGaussDBV5Instance",
    instanceIdSuffix: "in14",
    instanceNamePrefix: "gauss",
  },
};
