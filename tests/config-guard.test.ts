import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { JobWaiter } from "../sdk";
import {
  type ConfigView,
  plainTextCredentialKeys,
  resetPlainTextWarnings,
  runtimeConfig,
  warnAboutPlainTextCredentials,
} from "../sdk/config-guard";

function view(values: Record<string, string>, secret: string[] = []): ConfigView {
  return { get: (k) => values[k], isSecret: (k) => secret.includes(k) };
}

describe("plain-text credential guard", () => {
  afterEach(() => {
    resetPlainTextWarnings();
    pulumi.runtime.setAllConfig({}, []);
  });

  it("finds every credential key of both namespaces that is set but not secret", () => {
    const keys = plainTextCredentialKeys(
      view(
        {
          "jobwaiter:accessKey": "AK",
          "jobwaiter:secretKey": "SK",
          "jobwaiter:securityToken": "ST",
          "jobwaiter:authToken": "AT",
          "jobwaiter:password": "PW",
          "jobwaiter:token": "T",
          "huaweicloud:secretKey": "SK2",
          "huaweicloud:token": "T2",
          "huaweicloud:password": "   ",
          // Not credentials: never flagged.
          "jobwaiter:userName": "me",
          "jobwaiter:region": "eu-de",
          "other:secretKey": "x",
        },
        ["jobwaiter:accessKey", "huaweicloud:secretKey"],
      ),
    );
    assert.deepEqual(keys, [
      "jobwaiter:secretKey",
      "jobwaiter:securityToken",
      "jobwaiter:authToken",
      "jobwaiter:password",
      "jobwaiter:token",
      "huaweicloud:token",
    ]);
  });

  it("warns once per key, naming the key and the --secret fix, never the value", () => {
    const warnings: string[] = [];
    const cfg = view({
      "jobwaiter:secretKey": "very-secret-value-81f2",
      "jobwaiter:accessKey": "AKVALUE123",
    });
    warnAboutPlainTextCredentials({ config: cfg, warn: (m) => warnings.push(m) });
    warnAboutPlainTextCredentials({ config: cfg, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    const [w] = warnings as [string];
    assert.match(w, /jobwaiter:accessKey, jobwaiter:secretKey are set in plain text/);
    assert.match(w, /`pulumi config set --secret jobwaiter:secretKey <value>`/);
    assert.match(w, /`pulumi config set --secret jobwaiter:accessKey <value>`/);
    assert.ok(!w.includes("very-secret-value-81f2") && !w.includes("AKVALUE123"), "no value in the warning");
    // A key that becomes plain later is warned about, alone.
    warnAboutPlainTextCredentials({
      config: view({ "jobwaiter:secretKey": "s", "jobwaiter:accessKey": "a", "huaweicloud:password": "p" }),
      warn: (m) => warnings.push(m),
    });
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /the credential config key huaweicloud:password is set in plain text/);
  });

  it("says nothing when every credential is secret, or none is configured", () => {
    const warnings: string[] = [];
    warnAboutPlainTextCredentials({
      config: view({ "jobwaiter:accessKey": "a", "jobwaiter:secretKey": "s" }, [
        "jobwaiter:accessKey",
        "jobwaiter:secretKey",
      ]),
      warn: (m) => warnings.push(m),
    });
    warnAboutPlainTextCredentials({ config: view({}), warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
  });

  it("reads secrecy from the Pulumi runtime (the secret keys list the language host passes)", () => {
    pulumi.runtime.setAllConfig(
      { "jobwaiter:accessKey": "a", "jobwaiter:secretKey": "s", "huaweicloud:token": "t" },
      ["jobwaiter:secretKey"],
    );
    assert.deepEqual(plainTextCredentialKeys(runtimeConfig()), ["jobwaiter:accessKey", "huaweicloud:token"]);
  });

  it("a JobWaiter constructed in a program with a plain-text key warns through pulumi.log.warn, once", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
      "proj",
      "stack",
      false,
    );
    pulumi.runtime.setAllConfig({ "jobwaiter:secretKey": "s", "jobwaiter:accessKey": "a" }, [
      "jobwaiter:accessKey",
    ]);
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (m: string) => {
      warnings.push(m);
    };
    try {
      new JobWaiter("a", { service: "rds", jobId: "j1", endpoint: "http://127.0.0.1:1/rds" });
      new JobWaiter("b", { service: "rds", jobId: "j2", endpoint: "http://127.0.0.1:1/rds" });
    } finally {
      (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
    }
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /jobwaiter:secretKey is set in plain text/);
    assert.doesNotMatch(warnings[0]!, /accessKey/);
  });
});
