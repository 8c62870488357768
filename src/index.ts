import { createApp } from "./app";
import { runScheduledMaterialization } from "./jobs/scheduled";

const app = createApp();

export default {
	fetch: app.fetch,
	scheduled: (controller, env, ctx) => {
		ctx.waitUntil(runScheduledMaterialization(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env>;
