import { and, eq, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { idempotent } from "../db/retry";
import { idempotencyKeys } from "../db/schema";
import { sha256Hex } from "../keys/secrets";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";

const DAY_MS = 86_400_000;
/** A pending key whose write never committed after this long belongs to a request that died. */
const ABANDONED_MS = 30_000;
const keyShape = /^[\x21-\x7e]{1,255}$/;
const replayedHeaders = ["Content-Type", "Location", "ETag"];

interface StoredResponse {
	headers: Record<string, string>;
	body: string;
}

/**
 * Idempotency-Key for POST (draft-ietf-httpapi-idempotency-key-header): the first response is
 * kept for 24 hours and replayed to a retry of the same request. The key is claimed before the
 * handler runs; its "committed" mark rides in the same D1 batch as the handler's write, so a key
 * is either committed together with the write or not at all. A request that died before its write
 * can therefore be safely run again, and one that wrote can never write twice.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
	const key = c.req.header("Idempotency-Key");
	if (c.req.method !== "POST" || key === undefined) return next();
	if (!keyShape.test(key)) {
		throw new ApiError("validation", "Idempotency-Key is 1–255 visible ASCII characters.", {
			errors: [{ path: "Idempotency-Key", message: "1–255 visible ASCII characters." }],
		});
	}
	const db = c.var.db;
	const principal = c.var.principal.id;
	const now = Date.now();
	const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
	const where = and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));

	// Claim the key: a fresh row, or take over an expired or abandoned one.
	const claimed = await db
		.insert(idempotencyKeys)
		.values({
			principal,
			key,
			requestHash,
			state: "pending",
			createdAt: now,
			expiresAt: now + DAY_MS,
		})
		.onConflictDoUpdate({
			target: [idempotencyKeys.principal, idempotencyKeys.key],
			set: {
				requestHash,
				state: "pending",
				responseStatus: null,
				responseBody: null,
				createdAt: now,
				expiresAt: now + DAY_MS,
			},
			setWhere: sql`${idempotencyKeys.expiresAt} < ${now} OR (${idempotencyKeys.state} = 'pending' AND ${idempotencyKeys.createdAt} < ${now - ABANDONED_MS} AND ${idempotencyKeys.requestHash} = ${requestHash})`,
		})
		.returning({ key: idempotencyKeys.key });

	if (claimed.length === 0) {
		const existing = await db.query.idempotencyKeys.findFirst({ where });
		if (!existing) throw new ApiError("conflict", "The Idempotency-Key is in flux; retry.");
		if (existing.requestHash !== requestHash) {
			throw new ApiError(
				"idempotency_mismatch",
				"This Idempotency-Key was used with a different request.",
			);
		}
		if (existing.state === "done" && existing.responseBody !== null) {
			const stored = JSON.parse(existing.responseBody) as StoredResponse;
			return new Response(stored.body, {
				status: existing.responseStatus ?? 200,
				headers: { ...stored.headers, "Idempotent-Replayed": "true" },
			});
		}
		if (existing.state === "committed" && existing.createdAt < now - ABANDONED_MS) {
			// Its write is in, but the request died before storing the response (D1 failed after
			// the commit). Running it again would write twice, and waiting will not help.
			throw new ApiError(
				"conflict",
				"The request with this Idempotency-Key was applied, but its response was lost in a failure; it will not be applied again. Fetch the resource to see the result.",
			);
		}
		throw new ApiError(
			"conflict",
			"A request with this Idempotency-Key is still being processed; retry shortly.",
			{
				headers: { "Retry-After": "1" },
			},
		);
	}

	c.var.rider.statement = c.env.DB.prepare(
		"UPDATE idempotency_keys SET state = 'committed' WHERE principal = ? AND key = ? AND state = 'pending'",
	).bind(principal, key);
	await next();

	if (c.res.status >= 500) {
		// Nothing was written (a failed request changes nothing): free the key for a retry.
		await idempotent(
			db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.state, "pending"))),
		);
		return;
	}
	const headers: Record<string, string> = {};
	for (const name of replayedHeaders) {
		const value = c.res.headers.get(name);
		if (value !== null) headers[name] = value;
	}
	const body = await c.res.clone().text();
	// Absolute values: safe for the D1 wrapper to retry after a transient failure.
	await idempotent(
		db
			.update(idempotencyKeys)
			.set({
				state: "done",
				responseStatus: c.res.status,
				responseBody: JSON.stringify({ headers, body }),
			})
			.where(where),
	);
};
