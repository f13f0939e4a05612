// Retries with exponential backoff for the off-chain processes: a node restart or a flaky RPC is
// waited out; errors that retrying cannot fix go straight to the caller.
import type { Logger } from "pino";

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Connection-level failures (node down or restarting, timeouts, 5xx), as opposed to a refusal. */
export function isTransient(err: unknown): boolean {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const text = `${e.message ?? ""} ${e.code ?? ""} ${e.cause?.code ?? ""} ${e.cause?.message ?? ""}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|UND_ERR|fetch failed|socket hang up|network|timed? ?out|Bad status|status code 5\d\d|HTTP 5\d\d|was submitted but was not yet found on the chain|unreachable/i.test(
    text,
  );
}

export interface RetryOptions {
  log: Logger;
  /** What is being attempted, for the log line. */
  what: string;
  signal?: AbortSignal;
  /** Give up after this many attempts (default: never, until aborted). */
  attempts?: number;
  initialMs?: number;
  maxMs?: number;
  /** Which errors to retry (default: transient ones). */
  retryable?: (err: unknown) => boolean;
}

/** Run `fn`, retrying retryable failures with backoff; an abort ends retrying with the last error. */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const retryable = o.retryable ?? isTransient;
  let delay = o.initialMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const last = o.attempts !== undefined && attempt >= o.attempts;
      if (!retryable(err) || last || o.signal?.aborted) throw err;
      o.log.warn({ attempt, retryInMs: delay, err: (err as Error).message.split("\n")[0] }, `${o.what} failed; retrying`);
      await sleep(delay, o.signal);
      delay = Math.min(delay * 2, o.maxMs ?? 5_000);
    }
  }
}
