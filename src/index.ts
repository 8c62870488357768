import { createApp } from "./app";
import {
	runScheduledMaterialization,
	sweepExpiredAdminSessions,
	sweepExpiredIdempotencyKeys,
	sweepHolds,
} from "./jobs/scheduled";

const app = createApp();

export default {
	fetch: app.fetch,
	scheduled: (controller, env, ctx) => {
		// Independent chores: one failing must not keep the other from running.
		ctx.waitUntil(runScheduledMaterialization(env, controller.scheduledTime));
		ctx.waitUntil(sweepExpiredIdempotencyKeys(env, controller.scheduledTime));
		ctx.waitUntil(sweepExpiredAdminSessions(env, controller.scheduledTime));
		ctx.waitUntil(sweepHolds(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env>;
