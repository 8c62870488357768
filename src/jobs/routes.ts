import { createRoute, z } from "@hono/zod-openapi";
import { horizonMonths, writeBudget } from "../config";
import { jsonResponse, problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { limits } from "../lib/fields";
import { materializeDuePatterns } from "./materialize";

export const jobRoutes = createRouter();

const MaterializeBody = z.object({
	months_ahead: z
		.number()
		.int()
		.min(1)
		.max(limits.maxMonthsAhead)
		.optional()
		.openapi({ example: 3 }),
});

const MaterializeReport = z
	.object({
		horizon: z.string(),
		patterns_scanned: z.number().int(),
		occurrences_created: z.number().int(),
		batches: z.number().int(),
		complete: z.boolean().openapi({
			description: `False when the run stopped early, after its time budget or after creating ${limits.maxSessionsPerWrite} sessions or copying ${limits.maxSessionTextBytesPerWrite} bytes of title and description into them (MAX_SESSIONS_PER_WRITE, MAX_SESSION_TEXT_BYTES_PER_WRITE): run it again to carry on.`,
		}),
		duration_ms: z.number(),
	})
	.openapi("MaterializeReport", {
		example: {
			horizon: "2026-04-01T00:00:00Z",
			patterns_scanned: 120,
			occurrences_created: 1560,
			batches: 1,
			complete: true,
			duration_ms: 84,
		},
	});

jobRoutes.openapi(
	createRoute({
		method: "post",
		path: "/materialize",
		operationId: "materializeSessions",
		tags: ["Jobs"],
		summary: "Run the materialization job now (what the Cron Trigger runs daily)",
		description:
			"A key scoped to some calendars materializes only their patterns; the root token and unscoped keys, every calendar's.",
		request: {
			body: { required: false, content: { "application/json": { schema: MaterializeBody } } },
		},
		responses: { 200: jsonResponse(MaterializeReport, "What the run did"), ...problems(400) },
	}),
	async (c) => {
		const body = c.req.valid("json");
		const report = await materializeDuePatterns(c.var.db, {
			now: Date.now(),
			months: body.months_ahead ?? horizonMonths(c.env),
			budget: writeBudget(c.env),
			scope: c.var.principal,
		});
		console.log(JSON.stringify({ event: "materialize", trigger: "api", ...report }));
		return c.json(report, 200);
	},
);
