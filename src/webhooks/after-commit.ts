import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env";
import { sendPending } from "./outbox";

/**
 * After a write whose batch created webhook deliveries, sends them to the queue once the response
 * is on its way (waitUntil): no API request waits for a receiver, or for the queue. A send lost
 * here (the isolate dies) leaves the rows pending for the cron's sweep.
 */
export const sendAfterCommit: MiddlewareHandler<AppEnv> = async (c, next) => {
	await next();
	if ((c.var.usage?.outboxRows ?? 0) === 0) return;
	c.var.usage.outboxRows = 0;
	const db = c.var.db;
	c.executionCtx.waitUntil(
		sendPending(db, c.env.WEBHOOK_QUEUE).catch((error: unknown) => {
			console.error(JSON.stringify({ event: "webhook_send_failed", error: String(error) }));
		}),
	);
};
