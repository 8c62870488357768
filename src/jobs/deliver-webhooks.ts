// The queue consumer: one message per delivery, each sent on its own (a slow receiver holds up
// only its own message, at most 15 s). Every attempt is logged; a 2xx delivers, a 410 disables
// the endpoint, anything else (or a timeout) retries later with a growing delay until the last
// attempt, after which the message goes to the dead-letter queue and the delivery is dead.
import { eq, sql } from "drizzle-orm";
import { changeData } from "../changes/service";
import { createDb, emptyUsage, meteredSession } from "../db/client";
import { changes, webhookAttempts, webhookDeliveries, webhooks } from "../db/schema";
import { signWebhook } from "../lib/standard-webhooks";
import { isoUtc } from "../recurrence";
import type { DeliveryMessage } from "../webhooks/outbox";
import { unsealSecret } from "../webhooks/secrets";

/** Attempts in all: wrangler.toml's max_retries + 1. */
export const MAX_ATTEMPTS = 8;
export const TIMEOUT_MS = 15_000;
/** A receiver's answer is kept to its first 1 KB. */
const RESPONSE_BYTES = 1024;
/** Delay before attempt n + 1, in seconds: 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h. */
const DELAYS = [30, 120, 600, 1800, 3600, 10_800, 21_600];
export const retryDelaySeconds = (attempt: number) =>
	DELAYS[Math.min(attempt, DELAYS.length) - 1] ?? 30;

type Db = ReturnType<typeof createDb>;

export interface DeliveryOptions {
	now?: () => number;
	fetch?: typeof fetch;
}

export async function deliverWebhooks(
	batch: MessageBatch<DeliveryMessage>,
	env: Env,
	options: DeliveryOptions = {},
) {
	const db = createDb(meteredSession(env.DB.withSession("first-primary"), emptyUsage()));
	await Promise.all(batch.messages.map((message) => deliverOne(db, env, message, options)));
}

async function deliverOne(
	db: Db,
	env: Env,
	message: Message<DeliveryMessage>,
	options: DeliveryOptions,
) {
	try {
		const outcome = await attempt(db, env, message.body.id, message.attempts, options);
		if (outcome === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		else if (outcome === "dead") message.retry();
		else message.ack();
	} catch (error) {
		// Our own failure (D1 unreachable): try again later, as for a receiver's.
		console.error(
			JSON.stringify({ event: "webhook_failed", delivery: message.body.id, error: String(error) }),
		);
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
	}
}

type Outcome = "done" | "retry" | "dead";

async function attempt(
	db: Db,
	env: Env,
	id: string,
	attemptNumber: number,
	options: DeliveryOptions,
): Promise<Outcome> {
	const now = options.now ?? Date.now;
	const [found] = await db
		.select({
			status: webhookDeliveries.status,
			event: webhookDeliveries.event,
			webhookId: webhooks.id,
			url: webhooks.url,
			secret: webhooks.secret,
			previousSecret: webhooks.previousSecret,
			previousExpiresAt: webhooks.previousExpiresAt,
			live: sql<number>`${webhooks.disabledAt} IS NULL AND ${webhooks.deletedAt} IS NULL`,
			type: changes.type,
			data: changes.data,
			at: changes.at,
		})
		.from(webhookDeliveries)
		.innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
		.leftJoin(changes, eq(changes.seq, webhookDeliveries.changeSeq))
		.where(eq(webhookDeliveries.id, id));
	// Gone, done already (a duplicate message), or its endpoint switched off: nothing to send.
	if (!found || found.status === "delivered" || found.status === "dead") return "done";
	if (!found.live || found.type === null || found.at === null) {
		await db.update(webhookDeliveries).set({ status: "dead" }).where(eq(webhookDeliveries.id, id));
		return "done";
	}
	// The body is a function of the stored change only: every attempt sends the same bytes.
	const body = JSON.stringify({
		type: found.event,
		timestamp: isoUtc(found.at),
		data: changeData({ type: found.type, data: found.data }),
	});
	const secrets = [await unsealSecret(env.WEBHOOK_SECRETS_KEY, found.secret)];
	if (found.previousSecret && (found.previousExpiresAt ?? 0) > now()) {
		secrets.push(await unsealSecret(env.WEBHOOK_SECRETS_KEY, found.previousSecret));
	}
	const started = now();
	const { status, response, error } = await post(
		found.url,
		{ id, body, secrets, started },
		options,
	);
	const ok = status !== null && status >= 200 && status < 300;
	const gone = status === 410;
	const last = attemptNumber >= MAX_ATTEMPTS;
	const outcome: Outcome = ok || gone ? "done" : last ? "dead" : "retry";
	const at = now();
	await db.batch([
		db.insert(webhookAttempts).values({
			deliveryId: id,
			status,
			error,
			response,
			durationMs: at - started,
			at,
		}),
		db
			.update(webhookDeliveries)
			.set({
				status: ok ? "delivered" : outcome === "retry" ? "failed" : "dead",
				attempts: sql`${webhookDeliveries.attempts} + 1`,
				lastStatus: status,
				lastResponse: response ?? error,
				lastAttemptAt: at,
				nextAttemptAt: outcome === "retry" ? at + retryDelaySeconds(attemptNumber) * 1000 : null,
				deliveredAt: ok ? at : null,
			})
			.where(eq(webhookDeliveries.id, id)),
		// 410 Gone: the receiver asks never to be called again (Standard Webhooks).
		db
			.update(webhooks)
			.set({ disabledAt: at, disabledReason: "The endpoint answered 410 Gone.", updatedAt: at })
			.where(sql`${webhooks.id} = ${found.webhookId} AND ${gone ? 1 : 0} = 1`),
	]);
	return outcome;
}

/** One POST of a signed delivery: the receiver's status and first bytes, or why there was none. */
async function post(
	url: string,
	delivery: { id: string; body: string; secrets: string[]; started: number },
	options: DeliveryOptions,
): Promise<{ status: number | null; response: string | null; error: string | null }> {
	const { id, body, secrets } = delivery;
	const timestamp = Math.floor(delivery.started / 1000);
	try {
		const answer = await (options.fetch ?? fetch)(url, {
			method: "POST",
			redirect: "manual",
			signal: AbortSignal.timeout(TIMEOUT_MS),
			headers: {
				"Content-Type": "application/json",
				"User-Agent": "calendar-api-webhooks/1",
				"webhook-id": id,
				"webhook-timestamp": String(timestamp),
				"webhook-signature": await signWebhook(secrets, id, timestamp, body),
			},
			body,
		});
		return {
			status: answer.status,
			response: await firstBytes(answer, RESPONSE_BYTES),
			error: null,
		};
	} catch (failure) {
		const error =
			failure instanceof Error && failure.name === "TimeoutError"
				? `No answer within ${TIMEOUT_MS / 1000} s.`
				: String(failure instanceof Error ? failure.message : failure);
		return { status: null, response: null, error };
	}
}

/** The first `limit` bytes of a body, as text; the rest is never read into memory. */
async function firstBytes(response: Response, limit: number): Promise<string> {
	if (!response.body) return "";
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	while (size < limit) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.byteLength;
	}
	await reader.cancel().catch(() => {});
	const bytes = new Uint8Array(Math.min(size, limit));
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk.subarray(0, bytes.length - offset), offset);
		offset += Math.min(chunk.byteLength, bytes.length - offset);
		if (offset >= bytes.length) break;
	}
	return new TextDecoder().decode(bytes);
}
