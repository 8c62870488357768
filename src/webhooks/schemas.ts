import { z } from "@hono/zod-openapi";
import { idParam } from "../lib/fields";
import { deliveryStatuses, ROTATION_OVERLAP_HOURS, webhookEvents } from "./service";

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

export const CreateWebhookBody = z
	.object({ url, events, calendar_ids: calendarIds.optional() })
	.openapi("CreateWebhook", {
		example: { url: webhookExample.url, events: ["occurrence.cancelled", "booking.confirmed"] },
	});

export const UpdateWebhookBody = z
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

export const RotateBody = z
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

export const DeliverySchema = z
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

export const DeliveryParams = idParam("Webhook").extend({
	delivery_id: z
		.string()
		.max(64)
		.openapi({
			param: { name: "delivery_id", in: "path" },
			example: "msg_6f1c2b0e9a4d4c21b7e3f0a9d8c7b6a5",
		}),
});
