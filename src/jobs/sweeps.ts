import { lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { idempotencyKeys } from "../db/schema";

/** The cron's sweep: one DELETE, a range scan of idempotency_expires_idx. */
export async function deleteExpiredIdempotencyKeys(db: Db, now: number): Promise<number> {
	// Deleting expired rows twice is harmless: the D1 wrapper may retry it.
	const result = await idempotent(
		db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)),
	);
	return result.meta.changes;
}
