// The outbox's way onto the queue. Delivery rows are written pending in the write's own batch;
// after the commit (and from the cron's sweep, for a Worker that died in between) they are sent,
// then marked queued. Sending before marking can send a row twice, never lose it: the consumer
// skips a delivery already delivered, and the webhook-id lets receivers drop duplicates.
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { webhookDeliveries } from "../db/schema";

/** What a queue message carries: the delivery's id; everything else is read when it is sent. */
export interface DeliveryMessage {
	id: string;
}

/** Rows sent per round: Queues' sendBatch takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * Sends pending deliveries (created before `olderThan`, when given) to the queue and marks them
 * queued. Answers how many were sent.
 */
export async function sendPending(
	db: Db,
	queue: Queue<DeliveryMessage>,
	options: { olderThan?: number; ids?: readonly string[] } = {},
): Promise<number> {
	let sent = 0;
	for (;;) {
		const rows = await db
			.select({ id: webhookDeliveries.id })
			.from(webhookDeliveries)
			.where(
				and(
					eq(webhookDeliveries.status, "pending"),
					options.olderThan === undefined
						? undefined
						: lt(webhookDeliveries.createdAt, options.olderThan),
					options.ids === undefined ? undefined : inArray(webhookDeliveries.id, [...options.ids]),
				),
			)
			.orderBy(asc(webhookDeliveries.createdAt))
			.limit(SEND_BATCH);
		if (rows.length === 0) return sent;
		await queue.sendBatch(rows.map((row) => ({ body: { id: row.id } })));
		await db
			.update(webhookDeliveries)
			.set({ status: "queued" })
			.where(
				sql`${webhookDeliveries.status} = 'pending' AND ${webhookDeliveries.id} IN (SELECT value FROM json_each(${JSON.stringify(rows.map((row) => row.id))}))`,
			);
		sent += rows.length;
		if (rows.length < SEND_BATCH) return sent;
	}
}
