import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import {
	type WebhookDeliveryRow,
	type WebhookRow,
	webhookAttempts,
	webhookDeliveries,
	webhooks,
} from "../db/schema";
import { ApiError, notFound } from "../http/problem";
import { newWebhookSecret } from "../lib/standard-webhooks";
import { webhookUrlProblem } from "../lib/webhook-url";
import { isoUtc } from "../recurrence";
import { sealSecret } from "./secrets";

export const deliveryStatuses = ["pending", "queued", "delivered", "failed", "dead"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const webhookEvents = [
	"pattern.created",
	"pattern.updated",
	"pattern.deleted",
	"occurrence.created",
	"occurrence.updated",
	"occurrence.cancelled",
	"occurrence.completed",
	"occurrence.deleted",
	"booking.confirmed",
	"booking.waitlisted",
	"booking.promoted",
	"booking.cancelled",
	"*",
] as const;

/** How long the secret before a rotation keeps signing alongside the new one, by default. */
export const ROTATION_OVERLAP_HOURS = 24;

export interface WebhookSettings {
	url?: string;
	events?: string[];
	calendarIds?: number[] | null;
	enabled?: boolean;
}

export const liveWebhook = (id: number) => and(eq(webhooks.id, id), isNull(webhooks.deletedAt));

/** 400 unless the URL may receive webhooks here (production: https on a public host only). */
export function checkWebhookUrl(url: string, allowLocal: boolean) {
	const problem = webhookUrlProblem(url, allowLocal);
	if (problem) {
		throw new ApiError("validation", `url: ${problem}`, {
			errors: [{ path: "url", message: problem }],
		});
	}
}

export async function createWebhook(
	db: Db,
	fields: { url: string; events: string[]; calendarIds: number[] | null; createdBy: string },
	options: { now: number; sealKey: string },
): Promise<{ row: WebhookRow; secret: string }> {
	const secret = newWebhookSecret();
	const [row] = await db
		.insert(webhooks)
		.values({
			url: fields.url,
			events: fields.events,
			calendarIds: fields.calendarIds,
			secret: await sealSecret(options.sealKey, secret),
			createdBy: fields.createdBy,
			createdAt: options.now,
			updatedAt: options.now,
		})
		.returning();
	if (!row) throw new Error("webhook insert returned no row");
	return { row, secret };
}

export async function findWebhook(db: Db, id: number): Promise<WebhookRow> {
	const [row] = await db.select().from(webhooks).where(liveWebhook(id));
	if (!row) throw notFound("Webhook", id);
	return row;
}

export const listWebhooks = (db: Db) =>
	db.select().from(webhooks).where(isNull(webhooks.deletedAt)).orderBy(webhooks.id).limit(1000);

export async function updateWebhook(db: Db, id: number, settings: WebhookSettings, now: number) {
	const [row] = await db
		.update(webhooks)
		.set({
			...(settings.url === undefined ? {} : { url: settings.url }),
			...(settings.events === undefined ? {} : { events: settings.events }),
			...(settings.calendarIds === undefined ? {} : { calendarIds: settings.calendarIds }),
			...(settings.enabled === undefined
				? {}
				: settings.enabled
					? { disabledAt: null, disabledReason: null }
					: { disabledAt: now, disabledReason: "Disabled by hand." }),
			updatedAt: now,
		})
		.where(liveWebhook(id))
		.returning();
	if (!row) throw notFound("Webhook", id);
	return row;
}

/** Soft delete: its deliveries stay in the log; no new ones are made or sent. */
export async function deleteWebhook(db: Db, id: number, now: number) {
	const [row] = await db
		.update(webhooks)
		.set({ deletedAt: now, updatedAt: now })
		.where(liveWebhook(id))
		.returning({ id: webhooks.id });
	if (!row) throw notFound("Webhook", id);
}

/**
 * A new secret; the current one keeps signing alongside it (two v1 signatures per delivery) until
 * `previous_expires_at`, so receivers can switch without dropping a delivery.
 */
export async function rotateWebhookSecret(
	db: Db,
	id: number,
	options: { now: number; sealKey: string; overlapHours: number },
) {
	const secret = newWebhookSecret();
	const previousExpiresAt = options.now + options.overlapHours * 3_600_000;
	const [row] = await db
		.update(webhooks)
		.set({
			previousSecret: sql`${webhooks.secret}`,
			previousExpiresAt,
			secret: await sealSecret(options.sealKey, secret),
			updatedAt: options.now,
		})
		.where(liveWebhook(id))
		.returning();
	if (!row) throw notFound("Webhook", id);
	return { row, secret };
}

/** The newest deliveries of an endpoint with each one's attempts, in one round trip. */
export async function listDeliveries(db: Db, webhookId: number, limit: number) {
	const recent = db
		.select({ id: webhookDeliveries.id })
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.webhookId, webhookId))
		.orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
		.limit(limit);
	const [hook, deliveries, attempts] = await db.batch([
		db.select({ id: webhooks.id }).from(webhooks).where(liveWebhook(webhookId)),
		db
			.select()
			.from(webhookDeliveries)
			.where(inArray(webhookDeliveries.id, recent))
			.orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)),
		db
			.select()
			.from(webhookAttempts)
			.where(inArray(webhookAttempts.deliveryId, recent))
			.orderBy(webhookAttempts.id),
	]);
	if (hook.length === 0) throw notFound("Webhook", webhookId);
	return deliveries.map((delivery) => ({
		...delivery,
		log: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
	}));
}

/** Puts a delivery back in the outbox (pending, same id: the receiver sees the same webhook-id). */
export async function requeueDelivery(db: Db, webhookId: number, deliveryId: string) {
	const [row] = await db
		.update(webhookDeliveries)
		.set({ status: "pending", nextAttemptAt: null })
		.where(
			and(
				eq(webhookDeliveries.id, deliveryId),
				eq(webhookDeliveries.webhookId, webhookId),
				sql`EXISTS (SELECT 1 FROM ${webhooks} WHERE ${liveWebhook(webhookId)})`,
			),
		)
		.returning();
	if (!row)
		throw new ApiError(
			"not_found",
			`Delivery ${deliveryId} of webhook ${webhookId} does not exist.`,
		);
	return row;
}

export function webhookJson(row: WebhookRow) {
	return {
		id: row.id,
		url: row.url,
		events: row.events,
		calendar_ids: row.calendarIds,
		enabled: row.disabledAt === null,
		disabled_at: row.disabledAt === null ? null : isoUtc(row.disabledAt),
		disabled_reason: row.disabledReason,
		previous_secret_expires_at:
			row.previousSecret && row.previousExpiresAt ? isoUtc(row.previousExpiresAt) : null,
		created_at: isoUtc(row.createdAt),
		updated_at: isoUtc(row.updatedAt),
	};
}

const isoOrNull = (ms: number | null) => (ms === null ? null : isoUtc(ms));

export function deliveryJson(
	row: WebhookDeliveryRow & { log?: (typeof webhookAttempts.$inferSelect)[] },
) {
	return {
		id: row.id,
		event: row.event,
		change_seq: row.changeSeq,
		status: row.status as DeliveryStatus,
		attempts: row.attempts,
		last_status: row.lastStatus,
		last_response: row.lastResponse,
		last_attempt_at: isoOrNull(row.lastAttemptAt),
		next_attempt_at: isoOrNull(row.nextAttemptAt),
		created_at: isoUtc(row.createdAt),
		delivered_at: isoOrNull(row.deliveredAt),
		log: (row.log ?? []).map((attempt) => ({
			status: attempt.status,
			error: attempt.error,
			response: attempt.response,
			duration_ms: attempt.durationMs,
			at: isoUtc(attempt.at),
		})),
	};
}
