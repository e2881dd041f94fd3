import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CredentialsError,
  configSource,
  envSources,
  resolveCredentials,
  staticSource,
} from "../provider/auth/credentials";
import { ambientSources, credentialsFileSource } from "../provider/auth/credentials-file";
import { iamTokensUrl } from "../provider/auth/iam";
import { iamBaseUrl, serviceBaseUrl } from "../provider/services";
import { settingFrom } from "../provider/settings";
import { resolveTarget } from "../provider/target";

describe("credential sources and precedence", () => {
  const config = (values: Record<string, string>) => [
    configSource("jobwaiter", (k) => values[k]),
    configSource("huaweicloud", (k) => values[k]),
  ];

  it("jobwaiter: config wins over huaweicloud: config, which wins over the environment", () => {
    const env = { HW_ACCESS_KEY: "envak", HW_SECRET_KEY: "envsk" };
    const both = {
      "jobwaiter:accessKey": "jwak",
      "jobwaiter:secretKey": "jwsk",
      "huaweicloud:accessKey": "hak",
      "huaweicloud:secretKey": "hsk",
    };
    const c1 = resolveCredentials([...config(both), ...envSources(env)]);
    assert.equal(c1.kind === "aksk" && c1.accessKey, "jwak");
    assert.match(c1.source, /Pulumi config "jobwaiter:"/);
    const c2 = resolveCredentials([
      ...config({ "huaweicloud:accessKey": "hak", "huaweicloud:secretKey": "hsk" }),
      ...envSources(env),
    ]);
    assert.equal(c2.kind === "aksk" && c2.accessKey, "hak");
    const c3 = resolveCredentials([...config({}), ...envSources(env)]);
    assert.equal(c3.kind === "aksk" && c3.accessKey, "envak");
    assert.match(c3.source, /HW_ACCESS_KEY\/HW_SECRET_KEY/);
  });

  it("HW_* wins over OS_*, which wins over HUAWEICLOUD_SDK_*", () => {
    const all = {
      OS_ACCESS_KEY: "os",
      OS_SECRET_KEY: "oss",
      HUAWEICLOUD_SDK_AK: "sdk",
      HUAWEICLOUD_SDK_SK: "sdks",
    };
    const c = resolveCredentials(envSources(all));
    assert.equal(c.kind === "aksk" && c.accessKey, "os");
    const c2 = resolveCredentials(
      envSources({
        HUAWEICLOUD_SDK_AK: "sdk",
        HUAWEICLOUD_SDK_SK: "sdks",
        HUAWEICLOUD_SDK_SECURITY_TOKEN: "t",
      }),
    );
    assert.equal(c2.kind === "aksk" && c2.securityToken, "t");
  });

  it("takes a key pair, a token, or an IAM user, in that order within a source", () => {
    assert.equal(resolveCredentials(envSources({ HW_AUTH_TOKEN: "tok" })).kind, "token");
    assert.equal(resolveCredentials(envSources({ OS_TOKEN: "tok" })).kind, "token");
    const p = resolveCredentials(
      envSources({ OS_USERNAME: "u", OS_PASSWORD: "p", OS_USER_DOMAIN_NAME: "d" }),
    );
    assert.deepEqual(p.kind === "password" && [p.userName, p.domainName], ["u", "d"]);
    assert.equal(
      resolveCredentials(envSources({ HW_AUTH_TOKEN: "t", HW_ACCESS_KEY: "a", HW_SECRET_KEY: "s" })).kind,
      "aksk",
    );
  });

  it("a half key pair is an error naming the missing variable, never silently skipped", () => {
    assert.throws(
      () => resolveCredentials(envSources({ HW_ACCESS_KEY: "a", OS_ACCESS_KEY: "b", OS_SECRET_KEY: "c" })),
      /HW_ACCESS_KEY but not HW_SECRET_KEY/,
    );
  });

  it("no credentials: says where it looked and what to set, with no values", () => {
    assert.throws(
      () => resolveCredentials([...config({}), ...envSources({})]),
      (e: Error) => {
        assert.match(e.message, /no credentials found/);
        assert.match(e.message, /jobwaiter:accessKey/);
        assert.match(e.message, /environment \(HW_\*\)/);
        return true;
      },
    );
  });

  it("settings come from the first source that has them; HW_CLOUD's domain maps to a cloud", () => {
    const s = [
      staticSource("inputs", {}),
      ...envSources({ OS_REGION_NAME: "eu-de", HW_CLOUD: "otc.t-systems.com" }),
    ];
    assert.deepEqual(settingFrom(s, "region"), {
      value: "eu-de",
      from: "environment (OS_*) OS_REGION_NAME",
    });
    assert.equal(settingFrom(s, "cloud")?.value, "otc");
  });
});

describe("service table: hosts on both clouds", () => {
  it("computes the documented hosts", () => {
    assert.equal(
      serviceBaseUrl("rds", "huaweicloud", "ap-southeast-1"),
      "https://rds.ap-southeast-1.myhuaweicloud.com",
    );
    assert.equal(
      serviceBaseUrl("gaussdb", "huaweicloud", "cn-north-4"),
      "https://gaussdb-opengauss.cn-north-4.myhuaweicloud.com",
    );
    assert.equal(serviceBaseUrl("gaussdb", "otc", "eu-de"), "https://gaussdb.eu-de.otc.t-systems.com");
    assert.equal(serviceBaseUrl("dds", "otc", "eu-de"), "https://dds.eu-de.otc.t-systems.com");
    assert.equal(
      serviceBaseUrl("dds", "huaweicloud", "eu-west-101"),
      "https://dds.eu-west-101.myhuaweicloud.eu",
    );
    assert.equal(serviceBaseUrl("rds", "otc", "eu-ch2"), "https://rds.eu-ch2.sc.otc.t-systems.com");
    assert.equal(iamBaseUrl("otc", "eu-ch2"), "https://iam-pub.eu-ch2.sc.otc.t-systems.com");
    assert.equal(iamBaseUrl("otc", "eu-nl"), "https://iam.eu-nl.otc.t-systems.com");
    assert.equal(iamBaseUrl("huaweicloud", "cn-north-4"), "https://iam.cn-north-4.myhuaweicloud.com");
  });
});

describe("the Huawei Cloud SDKs' credentials file", () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), "jw-home-"));
    mkdirSync(join(home, ".huaweicloud"));
    writeFileSync(
      join(home, ".huaweicloud", "credentials"),
      "; written by hcloud configure\n[global]\nak = GLOBALAK\nsk = GLOBALSK\n\n[basic]\nak = FILEAK\nsk = FILESK\n" +
        "project_id = fileproject\nsecurity_token = FILETOKEN\n",
    );
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it("is read from ~/.huaweicloud/credentials, section [basic], when nothing else is set", () => {
    const sources = ambientSources({ HOME: home });
    const c = resolveCredentials(sources);
    assert.deepEqual(
      { ...c, source: undefined },
      {
        kind: "aksk",
        accessKey: "FILEAK",
        secretKey: "FILESK",
        securityToken: "FILETOKEN",
        source: undefined,
      },
    );
    assert.equal(
      c.source,
      `credentials file ${join(home, ".huaweicloud", "credentials")}: [basic] ak/[basic] sk/[basic] security_token`,
    );
    assert.doesNotMatch(c.source, /FILE(AK|SK|TOKEN)/, "the source names where, never what");
    assert.equal(settingFrom(sources, "projectId")?.value, "fileproject");
  });

  it("comes after every environment variable", () => {
    const c = resolveCredentials(
      ambientSources({ HOME: home, HUAWEICLOUD_SDK_AK: "ENVAK", HUAWEICLOUD_SDK_SK: "ENVSK" }),
    );
    assert.equal(c.kind === "aksk" && c.accessKey, "ENVAK");
    assert.equal(
      settingFrom(ambientSources({ HOME: home, HW_PROJECT_ID: "envproject" }), "projectId")?.value,
      "envproject",
    );
  });

  it("HUAWEICLOUD_SDK_CREDENTIALS_FILE names another file; an unreadable one is a clear error", () => {
    const other = join(home, "other.ini");
    writeFileSync(other, "[basic]\nak=OTHERAK\nsk=OTHERSK\n");
    const c = resolveCredentials(ambientSources({ HOME: home, HUAWEICLOUD_SDK_CREDENTIALS_FILE: other }));
    assert.equal(c.kind === "aksk" && c.accessKey, "OTHERAK");
    const missing = join(home, "nope.ini");
    assert.throws(
      () => resolveCredentials(ambientSources({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: missing })),
      (e: Error) => e instanceof CredentialsError && e.message.includes(missing) && /ENOENT/.test(e.message),
    );
  });

  it("a missing default file, or no HOME, is simply no source", () => {
    assert.equal(credentialsFileSource({}), undefined);
    const empty = mkdtempSync(join(tmpdir(), "jw-empty-"));
    try {
      assert.throws(() => resolveCredentials(ambientSources({ HOME: empty })), /no credentials found/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("settings as other tools spell them", () => {
  it("huaweicloud:cloud may hold the Huawei provider's domain; huaweicloud:token is the token", () => {
    const cfg = (values: Record<string, string>) => configSource("huaweicloud", (k) => values[k]);
    assert.equal(
      settingFrom([cfg({ "huaweicloud:cloud": "myhuaweicloud.com" })], "cloud")?.value,
      "huaweicloud",
    );
    assert.equal(settingFrom([cfg({ "huaweicloud:cloud": "otc.t-systems.com" })], "cloud")?.value, "otc");
    assert.equal(settingFrom([cfg({ "huaweicloud:cloud": "otc" })], "cloud")?.value, "otc");
    const c = resolveCredentials([cfg({ "huaweicloud:token": "TOK" })]);
    assert.deepEqual(c, {
      kind: "token",
      token: "TOK",
      source: 'Pulumi config "huaweicloud:": huaweicloud:token',
    });
    assert.equal(
      resolveCredentials([configSource("jobwaiter", (k) => ({ "jobwaiter:authToken": "T2" })[k])]).kind,
      "token",
    );
  });

  it("an IAM URL is accepted with or without its /v3", () => {
    for (const u of [
      "https://iam.eu-de.otc.t-systems.com/v3",
      "https://iam.eu-de.otc.t-systems.com/v3/",
      "https://iam.eu-de.otc.t-systems.com",
      "https://iam.eu-de.otc.t-systems.com/",
    ]) {
      assert.equal(iamTokensUrl(u), "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens", u);
    }
  });

  it("an OTC region alone selects Open Telekom Cloud; an explicit cloud still wins", () => {
    const url = (region: string, cloud?: "huaweicloud" | "otc", env: NodeJS.ProcessEnv = {}) =>
      resolveTarget({ service: "rds", jobId: "j", region, ...(cloud ? { cloud } : {}) }, envSources(env))
        .baseUrl;
    assert.equal(url("eu-de"), "https://rds.eu-de.otc.t-systems.com");
    assert.equal(url("eu-nl"), "https://rds.eu-nl.otc.t-systems.com");
    assert.equal(url("eu-ch2"), "https://rds.eu-ch2.sc.otc.t-systems.com");
    assert.equal(url("ap-southeast-1"), "https://rds.ap-southeast-1.myhuaweicloud.com");
    assert.equal(url("eu-west-101"), "https://rds.eu-west-101.myhuaweicloud.eu");
    assert.equal(url("eu-de", "huaweicloud"), "https://rds.eu-de.myhuaweicloud.com");
    assert.equal(
      url("eu-de", undefined, { HW_CLOUD: "myhuaweicloud.com" }),
      "https://rds.eu-de.myhuaweicloud.com",
    );
  });
});
