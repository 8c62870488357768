import { lt, lte, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { adminSessions, idempotencyKeys } from "../db/schema";

/** One DELETE on an expiry index; answers how many rows went. */
async function sweep(db: Db, table: SQLiteTable, expired: SQL | undefined): Promise<number> {
	// Deleting expired rows twice is harmless: the D1 wrapper may retry it.
	const result = await idempotent(db.delete(table).where(expired));
	return result.meta.changes;
}

/** Idempotency-Keys past their 24 hours: a range scan of idempotency_expires_idx. */
export const deleteExpiredIdempotencyKeys = (db: Db, now: number) =>
	sweep(db, idempotencyKeys, lt(idempotencyKeys.expiresAt, now));

/** Console sessions past their expiry: a range scan of admin_sessions_expires_idx. */
export const deleteExpiredSessions = (db: Db, now: number) =>
	sweep(db, adminSessions, lte(adminSessions.expiresAt, now));
