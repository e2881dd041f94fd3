/**
 * A raw HTTP/1.1 fault server for the fault matrix: one request per connection, answered by a handler that
 * writes bytes by hand (or does not). It shares no code with `simulator/` or `provider/`: the wire JSON is
 * written here, and signatures are not checked. Listens on 127.0.0.1, port chosen by the OS.
 */
import net from "node:net";

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Reply {
  readonly socket: net.Socket;
  /** A complete response; `Connection: close` and `Content-Length` are added. */
  send(status: number, body: string, headers?: Record<string, string>): void;
  /** Writes raw bytes, counted in `bytesSent`. False when the peer is gone. */
  write(chunk: string | Buffer): boolean;
  /** TCP RST. */
  reset(): void;
  /** Resolves once the client has closed the connection (or it was destroyed). */
  closed: Promise<void>;
}

export type Handler = (req: RawRequest, reply: Reply, index: number) => void | Promise<void>;

const REASONS: Record<number, string> = {
  200: "OK",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  429: "Too Many Requests",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export class FaultServer {
  readonly requests: RawRequest[] = [];
  connections = 0;
  bytesSent = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(handler: Handler): Promise<FaultServer> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const fs = new FaultServer(server, port);
    server.on("connection", (socket) => fs.accept(socket, handler));
    return fs;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A timer that `close()` cancels, for handlers that drip bytes. */
  every(ms: number, fn: () => boolean | undefined): void {
    const t = setInterval(() => {
      if (fn() === false) {
        clearInterval(t);
        this.timers.delete(t);
      }
    }, ms);
    this.timers.add(t);
  }

  private accept(socket: net.Socket, handler: Handler): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    void closed.then(() => this.sockets.delete(socket));
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", path = ""] = (head[0] ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buf.length < end + 4 + length) return;
      socket.off("data", onData);
      const req: RawRequest = {
        method,
        path,
        headers,
        body: buf.subarray(end + 4, end + 4 + length).toString("utf8"),
        at: Date.now(),
      };
      this.requests.push(req);
      const reply: Reply = {
        socket,
        closed,
        write: (chunk) => {
          if (socket.destroyed || !socket.writable) return false;
          this.bytesSent += Buffer.byteLength(chunk);
          socket.write(chunk);
          return true;
        },
        send: (status, body, extra = {}) => {
          const hs = {
            "Content-Type": "application/json",
            ...extra,
            "Content-Length": String(Buffer.byteLength(body)),
            Connection: "close",
          };
          reply.write(statusLine(status) + headerBlock(hs) + body);
          socket.end();
        },
        reset: () => socket.resetAndDestroy(),
      };
      void Promise.resolve(handler(req, reply, this.requests.length - 1)).catch(() => socket.destroy());
    };
    socket.on("data", onData);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n`;
}

export function headerBlock(headers: Record<string, string>): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
}

/** A DDS job as the wire spells it, hand-written. */
export function ddsJobJson(id: string, status: "Running" | "Completed" | "Failed", progress = "50%"): string {
  const ended = status === "Running" ? "" : "2024-05-06T10:20:30+0000";
  return (
    `{"job":{"id":${JSON.stringify(id)},"name":"CreateMongoDB","status":"${status}",` +
    `"created":"2024-05-06T10:00:00+0000","ended":"${ended}","progress":"${status === "Running" ? progress : "100%"}",` +
    `"instance":{"id":"inst-1","name":"mongo-1"},"fail_reason":${status === "Failed" ? '"disk full"' : "null"}}}`
  );
}

export const NOT_FOUND_JSON = '{"error_code":"DBS.200543","error_msg":"The job does not exist."}';
