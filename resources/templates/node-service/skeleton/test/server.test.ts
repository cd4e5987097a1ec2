// Starts the real server on a free loopback port and talks HTTP to it.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { createService } from "../src/server.js";

describe("server", () => {
  const lines: Record<string, unknown>[] = [];
  const server = createService((fields) => lines.push(fields));
  let base = "";

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it("serves the health check", async () => {
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.deepEqual(await response.json(), { status: "ok" });
  });

  it("greets", async () => {
    const response = await fetch(`${base}/v1/hello?name=node`);
    assert.deepEqual([response.status, await response.json()], [200, { message: "Hello, node!" }]);
  });

  it("answers HEAD without a body", async () => {
    const response = await fetch(`${base}/v1/info`, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.notEqual(response.headers.get("content-length"), "0");
    assert.equal(await response.text(), "");
  });

  it("refuses other methods", async () => {
    const response = await fetch(`${base}/healthz`, { method: "DELETE" });
    assert.deepEqual([response.status, response.headers.get("allow")], [405, "GET, HEAD"]);
    await response.body?.cancel();
  });

  it("logs each request as JSON", async () => {
    const response = await fetch(`${base}/readyz`);
    await response.text();
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.at(-1);
    assert.deepEqual([line?.method, line?.path, line?.status], ["GET", "/readyz", 200]);
  });
});
