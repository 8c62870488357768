// Isolation by construction, proved per operation: the route list comes from /openapi.json, and
// every operation has a probe below in which a key scoped to calendar A tries to see or change
// calendar B's resources. A new operation without a probe fails the first test, so no route can
// ship without its calendar check being exercised.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, api, present, problemOf } from "./support/api";
import { todayPlus } from "./support/dates";
import { validPattern } from "./support/fixtures";

interface World {
	a: number;
	b: number;
	patternA: number;
	patternB: number;
	sessionB: number;
	oneTimeB: number;
	keyB: number;
	tokenB: number;
	tokenA: string;
	/** A booking and a hold on B's session. */
	bookingB: number;
	holdB: number;
	/** An endpoint the root token made, subscribed to every calendar. */
	webhook: number;
	/** B's pattern that was never materialized, for the job's probe. */
	lazyB: number;
}

let world: World;

/** A fresh admin key scoped to calendar A (a fresh one per probe: keys are rate-limited). */
async function keyA(): Promise<string> {
	const response = await api("POST", "/api/keys", {
		body: { name: "Studio A", scopes: ["admin"], calendar_ids: [world.a] },
	});
	expect(response.status).toBe(201);
	return response.body.key;
}

async function asA<M extends string, P extends string>(method: M, path: P, body?: unknown) {
	return api(method, path, { token: await keyA(), body });
}

const range = () => `start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z&limit=1000`;

async function bRows() {
	return env.DB.prepare(
		`SELECT (SELECT count(*) FROM patterns WHERE calendar_id = ?1) AS patterns,
			(SELECT count(*) FROM occurrences WHERE calendar_id = ?1) AS sessions,
			(SELECT coalesce(sum(version), 0) FROM patterns WHERE calendar_id = ?1)
				+ (SELECT coalesce(sum(version), 0) FROM occurrences WHERE calendar_id = ?1)
				+ (SELECT version FROM calendars WHERE id = ?1)
				+ (SELECT coalesce(sum(version), 0) FROM bookings WHERE calendar_id = ?1) AS versions,
			(SELECT count(*) FROM holds WHERE calendar_id = ?1 AND ended_at IS NULL) AS live_holds`,
	)
		.bind(world.b)
		.first();
}

/** Runs a write as A against B's data and checks that B is exactly as before. */
async function unchangedB(write: () => Promise<ApiResponse>, status = 404) {
	const before = await bRows();
	const response = await write();
	expect(response.status, JSON.stringify(response.body)).toBe(status);
	expect(await bRows()).toEqual(before);
}

const noneOfB = (rows: { calendar_id?: number; id: number }[]) => {
	expect(Array.isArray(rows)).toBe(true);
	expect(rows.filter((row) => row.calendar_id === world.b)).toEqual([]);
};

/** operationId → how a key scoped to A is kept out of B's resources. */
const probes: Record<string, () => Promise<void>> = {
	createPattern: () =>
		unchangedB(() =>
			asA("POST", "/api/patterns", validPattern({ calendar_id: world.b, title: "Intruder" })),
		),
	listPatterns: async () => {
		const all = await asA("GET", "/api/patterns?limit=1000");
		expect(all.body.some((row) => row.id === world.patternA)).toBe(true);
		noneOfB(all.body);
		expect((await asA("GET", `/api/patterns?calendar_id=${world.b}`)).body).toEqual([]);
	},
	getPattern: async () => {
		expect((await asA("GET", `/api/patterns/${world.patternB}`)).status).toBe(404);
	},
	updatePattern: () =>
		unchangedB(() => asA("PATCH", `/api/patterns/${world.patternB}`, { title: "Mine now" })),
	deletePattern: () => unchangedB(() => asA("DELETE", `/api/patterns/${world.patternB}`)),
	listPatternOccurrences: async () => {
		const response = await asA("GET", `/api/patterns/${world.patternB}/occurrences?${range()}`);
		expect(response.status).toBe(404);
	},
	splitPattern: () =>
		unchangedB(() =>
			asA("POST", `/api/patterns/${world.patternB}/split`, {
				from: todayPlus(14),
				changes: { time: "09:00" },
			}),
		),
	createOccurrence: () =>
		unchangedB(() =>
			asA("POST", "/api/occurrences", {
				title: "Intruder",
				start_datetime: `${todayPlus(5)}T10:00:00Z`,
				calendar_id: world.b,
			}),
		),
	listOccurrences: async () => {
		const all = await asA("GET", `/api/occurrences?${range()}`);
		expect(all.body.length).toBeGreaterThan(0);
		noneOfB(all.body);
		expect((await asA("GET", `/api/occurrences?${range()}&calendar_id=${world.b}`)).body).toEqual(
			[],
		);
	},
	getOccurrence: async () => {
		expect((await asA("GET", `/api/occurrences/${world.sessionB}`)).status).toBe(404);
		expect((await asA("GET", `/api/occurrences/${world.oneTimeB}`)).status).toBe(404);
	},
	updateOccurrence: () =>
		unchangedB(() => asA("PATCH", `/api/occurrences/${world.sessionB}`, { title: "Mine" })),
	cancelOccurrence: () => unchangedB(() => asA("DELETE", `/api/occurrences/${world.oneTimeB}`)),
	completeOccurrence: () =>
		unchangedB(() => asA("POST", `/api/occurrences/${world.sessionB}/complete`)),
	getCalendarFeed: async () => {
		// The old address is the default calendar's feed: a key scoped to A does not see it.
		expect((await asA("GET", "/api/calendar.ics")).status).toBe(404);
	},
	getPatternFeed: async () => {
		expect((await asA("GET", `/api/patterns/${world.patternB}/calendar.ics`)).status).toBe(404);
		// A's feed token opens A's feeds, and not B's.
		const feed = `/api/patterns/${world.patternB}/calendar.ics?key=${world.tokenA}`;
		expect((await api("GET", feed, { token: null })).status).toBe(404);
	},
	getCalendarFeedById: async () => {
		expect((await asA("GET", `/api/calendars/${world.b}/calendar.ics`)).status).toBe(404);
		const own = await asA("GET", `/api/calendars/${world.a}/calendar.ics`);
		expect(own.status).toBe(200);
		expect(own.body).toContain(`pattern-${world.patternA}@`);
		expect(own.body).not.toContain(`pattern-${world.patternB}@`);
		const feed = `/api/calendars/${world.b}/calendar.ics?key=${world.tokenA}`;
		expect((await api("GET", feed, { token: null })).status).toBe(404);
	},
	materializeSessions: async () => {
		await unchangedB(() => asA("POST", "/api/jobs/materialize", { months_ahead: 2 }), 200);
		const { n } = (await env.DB.prepare(
			"SELECT count(*) AS n FROM occurrences WHERE pattern_id = ?",
		)
			.bind(world.lazyB)
			.first()) as { n: number };
		expect(n).toBe(0);
	},
	createApiKey: async () => {
		const response = await asA("POST", "/api/keys", {
			name: "Escalation",
			scopes: ["read"],
			calendar_ids: [world.a, world.b],
		});
		expect(response.status).toBe(403);
		expect(problemOf(response).errors?.[0]?.path).toBe("calendar_ids");
		// Omitted, a scoped minter's key gets the minter's calendars, never all of them.
		const own = await asA("POST", "/api/keys", { name: "Desk", scopes: ["read"] });
		expect(own.body.calendar_ids).toEqual([world.a]);
	},
	listApiKeys: async () => {
		const listed = await asA("GET", "/api/keys?limit=100");
		expect(listed.status).toBe(200);
		expect(listed.body.some((key) => key.id === world.keyB)).toBe(false);
		expect(listed.body.every((key) => JSON.stringify(key.calendar_ids) === `[${world.a}]`)).toBe(
			true,
		);
	},
	revokeApiKey: async () => {
		expect((await asA("DELETE", `/api/keys/${world.keyB}`)).status).toBe(404);
		const live = await env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?")
			.bind(world.keyB)
			.first();
		expect(live).toEqual({ revoked_at: null });
	},
	createFeedToken: async () => {
		const forB = await asA("POST", "/api/feed-tokens", { name: "x", calendar_id: world.b });
		expect(forB.status).toBe(404);
		const forPattern = await asA("POST", "/api/feed-tokens", {
			name: "x",
			pattern_id: world.patternB,
		});
		expect(forPattern.status).toBe(400);
	},
	listFeedTokens: async () => {
		const listed = await asA("GET", "/api/feed-tokens?limit=100");
		expect(listed.status).toBe(200);
		expect(listed.body.some((token) => token.id === world.tokenB)).toBe(false);
		expect(listed.body.every((token) => token.calendar_id === world.a)).toBe(true);
	},
	revokeFeedToken: async () => {
		expect((await asA("DELETE", `/api/feed-tokens/${world.tokenB}`)).status).toBe(404);
	},
	createCalendar: async () => {
		// A scoped key creates no calendar at all: it could not see it.
		const response = await asA("POST", "/api/calendars", { name: "Side door" });
		expect(response.status).toBe(403);
	},
	listCalendars: async () => {
		const listed = await asA("GET", "/api/calendars");
		expect(listed.body.map((row) => row.id)).toEqual([world.a]);
	},
	getCalendar: async () => {
		expect((await asA("GET", `/api/calendars/${world.b}`)).status).toBe(404);
	},
	updateCalendar: () => unchangedB(() => asA("PATCH", `/api/calendars/${world.b}`, { name: "A2" })),
	deleteCalendar: async () => {
		expect((await asA("DELETE", `/api/calendars/${world.b}`)).status).toBe(404);
		expect((await api("GET", `/api/calendars/${world.b}`)).status).toBe(200);
	},
	createCalendarFeedToken: async () => {
		const response = await asA("POST", `/api/calendars/${world.b}/feed-tokens`, { name: "x" });
		expect(response.status).toBe(404);
	},
	listChanges: async () => {
		const page = await asA("GET", "/api/changes?limit=1000");
		expect(page.status).toBe(200);
		expect(page.body.changes.length).toBeGreaterThan(0);
		expect(page.body.changes.every((change) => change.calendar_id === world.a)).toBe(true);
		const ofB = await asA("GET", `/api/changes?limit=1000&calendar_id=${world.b}`);
		expect(ofB.body.changes).toEqual([]);
	},
	createBooking: () =>
		unchangedB(() =>
			asA("POST", `/api/occurrences/${world.sessionB}/bookings`, {
				name: "Intruder",
				email: "intruder@example.com",
			}),
		),
	listRoster: async () => {
		expect((await asA("GET", `/api/occurrences/${world.sessionB}/bookings`)).status).toBe(404);
	},
	createHold: () =>
		unchangedB(() => asA("POST", `/api/occurrences/${world.sessionB}/holds`, { seats: 1 })),
	listBookingsOf: async () => {
		const mine = await asA("GET", `/api/bookings?email=b.member@example.com&${range()}`);
		expect(mine.status).toBe(200);
		expect(mine.body).toEqual([]);
	},
	getBooking: async () => {
		expect((await asA("GET", `/api/bookings/${world.bookingB}`)).status).toBe(404);
	},
	updateBooking: () =>
		unchangedB(() => asA("PATCH", `/api/bookings/${world.bookingB}`, { name: "Renamed" })),
	cancelBooking: () => unchangedB(() => asA("DELETE", `/api/bookings/${world.bookingB}`)),
	releaseHold: () => unchangedB(() => asA("DELETE", `/api/holds/${world.holdB}`)),
	// Endpoints subscribe to calendars' events: a scoped key may not manage any (403), so it can
	// never read or redirect another calendar's events.
	createWebhook: () =>
		unchangedB(
			() => asA("POST", "/api/webhooks", { url: "https://example.com/hook", events: ["*"] }),
			403,
		),
	listWebhooks: () => unchangedB(() => asA("GET", "/api/webhooks"), 403),
	getWebhook: () => unchangedB(() => asA("GET", `/api/webhooks/${world.webhook}`), 403),
	updateWebhook: () =>
		unchangedB(() => asA("PATCH", `/api/webhooks/${world.webhook}`, { events: ["*"] }), 403),
	deleteWebhook: () => unchangedB(() => asA("DELETE", `/api/webhooks/${world.webhook}`), 403),
	rotateWebhookSecret: () =>
		unchangedB(() => asA("POST", `/api/webhooks/${world.webhook}/rotate-secret`), 403),
	listWebhookDeliveries: () =>
		unchangedB(() => asA("GET", `/api/webhooks/${world.webhook}/deliveries`), 403),
	retryWebhookDelivery: () =>
		unchangedB(
			() => asA("POST", `/api/webhooks/${world.webhook}/deliveries/whmsg_none/retry`),
			403,
		),
};

/** Operations that hold no calendar's data, each with the reason. */
const outsideCalendars: Record<string, string> = {
	getOpenApiDocument: "the OpenAPI document: the same public text for every caller, no data",
	getApiReference: "the /docs page: the same public HTML for every caller, no data",
};

async function operationIds(): Promise<string[]> {
	const document = (await api("GET", "/openapi.json")).body;
	const ids: string[] = [];
	const paths = document.paths as Record<string, Record<string, { operationId?: string }>>;
	for (const item of Object.values(paths ?? {})) {
		for (const operation of Object.values(item)) {
			if (operation && typeof operation === "object" && operation.operationId) {
				ids.push(operation.operationId);
			}
		}
	}
	return ids;
}

beforeAll(async () => {
	const created = async <P extends string>(path: P, body: unknown) => {
		const response = await api("POST", path, { body });
		if (response.status !== 201) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
		return response.body;
	};
	const a = (await created("/api/calendars", { name: "Studio A", timezone: "Europe/Paris" })).id;
	const b = (await created("/api/calendars", { name: "Studio B", timezone: "America/New_York" }))
		.id;
	const patternA = (await created("/api/patterns", validPattern({ calendar_id: a }))).pattern.id;
	const patternB = (await created("/api/patterns", validPattern({ calendar_id: b }))).pattern.id;
	const lazyB = (
		await created("/api/patterns", validPattern({ calendar_id: b, generate_occurrences: false }))
	).pattern.id;
	const sessions = await api(
		"GET",
		`/api/patterns/${patternB}/occurrences?start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z`,
	);
	const oneTimeB = (
		await created("/api/occurrences", {
			title: "B's open day",
			start_datetime: `${todayPlus(3)}T10:00:00Z`,
			calendar_id: b,
		})
	).id;
	const keyB = (await created("/api/keys", { name: "B", scopes: ["read"], calendar_ids: [b] })).id;
	const tokenB = (await created(`/api/calendars/${b}/feed-tokens`, { name: "B's screen" })).id;
	const tokenA = (await created(`/api/calendars/${a}/feed-tokens`, { name: "A's screen" })).token;
	const sessionOfB = present(sessions.body[0]).id;
	const bookingB = (
		await created(`/api/occurrences/${sessionOfB}/bookings`, {
			name: "B member",
			email: "b.member@example.com",
		})
	).id;
	const holdB = (await created(`/api/occurrences/${sessionOfB}/holds`, { seats: 1 })).id;
	const webhook = (
		await created("/api/webhooks", { url: "https://example.com/b-hook", events: ["*"] })
	).id;
	world = {
		webhook,
		bookingB,
		holdB,
		a,
		b,
		patternA,
		patternB,
		sessionB: present(sessions.body[0]).id,
		oneTimeB,
		keyB,
		tokenB,
		tokenA,
		lazyB,
	};
});

describe("calendar isolation, for every operation of the OpenAPI document", () => {
	it("has a probe (or a stated reason) for every operation", async () => {
		const ids = await operationIds();
		expect(ids.length).toBeGreaterThan(20);
		const missing = ids.filter((id) => !(id in probes) && !(id in outsideCalendars));
		expect(missing, "operations without an isolation probe").toEqual([]);
		const stale = Object.keys(probes).filter((id) => !ids.includes(id));
		expect(stale, "probes for operations that no longer exist").toEqual([]);
	});

	for (const [operationId, probe] of Object.entries(probes)) {
		it(`${operationId}: a key scoped to A cannot see or change B's`, probe);
	}
});
