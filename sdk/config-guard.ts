/**
 * The plain-text credential guard. The engine records the stack's config in the state as the inputs of the
 * default dynamic provider, encrypted only for keys set with `--secret`; a credential set in plain text
 * (`pulumi config set jobwaiter:secretKey ...` or `--plaintext`) therefore ends up readable in the state.
 * The package cannot stop the engine from doing that, but it can say so, once, from the program.
 */
import * as pulumi from "@pulumi/pulumi";

/** The config namespaces the provider reads credentials from. */
export const CREDENTIAL_NAMESPACES = ["jobwaiter", "huaweicloud"] as const;
/** Keys that hold secret material (`token` is the Huawei Cloud provider's name for `authToken`). */
export const CREDENTIAL_KEYS = [
  "accessKey",
  "secretKey",
  "securityToken",
  "authToken",
  "password",
  "token",
] as const;

export interface ConfigView {
  /** The value of a full config key (`ns:key`), undefined when unset. */
  get(fullKey: string): string | undefined;
  /** Whether the stack holds that key as a secret. */
  isSecret(fullKey: string): boolean;
}

/** The credential keys that are set, non-blank, and not secret, in a stable order. */
export function plainTextCredentialKeys(config: ConfigView): string[] {
  const out: string[] = [];
  for (const ns of CREDENTIAL_NAMESPACES) {
    for (const key of CREDENTIAL_KEYS) {
      const full = `${ns}:${key}`;
      const value = config.get(full);
      if (value !== undefined && value.trim() !== "" && !config.isSecret(full)) out.push(full);
    }
  }
  return out;
}

/** The warning for those keys; names the keys and the fix, never a value. */
export function plainTextWarning(keys: readonly string[]): string {
  const list = keys.join(", ");
  const one = keys.length === 1;
  return (
    `pulumi-job-waiter: the credential config ${one ? "key" : "keys"} ${list} ${one ? "is" : "are"} set in plain text. ` +
    "The engine copies the stack's config into the state (as the dynamic provider's inputs) and only secret " +
    "values are encrypted there, so this credential is stored readable. Fix: " +
    keys.map((k) => `\`pulumi config set --secret ${k} <value>\``).join(", ") +
    " (or use environment variables such as HW_ACCESS_KEY / HW_SECRET_KEY, which never reach the state)."
  );
}

/** `pulumi.runtime.isConfigSecret` exists at run time (since 3.x) but is marked internal in the typings. */
type RuntimeWithSecrets = { isConfigSecret?: (key: string) => boolean };

/** The program's config as the Pulumi runtime holds it (set by the language host, or `setAllConfig`). */
export function runtimeConfig(): ConfigView {
  const rt = pulumi.runtime as unknown as RuntimeWithSecrets;
  const secretKeys = (): string[] => {
    try {
      const parsed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  };
  // The language host has spelled keys `ns:config:key` in the past; accept either spelling.
  const legacy = (k: string) => k.replace(":", ":config:");
  return {
    get: (k) => {
      try {
        return pulumi.runtime.getConfig(k);
      } catch {
        return undefined;
      }
    },
    isSecret: (k) => {
      if (typeof rt.isConfigSecret === "function")
        return rt.isConfigSecret(k) || rt.isConfigSecret(legacy(k));
      const keys = secretKeys();
      return keys.includes(k) || keys.includes(legacy(k));
    },
  };
}

const warned = new Set<string>();

/**
 * Warns once per key and process (`pulumi.log.warn`) about credential keys set in plain text. Called when a
 * `JobWaiter` is constructed and when `getJob` / `getJobOutput` run in a program. Never throws: a guard must
 * not break a deployment.
 */
export function warnAboutPlainTextCredentials(
  options: {
    config?: ConfigView;
    warn?: (message: string) => void;
    /** The resource the warning is attributed to (a `getJob` caller's `parent`); default the stack. */
    resource?: pulumi.Resource;
  } = {},
): void {
  try {
    const fresh = plainTextCredentialKeys(options.config ?? runtimeConfig()).filter((k) => !warned.has(k));
    if (fresh.length === 0) return;
    for (const k of fresh) warned.add(k);
    const message = plainTextWarning(fresh);
    if (options.warn) options.warn(message);
    else void pulumi.log.warn(message, options.resource);
  } catch {
    // A config the runtime cannot parse is not this guard's business.
  }
}

/** For tests: forget which keys were warned about. */
export function resetPlainTextWarnings(): void {
  warned.clear();
}
