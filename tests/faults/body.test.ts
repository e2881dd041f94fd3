/** The bounded body reader on its own, against the raw fault server: cap, declared length, read timeout. */
import assert from "node:assert/strict";
import { BodyError, locationHost, readBodyText, retryAfterMs } from "../../provider/http";
import { FaultServer, type Handler, headerBlock, statusLine } from "./server";

describe("bounded body reads", function () {
  this.timeout(20_000);
  const open: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const serve = async (h: Handler) => {
    const s = await FaultServer.start(h);
    open.push(s);
    return s;
  };

  it("refuses a declared Content-Length over the cap without reading it", async () => {
    const s = await serve((_req, reply) => {
      reply.write(statusLine(200) + headerBlock({ "Content-Length": String(2 * 1024 * 1024) }));
      reply.write("x".repeat(1000));
    });
    const res = await fetch(s.url);
    await assert.rejects(
      readBodyText(res, { maxBytes: 1024 * 1024, timeoutMs: 5_000 }),
      (e: unknown) => e instanceof BodyError && e.reason === "too-large" && /2097152 bytes/.test(e.message),
    );
  });

  it("gives up a body that stops arriving after the read timeout, and closes the connection", async () => {
    let closed = false;
    const s = await serve((_req, reply) => {
      reply.write(statusLine(200) + headerBlock({ "Content-Length": "100" }));
      reply.write("{");
      void reply.closed.then(() => {
        closed = true;
      });
    });
    const res = await fetch(s.url);
    const t0 = Date.now();
    await assert.rejects(
      readBodyText(res, { maxBytes: 1024, timeoutMs: 300 }),
      (e: unknown) => e instanceof BodyError && e.reason === "timeout",
    );
    assert.ok(Date.now() - t0 < 5_000);
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed, "the client closed the connection");
  });

  it("reads a body under the cap whole", async () => {
    const body = JSON.stringify({ a: "é".repeat(1000) });
    const s = await serve((_req, reply) => reply.send(200, body));
    const res = await fetch(s.url);
    assert.equal(await readBodyText(res, { maxBytes: 64 * 1024, timeoutMs: 5_000 }), body);
  });

  it("Retry-After as seconds or an HTTP date; Location reduced to its host", () => {
    assert.equal(retryAfterMs("3600"), 3_600_000);
    assert.equal(
      retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
      10_000,
    );
    assert.equal(retryAfterMs("soon"), undefined);
    assert.equal(
      locationHost("https://u:p@evil.example:8443/v3/x?token=t#f", "https://rds.eu-de.example"),
      "https://evil.example:8443",
    );
    assert.equal(locationHost("/relative?x=1", "https://rds.eu-de.example/v3"), "https://rds.eu-de.example");
    assert.equal(locationHost(null, "https://a.example"), "(no Location header)");
  });
});
