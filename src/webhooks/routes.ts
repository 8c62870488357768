import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { ApiError } from "../http/problem";
import { unscopedKeysOnly } from "../http/unscoped-keys";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { sendPending } from "./outbox";
import {
	checkWebhookUrl,
	createWebhook,
	deleteWebhook,
	deliveryJson,
	deliveryStatuses,
	findWebhook,
	listDeliveries,
	listWebhooks,
	ROTATION_OVERLAP_HOURS,
	requeueDelivery,
	rotateWebhookSecret,
	updateWebhook,
	webhookEvents,
	webhookJson,
} from "./service";

const tags = ["Webhooks"];

const webhookExample = {
	id: 4,
	url: "https://example.com/hooks/calendar",
	events: ["occurrence.cancelled", "booking.confirmed"],
	calendar_ids: null,
	enabled: true,
	disabled_at: null,
	disabled_reason: null,
	previous_secret_expires_at: null,
	created_at: "2026-03-01T09:00:00.000Z",
	updated_at: "2026-03-01T09:00:00.000Z",
};
const secretExample = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9qZ5xZBqqz4=";

export const WebhookSchema = z
	.object({
		id: z.number().int(),
		url: z.string(),
		events: z.array(z.string()),
		calendar_ids: z.array(z.number().int()).nullable(),
		enabled: z.boolean(),
		disabled_at: z.string().nullable(),
		disabled_reason: z.string().nullable(),
		previous_secret_expires_at: z
			.string()
			.nullable()
			.openapi({ description: "Until when the secret before the last rotation also signs" }),
		created_at: z.string(),
		updated_at: z.string(),
	})
	.openapi("Webhook", { example: webhookExample });

export const NewWebhookSchema = WebhookSchema.extend({
	secret: z.string().openapi({ description: "The signing secret (whsec_…): shown only now" }),
}).openapi("NewWebhook", { example: { ...webhookExample, secret: secretExample } });

const events = z
	.array(z.enum(webhookEvents, `Events are ${webhookEvents.join(", ")}.`))
	.min(1, "Subscribe to at least one event (or *).")
	.max(webhookEvents.length);
const url = z.string().max(2000).openapi({ example: "https://example.com/hooks/calendar" });
const calendarIds = z.array(z.number().int().min(1)).min(1).max(100).nullable();

const CreateWebhookBody = z
	.object({ url, events, calendar_ids: calendarIds.optional() })
	.openapi("CreateWebhook", {
		example: { url: webhookExample.url, events: ["occurrence.cancelled", "booking.confirmed"] },
	});

const UpdateWebhookBody = z
	.object({
		url: url.optional(),
		events: events.optional(),
		calendar_ids: calendarIds.optional(),
		enabled: z
			.boolean()
			.optional()
			.openapi({ description: "false pauses; true re-enables (also after a 410)" }),
	})
	.openapi("UpdateWebhook", { example: { enabled: true } });

const RotateBody = z
	.object({
		overlap_hours: z
			.number()
			.int()
			.min(0)
			.max(168)
			.optional()
			.openapi({
				description: `How long the old secret keeps signing too (default ${ROTATION_OVERLAP_HOURS})`,
			}),
	})
	.openapi("RotateWebhookSecret", { example: { overlap_hours: 24 } });

const DeliverySchema = z
	.object({
		id: z.string().openapi({ description: "The webhook-id header of every attempt" }),
		event: z.string(),
		change_seq: z.number().int(),
		status: z.enum(deliveryStatuses),
		attempts: z.number().int(),
		last_status: z.number().int().nullable(),
		last_response: z
			.string()
			.nullable()
			.openapi({ description: "The first 1 KB of the last answer" }),
		last_attempt_at: z.string().nullable(),
		next_attempt_at: z.string().nullable(),
		created_at: z.string(),
		delivered_at: z.string().nullable(),
		log: z.array(
			z.object({
				status: z.number().int().nullable(),
				error: z.string().nullable(),
				response: z.string().nullable(),
				duration_ms: z.number().int().nullable(),
				at: z.string(),
			}),
		),
	})
	.openapi("WebhookDelivery", {
		example: {
			id: "msg_6f1c2b0e9a4d4c21b7e3f0a9d8c7b6a5",
			event: "occurrence.cancelled",
			change_seq: 41,
			status: "delivered",
			attempts: 1,
			last_status: 200,
			last_response: "ok",
			last_attempt_at: "2026-03-02T09:14:03.512Z",
			next_attempt_at: null,
			created_at: "2026-03-02T09:14:03.120Z",
			delivered_at: "2026-03-02T09:14:03.512Z",
			log: [
				{
					status: 200,
					error: null,
					response: "ok",
					duration_ms: 92,
					at: "2026-03-02T09:14:03.512Z",
				},
			],
		},
	});

const DeliveryParams = idParam("Webhook").extend({
	delivery_id: z
		.string()
		.max(64)
		.openapi({
			param: { name: "delivery_id", in: "path" },
			example: "msg_6f1c2b0e9a4d4c21b7e3f0a9d8c7b6a5",
		}),
});

const allowLocal = (env: Env) => env.ALLOW_LOCAL_WEBHOOKS === "true";

export const webhookRoutes = createRouter();

// An endpoint receives events of the calendars it names, or of all: only a key that sees every
// calendar may manage endpoints, so a scoped key can never subscribe to another calendar's events.
webhookRoutes.use("*", unscopedKeysOnly("Webhook endpoints"));

webhookRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createWebhook",
		tags,
		summary: "Register a webhook endpoint (its signing secret is shown once)",
		description:
			"Deliveries are POSTs signed as Standard Webhooks 1.0 sign them (webhook-id, webhook-timestamp, webhook-signature). Production accepts only https URLs on public hosts.",
		request: jsonBody(CreateWebhookBody),
		responses: {
			201: jsonResponse(NewWebhookSchema, "Created; `secret` is shown only now"),
			...problems(400, 415),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		checkWebhookUrl(body.url, allowLocal(c.env));
		const { row, secret } = await createWebhook(
			c.var.db,
			{
				url: body.url,
				events: body.events,
				calendarIds: body.calendar_ids ?? null,
				createdBy: c.var.principal.id,
			},
			{ now: Date.now(), sealKey: c.env.WEBHOOK_SECRETS_KEY },
		);
		return c.json({ ...webhookJson(row), secret }, 201);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listWebhooks",
		tags,
		summary: "List webhook endpoints",
		responses: { 200: jsonResponse(z.array(WebhookSchema), "Endpoints"), ...problems() },
	}),
	async (c) => c.json((await listWebhooks(c.var.db)).map(webhookJson), 200),
);

webhookRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}",
		operationId: "getWebhook",
		tags,
		summary: "One webhook endpoint",
		request: { params: idParam("Webhook") },
		responses: { 200: jsonResponse(WebhookSchema, "The endpoint"), ...problems(404) },
	}),
	async (c) => c.json(webhookJson(await findWebhook(c.var.db, c.req.valid("param").id)), 200),
);

webhookRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/{id}",
		operationId: "updateWebhook",
		tags,
		summary: "Change an endpoint's URL, events or calendars, or pause and re-enable it",
		request: { params: idParam("Webhook"), ...jsonBody(UpdateWebhookBody) },
		responses: { 200: jsonResponse(WebhookSchema, "Updated"), ...problems(400, 404, 415) },
	}),
	async (c) => {
		const body = c.req.valid("json");
		if (body.url !== undefined) checkWebhookUrl(body.url, allowLocal(c.env));
		const row = await updateWebhook(
			c.var.db,
			c.req.valid("param").id,
			{ url: body.url, events: body.events, calendarIds: body.calendar_ids, enabled: body.enabled },
			Date.now(),
		);
		return c.json(webhookJson(row), 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "deleteWebhook",
		tags,
		summary: "Delete an endpoint: nothing more is sent to it",
		request: { params: idParam("Webhook") },
		responses: {
			200: jsonResponse(
				z.object({ message: z.string() }).openapi({ example: { message: "Webhook 4 deleted." } }),
				"Deleted",
			),
			...problems(404),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		await deleteWebhook(c.var.db, id, Date.now());
		return c.json({ message: `Webhook ${id} deleted.` }, 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/rotate-secret",
		operationId: "rotateWebhookSecret",
		tags,
		summary: "Rotate the signing secret; the old one keeps signing alongside during the overlap",
		request: {
			params: idParam("Webhook"),
			body: { required: false, content: { "application/json": { schema: RotateBody } } },
		},
		responses: {
			200: jsonResponse(NewWebhookSchema, "The new secret, shown only now"),
			...problems(400, 404, 415),
		},
	}),
	async (c) => {
		const body = (c.req.valid("json") as z.infer<typeof RotateBody> | undefined) ?? {};
		const { row, secret } = await rotateWebhookSecret(c.var.db, c.req.valid("param").id, {
			now: Date.now(),
			sealKey: c.env.WEBHOOK_SECRETS_KEY,
			overlapHours: body.overlap_hours ?? ROTATION_OVERLAP_HOURS,
		});
		return c.json({ ...webhookJson(row), secret }, 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}/deliveries",
		operationId: "listWebhookDeliveries",
		tags,
		summary: "The delivery log: the newest deliveries, each with its attempts",
		request: {
			params: idParam("Webhook"),
			query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }),
		},
		responses: {
			200: jsonResponse(z.array(DeliverySchema), "Deliveries, newest first"),
			...problems(400, 404),
		},
	}),
	async (c) => {
		const rows = await listDeliveries(
			c.var.db,
			c.req.valid("param").id,
			c.req.valid("query").limit ?? 50,
		);
		return c.json(rows.map(deliveryJson), 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/deliveries/{delivery_id}/retry",
		operationId: "retryWebhookDelivery",
		tags,
		summary: "Send a delivery again (same webhook-id, same body), whatever its status",
		request: { params: DeliveryParams },
		responses: { 202: jsonResponse(DeliverySchema, "Queued again"), ...problems(404) },
	}),
	async (c) => {
		const { id, delivery_id } = c.req.valid("param");
		const row = await requeueDelivery(c.var.db, id, delivery_id);
		// Sent now; were this lost, the cron's sweep sends the pending row.
		await sendPending(c.var.db, c.env.WEBHOOK_QUEUE, { ids: [row.id] });
		return c.json(deliveryJson({ ...row, status: "queued" }), 202);
	},
);
