/**
 * From validated inputs and the settings sources to a ready client: which host, which project, which
 * credentials, which timeouts. Inputs win over config, config over the environment.
 */

import { type Authenticator, createAuthenticator } from "./auth/authenticator";
import { type Credentials, resolveCredentials, type SettingsSource } from "./auth/credentials";
import { createTokenFetcher } from "./auth/iam";
import { JobClient } from "./client";
import { defined } from "./defined";
import { parseDuration } from "./duration";
import { SettingsError } from "./errors";
import type { HttpOptions } from "./http";
import type { WaiterInputs } from "./inputs";
import {
  type Cloud,
  defaultCloud,
  iamBaseUrl,
  SERVICE_TABLE,
  type Service,
  serviceBaseUrl,
} from "./services";
import { settingFrom } from "./settings";
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

/**
 * Inputs were validated by `validateInputs`; settings from config, environment and the credentials file are
 * validated here with the same schemas (settingFrom), so a bad `HW_REGION_NAME` fails at once with its name.
 */
export function resolveTarget(inputs: WaiterInputs, sources: readonly SettingsSource[]): Target {
  const service = inputs.service;
  const region = inputs.region ?? settingFrom(sources, "region")?.value;
  const cloud = (inputs.cloud ?? settingFrom(sources, "cloud")?.value ?? defaultCloud(region)) as Cloud;
  const projectId = inputs.projectId ?? settingFrom(sources, "projectId")?.value;
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

/**
 * What a `check` can report before any network call: every setting from config, environment or the
 * credentials file that is malformed, and every one that is missing. Each failure names the setting to fix as
 * its property (`secretKey`, `region`, ...): the engine prints "property 'secretKey' ... has a problem: <reason>",
 * and the reason names the source (`HW_SECRET_KEY`, `jobwaiter:region`, ...). Inputs the engine does not know
 * yet (`UNKNOWN`) count as given.
 */
export function preflight(
  inputs: Partial<Record<keyof WaiterInputs, unknown>>,
  sources: readonly SettingsSource[],
): { property: string; reason: string }[] {
  const out: { property: string; reason: string }[] = [];
  const given = (key: keyof WaiterInputs) => inputs[key] !== undefined && inputs[key] !== null;
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      if (!out.some((o) => o.property === err.property))
        out.push({ property: err.property, reason: err.message });
      return undefined;
    }
  };
  const reported = (p: string) => out.some((o) => o.property === p);
  for (const key of ["region", "cloud", "projectId"] as const) {
    if (!given(key)) attempt(() => settingFrom(sources, key));
  }
  const creds: Credentials | undefined = attempt(() => resolveCredentials(sources));
  if (
    creds?.kind === "password" &&
    !attempt(() => settingFrom(sources, "authUrl")) &&
    !reported("authUrl") &&
    given("endpoint") &&
    !given("region") &&
    !reported("region") &&
    !attempt(() => settingFrom(sources, "region"))
  ) {
    // The IAM host is derived from the region; with only an `endpoint` there is none to derive it from.
    out.push({
      property: "authUrl",
      reason:
        "an IAM password login needs the IAM endpoint: set jobwaiter:authUrl or HW_AUTH_URL / OS_AUTH_URL " +
        "(e.g. https://iam.eu-de.otc.t-systems.com/v3), or a region.",
    });
  }
  if (
    !given("projectId") &&
    !reported("projectId") &&
    creds?.kind !== "password" &&
    !attempt(() => settingFrom(sources, "projectId"))
  ) {
    out.push({
      property: "projectId",
      reason:
        "no project ID given. Set the `projectId` input, Pulumi config jobwaiter:projectId, or HW_PROJECT_ID / OS_PROJECT_ID.",
    });
  }
  if (
    !given("endpoint") &&
    !given("region") &&
    !reported("region") &&
    !attempt(() => settingFrom(sources, "region"))
  ) {
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
    authUrl = settingFrom(sources, "authUrl")?.value;
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
    : { projectName: settingFrom(sources, "projectName")?.value ?? target.region ?? "" };
  const auth = createAuthenticator(creds, {
    ...defined({ now: deps.now }),
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
