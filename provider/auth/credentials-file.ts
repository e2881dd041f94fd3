/**
 * The Huawei Cloud SDKs' credentials file: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
 * `~/.huaweicloud/credentials`, an INI file whose `[basic]` section holds the credentials for regional services
 * (the job APIs are regional; `[global]` is for global services and is not used). The lowest-precedence
 * source: users who already configured an SDK need nothing else.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "ini";
import { CredentialsError, clean, envSources, type SettingKey, type SettingsSource } from "./credentials";

const SECTION = "basic";
const FILE_KEYS: Partial<Record<SettingKey, string>> = {
  accessKey: "ak",
  secretKey: "sk",
  securityToken: "security_token",
  projectId: "project_id",
  authUrl: "iam_endpoint",
};

/** Where the file is for this environment; undefined when neither the variable nor HOME is set. */
export function credentialsFilePath(env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env.HUAWEICLOUD_SDK_CREDENTIALS_FILE?.trim();
  if (explicit) return explicit;
  return env.HOME ? join(env.HOME, ".huaweicloud", "credentials") : undefined;
}

/**
 * Reads the file on first use, not when the source is made, so a provider that never needs it never touches
 * the disk. A missing default file is simply empty; a file named by HUAWEICLOUD_SDK_CREDENTIALS_FILE that
 * cannot be read is an error, since the user asked for it. Messages carry the path, never a value.
 */
export function credentialsFileSource(env: NodeJS.ProcessEnv = process.env): SettingsSource | undefined {
  const path = credentialsFilePath(env);
  if (!path) return undefined;
  const explicit = Boolean(env.HUAWEICLOUD_SDK_CREDENTIALS_FILE?.trim());
  let section: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => {
    if (section) return section;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!explicit && (code === "ENOENT" || code === "ENOTDIR")) {
        section = {};
        return section;
      }
      // Reported against accessKey: the file is where the key pair was to come from.
      throw new CredentialsError(
        "accessKey",
        `${explicit ? "HUAWEICLOUD_SDK_CREDENTIALS_FILE names " : "the credentials file "}${path}, which cannot be read ` +
          `(${code ?? "unknown error"}): ${explicit ? "fix the path or unset the variable" : "fix its permissions"}.`,
      );
    }
    const parsed = parse(text)[SECTION];
    section = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    return section;
  };
  return {
    name: `credentials file ${path}`,
    get(key: SettingKey) {
      const fileKey = FILE_KEYS[key];
      if (!fileKey) return undefined;
      const v = load()[fileKey];
      return typeof v === "string" ? clean(v) : undefined;
    },
    describe: (key: SettingKey) => `[${SECTION}] ${FILE_KEYS[key] ?? `(no key for ${key})`}`,
  };
}

/** What a process has without any Pulumi config: the environment variables, then the credentials file. */
export function ambientSources(env: NodeJS.ProcessEnv = process.env): SettingsSource[] {
  const file = credentialsFileSource(env);
  return file ? [...envSources(env), file] : envSources(env);
}
