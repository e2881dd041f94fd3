import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { configSource, envSources, resolveCredentials, staticSource } from "../provider/auth/credentials";
import { ambientSources } from "../provider/auth/credentials-file";
import { createJobWaiterProvider } from "../provider/dynamic";
import { UNKNOWN } from "../provider/inputs";
import { hostPrefix, serviceBaseUrl } from "../provider/services";
import { SettingsError, settingFrom } from "../provider/settings";
import { connect, preflight, resolveTarget } from "../provider/target";

const AK = "QTWAOYTTINDUT2QVKYUC";
const SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const keys = { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK };
const job = { service: "rds" as const, jobId: "31b8ae23-c687-4d80-b7b4-42a66c9bb886" };

/** Runs f, expecting a SettingsError; returns it. */
function settingsError(f: () => unknown): SettingsError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SettingsError, `expected a SettingsError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a SettingsError");
}

describe("settings from config, environment and the credentials file are validated like inputs", () => {
  const hostile: Array<[string, NodeJS.ProcessEnv, string, RegExp]> = [
    [
      "a region with a space",
      { HW_REGION_NAME: "eu de" },
      "region",
      /region from .*HW_REGION_NAME: "eu de" is not a region/,
    ],
    [
      "a region that would move the host",
      { OS_REGION_NAME: "eu-de.example.org/x#" },
      "region",
      /OS_REGION_NAME: "eu-de\.example\.org\/x#" is not a region/,
    ],
    ["a region with an @", { HW_REGION_NAME: "x@evil" }, "region", /HW_REGION_NAME/],
    [
      "a project ID that collapses the path",
      { HW_PROJECT_ID: ".." },
      "projectId",
      /HW_PROJECT_ID: "\.\." is not a project ID/,
    ],
    [
      "a project ID with a slash",
      { HUAWEICLOUD_SDK_PROJECT_ID: "a/b" },
      "projectId",
      /HUAWEICLOUD_SDK_PROJECT_ID/,
    ],
    ["a project ID with a percent", { OS_PROJECT_ID: "%2e%2e" }, "projectId", /OS_PROJECT_ID/],
    [
      "an unknown cloud domain",
      { HW_CLOUD: "example.org" },
      "cloud",
      /HW_CLOUD: "example\.org" is not a cloud/,
    ],
  ];
  for (const [what, env, key, message] of hostile) {
    it(`${what} fails at once, naming the setting and its source`, () => {
      // The other settings good, from the first environment source, unless they are the one under test.
      const base = {
        ...keys,
        ...(key === "region" ? {} : { HW_REGION_NAME: "eu-de" }),
        ...(key === "projectId" ? {} : { HW_PROJECT_ID: "p1" }),
      };
      const sources = envSources({ ...base, ...env });
      const e = settingsError(() => resolveTarget(job, sources));
      assert.equal(e.property, key);
      assert.match(e.message, message);
      const failures = preflight({ ...job }, sources);
      const f = failures.find((x) => x.property === key);
      assert.ok(f, JSON.stringify(failures));
      assert.match(f.reason, message);
    });
  }

  it("Pulumi config is checked with the same schema and named by its key", () => {
    const cfg = configSource("jobwaiter", (k) => ({ "jobwaiter:region": "eu-de/../x" })[k]);
    const e = settingsError(() => settingFrom([cfg], "region"));
    assert.match(
      e.message,
      /^region from Pulumi config "jobwaiter:" jobwaiter:region: "eu-de\/\.\.\/x" is not a region/,
    );
  });

  it("a bad value in the first source is reported, never skipped for a good one further down", () => {
    const sources = [
      configSource("jobwaiter", (k) => ({ "jobwaiter:region": "eu de" })[k]),
      ...envSources({ HW_REGION_NAME: "eu-de" }),
    ];
    assert.throws(() => settingFrom(sources, "region"), /jobwaiter:region/);
  });

  it("the credentials file's project_id is checked, naming the file and key", () => {
    const dir = mkdtempSync(join(tmpdir(), "jw-settings-"));
    try {
      const file = join(dir, "credentials");
      writeFileSync(file, `[basic]\nak = ${AK}\nsk = ${SK}\nproject_id = ../../v1\n`);
      const sources = ambientSources({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file });
      const e = settingsError(() => settingFrom(sources, "projectId"));
      assert.match(e.message, /\[basic\] project_id: "\.\.\/\.\.\/v1" is not a project ID/);
      assert.ok(e.message.includes(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an IAM URL from the environment must be https, without credentials; the password is never echoed", () => {
    const password = "Pa55word-in-the-url";
    const e = settingsError(() =>
      settingFrom(envSources({ OS_AUTH_URL: `https://admin:${password}@iam.example.com/v3` }), "authUrl"),
    );
    assert.equal(e.property, "authUrl");
    assert.match(e.message, /OS_AUTH_URL: "https:\/\/iam\.example\.com\/v3" must not contain credentials/);
    assert.ok(!e.message.includes(password));
    assert.throws(
      () => settingFrom(envSources({ HW_AUTH_URL: "http://iam.example.com/v3" }), "authUrl"),
      /HW_AUTH_URL: "http:\/\/iam\.example\.com\/v3" uses http:\/\//,
    );
    assert.equal(
      settingFrom(envSources({ HW_AUTH_URL: "http://127.0.0.1:9/v3/" }), "authUrl")?.value,
      "http://127.0.0.1:9/v3",
    );
  });

  it("a bad IAM URL stops connect before any request", async () => {
    const sources = envSources({
      HW_USER_NAME: "u",
      HW_USER_PASSWORD: "secret-password",
      HW_AUTH_URL: "https://iam.example.com/v3?redirect=evil",
      HW_PROJECT_ID: "p1",
    });
    const target = resolveTarget({ ...job, endpoint: "http://127.0.0.1:9" }, sources);
    let fetched = 0;
    await assert.rejects(
      connect(target, sources, {
        http: {
          fetch: async () => {
            fetched++;
            return new Response("{}");
          },
        },
      }),
      (e: Error) => e instanceof SettingsError && e.property === "authUrl" && /\?query/.test(e.message),
    );
    assert.equal(fetched, 0);
  });

  it("good values pass through trimmed; OTC and Huawei Cloud hosts come out as before", () => {
    const t = resolveTarget(
      job,
      envSources({ HW_REGION_NAME: " eu-de ", HW_PROJECT_ID: " 0549b4a43100d4f32f51c01c2fe4acdb " }),
    );
    assert.equal(t.baseUrl, "https://rds.eu-de.otc.t-systems.com");
    assert.equal(t.projectId, "0549b4a43100d4f32f51c01c2fe4acdb");
  });
});

describe("credential problems are reported against the setting to fix", () => {
  const property = (env: NodeJS.ProcessEnv) => {
    const f = preflight({ ...job, region: "eu-de", projectId: "p1" }, envSources(env));
    assert.equal(f.length, 1, JSON.stringify(f));
    return f[0]!;
  };

  it("no credentials: accessKey, with every way to set them", () => {
    const f = property({});
    assert.equal(f.property, "accessKey");
    assert.match(f.reason, /no credentials found.*HW_ACCESS_KEY\/HW_SECRET_KEY/);
  });

  it("half a key pair: the missing half", () => {
    assert.equal(property({ HW_ACCESS_KEY: AK }).property, "secretKey");
    assert.match(property({ HW_ACCESS_KEY: AK }).reason, /HW_ACCESS_KEY but not HW_SECRET_KEY/);
    assert.equal(property({ OS_SECRET_KEY: SK }).property, "accessKey");
  });

  const malformed: Array<[string, NodeJS.ProcessEnv, string, string]> = [
    ["an access key with a space", { HW_ACCESS_KEY: `${AK} x`, HW_SECRET_KEY: SK }, "accessKey", `${AK} x`],
    [
      "an access key with a comma",
      { HW_ACCESS_KEY: `${AK},Signature=1`, HW_SECRET_KEY: SK },
      "accessKey",
      `${AK},Signature=1`,
    ],
    ["a secret key with a line break", { HW_ACCESS_KEY: AK, HW_SECRET_KEY: `${SK}\nX` }, "secretKey", SK],
    [
      "a security token with a line break",
      { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK, HW_SECURITY_TOKEN: "gQpjbi1ub3J0aC00\r\nX-Evil: 1" },
      "securityToken",
      "gQpjbi1ub3J0aC00",
    ],
    [
      "a token with a space",
      { HW_AUTH_TOKEN: "MIIEhAYJKoZIhvcNAQcCoIIEdTCCBHECAQEx DTALBglghkgBZQMEAgEwggLgBgkqhkiG" },
      "authToken",
      "MIIEhAYJKoZIhvcNAQcC",
    ],
  ];
  for (const [what, env, key, secret] of malformed) {
    it(`${what}: ${key}, named by its variable, without the value`, () => {
      const f = property(env);
      assert.equal(f.property, key);
      assert.match(f.reason, new RegExp(`^${key} from environment \\(HW_\\*\\) HW_`));
      assert.ok(!f.reason.includes(secret), f.reason);
    });
  }

  it("the engine's row shows the setting: check() of the dynamic provider", async () => {
    const p = createJobWaiterProvider({
      env: { HW_ACCESS_KEY: AK, HW_REGION_NAME: "eu de", HW_PROJECT_ID: "p1" },
    });
    const r = (await p.check!({}, { ...job })) as pulumi.dynamic.CheckResult;
    const byProperty = Object.fromEntries((r.failures ?? []).map((f) => [f.property, f.reason]));
    assert.deepEqual(Object.keys(byProperty).sort(), ["region", "secretKey"]);
    assert.match(byProperty.region!, /HW_REGION_NAME: "eu de"/);
    assert.match(byProperty.secretKey!, /HW_SECRET_KEY/);
  });

  it("create with a bad region from the environment fails at once, before any request", async () => {
    let fetched = 0;
    const p = createJobWaiterProvider({
      env: { ...keys, HW_REGION_NAME: "eu de", HW_PROJECT_ID: "p1" },
      write: () => {},
      http: {
        fetch: async () => {
          fetched++;
          return new Response("{}");
        },
      },
    });
    await assert.rejects(p.create({ ...job, timeout: "1h" }), (e: Error) => {
      assert.match(
        e.message,
        /region from environment \(HW_\*\) HW_REGION_NAME: "eu de" is not a region name/,
      );
      assert.ok(!("id" in e), "not a partial failure: nothing to resume");
      return true;
    });
    assert.equal(fetched, 0);
  });

  it("inputs not known until apply count as given", async () => {
    const p = createJobWaiterProvider({ env: keys });
    const r = (await p.check!(
      {},
      { ...job, region: UNKNOWN, projectId: UNKNOWN },
    )) as pulumi.dynamic.CheckResult;
    assert.deepEqual(r.failures, []);
  });

  it("an IAM user with only an endpoint (no region, no authUrl): authUrl, before any login is tried", () => {
    const env = {
      HW_USER_NAME: "u",
      HW_USER_PASSWORD: "pw-123456",
      HW_DOMAIN_NAME: "d",
      HW_PROJECT_ID: "p1",
    };
    const f = preflight({ ...job, endpoint: "https://rds.example.com" }, envSources(env));
    assert.deepEqual(
      f.map((x) => x.property),
      ["authUrl"],
    );
    assert.match(f[0]!.reason, /HW_AUTH_URL/);
    assert.deepEqual(
      preflight({ ...job, endpoint: "https://rds.example.com", region: "eu-de" }, envSources(env)),
      [],
    );
    assert.deepEqual(
      preflight(
        { ...job, endpoint: "https://rds.example.com" },
        envSources({ ...env, HW_AUTH_URL: "https://iam.eu-de.otc.t-systems.com/v3" }),
      ),
      [],
    );
  });

  it("a complete credential resolves as before", () => {
    const c = resolveCredentials([staticSource("test", { accessKey: AK, secretKey: SK })]);
    assert.equal(c.kind, "aksk");
  });
});

describe("GaussDB openGauss hosts (huaweicloud-sdk-python-v3 GaussDBforopenGaussRegion)", () => {
  // The SDK's own table, copied here as the oracle: region → host, as Huawei publishes it.
  const SDK_TABLE: Record<string, string> = {
    "cn-north-4": "gaussdb-opengauss.cn-north-4.myhuaweicloud.com",
    "cn-southwest-2": "gaussdb-opengauss.cn-southwest-2.myhuaweicloud.com",
    "cn-south-1": "gaussdb-opengauss.cn-south-1.myhuaweicloud.com",
    "ru-northwest-2": "gaussdb-opengauss.ru-northwest-2.myhuaweicloud.com",
    "ap-southeast-3": "gaussdb-opengauss.ap-southeast-3.myhuaweicloud.com",
    "cn-north-2": "gaussdb-opengauss.cn-north-2.myhuaweicloud.com",
    "ap-southeast-2": "gaussdb-opengauss.ap-southeast-2.myhuaweicloud.com",
    "ap-southeast-1": "gaussdb-opengauss.ap-southeast-1.myhuaweicloud.com",
    "cn-east-3": "gaussdb-opengauss.cn-east-3.myhuaweicloud.com",
    "sa-brazil-1": "gaussdb-opengauss.sa-brazil-1.myhuaweicloud.com",
    "la-south-2": "gaussdb-opengauss.la-south-2.myhuaweicloud.com",
    "la-north-2": "gaussdb-opengauss.la-north-2.myhuaweicloud.com",
    "af-south-1": "gaussdb-opengauss.af-south-1.myhuaweicloud.com",
    "cn-north-9": "gaussdb-opengauss.cn-north-9.myhuaweicloud.com",
    "cn-south-2": "gaussdb-opengauss.cn-south-2.myhuaweicloud.com",
    "cn-east-4": "gaussdb.cn-east-4.myhuaweicloud.com",
    "cn-east-5": "gaussdb.cn-east-5.myhuaweicloud.com",
    "ap-southeast-5": "gaussdb.ap-southeast-5.myhuaweicloud.com",
    "tr-west-1": "gaussdb.tr-west-1.myhuaweicloud.com",
    "me-east-1": "gaussdb.me-east-1.myhuaweicloud.com",
    "af-north-1": "gaussdb.af-north-1.myhuaweicloud.com",
    "ap-southeast-4": "gaussdb-opengauss.ap-southeast-4.myhuaweicloud.com",
    "cn-east-2": "gaussdb.cn-east-2.myhuaweicloud.com",
    "cn-north-12": "gaussdb.cn-north-12.myhuaweicloud.com",
    "cn-south-4": "gaussdb-opengauss.cn-south-4.myhuaweicloud.com",
  };
  for (const [region, host] of Object.entries(SDK_TABLE)) {
    it(`${region} → ${host}`, () => {
      assert.equal(serviceBaseUrl("gaussdb", "huaweicloud", region), `https://${host}`);
      assert.equal(
        resolveTarget({ service: "gaussdb", jobId: "j", region, cloud: "huaweicloud" }, []).baseUrl,
        `https://${host}`,
      );
    });
  }

  it("a region the SDK does not list gets the default form; RDS and DDS are unaffected", () => {
    assert.equal(hostPrefix("gaussdb", "huaweicloud", "xx-new-1"), "gaussdb-opengauss");
    assert.equal(
      serviceBaseUrl("rds", "huaweicloud", "cn-east-4"),
      "https://rds.cn-east-4.myhuaweicloud.com",
    );
    assert.equal(
      serviceBaseUrl("dds", "huaweicloud", "tr-west-1"),
      "https://dds.tr-west-1.myhuaweicloud.com",
    );
    // A region named like an inherited property is no exception.
    assert.equal(hostPrefix("gaussdb", "huaweicloud", "constructor"), "gaussdb-opengauss");
  });

  it("Open Telekom Cloud is unchanged: gaussdb.{region} everywhere", () => {
    for (const region of ["eu-de", "eu-nl", "cn-east-4", "tr-west-1"]) {
      assert.equal(hostPrefix("gaussdb", "otc", region), "gaussdb");
    }
    assert.equal(serviceBaseUrl("gaussdb", "otc", "eu-ch2"), "https://gaussdb.eu-ch2.sc.otc.t-systems.com");
  });
});
