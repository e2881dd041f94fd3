/**
 * The zod schemas for every setting that reaches a URL or a header, used for inputs (inputs.ts) and for
 * Pulumi config, the environment and the credentials file alike, so a value is judged the same wherever it
 * was typed. What they guard: a region or project ID is spliced into the host and path of a signed request,
 * so nothing that could move the host (`.`, `/`, `#`, `@`, `:`) or the path (`..`) may pass; credentials
 * go into headers, so nothing that would break a header (a line break) or the `Authorization` syntax may
 * pass. Messages name the value for plain settings and never for credentials.
 */
import { z } from "zod";
import type { SettingKey, SettingsSource } from "./auth/credentials";
import { SettingsError } from "./errors";
import { redactUrl } from "./redact";
import { CLOUDS, type Cloud, REGION_PATTERN } from "./services";

export { SettingsError };

export const quote = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

/** DNS allows 63 characters per label; a region is one label of the host. */
const MAX_REGION_LENGTH = 63;

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const regionSchema = z.string().transform((s, ctx) => {
  const v = s.trim();
  if (!REGION_PATTERN.test(v) || v.length > MAX_REGION_LENGTH) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(s)} is not a region name; use the region's ID such as "eu-de", "ap-southeast-1" or "cn-north-4"`,
    });
  }
  return v;
});

/**
 * Real project IDs are 32 lower-case hex characters. Simulators and older tools use other word characters,
 * so letters, digits, `-` and `_` pass; nothing that means something in a path (`/`, `.`, `%`) does.
 */
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const projectIdSchema = z.string().transform((s, ctx) => {
  const v = s.trim();
  if (!PROJECT_ID.test(v)) {
    ctx.addIssue({
      code: "custom",
      message:
        `${quote(s)} is not a project ID (32 hex characters like 0549b4a43100d4f32f51c01c2fe4acdb; letters, digits, - ` +
        "and _ only); find it under My Credentials > API Credentials",
    });
  }
  return v;
});

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const cloudSchema = z.string().transform((s, ctx) => {
  const v = s.trim().toLowerCase();
  if ((CLOUDS as readonly string[]).includes(v)) return v as Cloud;
  ctx.addIssue({
    code: "custom",
    message: `${quote(s)} is not a cloud; use "huaweicloud" (default) or "otc"`,
  });
  return z.NEVER;
});

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * A base URL (service `endpoint`, IAM `authUrl`): https (http for loopback), no userinfo, query or fragment.
 * @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod.
 */
export function baseUrlSchema(example: string) {
  return z.string().transform((s, ctx) => {
    const v = s.trim();
    // Without a parse there is no telling userinfo from host: a value with an `@` is then not shown at all.
    const shown =
      URL.canParse(v) || !s.includes("@") ? quote(redactUrl(s)) : "the value (not shown: it contains an @)";
    // The URL parser drops control characters and spaces at the ends, but the jobs path is appended to the
    // text as given, where one would make every request an "Invalid URL": refuse them up front.
    if (/\s/.test(v) || hasControl(v)) {
      ctx.addIssue({ code: "custom", message: `${shown} contains a space or control character; remove it` });
      return z.NEVER;
    }
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: "custom", message: `${shown} is not a URL; use e.g. "${example}"` });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: `${shown} must start with https://` });
    } else if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
      ctx.addIssue({
        code: "custom",
        message: `${shown} uses http:// for a non-loopback host; use https:// (http:// is only for local simulators on 127.0.0.1/localhost)`,
      });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: `${shown} must not contain credentials (user:password@); configure them as described in the README`,
      });
    }
    if (url.search || url.hash || /[?#]/.test(v)) {
      ctx.addIssue({ code: "custom", message: `${shown} must be a base URL without ?query or #fragment` });
    }
    return v.replace(/\/+$/, "");
  });
}

/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const endpointSchema = baseUrlSchema("https://rds.eu-de.otc.t-systems.com");
/** @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod. */
export const authUrlSchema = baseUrlSchema("https://iam.eu-de.otc.t-systems.com/v3");

/** AKs are 20 upper-case letters and digits; anything else would also break `Access=...,` in the header. */
const accessKeySchema = z.string().refine((v) => /^[A-Za-z0-9_-]{1,128}$/.test(v), {
  message:
    "is not an access key ID (letters and digits only, like the 20-character ID under My Credentials > Access " +
    "Keys); look for a stray quote, space or line break",
});
/** The SK is only an HMAC key, but a line break in it is a copy-paste accident worth naming. */
const secretKeySchema = z.string().refine((v) => !hasControl(v), {
  message: "contains a line break or another control character; copy the secret key again",
});
/** Tokens travel as header values: visible ASCII only, or fetch refuses the request. */
const headerTokenSchema = z.string().refine((v) => /^[\x21-\x7e]+$/.test(v), {
  message:
    "contains spaces, line breaks or non-ASCII characters a token never has; copy the token again (without quotes)",
});

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Settings whose values are credentials: their messages never show the value. */
export const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set([
  "accessKey",
  "secretKey",
  "securityToken",
  "authToken",
  "password",
]);

/**
 * The one schema per setting that is checked before use. Names, domain and password go into JSON: any string.
 * @internal Kept out of the published declarations (tsconfig `stripInternal`): they must not import zod.
 */
export const SETTING_SCHEMAS: Readonly<Partial<Record<SettingKey, z.ZodType<unknown, string>>>> = {
  region: regionSchema,
  projectId: projectIdSchema,
  cloud: cloudSchema,
  authUrl: authUrlSchema,
  accessKey: accessKeySchema,
  secretKey: secretKeySchema,
  securityToken: headerTokenSchema,
  authToken: headerTokenSchema,
};

/**
 * A setting's value checked against its schema, or a SettingsError naming the setting, where it came from
 * and what is wrong (the value itself only for settings that are not credentials, and then URL-redacted).
 */
export function checkSetting(key: SettingKey, value: string, from: string): string {
  const schema = SETTING_SCHEMAS[key];
  if (!schema) return value;
  const r = schema.safeParse(value);
  if (r.success) return r.data as string;
  const problem = r.error.issues.map((i) => i.message).join("; ");
  throw new SettingsError(key, `${key} from ${from}: ${problem}`);
}

/** The first source that has `key`, checked: undefined when none has it, SettingsError when it is bad. */
export function settingFrom(
  sources: readonly SettingsSource[],
  key: SettingKey,
): { value: string; from: string } | undefined {
  for (const s of sources) {
    const raw = s.get(key);
    if (raw === undefined) continue;
    const from = `${s.name} ${s.describe(key)}`;
    return { value: checkSetting(key, raw, from), from };
  }
  return undefined;
}
