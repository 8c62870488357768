import { createDb } from "../db/client";
import { horizonMonths } from "../http/app-env";
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
