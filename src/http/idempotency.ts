import { and, eq, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { idempotencyKeys } from "../db/schema";
import { seal, sha256Hex, unseal } from "../lib/crypto";
import { MS_PER_DAY } from "../recurrence";
import type { AppEnv } from "./app-env";
import { requestHeaders } from "./headers";
import { ApiError, problemResponse } from "./problem";

/** A pending key whose write never committed after this long belongs to a request that died. */
const ABANDONED_MS = 30_000;
const replayedHeaders = ["Content-Type", "Location", "ETag"];

interface StoredResponse {
	headers: Record<string, string>;
	body: string;
}

/**
 * Idempotency-Key for POST (draft-ietf-httpapi-idempotency-key-header): the first response is
 * kept for 24 hours and replayed to a retry of the same request.
 *
 * 1. The key is claimed before the handler runs; the claim's created_at identifies this attempt.
 * 2. Its "committed" mark rides in the same D1 batch as the handler's first write (the
 *    WriteRider), so the write and the mark are one fact. The mark fails the whole batch if the
 *    claim is no longer this attempt's, so two attempts can never both write.
 * 3. A response that changed nothing and is not a success frees the key (a failed request
 *    changes nothing, so running it again is safe, also with a corrected body); anything else is
 *    stored, sealed with the caller's own credential (a new API key's secret is in it, and D1
 *    keeps only hashes of keys).
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
	const key = c.req.header("Idempotency-Key");
	if (c.req.method !== "POST" || key === undefined) return next();
	if (!requestHeaders.IdempotencyKey.safeParse(key).success) {
		throw new ApiError("validation", "Idempotency-Key is 1–255 visible ASCII characters.", {
			errors: [{ path: "Idempotency-Key", message: "1–255 visible ASCII characters." }],
		});
	}
	const db = c.var.db;
	const { id: principal, secret } = c.var.principal;
	const claimedAt = Date.now();
	const path = c.req.path.replace(/\/+$/, "");
	const requestHash = await sha256Hex(`POST ${path}\n${await c.req.text()}`);
	const context = `${principal}\n${key}`;

	const claimed = await db
		.insert(idempotencyKeys)
		.values({
			principal,
			key,
			requestHash,
			state: "pending",
			createdAt: claimedAt,
			expiresAt: claimedAt + MS_PER_DAY,
		})
		.onConflictDoUpdate({
			target: [idempotencyKeys.principal, idempotencyKeys.key],
			set: {
				requestHash,
				state: "pending",
				responseStatus: null,
				responseBody: null,
				createdAt: claimedAt,
				expiresAt: claimedAt + MS_PER_DAY,
			},
			// Take over a key only when it expired, or when the same request died before writing.
			setWhere: sql`${idempotencyKeys.expiresAt} < ${claimedAt} OR (${idempotencyKeys.state} = 'pending' AND ${idempotencyKeys.createdAt} < ${claimedAt - ABANDONED_MS} AND ${idempotencyKeys.requestHash} = ${requestHash})`,
		})
		.returning({ key: idempotencyKeys.key });
	if (claimed.length === 0) {
		return replayOrRefuse(db, { principal, key, requestHash, secret, context, now: claimedAt });
	}

	// A NULL state violates NOT NULL and so aborts the batch when another attempt owns the key.
	c.var.rider.statement = {
		sql: "UPDATE idempotency_keys SET state = CASE WHEN state = 'pending' AND created_at = ? THEN 'committed' END WHERE principal = ? AND key = ?",
		params: [claimedAt, principal, key],
	};
	await next();

	const ours = and(
		eq(idempotencyKeys.principal, principal),
		eq(idempotencyKeys.key, key),
		eq(idempotencyKeys.createdAt, claimedAt),
	);
	const succeeded = c.res.status >= 200 && c.res.status < 300;
	// A 5xx is stored only when the key is already committed: the write is in, but D1 failed
	// after it, so the response was lost. Replaying that 5xx would invite retries forever.
	const answer = c.res.status >= 500 ? problemResponse(c, lostResponse()) : c.res;
	const headers: Record<string, string> = {};
	for (const name of replayedHeaders) {
		const value = answer.headers.get(name);
		if (value !== null) headers[name] = value;
	}
	const stored: StoredResponse = { headers, body: await answer.clone().text() };
	// Absolute values for this attempt's row: the D1 wrapper may retry it, and the DELETE below.
	const store = idempotent(
		db
			.update(idempotencyKeys)
			.set({
				state: "done",
				responseStatus: answer.status,
				responseBody: secret ? await seal(secret, context, JSON.stringify(stored)) : null,
			})
			.where(succeeded ? ours : and(ours, eq(idempotencyKeys.state, "committed"))),
	);
	if (succeeded) {
		await store;
		return;
	}
	await db.batch([
		idempotent(db.delete(idempotencyKeys).where(and(ours, eq(idempotencyKeys.state, "pending")))),
		store,
	]);
};

/** What a retry learns about a request whose write committed but whose response was lost. */
const lostResponse = () =>
	new ApiError(
		"conflict",
		"The request with this Idempotency-Key was applied, but its response was lost in a failure; it will not be applied again. Fetch the resource to see the result.",
	);

/** Answers a request whose key is already claimed: replay, mismatch (422) or in flight (409). */
async function replayOrRefuse(
	db: Db,
	attempt: {
		principal: string;
		key: string;
		requestHash: string;
		secret: string | null;
		context: string;
		now: number;
	},
): Promise<Response> {
	const { principal, key, requestHash, secret, context, now } = attempt;
	const existing = await db.query.idempotencyKeys.findFirst({
		where: and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)),
	});
	if (!existing) throw new ApiError("conflict", "The Idempotency-Key is in flux; retry.");
	if (existing.requestHash !== requestHash) {
		throw new ApiError(
			"idempotency_mismatch",
			"This Idempotency-Key was used with a different request; use a new key for a new request.",
		);
	}
	if (existing.state === "committed" && existing.createdAt < now - ABANDONED_MS) {
		// Its write is in, but the request died before storing the response (D1 failed after the
		// commit, and storing failed too). Running it again would write twice; waiting won't help.
		throw lostResponse();
	}
	if (existing.state !== "done") {
		throw new ApiError(
			"conflict",
			"A request with this Idempotency-Key is still being processed; retry shortly.",
			{ headers: { "Retry-After": "1" } },
		);
	}
	const json =
		secret && existing.responseBody ? await unseal(secret, context, existing.responseBody) : null;
	if (!json) {
		// Only when the root token was rotated since: the stored response cannot be read back.
		throw new ApiError(
			"conflict",
			"The response to this Idempotency-Key cannot be replayed any more; use a new key.",
		);
	}
	const stored = JSON.parse(json) as StoredResponse;
	return new Response(stored.body, {
		status: existing.responseStatus ?? 200,
		headers: { ...stored.headers, "Idempotent-Replayed": "true" },
	});
}
