import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { unscopedKeysOnly } from "../http/unscoped-keys";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { sendPending } from "./outbox";
import {
	CreateWebhookBody,
	DeliveryParams,
	DeliverySchema,
	NewWebhookSchema,
	RotateBody,
	UpdateWebhookBody,
	WebhookSchema,
} from "./schemas";
import {
	checkWebhookUrl,
	createWebhook,
	deleteWebhook,
	deliveryJson,
	findWebhook,
	listDeliveries,
	listWebhooks,
	ROTATION_OVERLAP_HOURS,
	requeueDelivery,
	rotateWebhookSecret,
	updateWebhook,
	webhookJson,
} from "./service";

const tags = ["Webhooks"];

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
