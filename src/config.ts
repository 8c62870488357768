// Settings read from Env (wrangler.toml [vars]) in one place, each with its default and bounds.
import { limits } from "./lib/fields";

/** The Cron Trigger's horizon in months, from the HORIZON_MONTHS var (default 3). */
export function horizonMonths(env: Env): number {
	const months = Number(env.HORIZON_MONTHS);
	return Number.isInteger(months) && months >= 1 && months <= 24 ? months : 3;
}

/** Patterns per cron page, from the CRON_PAGE_SIZE var (default 1000). */
export function cronPageSize(env: Env): number {
	const size = Number(env.CRON_PAGE_SIZE);
	return Number.isInteger(size) && size >= 1 && size <= 5000 ? size : 1000;
}

/** What one request may write into sessions (a create, an edit, a split, a materialize call). */
export interface WriteBudget {
	/** Sessions, from MAX_SESSIONS_PER_WRITE (default limits.maxSessionsPerWrite). */
	sessions: number;
	/** Bytes of title and description copied into them, from MAX_SESSION_TEXT_BYTES_PER_WRITE. */
	textBytes: number;
}

export function writeBudget(env: Env): WriteBudget {
	const sessions = Number(env.MAX_SESSIONS_PER_WRITE);
	const textBytes = Number(env.MAX_SESSION_TEXT_BYTES_PER_WRITE);
	return {
		sessions:
			Number.isInteger(sessions) && sessions >= 1 && sessions <= 10_000_000
				? sessions
				: limits.maxSessionsPerWrite,
		textBytes:
			Number.isInteger(textBytes) && textBytes >= 1024 && textBytes <= 2 ** 40
				? textBytes
				: limits.maxSessionTextBytesPerWrite,
	};
}
