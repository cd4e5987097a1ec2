// The socket side: node:http, one JSON log line per request.
import { createServer, type Server } from "node:http";

import { handle } from "./app.js";

export type Logger = (fields: Record<string, unknown>) => void;

export const jsonLogger: Logger = (fields) => {
  process.stdout.write(JSON.stringify(fields) + "\n");
};

export function createService(log: Logger = jsonLogger): Server {
  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    const method = request.method ?? "GET";
    const target = request.url ?? "/";
    const result = handle(method, target);
    const body = JSON.stringify(result.body);
    response.writeHead(result.status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      Connection: "close",
      ...result.headers,
    });
    response.end(method === "HEAD" ? undefined : body);
    response.once("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log({ method, path: target.split("?", 1)[0], status: result.status, duration_ms: Math.round(durationMs * 1000) / 1000 });
    });
  });
  // A client has this long to send its request head.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  return server;
}
