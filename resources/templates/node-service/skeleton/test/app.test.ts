import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { handle, SERVICE_NAME, SERVICE_VERSION } from "../src/app.js";

describe("handle", () => {
  it("answers the health and readiness probes", () => {
    assert.deepEqual(handle("GET", "/healthz"), { status: 200, body: { status: "ok" }, headers: {} });
    assert.deepEqual(handle("GET", "/readyz").body, { status: "ready" });
  });

  it("reports the name and version", () => {
    assert.deepEqual(handle("GET", "/v1/info").body, { name: SERVICE_NAME, version: SERVICE_VERSION });
    assert.equal(SERVICE_NAME, "${{ values.name }}");
  });

  it("greets", () => {
    assert.deepEqual(handle("GET", "/v1/hello").body, { message: "Hello, world!" });
    assert.deepEqual(handle("GET", "/v1/hello?name=Ada%20Lovelace").body, { message: "Hello, Ada Lovelace!" });
    assert.deepEqual(handle("GET", "/v1/hello?name=a&name=b").body, { message: "Hello, b!" });
  });

  it("validates the name", () => {
    assert.equal(handle("GET", "/v1/hello?name=").status, 400);
    assert.equal(handle("GET", `/v1/hello?name=${"x".repeat(65)}`).status, 400);
    assert.equal(handle("GET", `/v1/hello?name=${"x".repeat(64)}`).status, 200);
  });

  it("refuses unknown paths and methods", () => {
    assert.equal(handle("GET", "/nope").status, 404);
    const response = handle("POST", "/v1/hello");
    assert.equal(response.status, 405);
    assert.equal(response.headers.Allow, "GET, HEAD");
  });
});
