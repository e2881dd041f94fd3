import assert from "node:assert/strict";
import { parse as legacyUrlParse } from "node:url";
import {
  canonicalRequest,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  SIGNING_ALGORITHM,
  signRequest,
  verifySignature,
} from "../provider/auth/signer";
import { rng } from "./support/rng";

// Huawei's own Node SDK signer is the reference peer. It is a dev dependency and stays in the tests: the
// provider must not pull in its axios/moment/lodash.
interface SdkRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  queryParams?: Record<string, string | string[]>;
  data?: unknown;
}
interface SdkCredential {
  getAk(): string;
  getSk(): string;
}
interface SdkSigner {
  sign(r: SdkRequest, c: SdkCredential): Record<string, string>;
  CanonicalURI(path: string): string;
}
const { AKSKSigner } = require("@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner") as {
  AKSKSigner: SdkSigner;
};

// The SDK re-encodes the path it gets from legacy url.parse without decoding it first, so a character that
// url.parse escapes (a space, a quote, ...) or that has to be sent escaped (`%`, `?`, `#`) gets signed twice
// encoded, unlike the API Gateway's Python and Go signers and unlike what a server can recompute from the
// wire. For those paths only, the SDK's signer runs with its one path step preceded by that decoding; all
// the rest of its algorithm (query, headers, body, date, HMAC, header format) is still the SDK's own.
const decodingSdk: SdkSigner = Object.assign(Object.create(AKSKSigner) as SdkSigner, {
  CanonicalURI: (path: string) => AKSKSigner.CanonicalURI(decodeURIComponent(path)),
});

// Built without formatSdkDate, so a broken formatter cannot agree with itself.
function basicDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

const key = { accessKey: "HPUAEXAMPLEACCESSKEY", secretKey: "sEcReT/with+chars=and-ünïcödé" };
const credential: SdkCredential = { getAk: () => key.accessKey, getSk: () => key.secretKey };

const UNRESERVED = ["a", "Z", "0", "9", "-", "_", ".", "~"];
const SUB_DELIMS = ["!", "$", "&", "(", ")", "*", "+", ",", ";", "=", ":", "@"];
const UNICODE = ["é", "ß", "ü", "€", "中", "文", "😀"];
// Characters a URL path cannot carry raw, or that legacy url.parse escapes.
const PATH_MUST_ESCAPE = [" ", "%", "?", "#", '"', "<", ">", "'", "^", "`", "{", "|", "}", "\\"];
const PATH_PLAIN_CHARS = [...UNRESERVED, ...UNRESERVED, ...SUB_DELIMS, ...UNICODE];
const PATH_CHARS = [...PATH_PLAIN_CHARS, ...PATH_MUST_ESCAPE];
const QUERY_RAW_OK = new Set([...UNRESERVED, "!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "/", "?"]);
const QUERY_CHARS = [...PATH_CHARS, "/", "&", "=", "+", "#", "%", "[", "]"];
const HEADER_VALUE_CHARS = [...UNRESERVED, ...UNRESERVED, " ", "/", "+", "=", ";", ",", "(", ")", ":"];

interface Case {
  name: string;
  now: Date;
  ours: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array };
  sdk: SdkRequest;
  sdkSigner: SdkSigner;
}

function generateCases(count: number, seed: number): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const word = (chars: readonly string[], min: number, max: number) =>
    Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => pick(chars)).join("");
  const pct = (ch: string) =>
    [...Buffer.from(ch, "utf8")]
      .map((b) => {
        const hex = b.toString(16).padStart(2, "0");
        return `%${r() < 0.2 ? hex : hex.toUpperCase()}`;
      })
      .join("");
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const method = pick(["GET", "POST", "PUT", "DELETE"]);
    const now = new Date(Date.UTC(2026, 10, 23, 8, 0, 0) + i * 7_777_777);

    // Half the paths hold only characters the SDK can take raw, half also ones that must be escaped.
    const chars = r() < 0.5 ? PATH_PLAIN_CHARS : PATH_CHARS;
    const segments = ["v3", word(chars, 4, 24)];
    for (let s = Math.floor(r() * 3); s > 0; s--) segments.push(word(chars, 1, 10));
    if (chars === PATH_CHARS) segments.push(`${word(PATH_PLAIN_CHARS, 0, 3)} ${word(PATH_CHARS, 0, 3)}`);
    for (let s = 0; s < segments.length; s++) {
      // WHATWG URL would resolve these away; the gateway never sees them.
      if (segments[s] === "." || segments[s] === "..") segments[s] = "dot";
    }
    const trailing = r() < 0.35 ? "/" : "";
    const decodedPath = `/${segments.join("/")}${trailing}`;
    const wirePath = `/${segments
      .map((seg) =>
        [...seg].map((ch) => (PATH_MUST_ESCAPE.includes(ch) || r() < 0.25 ? pct(ch) : ch)).join(""),
      )
      .join("/")}${trailing}`;

    const pairs: Array<{ k: string; v: string; form: "kv" | "k=" | "k" }> = [];
    for (let q = Math.floor(r() * 6); q > 0; q--) {
      const k = pairs.length > 0 && r() < 0.3 ? pick(pairs).k : word(QUERY_CHARS, 1, 6);
      const roll = r();
      if (roll < 0.12) pairs.push({ k, v: "", form: "k=" });
      else if (roll < 0.22) pairs.push({ k, v: "", form: "k" });
      else pairs.push({ k, v: word(QUERY_CHARS, 1, 12), form: "kv" });
    }
    const encQuery = (s: string) =>
      [...s].map((ch) => (QUERY_RAW_OK.has(ch) && r() < 0.6 ? ch : pct(ch))).join("");
    const search = pairs
      .map(({ k, v, form }) => (form === "k" ? encQuery(k) : `${encQuery(k)}=${encQuery(v)}`))
      .join("&");
    const queryParams: Record<string, string | string[]> = {};
    for (const { k, v } of pairs) {
      const prev = queryParams[k];
      queryParams[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }

    const host = `${pick(["rds.eu-de.otc.t-systems.com", "DDS.ap-southeast-1.MyHuaweiCloud.com", "127.0.0.1"])}${pick(["", "", ":8443", ":31943"])}`;
    const scheme = pick(["https", "http"]);

    // Ours gets header names in any case and values padded as a caller might write them; the SDK gets the
    // values as they cross the wire, since HTTP strips the padding before any server sees it.
    const oursHeaders: Record<string, string> = {};
    const sdkHeaders: Record<string, string> = { "X-Sdk-Date": basicDate(now) };
    const add = (name: string, value: string) => {
      const cased = [...name].map((ch) => (r() < 0.3 ? ch.toUpperCase() : r() < 0.3 ? ch.toLowerCase() : ch));
      const padded = `${r() < 0.3 ? pick([" ", "  ", "\t"]) : ""}${value}${r() < 0.3 ? pick([" ", "\t "]) : ""}`;
      oursHeaders[cased.join("")] = padded;
      sdkHeaders[cased.join("")] = value;
    };
    if (r() < 0.75) add("X-Project-Id", word(["0", "5", "9", "a", "b", "f"], 32, 32));
    if (r() < 0.35) add("X-Security-Token", word([...UNRESERVED, "+", "/", "="], 40, 120));
    if (r() < 0.3) add("X-Custom-Trace", word(HEADER_VALUE_CHARS, 1, 30).trim() || "t");
    if (r() < 0.2) add("Accept", "application/json");

    let body: string | undefined;
    let data: unknown;
    if ((method === "POST" || method === "PUT") && r() < 0.8) {
      data = { name: word(QUERY_CHARS, 1, 20), n: i, tags: [word(UNICODE, 1, 5), null, true] };
      body = JSON.stringify(data);
      add("Content-Type", "application/json;charset=UTF-8");
    } else if (method === "DELETE" && r() < 0.2) {
      data = { ids: [word(UNRESERVED, 8, 8)] };
      body = JSON.stringify(data);
    }
    const oursBody = body === undefined ? (r() < 0.5 ? "" : undefined) : r() < 0.5 ? Buffer.from(body) : body;

    // The Node SDK gets its path with path parameters substituted raw; where url.parse leaves such a path
    // alone, the SDK runs unmodified.
    const plain = legacyUrlParse(`${scheme}://${host}${decodedPath}`).pathname === decodedPath;
    cases.push({
      name: `#${i}: ${method} ${decodedPath}, ${pairs.length} query pairs${plain ? "" : " (path decoded for the SDK)"}`,
      now,
      ours: {
        method,
        url: `${scheme}://${host}${wirePath}${search ? `?${search}` : ""}`,
        headers: oursHeaders,
        ...(oursBody === undefined ? {} : { body: oursBody }),
      },
      sdk: {
        endpoint: `${scheme}://${host}${plain ? decodedPath : wirePath}`,
        method,
        headers: sdkHeaders,
        queryParams,
        ...(data === undefined ? {} : { data }),
      },
      sdkSigner: plain ? AKSKSigner : decodingSdk,
    });
  }
  return cases;
}

describe("AK/SK signer (SDK-HMAC-SHA256)", () => {
  describe("agrees with Huawei's Node SDK signer", () => {
    const cases = generateCases(96, 20261123);

    it("covers both SDK paths: unmodified, and with the path decoding step", () => {
      const plain = cases.filter((c) => c.sdkSigner === AKSKSigner).length;
      assert.ok(plain >= 25, `only ${plain} cases ran the unmodified SDK`);
      assert.ok(cases.length - plain >= 25, `only ${cases.length - plain} cases had escaped paths`);
    });

    for (const c of cases) {
      it(c.name, () => {
        const inputCopy = JSON.stringify(c.ours);
        const sdk = c.sdkSigner.sign(c.sdk, credential);
        const ours = signRequest(c.ours, key, c.now);
        assert.equal(ours["Authorization"], sdk["Authorization"]);
        assert.equal(ours["X-Sdk-Date"], sdk["X-Sdk-Date"]);
        assert.equal(JSON.stringify(c.ours), inputCopy, "signRequest changed its input");
      });
    }
  });

  describe("where Huawei's Node SDK deviates (and this signer follows the wire)", () => {
    const at = new Date("2026-11-23T08:00:00Z");
    const sdkHeaders = { "X-Sdk-Date": "20261123T080000Z" };

    it("the SDK signs header values untrimmed; HTTP strips the padding, so we sign them trimmed", () => {
      const padded = AKSKSigner.sign(
        { endpoint: "https://h/x", method: "GET", headers: { ...sdkHeaders, "X-A": " v " } },
        credential,
      );
      const trimmed = AKSKSigner.sign(
        { endpoint: "https://h/x", method: "GET", headers: { ...sdkHeaders, "X-A": "v" } },
        credential,
      );
      const ours = signRequest({ method: "GET", url: "https://h/x", headers: { "X-A": " v " } }, key, at);
      assert.notEqual(padded["Authorization"], trimmed["Authorization"]);
      assert.equal(ours["Authorization"], trimmed["Authorization"]);
    });

    it("the SDK signs an escaped path character twice encoded (`a b` as a%2520b); we decode first", () => {
      const sdk = AKSKSigner.sign(
        { endpoint: "https://h/a b", method: "GET", headers: sdkHeaders },
        credential,
      );
      const sent = signRequest({ method: "GET", url: "https://h/a b", headers: {} }, key, at);
      const doubled = signRequest({ method: "GET", url: "https://h/a%2520b", headers: {} }, key, at);
      assert.equal(new URL("https://h/a b").pathname, "/a%20b");
      assert.equal(sdk["Authorization"], doubled["Authorization"]);
      assert.notEqual(sdk["Authorization"], sent["Authorization"]);
    });

    it("the SDK keeps a default port in host; fetch sends Host without it, and so do we", () => {
      const sdk = AKSKSigner.sign(
        { endpoint: "https://h:443/x", method: "GET", headers: { ...sdkHeaders, host: "h" } },
        credential,
      );
      const ours = signRequest({ method: "GET", url: "https://h:443/x", headers: {} }, key, at);
      assert.equal(ours["Authorization"], sdk["Authorization"]);
    });
  });

  describe("known answers", () => {
    const url =
      "https://RDS.eu-de.otc.t-systems.com:8443/v3/0549b4a4/jobs?id=a%20b&Z=1&flag&id=%E2%82%AC&x=%2B%26&empty=";
    const body = '{"name":"ü","n":1}';

    it("hashes an empty body to the documented constant and appends / to the canonical URI", () => {
      const c = canonicalRequest({ method: "get", url: "https://h/v3/p/jobs", headers: {} }, ["host"]);
      assert.deepEqual(c.split("\n"), [
        "GET",
        "/v3/p/jobs/",
        "",
        "host:h",
        "",
        "host",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      ]);
      const slash = canonicalRequest({ method: "GET", url: "https://h/v3/p/jobs/", headers: {} }, []);
      assert.equal(slash.split("\n")[1], "/v3/p/jobs/");
      const root = canonicalRequest({ method: "GET", url: "https://h", headers: {} }, []);
      assert.equal(root.split("\n")[1], "/");
    });

    it("builds the hand-checked canonical request of a POST", () => {
      const c = canonicalRequest(
        {
          method: "POST",
          url,
          headers: {
            "Content-Type": "  application/json ",
            "x-PROJECT-id": "0549b4a4",
            "X-Sdk-Date": "20261123T080000Z",
          },
          body,
        },
        ["host", "Content-Type", "x-project-id", "x-sdk-date"],
      );
      assert.equal(
        c,
        "POST\n" +
          "/v3/0549b4a4/jobs/\n" +
          "Z=1&empty=&flag=&id=a%20b&id=%E2%82%AC&x=%2B%26\n" +
          "content-type:application/json\n" +
          "host:rds.eu-de.otc.t-systems.com:8443\n" +
          "x-project-id:0549b4a4\n" +
          "x-sdk-date:20261123T080000Z\n" +
          "\n" +
          "content-type;host;x-project-id;x-sdk-date\n" +
          // sha256 of the body's UTF-8 bytes, from Python's hashlib
          "7fad342c1323e1803d197733e140fe7c3c1999d0f3273340f38692cb523deefb",
      );
    });

    it("signs that POST to the signature computed independently (Python hmac)", () => {
      const h = signRequest(
        {
          method: "POST",
          url,
          headers: { "Content-Type": "  application/json ", "x-PROJECT-id": "0549b4a4" },
          body,
        },
        key,
        new Date("2026-11-23T08:00:00.999Z"),
      );
      assert.equal(h["X-Sdk-Date"], "20261123T080000Z");
      assert.equal(
        h["Authorization"],
        `${SIGNING_ALGORITHM} Access=${key.accessKey}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, ` +
          "Signature=16141e8ca9bebae89466932f87c55303febddc8b7a7995ba2bd343ae570efd49",
      );
    });

    it("encodes everything but A-Z a-z 0-9 - _ . ~, upper case, space as %20", () => {
      const c = canonicalRequest(
        { method: "GET", url: "https://h/a b/c*!(x)'~/é/%2a?k%20=v%2Fw+x*&~=%7e", headers: {} },
        [],
      );
      const lines = c.split("\n");
      assert.equal(lines[1], "/a%20b/c%2A%21%28x%29%27~/%C3%A9/%2A/");
      assert.equal(lines[2], "k%20=v%2Fw%2Bx%2A&~=~");
    });

    it("decodes the whole path before splitting, as the gateway's signers do", () => {
      const c = canonicalRequest({ method: "GET", url: "https://h/a%2Fb/%zz", headers: {} }, []);
      assert.equal(c.split("\n")[1], "/a/b/%25zz/");
    });

    it("formats and parses X-Sdk-Date", () => {
      assert.equal(formatSdkDate(new Date("2026-11-23T08:05:09.999Z")), "20261123T080509Z");
      assert.equal(formatSdkDate(new Date("2027-01-02T03:04:05Z")), "20270102T030405Z");
      assert.equal(parseSdkDate("20261123T080509Z")?.toISOString(), "2026-11-23T08:05:09.000Z");
      for (const bad of ["2026-11-23", "20261323T080509Z", "20261123T250000Z", "20261123T080509", ""]) {
        assert.equal(parseSdkDate(bad), undefined, bad);
      }
    });

    it("signs host and every given header, replaces a stale date and Authorization, leaves the input alone", () => {
      const input = {
        method: "GET",
        url: "http://127.0.0.1:9/x",
        headers: { "X-Project-Id": "p", "x-sdk-date": "20200101T000000Z", authorization: "old" },
      };
      const h = signRequest(input, key, new Date("2026-11-23T08:00:00Z"));
      assert.deepEqual(Object.keys(h).sort(), ["Authorization", "X-Project-Id", "X-Sdk-Date"]);
      assert.equal(h["X-Sdk-Date"], "20261123T080000Z");
      assert.deepEqual(input.headers, {
        "X-Project-Id": "p",
        "x-sdk-date": "20200101T000000Z",
        authorization: "old",
      });
      const p = parseAuthorization(h["Authorization"]!);
      assert.deepEqual(p?.signedHeaders, ["host", "x-project-id", "x-sdk-date"]);
      assert.equal(p?.accessKey, key.accessKey);
      assert.match(p?.signature ?? "", /^[0-9a-f]{64}$/);
    });

    it("takes host from the URL with a non-default port, or from a given Host header", () => {
      const line = (url: string, headers: Record<string, string> = {}) =>
        canonicalRequest({ method: "GET", url, headers }, ["host"]).split("\n")[3];
      assert.equal(line("http://127.0.0.1:41234/x"), "host:127.0.0.1:41234");
      assert.equal(line("https://h:443/x"), "host:h");
      assert.equal(line("http://h:80/x"), "host:h");
      assert.equal(line("https://h/x", { Host: "proxy:1" }), "host:proxy:1");
    });
  });

  describe("verification (server side)", () => {
    const now = new Date("2026-11-23T08:00:00Z");
    const url = "http://127.0.0.1:41234/rds/v3/0549b4a4/jobs?id=31b8ae23-c687&x=a%20b";
    const body = '{"a":"ü"}';
    const sign = (at = now, k = key) =>
      signRequest(
        {
          method: "POST",
          url,
          headers: { "X-Project-Id": "0549b4a4", "Content-Type": "application/json" },
          body,
        },
        k,
        at,
      );
    const lookup = (ak: string) => (ak === key.accessKey ? key.secretKey : undefined);
    const WRONG_SECRET = "another-secret-Q7x";
    const verify = (
      over: Partial<{ url: string; headers: Record<string, string>; method: string; body: string }> = {},
      at = now,
      secrets: (ak: string) => string | undefined = lookup,
    ) => verifySignature({ method: "POST", url, headers: sign(), body, ...over }, secrets, at);
    // As node:http hands them over: names lower case, plus the Host header the client sent.
    const received = (h: Record<string, string>) => ({
      host: "127.0.0.1:41234",
      ...Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])),
    });

    it("accepts what signRequest produced, with a port, a query and a body", () => {
      assert.deepEqual(verify(), { ok: true, accessKey: key.accessKey });
      assert.deepEqual(verify({ headers: received(sign()) }), { ok: true, accessKey: key.accessKey });
      // The canonical URI always ends in `/`, so the gateway cannot tell these two apart either.
      assert.equal(verify({ url: url.replace("/jobs?", "/jobs/?") }).ok, true);
    });
    it("accepts a date 14 minutes off either way, and honours a custom skew", () => {
      assert.equal(verify({}, new Date(now.getTime() + 14 * 60_000)).ok, true);
      assert.equal(verify({}, new Date(now.getTime() - 14 * 60_000)).ok, true);
      const strict = verifySignature(
        { method: "POST", url, headers: sign(), body },
        lookup,
        new Date(now.getTime() + 61_000),
        60_000,
      );
      assert.equal(strict.ok, false);
    });

    const withAuth = (edit: (auth: string) => string) => {
      const h = sign();
      return { ...h, Authorization: edit(h["Authorization"]!) };
    };
    const rejects: Array<[string, () => ReturnType<typeof verify>, RegExp]> = [
      ["a changed query value", () => verify({ url: url.replace("c687", "c688") }), /mismatch/],
      ["an added query parameter", () => verify({ url: `${url}&y=1` }), /mismatch/],
      ["a changed path", () => verify({ url: url.replace("/rds/", "/dds/") }), /mismatch/],
      ["a changed method", () => verify({ method: "PUT" }), /mismatch/],
      ["a changed body", () => verify({ body: '{"a":"u"}' }), /mismatch/],
      ["a dropped body", () => verify({ body: "" }), /mismatch/],
      [
        "a changed signed header",
        () => verify({ headers: { ...sign(), "X-Project-Id": "other" } }),
        /mismatch/,
      ],
      [
        "a different Host",
        () => verify({ headers: { ...received(sign()), host: "evil:41234" } }),
        /mismatch/,
      ],
      ["a wrong secret", () => verify({}, now, () => WRONG_SECRET), /mismatch/],
      [
        "a signature made with another secret",
        () => verify({ headers: sign(now, { ...key, secretKey: "x" }) }),
        /mismatch/,
      ],
      ["a truncated signature", () => verify({ headers: withAuth((a) => a.slice(0, -2)) }), /mismatch/],
      ["an unknown access key", () => verify({}, now, () => undefined), /unknown access key/],
      ["a date 16 minutes ahead", () => verify({}, new Date(now.getTime() + 16 * 60_000)), /15 minutes/],
      [
        "a date 16 minutes behind",
        () => verify({ headers: sign(new Date(now.getTime() - 16 * 60_000)) }),
        /15 minutes/,
      ],
      [
        "a missing signed header",
        () =>
          verify({
            headers: Object.fromEntries(Object.entries(sign()).filter(([k]) => k !== "X-Project-Id")),
          }),
        /signed header x-project-id is missing/,
      ],
      [
        "a missing X-Sdk-Date",
        () =>
          verify({ headers: Object.fromEntries(Object.entries(sign()).filter(([k]) => k !== "X-Sdk-Date")) }),
        /missing X-Sdk-Date/,
      ],
      [
        "x-sdk-date left out of SignedHeaders",
        () => verify({ headers: withAuth((a) => a.replace(";x-sdk-date", "")) }),
        /x-sdk-date is not among the signed headers/,
      ],
      [
        "a malformed X-Sdk-Date",
        () => verify({ headers: { ...sign(), "X-Sdk-Date": "2026-11-23" } }),
        /YYYYMMDD/,
      ],
      [
        "no Authorization",
        () => verify({ headers: { "X-Sdk-Date": formatSdkDate(now) } }),
        /missing Authorization/,
      ],
      [
        "another algorithm",
        () => verify({ headers: withAuth((a) => a.replace(SIGNING_ALGORITHM, "AWS4-HMAC-SHA256")) }),
        /not a valid/,
      ],
    ];
    for (const [what, run, reason] of rejects) {
      it(`rejects ${what}, without leaking the secret or the expected signature`, () => {
        const result = run();
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.match(result.reason, reason);
        assert.ok(!result.reason.includes(key.secretKey), result.reason);
        assert.ok(!result.reason.includes(WRONG_SECRET), result.reason);
        assert.doesNotMatch(result.reason, /[0-9a-f]{16}/);
      });
    }
  });
});
