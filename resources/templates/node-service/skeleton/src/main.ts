// Entry point. Configuration comes from the environment:
//   PORT  the TCP port to listen on (default ${{ values.port }})
//   HOST  the address to bind (default 0.0.0.0)
import { SERVICE_VERSION } from "./app.js";
import { createService, jsonLogger as log } from "./server.js";

const host = process.env.HOST || "0.0.0.0";
const port = Number.parseInt(process.env.PORT || "${{ values.port }}", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  log({ message: "fatal", error: "PORT must be between 0 and 65535" });
  process.exit(1);
}

const server = createService();
server.on("error", (error) => {
  log({ message: "fatal", error: error.message });
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  log({ message: "listening", host, port: typeof address === "object" && address ? address.port : port, version: SERVICE_VERSION });
});

// Stop accepting connections, let the requests in flight finish, then exit.
function stop(): void {
  server.close(() => {
    log({ message: "stopped" });
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
