/**
 * The one table of facts about each service's job API: hosts on both clouds, the path, the wire field names,
 * the quirks a parser must survive, and the default wait. Everything else (client, schemas, simulator,
 * validation, docs) reads from here.
 */

export const SERVICES = ["dds", "gaussdb", "rds"] as const;
export type Service = (typeof SERVICES)[number];

export const CLOUDS = ["huaweicloud", "otc"] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface ServiceSpec {
  readonly service: Service;
  readonly title: string;
  /** First label of the API host on each cloud: `{prefix}.{region}.{domain}`. */
  readonly hostPrefix: Readonly<Record<Cloud, string>>;
  /**
   * Regions whose host uses another first label than `hostPrefix` says (newer Huawei Cloud regions name
   * GaussDB openGauss `gaussdb.{region}` instead of `gaussdb-opengauss.{region}`).
   */
  readonly regionHostPrefix?: Readonly<Partial<Record<Cloud, Readonly<Record<string, string>>>>>;
  /** The wire name of the progress field: RDS says `process`, the others `progress`. */
  readonly progressField: "process" | "progress";
  /** RDS reports what the job produced in `entities`; the others do not. */
  readonly hasEntities: boolean;
  /** DDS and GaussDB send `"fail_reason": null` on success; RDS omits it. */
  readonly sendsNullFailReason: boolean;
  /** RDS examples omit `ended`. */
  readonly sendsEnded: boolean;
  /** Default wait, the same as the Terraform providers' create timeouts. */
  readonly defaultTimeoutSeconds: number;
  /** Example job name for creating an instance, as the service spells it. */
  readonly createJobName: string;
}

export const SERVICE_TABLE: Readonly<Record<Service, ServiceSpec>> = {
  rds: {
    service: "rds",
    title: "RDS",
    hostPrefix: { huaweicloud: "rds", otc: "rds" },
    progressField: "process",
    hasEntities: true,
    sendsNullFailReason: false,
    sendsEnded: false,
    defaultTimeoutSeconds: 30 * 60,
    createJobName: "CreateMysqlSingleHAInstance",
  },
  dds: {
    service: "dds",
    title: "DDS",
    hostPrefix: { huaweicloud: "dds", otc: "dds" },
    progressField: "progress",
    hasEntities: false,
    sendsNullFailReason: true,
    sendsEnded: true,
    defaultTimeoutSeconds: 60 * 60,
    createJobName: "Create_MongoDB",
  },
  gaussdb: {
    service: "gaussdb",
    title: "GaussDB (openGauss)",
    hostPrefix: { huaweicloud: "gaussdb-opengauss", otc: "gaussdb" },
    // From the GaussDBforopenGaussRegion table of huaweicloud-sdk-python-v3 (commit 343a486, 2026-08-20);
    // its other 17 regions (cn-north-4, ap-southeast-1, af-south-1, ...) use `gaussdb-opengauss`.
    regionHostPrefix: {
      huaweicloud: Object.fromEntries(
        [
          "af-north-1",
          "ap-southeast-5",
          "cn-east-2",
          "cn-east-4",
          "cn-east-5",
          "cn-north-12",
          "me-east-1",
          "tr-west-1",
        ].map((r) => [r, "gaussdb"]),
      ),
    },
    progressField: "progress",
    hasEntities: false,
    sendsNullFailReason: true,
    sendsEnded: true,
    defaultTimeoutSeconds: 120 * 60,
    createJobName: "CreateGaussDBV5Instance",
  },
};

/** `GET {base}/v3/{project_id}/jobs?id={job_id}` on every service. */
export function jobsPath(projectId: string): string {
  return `/v3/${encodeURIComponent(projectId)}/jobs`;
}

/** The error code every service answers (with HTTP 400) for a job it does not know (yet, or any more). */
export const JOB_NOT_FOUND_CODE = "DBS.200543";

function cloudDomain(cloud: Cloud, region: string): string {
  if (cloud === "huaweicloud") return region === "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
  return region === "eu-ch2" ? "sc.otc.t-systems.com" : "otc.t-systems.com";
}

/** The first label of a service's API host in a region. */
export function hostPrefix(service: Service, cloud: Cloud, region: string): string {
  const spec = SERVICE_TABLE[service];
  const exceptions = spec.regionHostPrefix?.[cloud];
  return (
    (exceptions && Object.hasOwn(exceptions, region) ? exceptions[region] : undefined) ??
    spec.hostPrefix[cloud]
  );
}

/**
 * `https://{prefix}.{region}.{domain}`. The region must have passed `REGION_PATTERN` (settings.ts checks
 * every source): anything else could move the host.
 */
export function serviceBaseUrl(service: Service, cloud: Cloud, region: string): string {
  return `https://${hostPrefix(service, cloud, region)}.${region}.${cloudDomain(cloud, region)}`;
}

export function iamBaseUrl(cloud: Cloud, region: string): string {
  if (cloud === "otc" && region === "eu-ch2") return "https://iam-pub.eu-ch2.sc.otc.t-systems.com";
  return `https://iam.${region}.${cloudDomain(cloud, region)}`;
}

/**
 * Open Telekom Cloud's public regions. No Huawei Cloud region has these names, so a waiter given only
 * `region: "eu-de"` is on OTC; anywhere else the default cloud is Huawei Cloud.
 */
export const OTC_REGIONS: readonly string[] = ["eu-de", "eu-nl", "eu-ch2"];

export function defaultCloud(region: string | undefined): Cloud {
  return region !== undefined && OTC_REGIONS.includes(region) ? "otc" : "huaweicloud";
}

/** Region names look like `eu-de`, `ap-southeast-1`, `cn-north-4`, `eu-west-101`. */
export const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
