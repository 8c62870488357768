import { and, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { holds } from "../db/schema";
import { runBatch, settle } from "../seats/batches";
import { bookingChanges } from "../seats/changes";

/** Sessions settled per cron run; the rest wait for the next run (or their next write). */
const SESSIONS_PER_SWEEP = 100;

/**
 * The cron's sweep: holds past expires_at end, and the sessions they held seats on settle
 * (their waitlists are promoted into the freed seats), in one batch after one indexed read of
 * holds_live_expires_idx. Answers how many sessions were settled.
 */
export async function sweepExpiredHolds(db: Db, now: number): Promise<number> {
	const expired = await db
		.selectDistinct({ occurrenceId: holds.occurrenceId })
		.from(holds)
		.where(and(isNull(holds.endedAt), lte(holds.expiresAt, now)))
		.limit(SESSIONS_PER_SWEEP);
	if (expired.length === 0) return 0;
	const ids = JSON.stringify(expired.map((row) => row.occurrenceId));
	const sessions = sql`SELECT value FROM json_each(${ids})`;
	await runBatch(db, [...settle(db, sessions, now), ...bookingChanges(db, sessions, now)]);
	return expired.length;
}
