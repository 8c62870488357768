import { createApp } from "./app";
import { deliverWebhooks } from "./jobs/deliver-webhooks";
import {
	runScheduledMaterialization,
	sweepChanges,
	sweepExpiredAdminSessions,
	sweepExpiredIdempotencyKeys,
	sweepHolds,
	sweepOutbox,
} from "./jobs/scheduled";
import type { DeliveryMessage } from "./webhooks/outbox";

const app = createApp();
/** wrangler.toml's second trigger: the outbox sweep alone, every five minutes. */
const OUTBOX_CRON = "*/5 * * * *";

export default {
	fetch: app.fetch,
	scheduled: (controller, env, ctx) => {
		// Every trigger re-sends outbox rows whose send was lost; the daily one does the rest.
		ctx.waitUntil(sweepOutbox(env, controller.scheduledTime));
		if (controller.cron === OUTBOX_CRON) return;
		// Independent chores: one failing must not keep the other from running.
		ctx.waitUntil(runScheduledMaterialization(env, controller.scheduledTime));
		ctx.waitUntil(sweepExpiredIdempotencyKeys(env, controller.scheduledTime));
		ctx.waitUntil(sweepExpiredAdminSessions(env, controller.scheduledTime));
		ctx.waitUntil(sweepChanges(env, controller.scheduledTime));
		ctx.waitUntil(sweepHolds(env, controller.scheduledTime));
	},
	// Webhook deliveries, one message each (wrangler.toml [[queues.consumers]]).
	queue: (batch, env, _ctx) => deliverWebhooks(batch as MessageBatch<DeliveryMessage>, env),
} satisfies ExportedHandler<Env>;
