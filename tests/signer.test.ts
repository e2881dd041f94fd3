import assert from "node:assert/strict";
import { rng } from "../bench/workloads";
import {
  canonicalRequest,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  signRequest,
  verifySignature,
} from "../provider/auth/signer";

// Huawei's own Node SDK signer, a dev dependency used only here as the reference peer.
interface SdkRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  queryParams: Record<string, string | string[]>;
  data?: unknown;
}
const { AKSKSigner } = require("@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner") as {
  AKSKSigner: { sign(r: SdkRequest, c: { getAk(): string; getSk(): string }): Record<string, string> };
};

// The SDK signs the raw path of its endpoint (legacy url.parse auto-escapes some characters and a `%` would be
// encoded twice), so path segments avoid those; query keys and values may hold anything, as the SDK takes
// them decoded.
const PATH_ALPHABET = [
  "a",
  "Z",
  "0",
  "-",
  "_",
  ".",
  "~",
  "!",
  "$",
  "&",
  "(",
  ")",
  "*",
  "+",
  ",",
  ";",
  "=",
  ":",
  "@",
  "é",
  "ß",
  "中",
  "文",
  "😀",
];
const QUERY_ALPHABET = [
  ...PATH_ALPHABET,
  " ",
  "/",
  "?",
  "#",
  "%",
  "&",
  "=",
  "+",
  '"',
  "<",
  ">",
  "[",
  "]",
  "ü",
  "€",
];

describe("AK/SK signer (SDK-HMAC-SHA256)", () => {
  const key = { accessKey: "HPUAEXAMPLEACCESSKEY", secretKey: "sEcReT/with+chars=and-ünïcödé" };
  const credential = { getAk: () => key.accessKey, getSk: () => key.secretKey };

  describe("agrees with Huawei's SDK core signer", () => {
    const r = rng(20261123);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const word = (alphabet: readonly string[], min = 1, max = 8) =>
      Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => pick(alphabet)).join("");

    for (let i = 0; i < 64; i++) {
      const method = pick(["GET", "POST", "PUT", "DELETE"]);
      const segments = [
        "v3",
        word(PATH_ALPHABET, 8, 32),
        ...Array.from({ length: Math.floor(r() * 3) }, () => word(PATH_ALPHABET)),
      ];
      const path = `/${segments.join("/")}${r() < 0.3 ? "/" : ""}`;
      const query: Record<string, string> = {};
      const nq = Math.floor(r() * 5);
      for (let q = 0; q < nq; q++)
        query[word(QUERY_ALPHABET, 1, 6)] = r() < 0.15 ? "" : word(QUERY_ALPHABET, 1, 12);
      const headers: Record<string, string> = {
        "X-Sdk-Date": formatSdkDate(new Date(Date.UTC(2026, 10, 23, 8, i % 60, i))),
      };
      if (r() < 0.7) headers["X-Project-Id"] = word(["a", "b", "0", "9", "f"], 32, 32);
      if (r() < 0.3)
        headers["X-Security-Token"] = word(
          QUERY_ALPHABET.filter((c) => c !== " "),
          20,
          60,
        );
      if (r() < 0.5) headers["Content-Type"] = "application/json;charset=UTF-8";
      if (r() < 0.3) headers["X-Custom-Trace"] = word(PATH_ALPHABET, 4, 16);
      const data =
        method === "POST" || method === "PUT"
          ? { name: word(QUERY_ALPHABET, 1, 20), n: i, list: [1, "ü"] }
          : undefined;
      const port = r() < 0.3 ? ":8443" : "";
      const host = `rds.eu-de.otc.t-systems.com${port}`;

      it(`#${i}: ${method} ${path} ${Object.keys(query).length} query params`, () => {
        const sdk = AKSKSigner.sign(
          {
            endpoint: `https://${host}${path}`,
            method,
            headers: { ...headers },
            queryParams: query,
            ...(data ? { data } : {}),
          },
          credential,
        );
        const search = Object.entries(query)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join("&");
        const url = `https://${host}${encodeURI(path).replace(/%25/g, "%")}${search ? `?${search}` : ""}`;
        const ours = signRequest(
          { method, url, headers, ...(data ? { body: JSON.stringify(data) } : {}) },
          key,
          new Date(0),
        );
        assert.equal(ours.Authorization, sdk.Authorization);
      });
    }
  });

  describe("known answers", () => {
    it("hashes an empty body to the documented constant and appends / to the canonical URI", () => {
      const c = canonicalRequest(
        {
          method: "get",
          url: "https://dds.eu-de.otc.t-systems.com/v3/p1/jobs?id=a%20b&Z=1",
          headers: { "X-Sdk-Date": "20261123T080000Z" },
        },
        ["host", "x-sdk-date"],
      );
      assert.equal(
        c,
        [
          "GET",
          "/v3/p1/jobs/",
          "Z=1&id=a%20b",
          "host:dds.eu-de.otc.t-systems.com\nx-sdk-date:20261123T080000Z\n",
          "host;x-sdk-date",
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ].join("\n"),
      );
    });
    it("trims header values and encodes reserved characters strictly", () => {
      const c = canonicalRequest(
        { method: "GET", url: "https://h/a b/c*!(x)?k=v%2Fw", headers: { "X-A": "  spaced  " } },
        ["x-a"],
      );
      const lines = c.split("\n");
      assert.equal(lines[1], "/a%20b/c%2A%21%28x%29/");
      assert.equal(lines[2], "k=v%2Fw");
      assert.equal(lines[3], "x-a:spaced");
    });
    it("formats and parses X-Sdk-Date", () => {
      assert.equal(formatSdkDate(new Date("2026-11-23T08:05:09.123Z")), "20261123T080509Z");
      assert.equal(parseSdkDate("20261123T080509Z")?.toISOString(), "2026-11-23T08:05:09.000Z");
      assert.equal(parseSdkDate("2026-11-23"), undefined);
    });
    it("signs host and every given header, and says so", () => {
      const h = signRequest(
        { method: "GET", url: "http://127.0.0.1:9/x", headers: { "X-Project-Id": "p" } },
        key,
        new Date(0),
      );
      const p = parseAuthorization(h.Authorization!);
      assert.deepEqual(p?.signedHeaders, ["host", "x-project-id", "x-sdk-date"]);
      assert.equal(p?.accessKey, key.accessKey);
    });
  });

  describe("verification (server side)", () => {
    const now = new Date("2026-11-23T08:00:00Z");
    const url = "http://127.0.0.1:41234/rds/v3/0549b4a4/jobs?id=31b8ae23-c687";
    const signed = () =>
      signRequest({ method: "GET", url, headers: { "X-Project-Id": "0549b4a4" } }, key, now);
    const lookup = (ak: string) => (ak === key.accessKey ? key.secretKey : undefined);
    const verify = (
      over: Partial<{ url: string; headers: Record<string, string>; method: string; body: string }>,
      at = now,
    ) => verifySignature({ method: "GET", url, headers: signed(), ...over }, lookup, at);

    it("accepts what signRequest produced, with a port and a query", () => {
      assert.deepEqual(verify({}), { ok: true, accessKey: key.accessKey });
    });
    const rejects: Array<[string, () => ReturnType<typeof verify>, RegExp]> = [
      ["a changed query", () => verify({ url: url.replace("c687", "c688") }), /mismatch/],
      ["a changed path", () => verify({ url: url.replace("/rds/", "/dds/") }), /mismatch/],
      [
        "a changed signed header",
        () => verify({ headers: { ...signed(), "X-Project-Id": "other" } }),
        /mismatch/,
      ],
      ["a body that was not signed", () => verify({ body: "{}", method: "GET" }), /mismatch/],
      [
        "a wrong secret",
        () => verifySignature({ method: "GET", url, headers: signed() }, () => "wrong", now),
        /mismatch/,
      ],
      [
        "an unknown access key",
        () => verifySignature({ method: "GET", url, headers: signed() }, () => undefined, now),
        /unknown access key/,
      ],
      ["a date 16 minutes off", () => verify({}, new Date(now.getTime() + 16 * 60_000)), /15 minutes/],
      [
        "a missing signed header",
        () =>
          verify({
            headers: Object.fromEntries(Object.entries(signed()).filter(([k]) => k !== "X-Project-Id")),
          }),
        /missing/,
      ],
      [
        "no Authorization",
        () => verify({ headers: { "X-Sdk-Date": formatSdkDate(now) } }),
        /missing Authorization/,
      ],
    ];
    for (const [what, run, reason] of rejects) {
      it(`rejects ${what}`, () => {
        const r = run();
        assert.equal(r.ok, false);
        assert.match((r as { reason: string }).reason, reason);
        assert.ok(!(r as { reason: string }).reason.includes(key.secretKey));
      });
    }
  });
});
