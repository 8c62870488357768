import { sweepExpiredHolds } from "../bookings/sweep";
import { sweepOldChanges } from "../changes/service";
import { cronPageSize, horizonMonths } from "../config";
import { createDb, emptyUsage, meteredSession } from "../db/client";
import { causeChain } from "../db/errors";
import { sendPending } from "../webhooks/outbox";
import { materializeDuePatterns } from "./materialize";
import { deleteExpiredIdempotencyKeys, deleteExpiredSessions } from "./sweeps";

/**
 * The Cron Trigger: materialize through today + HORIZON_MONTHS and log one JSON line. It goes
 * through the same retrying D1 wrapper as requests, on a D1 session that starts at the primary
 * (it writes, and must see every pattern written so far). A run that fails anyway is logged and rethrown
 * (so the platform records the failed invocation); every page it finished stays done, and the
 * next run carries on from there.
 */
export async function runScheduledMaterialization(env: Env, now: number) {
	const usage = emptyUsage();
	try {
		const report = await materializeDuePatterns(
			createDb(meteredSession(env.DB.withSession("first-primary"), usage)),
			{
				now,
				months: horizonMonths(env),
				pageSize: cronPageSize(env),
			},
		);
		console.log(JSON.stringify({ event: "materialize", trigger: "cron", ...report }));
		return report;
	} catch (error) {
		console.error(
			JSON.stringify({
				event: "materialize_failed",
				trigger: "cron",
				error: error instanceof Error ? causeChain(error) : String(error),
				d1: usage,
			}),
		);
		throw error;
	}
}

/** A D1 handle for a chore that writes: a session that starts at the primary. */
const primaryDb = (env: Env) =>
	createDb(meteredSession(env.DB.withSession("first-primary"), emptyUsage()));

/**
 * The Cron Trigger's other chore: forget Idempotency-Keys past their 24 hours. It logs a line
 * only when it deleted some, so a cron run stays one line on quiet days.
 */
export async function sweepExpiredIdempotencyKeys(env: Env, now: number) {
	const deleted = await deleteExpiredIdempotencyKeys(primaryDb(env), now);
	if (deleted > 0) {
		console.log(JSON.stringify({ event: "idempotency_sweep", trigger: "cron", deleted }));
	}
	return deleted;
}

/** And the console's: admin sessions past their 8 hours. One log line only when it deleted some. */
export async function sweepExpiredAdminSessions(env: Env, now: number) {
	const deleted = await deleteExpiredSessions(primaryDb(env), now);
	if (deleted > 0) {
		console.log(JSON.stringify({ event: "admin_session_sweep", trigger: "cron", deleted }));
	}
	return deleted;
}

/** Outbox rows still pending a minute after their write: their send was lost. Sent again. */
export const OUTBOX_GRACE_MS = 60_000;

export async function sweepOutbox(env: Env, now: number) {
	const sent = await sendPending(primaryDb(env), env.WEBHOOK_QUEUE, {
		olderThan: now - OUTBOX_GRACE_MS,
	});
	if (sent > 0) console.log(JSON.stringify({ event: "outbox_sweep", trigger: "cron", sent }));
	return sent;
}

/** Changes past the feed's retention (30 days, and a day's margin). */
export async function sweepChanges(env: Env, now: number) {
	const deleted = await sweepOldChanges(primaryDb(env), now);
	if (deleted > 0)
		console.log(JSON.stringify({ event: "changes_sweep", trigger: "cron", deleted }));
	return deleted;
}

/** And the bookings': holds past their expiry end, and the waitlists they blocked move up. */
export async function sweepHolds(env: Env, now: number) {
	const settled = await sweepExpiredHolds(primaryDb(env), now);
	if (settled > 0) {
		console.log(JSON.stringify({ event: "hold_sweep", trigger: "cron", sessions: settled }));
	}
	return settled;
}
