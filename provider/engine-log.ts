/**
 * The engine's `Log` RPC (pulumirpc.Engine/Log), as the dynamic provider host can reach it: the same call
 * native providers make for `[1/3] waiting ...`. A message carrying a resource URN lands on that resource's
 * row; an ephemeral one only replaces the row's status and never reaches the Diagnostics section.
 *
 * Delivery is best effort and never throws: messages go one at a time, in order (the engine handles
 * concurrent unary calls in any order, and a status must not overtake the outcome line); a status still
 * waiting to be sent is replaced by a newer one for the same resource; the first failed call marks the
 * channel broken and every message from then on is reported undelivered, so callers print it elsewhere.
 */
import type { ProgressOutput } from "./progress";

/** The parts of @grpc/grpc-js and Pulumi's generated engine stubs used here, taken from the running host. */
export interface EngineRpcModules {
  grpc: { credentials: { createInsecure(): unknown } };
  engineGrpc: { EngineClient: new (address: string, credentials: unknown) => EngineClientLike };
  enginePb: {
    LogRequest: new () => LogRequestLike;
    LogSeverity: { INFO: number; WARNING: number };
  };
}

interface LogRequestLike {
  setSeverity(value: number): void;
  setMessage(value: string): void;
  setUrn(value: string): void;
  setEphemeral(value: boolean): void;
}

interface EngineClientLike {
  log(
    request: LogRequestLike,
    options: { deadline: Date },
    callback: (err: Error | null | undefined) => void,
  ): unknown;
  close(): void;
}

export interface LogRecord {
  severity: "info" | "warning";
  message: string;
  /** The resource the message belongs to; its row shows it. */
  urn: string;
  /** Shown as the row's current status only: not kept, not repeated under Diagnostics. */
  ephemeral: boolean;
}

export interface EngineLog {
  /** Resolves true once the engine accepted the message, false if it was not delivered (never rejects). */
  log(record: LogRecord): Promise<boolean>;
  /** Resolves when everything queued so far has been sent or given up, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
  /** Why the channel stopped working, once it has. */
  readonly brokenReason: string | undefined;
  close(): void;
}

export interface EngineLogOptions {
  /** Per call; a slow engine must not hold up the wait. */
  deadlineMs?: number;
}

interface Pending {
  record: LogRecord;
  settle: (delivered: boolean) => void;
}

export function connectEngineLog(
  address: string,
  modules: EngineRpcModules,
  opts: EngineLogOptions = {},
): EngineLog {
  const deadlineMs = opts.deadlineMs ?? 5_000;
  let client: EngineClientLike | undefined;
  let broken: string | undefined;
  try {
    client = new modules.engineGrpc.EngineClient(address, modules.grpc.credentials.createInsecure());
  } catch (err) {
    broken = `cannot open the engine channel at ${address}: ${messageOf(err)}`;
  }
  const queue: Pending[] = [];
  let sending = false;
  let idleWaiters: Array<() => void> = [];

  const send = (record: LogRecord): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = new modules.enginePb.LogRequest();
      req.setSeverity(
        record.severity === "warning"
          ? modules.enginePb.LogSeverity.WARNING
          : modules.enginePb.LogSeverity.INFO,
      );
      req.setMessage(record.message);
      req.setUrn(record.urn);
      req.setEphemeral(record.ephemeral);
      client!.log(req, { deadline: new Date(Date.now() + deadlineMs) }, (err) =>
        err ? reject(err) : resolve(),
      );
    });

  const pump = async () => {
    if (sending) return;
    sending = true;
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (broken || !client) {
        next.settle(false);
        continue;
      }
      try {
        await send(next.record);
        next.settle(true);
      } catch (err) {
        broken = `the engine's Log call failed: ${messageOf(err)}`;
        next.settle(false);
      }
    }
    sending = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  return {
    get brokenReason() {
      return broken;
    },
    log(record) {
      if (broken || !client) return Promise.resolve(false);
      return new Promise<boolean>((settle) => {
        if (record.ephemeral) {
          // Only the latest status of a row is ever visible: drop one that has not been sent yet.
          const stale = queue.findIndex((p) => p.record.ephemeral && p.record.urn === record.urn);
          if (stale >= 0) {
            queue[stale]!.settle(true);
            queue.splice(stale, 1);
          }
        }
        queue.push({ record, settle });
        void pump();
      });
    },
    idle(timeoutMs) {
      if (!sending && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref?.();
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close() {
      try {
        client?.close();
      } catch {
        // Closing is tidying up; nothing depends on it succeeding.
      }
      client = undefined;
    },
  };
}

/** The resource name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`), for labels. */
export function resourceNameFromUrn(urn: string): string | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0]!.startsWith("urn:pulumi:")) return undefined;
  const name = parts.slice(3).join("::");
  return name === "" ? undefined : name;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Progress for one resource's row: statuses ephemeral, the outcome kept. A line the engine did not take is
 * written to `fallback` instead (after `onUndelivered`), so nothing is lost when the channel breaks.
 */
export function engineProgressOutput(
  log: EngineLog,
  urn: string,
  fallback: ProgressOutput,
  onUndelivered?: (reason: string | undefined) => void,
): ProgressOutput {
  const send = (message: string, ephemeral: boolean, orElse: (text: string) => void) => {
    void log.log({ severity: "info", message, urn, ephemeral }).then((delivered) => {
      if (delivered) return;
      try {
        onUndelivered?.(log.brokenReason);
        orElse(message);
      } catch {
        // Progress is a courtesy: a failing stdout must not fail the wait.
      }
    });
  };
  return {
    status: (text) => send(text, true, fallback.status),
    final: (text) => send(text, false, fallback.final),
  };
}
