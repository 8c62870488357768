// Retrying D1's transient failures. A read can always be sent again. A write can only be sent
// again when running it twice leaves the same state as running it once: after "Network
// connection lost" nobody knows whether the first attempt committed, so a non-idempotent write
// (a guarded version bump, a plain INSERT) is never repeated blindly; its request answers 503 and
// the client decides (with If-Match or an Idempotency-Key). Backoff is exponential with full
// jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
import { isTransientD1Error } from "./errors";

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	tries: number;
	/** The cap of the first backoff; each later one doubles it. */
	baseDelayMs: number;
	sleep: (ms: number) => Promise<void>;
	/** A number in [0, 1): the jitter. */
	random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
	tries: 3,
	// Small: a Worker request has little time, and D1's blips are short or long, rarely between.
	baseDelayMs: 20,
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
	random: Math.random,
};

/** The wait before attempt `attempt + 1`: uniform in [0, base × 2^(attempt − 1)). */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
	return Math.floor(policy.random() * policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Runs `attempt` until it succeeds, fails for good, or has used `policy.tries` attempts. */
export async function withRetry<T>(
	retriable: boolean,
	policy: RetryPolicy,
	attempt: () => Promise<T>,
): Promise<T> {
	for (let tries = 1; ; tries++) {
		try {
			return await attempt();
		} catch (error) {
			if (!retriable || tries >= policy.tries || !isTransientD1Error(error)) throw error;
			await policy.sleep(backoffMs(tries, policy));
		}
	}
}

const writes = /^\s*(insert|update|delete|replace|with)\b/i;

export const isWrite = (query: string) => writes.test(query);

/** SQL texts of writes that may run twice (statement shapes; values are bound separately). */
const idempotentShapes = new Set<string>();

/**
 * Declares a query's statement shape idempotent, whatever values it is run with, so the D1
 * wrapper may retry it after a transient failure. Only for writes whose repetition is harmless:
 * `INSERT … ON CONFLICT DO NOTHING` on a natural key, an UPDATE that sets absolute values, a
 * DELETE. Never for a write that bumps a version or inserts under a fresh id.
 */
export function idempotent<T extends { toSQL(): { sql: string } }>(query: T): T {
	idempotentShapes.add(query.toSQL().sql);
	return query;
}

/** Whether a statement may be sent again after a transient failure. */
export const mayRetry = (query: string) => !isWrite(query) || idempotentShapes.has(query);
