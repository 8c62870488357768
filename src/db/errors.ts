// What D1's failures mean, for the retrying wrapper (retry.ts), the error handler and the cron's logs.

/**
 * D1 errors that mean "the database had a blip; the same request may well succeed shortly": the
 * ones D1's error list says to retry (https://developers.cloudflare.com/d1/observability/debug-d1/)
 * plus overload and lock contention. Whether a write they interrupted committed is unknown, which
 * is why only reads and idempotent writes are retried (src/db/retry.ts).
 */
const transientD1 =
	/network connection lost|storage caused object to be reset|reset because its code was updated|cannot resolve D1 DB due to transient issue|D1 DB is overloaded|too many requests queued|requests queued for too long|D1_ERROR: .*(SQLITE_BUSY|database is locked)/i;

export function isTransientD1Error(error: unknown): boolean {
	return error instanceof Error && transientD1.test(causeChain(error));
}

/** An error's message and those of its causes: drivers wrap D1's own message in their errors. */
export function causeChain(error: Error): string {
	let text = error.message;
	let cause: unknown = error.cause;
	while (cause instanceof Error) {
		text += ` ${cause.message}`;
		cause = cause.cause;
	}
	return text;
}
