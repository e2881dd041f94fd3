/**
 * From validated inputs and the settings sources to a ready client: which host, which project, which
 * credentials, which timeouts. Inputs win over config, config over the environment.
 */
import { type Authenticator, createAuthenticator } from "./auth/authenticator";
import {
  type Credentials,
  CredentialsError,
  resolveCredentials,
  resolveSetting,
  type SettingsSource,
} from "./auth/credentials";
import { createTokenFetcher } from "./auth/iam";
import { JobClient } from "./client";
import { parseDuration } from "./duration";
import { SettingsError } from "./errors";
import type { HttpOptions } from "./http";
import type { WaiterInputs } from "./inputs";
import {
  CLOUDS,
  type Cloud,
  defaultCloud,
  iamBaseUrl,
  SERVICE_TABLE,
  type Service,
  serviceBaseUrl,
} from "./services";
import { DEFAULT_NOT_FOUND_GRACE_MS } from "./waiter";

export interface Target {
  service: Service;
  jobId: string;
  projectId?: string;
  region?: string;
  cloud: Cloud;
  baseUrl: string;
  timeoutMs: number;
  notFoundGraceMs: number;
  minPollMs?: number;
  maxPollMs?: number;
}

export { SettingsError };

export function resolveTarget(inputs: WaiterInputs, sources: readonly SettingsSource[]): Target {
  const service = inputs.service;
  const region = inputs.region ?? resolveSetting(sources, "region")?.value;
  const cloudSetting = inputs.cloud ?? resolveSetting(sources, "cloud")?.value ?? defaultCloud(region);
  if (!(CLOUDS as readonly string[]).includes(cloudSetting)) {
    throw new SettingsError(
      "cloud",
      `cloud: ${JSON.stringify(cloudSetting)} from the configuration is not "huaweicloud" or "otc".`,
    );
  }
  const cloud = cloudSetting as Cloud;
  const projectId = inputs.projectId ?? resolveSetting(sources, "projectId")?.value;
  let baseUrl = inputs.endpoint;
  if (!baseUrl) {
    if (!region) {
      throw new SettingsError(
        "region",
        "region: no region given. Set the `region` input, Pulumi config jobwaiter:region, or HW_REGION_NAME / " +
          "OS_REGION_NAME (or give an explicit `endpoint`).",
      );
    }
    baseUrl = serviceBaseUrl(service, cloud, region);
  }
  const seconds = (v: number | string | undefined) => (v === undefined ? undefined : parseDuration(v) * 1000);
  return {
    service,
    jobId: inputs.jobId,
    ...(projectId ? { projectId } : {}),
    ...(region ? { region } : {}),
    cloud,
    baseUrl,
    timeoutMs: seconds(inputs.timeout) ?? SERVICE_TABLE[service].defaultTimeoutSeconds * 1000,
    notFoundGraceMs: seconds(inputs.notFoundGrace) ?? DEFAULT_NOT_FOUND_GRACE_MS,
    ...(inputs.minPollInterval !== undefined ? { minPollMs: seconds(inputs.minPollInterval)! } : {}),
    ...(inputs.maxPollInterval !== undefined ? { maxPollMs: seconds(inputs.maxPollInterval)! } : {}),
  };
}

/** Missing settings a `check` can report before any network call. */
export function preflight(
  inputs: Partial<WaiterInputs>,
  sources: readonly SettingsSource[],
): { property: string; reason: string }[] {
  const out: { property: string; reason: string }[] = [];
  let creds: Credentials | undefined;
  try {
    creds = resolveCredentials(sources);
  } catch (err) {
    if (err instanceof CredentialsError)
      out.push({ property: "service", reason: `credentials: ${err.message}` });
  }
  if (!inputs.projectId && !resolveSetting(sources, "projectId") && creds?.kind !== "password") {
    out.push({
      property: "projectId",
      reason:
        "no project ID given. Set the `projectId` input, Pulumi config jobwaiter:projectId, or HW_PROJECT_ID / OS_PROJECT_ID.",
    });
  }
  if (!inputs.endpoint && !inputs.region && !resolveSetting(sources, "region")) {
    out.push({
      property: "region",
      reason:
        "no region given. Set the `region` input, Pulumi config jobwaiter:region, or HW_REGION_NAME (or an `endpoint`).",
    });
  }
  return out;
}

export interface ClientDeps {
  http?: HttpOptions;
  now?: () => number;
}

/** Credentials → authenticator → client. Password credentials fetch a token first, which also gives the project. */
export async function connect(
  target: Target,
  sources: readonly SettingsSource[],
  deps: ClientDeps = {},
): Promise<{ client: JobClient; auth: Authenticator }> {
  const creds = resolveCredentials(sources);
  let projectId = target.projectId;
  let authUrl: string | undefined;
  if (creds.kind === "password") {
    authUrl = resolveSetting(sources, "authUrl")?.value;
    if (!authUrl) {
      if (!target.region) {
        throw new SettingsError(
          "region",
          "region: IAM password login needs a region (or jobwaiter:authUrl / HW_AUTH_URL).",
        );
      }
      authUrl = iamBaseUrl(target.cloud, target.region);
    }
  }
  const fetchToken = createTokenFetcher(deps.http, deps.now);
  const scope = projectId
    ? { projectId }
    : { projectName: resolveSetting(sources, "projectName")?.value ?? target.region ?? "" };
  const auth = createAuthenticator(creds, {
    ...(deps.now ? { now: deps.now } : {}),
    ...(authUrl ? { authUrl } : {}),
    scope,
    fetchToken: async (req) => {
      const t = await fetchToken(req);
      projectId ??= t.projectId;
      return t;
    },
  });
  if (!projectId && creds.kind === "password") {
    // The token's scope names the project: ask once now so the client knows its path.
    await auth.headers({ method: "GET", url: target.baseUrl, headers: {} }, "");
  }
  if (!projectId) {
    throw new SettingsError(
      "projectId",
      "projectId: no project ID given. Set the `projectId` input, Pulumi config jobwaiter:projectId, or HW_PROJECT_ID.",
    );
  }
  const client = new JobClient({
    ...deps.http,
    service: target.service,
    baseUrl: target.baseUrl,
    projectId,
    auth,
  });
  return { client, auth };
}
