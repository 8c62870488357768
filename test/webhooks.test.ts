import {
	createExecutionContext,
	createMessageBatch,
	getQueueResult,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { ROOT_TOKEN } from "./support/api";
import { runCron } from "./support/cron";
import { type FaultPlan, faultyD1 } from "./support/faulty-d1";

const BASE = "https://calendar.test";
const RECEIVER = "https://receiver.example.com/hooks";

interface Sent {
	body: { id: string };
}

/** A queue that keeps what is sent to it: the test decides when the consumer runs. */
function capturingQueue() {
	const sent: Sent[] = [];
	const queue = {
		send: async (body: { id: string }) => {
			sent.push({ body });
		},
		sendBatch: async (messages: Sent[]) => {
			sent.push(...messages);
		},
	} as unknown as Queue;
	return { queue, sent };
}

const lostQueue = {
	send: async () => {
		throw new Error("the isolate died before the send");
	},
	sendBatch: async () => {
		throw new Error("the isolate died before the send");
	},
} as unknown as Queue;

/** A request through the Worker's entry, with its queue (and any other binding) replaced. */
async function call(method: string, path: string, body?: unknown, bindings: Partial<Env> = {}) {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`${BASE}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${ROOT_TOKEN}`,
				...(body === undefined ? {} : { "Content-Type": "application/json" }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		}),
		{ ...env, ...bindings },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Runs the queue consumer on one message, as the n-th attempt; answers what it acked or retried. */
async function consume(id: string, attempts: number) {
	const batch = createMessageBatch("calendar-webhooks", [
		{ id: `m-${id}-${attempts}`, timestamp: new Date(), attempts, body: { id } },
	]);
	const ctx = createExecutionContext();
	await worker.queue(batch, env, ctx);
	return getQueueResult(batch, ctx);
}

interface Received {
	headers: Record<string, string>;
	body: string;
}

/** Stands in for the receiver: answers each POST with the next status of `statuses`. */
function receiver(statuses: number[], responseBody = "ok") {
	const received: Received[] = [];
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		received.push({
			headers: Object.fromEntries(request.headers),
			body: await request.text(),
		});
		const status = statuses[received.length - 1] ?? 200;
		return new Response(status === 204 ? null : responseBody, { status });
	});
	return received;
}

async function webhook(events: string[] = ["*"], bindings: Partial<Env> = {}) {
	const created = await call("POST", "/api/webhooks", { url: RECEIVER, events }, bindings);
	expect(created.status).toBe(201);
	expect(created.body.secret).toMatch(/^whsec_/);
	return created.body as { id: number; secret: string };
}

async function oneTimeSession(queue: Queue, title = "Open house") {
	const created = await call(
		"POST",
		"/api/occurrences",
		{ title, start_datetime: "2031-02-14T10:00:00Z", duration_minutes: 60 },
		{ WEBHOOK_QUEUE: queue },
	);
	expect(created.status).toBe(201);
	return created.body as { id: number };
}

afterEach(async () => {
	vi.restoreAllMocks();
	// Storage is shared by this file's tests: each starts with no live endpoint.
	await env.DB.prepare("UPDATE webhooks SET deleted_at = 1 WHERE deleted_at IS NULL").run();
});

describe("webhook deliveries", () => {
	it("retries a receiver that fails three times: it gets the event 4 times, same webhook-id, each validly signed", async () => {
		const hook = await webhook(["occurrence.cancelled"]);
		const { queue, sent } = capturingQueue();
		const session = await oneTimeSession(queue);
		expect(sent).toEqual([]); // occurrence.created is not subscribed
		expect(
			(await call("DELETE", `/api/occurrences/${session.id}`, undefined, { WEBHOOK_QUEUE: queue }))
				.status,
		).toBe(200);
		expect(sent).toHaveLength(1);
		const id = sent[0]!.body.id;

		const received = receiver([500, 503, 500, 204]);
		const results = [];
		const delays = [];
		for (let attempt = 1; attempt <= 4; attempt++) {
			results.push(await consume(id, attempt));
			const row = await env.DB.prepare(
				"SELECT next_attempt_at - last_attempt_at AS delay FROM webhook_deliveries WHERE id = ?",
			)
				.bind(id)
				.first<{ delay: number | null }>();
			delays.push(row?.delay);
		}

		// The plugin's getQueueResult records which messages were retried, not their delay: the
		// delivery row keeps when the next attempt is due.
		expect(results.slice(0, 3).map((r) => r.retryMessages.map((m) => m.msgId))).toEqual(
			[1, 2, 3].map((n) => [`m-${id}-${n}`]),
		);
		expect(delays).toEqual([30_000, 120_000, 600_000, null]);
		expect(results[3]!.explicitAcks).toEqual([`m-${id}-4`]);
		expect(received).toHaveLength(4);
		const verifier = new Webhook(hook.secret);
		for (const delivery of received) {
			expect(delivery.headers["webhook-id"]).toBe(id);
			const payload = verifier.verify(delivery.body, delivery.headers) as {
				[field: string]: unknown;
			};
			expect(payload).toMatchObject({
				type: "occurrence.cancelled",
				data: { id: session.id, status: "cancelled" },
			});
		}
		expect(new Set(received.map((r) => r.body)).size).toBe(1);

		const log = await call("GET", `/api/webhooks/${hook.id}/deliveries`);
		expect(log.body[0]).toMatchObject({ id, status: "delivered", attempts: 4, last_status: 204 });
		expect(log.body[0].log.map((a: { status: number }) => a.status)).toEqual([500, 503, 500, 204]);
	});

	it("a signature that does not match the bytes is refused by the receiver's library", async () => {
		const hook = await webhook(["occurrence.created"]);
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		const received = receiver([200]);
		await consume(sent[0]!.body.id, 1);
		const [delivery] = received;
		expect(() =>
			new Webhook(hook.secret).verify(`${delivery!.body} `, delivery!.headers),
		).toThrow();
	});

	it("signs with both secrets during a rotation's overlap", async () => {
		const hook = await webhook(["occurrence.created"]);
		const rotated = await call("POST", `/api/webhooks/${hook.id}/rotate-secret`, {
			overlap_hours: 1,
		});
		expect(rotated.status).toBe(200);
		expect(rotated.body.secret).not.toBe(hook.secret);
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		const received = receiver([200]);
		await consume(sent[0]!.body.id, 1);
		const delivery = received[0]!;
		expect(delivery.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
		expect(() => new Webhook(hook.secret).verify(delivery.body, delivery.headers)).not.toThrow();
		expect(() =>
			new Webhook(rotated.body.secret).verify(delivery.body, delivery.headers),
		).not.toThrow();
	});

	it("disables the endpoint when it answers 410, and makes no more deliveries for it", async () => {
		const hook = await webhook();
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		receiver([410]);
		const result = await consume(sent[0]!.body.id, 1);
		expect(result.explicitAcks).toHaveLength(1);
		const after = await call("GET", `/api/webhooks/${hook.id}`);
		expect(after.body).toMatchObject({
			enabled: false,
			disabled_reason: expect.stringContaining("410"),
		});
		const before = sent.length;
		await oneTimeSession(queue, "after 410");
		expect(sent).toHaveLength(before);
	});

	it("keeps only the first 1 KB of a receiver's answer, and gives up after the last attempt", async () => {
		const hook = await webhook();
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		receiver([500], "x".repeat(5000));
		const result = await consume(sent[0]!.body.id, 8);
		expect(result.retryMessages).toHaveLength(1); // to the dead-letter queue
		const log = await call("GET", `/api/webhooks/${hook.id}/deliveries`);
		expect(log.body[0].status).toBe("dead");
		expect(log.body[0].last_response).toHaveLength(1024);
		expect(log.body[0].log[0].response).toHaveLength(1024);
	});

	it("sends each message on its own: a slow receiver does not hold up another's delivery", async () => {
		const slow = await webhook();
		await call("PATCH", `/api/webhooks/${slow.id}`, { url: "https://slow.example.com/hooks" });
		await webhook();
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		expect(sent).toHaveLength(2);
		const answered: string[] = [];
		vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
			const host = new URL(new Request(input).url).host;
			if (host === "slow.example.com") await new Promise((resolve) => setTimeout(resolve, 400));
			answered.push(host);
			return new Response("ok");
		});
		// The slow endpoint's message first: handled one after the other, it would answer first.
		const slowDelivery = await env.DB.prepare(
			"SELECT id FROM webhook_deliveries WHERE webhook_id = ?",
		)
			.bind(slow.id)
			.first<{ id: string }>();
		const ordered = sent.toSorted((a) => (a.body.id === slowDelivery?.id ? -1 : 1));
		expect(ordered[0]?.body.id).toBe(slowDelivery?.id);
		const batch = createMessageBatch(
			"calendar-webhooks",
			ordered.map((message, index) => ({
				id: `m${index}`,
				timestamp: new Date(),
				attempts: 1,
				body: message.body,
			})),
		);
		const ctx = createExecutionContext();
		await worker.queue(batch, env, ctx);
		expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["m0", "m1"]);
		expect(answered).toEqual(["receiver.example.com", "slow.example.com"]);
	});

	it("logs a receiver that does not answer in time as a timeout, and retries it", async () => {
		const hook = await webhook();
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
			expect(init?.signal).toBeInstanceOf(AbortSignal);
			throw new DOMException("The operation timed out.", "TimeoutError");
		});
		const result = await consume(sent[0]!.body.id, 1);
		expect(result.retryMessages).toHaveLength(1);
		const log = await call("GET", `/api/webhooks/${hook.id}/deliveries`);
		expect(log.body[0]).toMatchObject({
			status: "failed",
			last_status: null,
			last_response: "No answer within 15 s.",
		});
	});

	it("replays a delivery with the same webhook-id", async () => {
		const hook = await webhook();
		const { queue, sent } = capturingQueue();
		await oneTimeSession(queue);
		const id = sent[0]!.body.id;
		const received = receiver([200, 200]);
		await consume(id, 1);
		const replay = await call(
			"POST",
			`/api/webhooks/${hook.id}/deliveries/${id}/retry`,
			undefined,
			{ WEBHOOK_QUEUE: queue },
		);
		expect(replay.status).toBe(202);
		expect(sent.map((message) => message.body.id)).toEqual([id, id]);
		await consume(id, 1);
		expect(received.map((r) => r.headers["webhook-id"])).toEqual([id, id]);
		expect((await call("POST", `/api/webhooks/${hook.id}/deliveries/msg_nope/retry`)).status).toBe(
			404,
		);
	});

	it("the cron's sweep sends a delivery whose send after the write was lost", async () => {
		const hook = await webhook(["occurrence.created"]);
		vi.spyOn(console, "error").mockImplementation(() => {});
		const session = await oneTimeSession(lostQueue);
		const pending = await call("GET", `/api/webhooks/${hook.id}/deliveries`);
		expect(pending.body.map((d: { status: string }) => d.status)).toEqual(["pending"]);
		const { queue, sent } = capturingQueue();
		vi.spyOn(console, "log").mockImplementation(() => {});
		await runCron({ at: Date.now() + 2 * 60_000, env: { ...env, WEBHOOK_QUEUE: queue } });
		expect(sent.map((message) => message.body.id)).toEqual([pending.body[0].id]);
		const received = receiver([200]);
		await consume(sent[0]!.body.id, 1);
		const payload = new Webhook(hook.secret).verify(received[0]!.body, received[0]!.headers) as {
			data: { id: number };
		};
		expect(payload.data.id).toBe(session.id);
	});
});

describe("POST /api/webhooks", () => {
	it.each([
		"http://example.com/hook",
		"https://127.0.0.1/hook",
		"https://10.1.2.3/hook",
		"https://192.168.0.10/hook",
		"https://169.254.169.254/latest",
		"https://localhost:8443/hook",
		"https://[::1]/hook",
		"http://127.0.0.1:9000/hook",
		"not a url",
	])("refuses %s in production", async (url) => {
		const response = await call("POST", "/api/webhooks", { url, events: ["*"] });
		expect(response.status).toBe(400);
		expect(response.body.errors[0].path).toBe("url");
	});

	it("accepts http://127.0.0.1:<port> and localhost when ALLOW_LOCAL_WEBHOOKS is true", async () => {
		for (const url of ["http://127.0.0.1:9000/hook", "http://localhost:9000/hook"]) {
			const response = await call(
				"POST",
				"/api/webhooks",
				{ url, events: ["*"] },
				{ ALLOW_LOCAL_WEBHOOKS: "true" },
			);
			expect(response.status).toBe(201);
		}
	});

	it("refuses unknown events, and keys without the admin scope", async () => {
		expect((await call("POST", "/api/webhooks", { url: RECEIVER, events: ["nope"] })).status).toBe(
			400,
		);
		const key = await call("POST", "/api/keys", { name: "writer", scopes: ["write"] });
		const ctx = createExecutionContext();
		const response = await worker.fetch(
			new Request(`${BASE}/api/webhooks`, { headers: { Authorization: `Bearer ${key.body.key}` } }),
			env,
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(response.status).toBe(403);
	});

	it("lists, reads, updates and deletes an endpoint, never showing its secret again", async () => {
		const hook = await webhook(["pattern.created"]);
		const listed = await call("GET", "/api/webhooks");
		expect(listed.body.find((w: { id: number }) => w.id === hook.id)).not.toHaveProperty("secret");
		const patched = await call("PATCH", `/api/webhooks/${hook.id}`, {
			events: ["*"],
			enabled: false,
		});
		expect(patched.body).toMatchObject({ events: ["*"], enabled: false });
		expect((await call("DELETE", `/api/webhooks/${hook.id}`)).status).toBe(200);
		expect((await call("GET", `/api/webhooks/${hook.id}`)).status).toBe(404);
	});
});

describe("webhooks under D1 faults", () => {
	it("a write that did not commit leaves neither a change nor a delivery; one that did leaves both", async () => {
		await webhook(["*"]);
		const { queue } = capturingQueue();
		vi.spyOn(console, "error").mockImplementation(() => {});
		let tag = 0;
		const state = async (title: string) => {
			const row = await env.DB.prepare(
				`SELECT (SELECT count(*) FROM occurrences WHERE title = ?1) AS sessions,
					(SELECT count(*) FROM changes WHERE json_extract(data, '$.title') = ?1) AS changes,
					(SELECT count(*) FROM webhook_deliveries d JOIN changes c ON c.seq = d.change_seq
						WHERE json_extract(c.data, '$.title') = ?1) AS deliveries`,
			)
				.bind(title)
				.first<{ sessions: number; changes: number; deliveries: number }>();
			return row!;
		};
		const attempt = async (plan: FaultPlan) => {
			const title = `fault ${++tag}`;
			const DB = faultyD1(env.DB, plan);
			const ctx = createExecutionContext();
			const response = await worker.fetch(
				new Request(`${BASE}/api/occurrences`, {
					method: "POST",
					headers: { Authorization: `Bearer ${ROOT_TOKEN}`, "Content-Type": "application/json" },
					body: JSON.stringify({ title, start_datetime: "2031-03-01T10:00:00Z" }),
				}),
				{ ...env, DB, WEBHOOK_QUEUE: queue },
				ctx,
			);
			await waitOnExecutionContext(ctx);
			return { response, trips: DB.trips.length, after: await state(title) };
		};
		const clean = await attempt({});
		expect(clean.response.status).toBe(201);
		expect(clean.after).toEqual({ sessions: 1, changes: 1, deliveries: 1 });
		const outcomes = new Set<string>();
		for (let failAt = 1; failAt <= clean.trips; failAt++) {
			for (const when of ["before", "after"] as const) {
				for (const times of [1, Number.POSITIVE_INFINITY]) {
					const { response, after } = await attempt({ failAt, when, times });
					const committed = after.sessions === 1;
					expect(after).toEqual(
						committed
							? { sessions: 1, changes: 1, deliveries: 1 }
							: { sessions: 0, changes: 0, deliveries: 0 },
					);
					outcomes.add(`${response.status} ${committed ? "committed" : "nothing"}`);
				}
			}
		}
		expect(outcomes).toContain("503 nothing");
		expect(outcomes).toContain("503 committed");
	});
});
