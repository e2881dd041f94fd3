/** Replies, error bodies and the plumbing every route shares. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Reply {
  status: number;
  /** Serialised as JSON; `undefined` sends an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** 32 lower-case hex characters, like the gateway's `X-Request-Id`. */
export function newRequestId(): string {
  return randomUUID().replaceAll("-", "");
}

/**
 * A service error: `{"error_code", "error_msg"}` (or `{"code", "message"}`, as some gateways answer). Errors
 * raised by the API gateway itself (`APIGW.*`) also carry the `request_id`, as the real gateway's do.
 */
export function apiError(
  status: number,
  code: string,
  msg: string,
  requestId: string,
  shape: "error_code" | "code" = "error_code",
): Reply {
  const gateway = code.startsWith("APIGW.") ? { request_id: requestId } : {};
  return {
    status,
    body:
      shape === "code"
        ? { code, message: msg, ...gateway }
        : { error_code: code, error_msg: msg, ...gateway },
  };
}

/** IAM's own error shape. */
export function iamError(code: number, title: string, message: string): Reply {
  return { status: code, body: { error: { code, message, title } } };
}

export function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { error_code?: unknown; code?: unknown };
  const code = b.error_code ?? b.code;
  return typeof code === "string" ? code : undefined;
}

const MAX_BODY_BYTES = 1 << 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const chunk = c as Buffer;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new InputError("request body larger than 1 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The caller's mistake (a bad body, an invalid spec): the admin API answers it with 400. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** Parses a JSON body; an empty body is `undefined`. Throws InputError on bad JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError("request body is not valid JSON");
  }
}

export function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json;charset=UTF-8",
    "Content-Length": String(Buffer.byteLength(body)),
    "X-Request-Id": requestId,
    ...reply.headers,
  });
  res.end(body);
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
