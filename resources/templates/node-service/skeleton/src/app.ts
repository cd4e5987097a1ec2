// The HTTP API, as a pure function of the request so it is tested without sockets.
//
// GET /healthz     liveness: the process is up
// GET /readyz      readiness: the service accepts traffic
// GET /v1/info     the service name and version
// GET /v1/hello    a greeting; optional query parameter `name` (1 to 64 characters)

export const SERVICE_NAME = "${{ values.name }}";
export const SERVICE_VERSION = "0.1.0";
export const MAX_NAME_LENGTH = 64;

const ROUTES = new Set(["/healthz", "/readyz", "/v1/info", "/v1/hello"]);

export interface Response {
  status: number;
  body: Record<string, string>;
  headers: Record<string, string>;
}

function json(status: number, body: Record<string, string>, headers: Record<string, string> = {}): Response {
  return { status, body, headers };
}

export function handle(method: string, target: string): Response {
  let url: URL;
  try {
    url = new URL(target, "http://localhost");
  } catch {
    return json(400, { error: "malformed request target" });
  }
  const path = url.pathname;
  if (!ROUTES.has(path)) {
    return json(404, { error: `no route for ${path}` });
  }
  if (method !== "GET" && method !== "HEAD") {
    return json(405, { error: `method ${method} is not allowed on ${path}` }, { Allow: "GET, HEAD" });
  }

  switch (path) {
    case "/healthz":
      return json(200, { status: "ok" });
    case "/readyz":
      return json(200, { status: "ready" });
    case "/v1/info":
      return json(200, { name: SERVICE_NAME, version: SERVICE_VERSION });
    default: {
      const names = url.searchParams.getAll("name");
      const name = names.length > 0 ? names[names.length - 1]! : "world";
      if (name.length < 1 || name.length > MAX_NAME_LENGTH) {
        return json(400, { error: `name must be 1 to ${MAX_NAME_LENGTH} characters long` });
      }
      return json(200, { message: `Hello, ${name}!` });
    }
  }
}
