import {
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

/** Runs the Worker's scheduled handler as the Cron Trigger would, and waits for all its work. */
export async function runScheduled(scheduledTime = Date.now(), environment: Env = env) {
	const ctx = createExecutionContext();
	worker.scheduled(createScheduledController({ scheduledTime }), environment, ctx);
	await waitOnExecutionContext(ctx);
}
