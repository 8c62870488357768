import { createDb } from "../db/client";
import { horizonMonths } from "../http/app-env";
import { deleteExpiredIdempotencyKeys } from "../http/idempotency";
import { materializeDuePatterns } from "./materialize";

/** The Cron Trigger: materialize through today + HORIZON_MONTHS and log one JSON line. */
export async function runScheduledMaterialization(env: Env, now: number) {
	const report = await materializeDuePatterns(createDb(env.DB), {
		now,
		months: horizonMonths(env),
	});
	console.log(JSON.stringify({ event: "materialize", trigger: "cron", ...report }));
	return report;
}

/**
 * The Cron Trigger's other chore: forget Idempotency-Keys past their 24 hours. It logs a line
 * only when it deleted some, so a cron run stays one line on quiet days.
 */
export async function sweepExpiredIdempotencyKeys(env: Env, now: number) {
	const deleted = await deleteExpiredIdempotencyKeys(createDb(env.DB), now);
	if (deleted > 0) {
		console.log(JSON.stringify({ event: "idempotency_sweep", trigger: "cron", deleted }));
	}
	return deleted;
}
