/**
 * Hooks into the dynamic provider host's gRPC server, which hands a dynamic provider only the inputs of a
 * call. Wrapping grpc-js's `Server.prototype._retrieveHandler` (the lookup of a method's handler, once per
 * incoming call) lets this package see the engine's Cancel, which the host answers with a no-op, and run
 * each Create/Update/Read handler inside an AsyncLocalStorage holding that call's resource URN, which the
 * progress output reads. Best effort: if grpc-js changes shape nothing is installed, waits still end at
 * their timeout and progress goes to stdout.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export const CANCEL_PATH = "/pulumirpc.ResourceProvider/Cancel";
const URN_PATHS: Readonly<Record<string, HostCall["method"]>> = {
  "/pulumirpc.ResourceProvider/Create": "create",
  "/pulumirpc.ResourceProvider/Update": "update",
  "/pulumirpc.ResourceProvider/Read": "read",
};

export interface HostCall {
  method: "create" | "update" | "read";
  /** The resource this call is about, when the request carried one. */
  urn?: string;
}

const calls = new AsyncLocalStorage<HostCall>();

/** The engine call the current code runs for, inside a hooked host. */
export function currentHostCall(): HostCall | undefined {
  return calls.getStore();
}

export interface HostHookOptions {
  /** Called when the engine sends Cancel (Ctrl-C in `pulumi up`). */
  onCancel?: () => void;
}

type Handler = { type?: unknown; func?: unknown };
type UnaryFunc = (this: unknown, call: unknown, callback: unknown) => unknown;

/**
 * Installs the hooks on a grpc-js `Server.prototype`; returns the uninstaller, or undefined when the
 * prototype does not have the expected shape.
 */
export function installHostHooks(
  serverPrototype: Record<string, unknown>,
  opts: HostHookOptions,
): (() => void) | undefined {
  const original = serverPrototype._retrieveHandler;
  if (typeof original !== "function") return undefined;
  const hooked = function (this: unknown, path: string): unknown {
    if (path === CANCEL_PATH && opts.onCancel) {
      try {
        opts.onCancel();
      } catch {
        // The host still answers the Cancel; our listener failing must not break the call.
      }
    }
    const handler: unknown = original.call(this, path);
    const method = URN_PATHS[path];
    return method ? withCallContext(handler, method) : handler;
  };
  serverPrototype._retrieveHandler = hooked;
  return () => {
    if (serverPrototype._retrieveHandler === hooked) serverPrototype._retrieveHandler = original;
  };
}

function withCallContext(handler: unknown, method: HostCall["method"]): unknown {
  if (typeof handler !== "object" || handler === null) return handler;
  const h = handler as Handler;
  if (h.type !== "unary" || typeof h.func !== "function") return handler;
  const func = h.func as UnaryFunc;
  const wrapped: UnaryFunc = function (this: unknown, call, callback) {
    const urn = urnOf(call);
    return calls.run({ method, ...(urn ? { urn } : {}) }, () => func.call(this, call, callback));
  };
  return { ...h, func: wrapped };
}

function urnOf(call: unknown): string | undefined {
  try {
    const request = (call as { request?: { getUrn?: () => unknown } } | null)?.request;
    const urn = typeof request?.getUrn === "function" ? request.getUrn() : undefined;
    return typeof urn === "string" && urn !== "" ? urn : undefined;
  } catch {
    return undefined;
  }
}
