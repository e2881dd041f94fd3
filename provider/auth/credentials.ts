/**
 * Where settings and credentials come from, first match wins: Pulumi config `jobwaiter:*`, then
 * `huaweicloud:*`, then the environment variables users already have for the Terraform providers and the
 * Huawei Cloud SDKs (`HW_*`, `OS_*`, `HUAWEICLOUD_SDK_*`), then the SDKs' credentials file (credentials-file.ts).
 * Secret material is taken as a unit from one source, so a key from one place is never paired with a secret
 * from another. Every value is checked with the same schemas as the inputs (../settings.ts) before use, and
 * every credential value is registered with the redaction helper as soon as it is read.
 */
import { registerSecret } from "../redact";
import { checkSetting, SECRET_SETTINGS, SettingsError } from "../settings";

export const SETTING_KEYS = [
  "accessKey",
  "secretKey",
  "securityToken",
  "authToken",
  "userName",
  "password",
  "domainName",
  "projectId",
  "projectName",
  "region",
  "cloud",
  "authUrl",
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface SettingsSource {
  /** Human name, e.g. `Pulumi config "jobwaiter:"` or `environment (HW_*)`. Never contains a value. */
  readonly name: string;
  get(key: SettingKey): string | undefined;
  /** The name under which this source holds `key`, e.g. `HW_ACCESS_KEY`; for messages. */
  describe(key: SettingKey): string;
}

const ENV_NAMES: ReadonlyArray<{ name: string; keys: Partial<Record<SettingKey, readonly string[]>> }> = [
  {
    name: "HW_*",
    keys: {
      accessKey: ["HW_ACCESS_KEY"],
      secretKey: ["HW_SECRET_KEY"],
      securityToken: ["HW_SECURITY_TOKEN"],
      authToken: ["HW_AUTH_TOKEN"],
      userName: ["HW_USER_NAME"],
      password: ["HW_USER_PASSWORD"],
      domainName: ["HW_DOMAIN_NAME"],
      projectId: ["HW_PROJECT_ID"],
      projectName: ["HW_PROJECT_NAME"],
      region: ["HW_REGION_NAME"],
      cloud: ["HW_CLOUD"],
      authUrl: ["HW_AUTH_URL"],
    },
  },
  {
    name: "OS_*",
    keys: {
      accessKey: ["OS_ACCESS_KEY"],
      secretKey: ["OS_SECRET_KEY"],
      securityToken: ["OS_SECURITY_TOKEN"],
      authToken: ["OS_AUTH_TOKEN", "OS_TOKEN"],
      userName: ["OS_USERNAME"],
      password: ["OS_PASSWORD"],
      domainName: ["OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"],
      projectId: ["OS_PROJECT_ID"],
      projectName: ["OS_PROJECT_NAME"],
      region: ["OS_REGION_NAME"],
      authUrl: ["OS_AUTH_URL"],
    },
  },
  {
    name: "HUAWEICLOUD_SDK_*",
    keys: {
      accessKey: ["HUAWEICLOUD_SDK_AK"],
      secretKey: ["HUAWEICLOUD_SDK_SK"],
      securityToken: ["HUAWEICLOUD_SDK_SECURITY_TOKEN"],
      projectId: ["HUAWEICLOUD_SDK_PROJECT_ID"],
    },
  },
];

/** A setting as given, trimmed; blank means unset. */
export function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function envSources(env: NodeJS.ProcessEnv = process.env): SettingsSource[] {
  return ENV_NAMES.map(({ name, keys }) => ({
    name: `environment (${name})`,
    get(key: SettingKey) {
      for (const n of keys[key] ?? []) {
        const v = clean(env[n]);
        if (v !== undefined) return key === "cloud" ? cloudFromDomain(v) : v;
      }
      return undefined;
    },
    describe: (key: SettingKey) => (keys[key] ?? [])[0] ?? `(no ${name} variable for ${key})`,
  }));
}

/** `HW_CLOUD` holds a domain (`myhuaweicloud.com`); our `cloud` is `huaweicloud` or `otc`. */
function cloudFromDomain(v: string): string {
  if (v.includes("t-systems")) return "otc";
  if (v.includes("huaweicloud")) return "huaweicloud";
  return v;
}

/** Where a namespace's own provider names a setting differently (the Huawei Cloud provider's `token`). */
const CONFIG_ALIASES: Record<string, Partial<Record<SettingKey, string>>> = {
  huaweicloud: { authToken: "token" },
};

/**
 * A Pulumi config namespace, read through whatever getter the caller has (`configure` req or `pulumi.Config`).
 * `cloud` may hold a domain, as `huaweicloud:cloud` does (`myhuaweicloud.com`).
 */
export function configSource(
  namespace: string,
  get: (fullKey: string) => string | undefined,
): SettingsSource {
  const nameOf = (key: SettingKey) => `${namespace}:${CONFIG_ALIASES[namespace]?.[key] ?? key}`;
  return {
    name: `Pulumi config "${namespace}:"`,
    get: (key: SettingKey) => {
      const v = clean(get(nameOf(key)));
      return v !== undefined && key === "cloud" ? cloudFromDomain(v) : v;
    },
    describe: nameOf,
  };
}

/** A fixed map, for explicit arguments and tests. */
export function staticSource(
  name: string,
  values: Partial<Record<SettingKey, string | undefined>>,
): SettingsSource {
  return { name, get: (key) => clean(values[key]), describe: (key) => `${name} ${key}` };
}

export type Credentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string; source: string }
  | { kind: "token"; token: string; source: string }
  | { kind: "password"; userName: string; password: string; domainName: string; source: string };

/**
 * Credentials missing, half-set or malformed. `property` is the setting to fix (`secretKey` when only the AK
 * is set), which `check` reports the failure against.
 */
export class CredentialsError extends SettingsError {
  override readonly name: string = "CredentialsError";
}

/** A credential value from one source: registered for redaction first, then checked (message without it). */
function credential(s: SettingsSource, key: SettingKey): string | undefined {
  const raw = s.get(key);
  if (raw === undefined) return undefined;
  if (SECRET_SETTINGS.has(key)) registerSecret(raw);
  try {
    return checkSetting(key, raw, `${s.name} ${s.describe(key)}`);
  } catch (err) {
    if (err instanceof SettingsError) throw new CredentialsError(key, err.message);
    throw err;
  }
}

/** The first source holding a complete credential; a half-set (AK without SK) is an error, not a skip. */
export function resolveCredentials(sources: readonly SettingsSource[]): Credentials {
  for (const s of sources) {
    const ak = credential(s, "accessKey");
    const sk = credential(s, "secretKey");
    if (ak || sk) {
      if (!ak || !sk) {
        const missing = ak ? "secretKey" : "accessKey";
        throw new CredentialsError(
          missing,
          `${missing}: ${s.name} sets ${ak ? s.describe("accessKey") : s.describe("secretKey")} but not ${s.describe(missing)}: ` +
            "set both halves of the key pair, or remove the one that is there.",
        );
      }
      const token = credential(s, "securityToken");
      return {
        kind: "aksk",
        accessKey: ak,
        secretKey: sk,
        ...(token ? { securityToken: token } : {}),
        source: `${s.name}: ${s.describe("accessKey")}/${s.describe("secretKey")}${token ? `/${s.describe("securityToken")}` : ""}`,
      };
    }
    const token = credential(s, "authToken");
    if (token) return { kind: "token", token, source: `${s.name}: ${s.describe("authToken")}` };
    const userName = s.get("userName");
    const password = credential(s, "password");
    if (userName && password) {
      const domainName = s.get("domainName") ?? userName;
      return {
        kind: "password",
        userName,
        password,
        domainName,
        source: `${s.name}: ${s.describe("userName")}`,
      };
    }
  }
  throw new CredentialsError(
    "accessKey",
    "no credentials found. Set an access key pair (Pulumi config jobwaiter:accessKey and jobwaiter:secretKey " +
      "as secrets, or HW_ACCESS_KEY/HW_SECRET_KEY), a token (HW_AUTH_TOKEN), or an IAM user " +
      `(HW_USER_NAME/HW_USER_PASSWORD/HW_DOMAIN_NAME). Looked in: ${sources.map((s) => s.name).join(", ")}.`,
  );
}
