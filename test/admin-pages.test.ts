import { beforeAll, describe, expect, it } from "vitest";
import { createKey, csrfOf, signIn, visit } from "./admin-helpers";
import { api, createPattern, todayPlus } from "./helpers";

let cookie: string;
let csrf: string;

beforeAll(async () => {
	({ cookie, csrf } = await signIn());
});

const post = (path: string, form: Record<string, string | string[]>) =>
	visit(path, { cookie, form: { csrf, ...form } });

const patternForm = (overrides: Record<string, string | string[]> = {}) => ({
	title: "Pottery",
	description: "Aprons provided.",
	weekdays: ["1", "3"],
	interval: "1",
	count: "",
	time: "18:00",
	timezone: "Europe/Paris",
	duration_minutes: "90",
	start_date: todayPlus(1),
	end_date: "",
	is_active: "on",
	generate_occurrences: "on",
	months_ahead: "2",
	...overrides,
});

/** The text of a form field's error, read from the markup right after its label. */
function fieldError(html: string, field: string) {
	const match = new RegExp(
		`<label for="f-${field}">[^<]*</label>(?:<p class="hint"[^>]*>[^<]*</p>)?<p class="error-text" id="f-${field}-error">([^<]*)</p>`,
	).exec(html);
	return match?.[1];
}

describe("POST /admin/patterns", () => {
	it("creates the pattern through the API's service, with its sessions", async () => {
		const page = await post("/admin/patterns", patternForm({ title: "Pottery wheel" }));
		expect(page.status).toBe(303);
		const id = Number(
			/\/admin\/patterns\/(\d+)\?done=pattern-created/.exec(page.location ?? "")?.[1],
		);
		const pattern = (await api("GET", `/api/patterns/${id}`)).body;
		expect(pattern).toMatchObject({
			title: "Pottery wheel",
			description: "Aprons provided.",
			weekdays: [1, 3],
			time: "18:00:00",
			timezone: "Europe/Paris",
			duration_minutes: 90,
			end_date: null,
			count: null,
			is_active: true,
		});
		const detail = await visit(page.location ?? "", { cookie });
		expect(detail.html).toContain("Pattern created, and its sessions generated.");
		expect(detail.html).toContain("Tue, Thu at 18:00 Europe/Paris, 90 min");
	});

	it("shows each API error next to its field and keeps what was typed", async () => {
		const page = await post(
			"/admin/patterns",
			patternForm({
				title: "",
				weekdays: [],
				start_date: "2030-05-10",
				end_date: "2030-05-01",
				duration_minutes: "5000",
				timezone: "Mars/Olympus",
			}),
		);
		expect(page.status).toBe(400);
		expect(fieldError(page.html, "title")).toBe("Title may not be blank.");
		expect(fieldError(page.html, "duration_minutes")).toBe(
			"Duration is at most 1440 minutes (one day).",
		);
		expect(fieldError(page.html, "timezone")).toMatch(/^Unknown time zone/);
		expect(page.html).toMatch(
			/<legend>Weekdays<\/legend><p class="error-text">Give at least one weekday\.<\/p>/,
		);
		expect(page.html).toContain('value="2030-05-10"');
		expect(page.html).toContain("There is a problem");
	});

	it("reports the service's own rule (end date after start) on End date", async () => {
		const page = await post(
			"/admin/patterns",
			patternForm({ start_date: "2030-05-10", end_date: "2030-05-01" }),
		);
		expect(page.status).toBe(400);
		expect(fieldError(page.html, "end_date")).toBe("Must be after start_date.");
	});

	it("says in plain words that a number field needs a number", async () => {
		const page = await post("/admin/patterns", patternForm({ duration_minutes: "an hour" }));
		expect(fieldError(page.html, "duration_minutes")).toBe("Enter a whole number.");
	});
});

describe("POST /admin/patterns/{id}", () => {
	it("saves only what changed; future sessions follow", async () => {
		const { pattern } = await createPattern({ title: "Choir", time: "19:00" });
		const page = await post(`/admin/patterns/${pattern.id}`, {
			...patternForm({ title: "Choir rehearsal", time: "19:30", timezone: "Europe/Paris" }),
			weekdays: ["1"],
			duration_minutes: "60",
			version: "1",
		});
		expect(page.status).toBe(303);
		const saved = (await api("GET", `/api/patterns/${pattern.id}`)).body;
		expect(saved).toMatchObject({
			title: "Choir rehearsal",
			time: "19:30:00",
			description: "Aprons provided.",
		});
		const sessions = await api(
			"GET",
			`/api/occurrences?start=${todayPlus(1)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
		);
		const choir = sessions.body.filter((s: any) => s.pattern_id === pattern.id);
		expect(choir.length).toBeGreaterThan(0);
		expect(
			choir.every((s: any) => s.title === "Choir rehearsal" && s.start_local.includes("T19:30:00")),
		).toBe(true);
	});

	it("refuses a stale form (someone saved in between) and says so", async () => {
		const { pattern } = await createPattern({ title: "Chess" });
		await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "Chess club" } });
		const page = await post(`/admin/patterns/${pattern.id}`, {
			...patternForm({ title: "Chess night" }),
			weekdays: ["1"],
			version: "1",
		});
		expect(page.status).toBe(412);
		expect(page.html).toContain("Someone changed this since you opened the form.");
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.title).toBe("Chess club");
	});

	it("deactivates, then deletes after a confirmation page", async () => {
		const { pattern } = await createPattern({ title: "Knitting" });
		expect((await post(`/admin/patterns/${pattern.id}/deactivate`, {})).status).toBe(303);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.is_active).toBe(false);
		const confirm = await visit(`/admin/patterns/${pattern.id}/delete`, { cookie });
		expect(confirm.html).toContain("Delete “Knitting”?");
		expect(confirm.html).toContain(">Delete pattern</button>");
		const deleted = await post(`/admin/patterns/${pattern.id}/delete`, {});
		expect(deleted.location).toBe("/admin/patterns?done=pattern-deleted");
		expect((await api("GET", `/api/patterns/${pattern.id}`)).status).toBe(404);
		expect((await visit(`/admin/patterns/${pattern.id}`, { cookie })).status).toBe(404);
	});
});

describe("GET /admin/patterns", () => {
	it("searches by title and filters by weekday and status", async () => {
		await createPattern({ title: "Salsa Tuesdays", weekday: 1 });
		await createPattern({ title: "Salsa Sundays", weekday: 6, is_active: false });
		const all = await visit("/admin/patterns?search=salsa", { cookie });
		expect(all.html).toContain("Salsa Tuesdays");
		expect(all.html).toContain("Salsa Sundays");
		const sundays = await visit("/admin/patterns?search=salsa&weekday=6", { cookie });
		expect(sundays.html).not.toContain("Salsa Tuesdays");
		expect(sundays.html).toContain("Salsa Sundays");
		const active = await visit("/admin/patterns?search=salsa&active=true", { cookie });
		expect(active.html).toContain("Salsa Tuesdays");
		expect(active.html).not.toContain("Salsa Sundays");
	});
});

describe("sessions pages", () => {
	it("creates a one-time session at a local time in the chosen zone", async () => {
		const page = await post("/admin/sessions", {
			title: "Open day",
			description: "",
			start_date: "2030-03-31",
			start_time: "10:00",
			timezone: "Europe/Paris",
			duration_minutes: "120",
		});
		expect(page.status).toBe(303);
		const id = /\/admin\/sessions\/(\d+)/.exec(page.location ?? "")?.[1];
		const session = (await api("GET", `/api/occurrences/${id}`)).body;
		// Paris is on summer time (UTC+2) on 31 March 2030.
		expect(session).toMatchObject({
			start_datetime: "2030-03-31T08:00:00Z",
			end_datetime: "2030-03-31T10:00:00Z",
			timezone: "Europe/Paris",
			is_one_time: true,
		});
	});

	it("maps start_datetime errors to the date and time fields", async () => {
		const page = await post("/admin/sessions", {
			title: "Bad date",
			start_date: "2030-02-30",
			start_time: "10:00",
			timezone: "UTC",
			duration_minutes: "60",
		});
		expect(page.status).toBe(400);
		expect(fieldError(page.html, "start_date")).toBe("Enter a real date and time.");
	});

	it("edits a session, and an unchanged form writes nothing", async () => {
		const { pattern } = await createPattern({ title: "Drawing", start_date: todayPlus(2) });
		const first = (
			await api(
				"GET",
				`/api/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z`,
			)
		).body.find((s: any) => s.pattern_id === pattern.id);
		const [date, time] = first.start_local.split("T");
		const unchanged = await post(`/admin/sessions/${first.id}`, {
			title: "Drawing",
			description: "",
			start_date: date,
			start_time: time.slice(0, 5),
			duration_minutes: "60",
			version: "1",
		});
		expect(unchanged.location).toBe(`/admin/sessions/${first.id}?done=session-unchanged`);
		expect((await api("GET", `/api/occurrences/${first.id}`)).body.is_exception).toBe(false);
		const saved = await post(`/admin/sessions/${first.id}`, {
			title: "Drawing (life model)",
			description: "",
			start_date: date,
			start_time: "08:15",
			duration_minutes: "75",
			version: "1",
		});
		expect(saved.location).toBe(`/admin/sessions/${first.id}?done=session-saved`);
		const session = (await api("GET", `/api/occurrences/${first.id}`)).body;
		expect(session).toMatchObject({
			title: "Drawing (life model)",
			duration_minutes: 75,
			is_exception: true,
		});
		expect(session.start_local).toMatch(new RegExp(`^${date}T08:15:00[+-]`));
	});

	it("cancels, then answers a second cancel with the API's 409 message", async () => {
		const { pattern } = await createPattern({ title: "Fencing" });
		const session = (
			await api(
				"GET",
				`/api/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
			)
		).body.find((s: any) => s.pattern_id === pattern.id);
		expect((await post(`/admin/sessions/${session.id}/cancel`, {})).status).toBe(303);
		const again = await post(`/admin/sessions/${session.id}/cancel`, {});
		expect(again.status).toBe(409);
		expect(again.html).toContain("it is already cancelled");
		const completed = await post(`/admin/sessions/${session.id}/complete`, {});
		expect(completed.status).toBe(409);
	});

	it("lists sessions by range and status, and checks the range", async () => {
		const { pattern } = await createPattern({ title: "Archery", start_date: todayPlus(0) });
		const list = await visit(
			`/admin/sessions?from=${todayPlus(0)}&to=${todayPlus(20)}&status=scheduled`,
			{
				cookie,
			},
		);
		expect(list.html).toContain(`href="/admin/patterns/${pattern.id}"`);
		const bad = await visit(`/admin/sessions?from=${todayPlus(5)}&to=${todayPlus(1)}`, { cookie });
		expect(fieldError(bad.html, "to")).toBe("Must be on or after the From date.");
	});
});

describe("calendar pages", () => {
	const day = todayPlus(14);
	const sessionsAt = (html: string, time: string) =>
		html.match(new RegExp(`${time}</span><span class="n">Tai chi`, "g"))?.length ?? 0;

	beforeAll(async () => {
		await createPattern({
			title: "Tai chi",
			weekdays: [0, 1, 2, 3, 4, 5, 6],
			weekday: undefined,
			time: "07:00",
			timezone: "Asia/Tokyo",
			start_date: todayPlus(0),
		});
	});

	it("shows a week in the chosen zone and remembers the zone", async () => {
		const week = await visit(`/admin?date=${day}&tz=Asia/Tokyo`, { cookie });
		expect(week.html).toMatch(/<h1>Week of Mon \d+ \w+ – Sun \d+ \w+ \d{4}<\/h1>/);
		expect(sessionsAt(week.html, "07:00–08:00")).toBe(7);
		const zoneCookie = week.headers.getSetCookie().find((line) => line.startsWith("admin_tz="));
		expect(zoneCookie).toMatch(/^admin_tz=Asia%2FTokyo;.*HttpOnly/);
		const inUtc = await visit(`/admin?date=${day}&tz=UTC`, { cookie });
		expect(sessionsAt(inUtc.html, "22:00–23:00")).toBe(7);
		const remembered = await visit(`/admin?date=${day}`, {
			cookie: `${cookie}; admin_tz=Asia%2FTokyo`,
		});
		expect(sessionsAt(remembered.html, "07:00–08:00")).toBe(7);
	});

	it("shows a month grid with links to each day's week", async () => {
		const month = await visit(`/admin/month?month=${day.slice(0, 7)}&tz=Asia/Tokyo`, { cookie });
		expect(month.status).toBe(200);
		expect(month.html).toContain(`href="/admin?date=${day}"`);
		expect(sessionsAt(month.html, "07:00")).toBeGreaterThanOrEqual(14);
	});
});

describe("keys pages", () => {
	it("creates a key shown once, then revokes it", async () => {
		const created = await post("/admin/keys", { name: "Kiosk", scopes: ["read", "write"] });
		expect(created.status).toBe(201);
		const secret =
			/<code class="key-once" id="new-key">([^<]+)<\/code>/.exec(created.html)?.[1] ?? "";
		expect(secret).toMatch(/^cal_/);
		expect(created.headers.get("Cache-Control")).toBe("no-store");
		expect((await api("GET", "/api/patterns", { token: secret })).status).toBe(200);
		const list = await visit("/admin/keys", { cookie });
		expect(list.html).not.toContain(secret);
		const id = (await api("GET", "/api/keys")).body.find((key: any) => key.name === "Kiosk").id;
		const revoked = await post(`/admin/keys/${id}/revoke`, {});
		expect(revoked.location).toBe("/admin/keys?done=key-revoked");
		expect((await api("GET", "/api/patterns", { token: secret })).status).toBe(401);
	});

	it("shows the API's validation messages on the key form", async () => {
		const page = await post("/admin/keys", { name: "", scopes: [] });
		expect(page.status).toBe(400);
		expect(fieldError(page.html, "name")).toBe("Name may not be blank.");
		expect(page.html).toContain("Give at least one scope.");
	});

	it("lets an admin key mint read and write keys but not admin keys, with an expiry", async () => {
		const admin = await createKey(["admin"]);
		const session = await signIn(admin.key);
		const as = (form: Record<string, string | string[]>) =>
			visit("/admin/keys", { cookie: session.cookie, form: { csrf: session.csrf, ...form } });
		const refused = await as({ name: "Escalation", scopes: ["admin"] });
		expect(refused.status).toBe(403);
		expect(refused.html).toMatch(
			/<legend>Scopes<\/legend><p class="error-text">Only the root token mints admin keys; an admin key mints read and write keys\.<\/p>/,
		);
		const made = await as({ name: "Short-lived", scopes: ["write"], expires_in_days: "7" });
		expect(made.status).toBe(201);
		const listed = (await api("GET", "/api/keys")).body.find(
			(key: any) => key.name === "Short-lived",
		);
		expect(listed.created_by).toBe(`key:${admin.id}`);
		expect(Date.parse(listed.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
		const page = await visit("/admin/keys", { cookie });
		expect(page.html).toContain(`<td>key ${admin.id}</td>`);
		expect(page.html).toContain(`<td>${listed.expires_at.slice(0, 10)}</td>`);
	});

	it("is for admin keys only", async () => {
		const key = await createKey(["write"]);
		const writer = await signIn(key.key);
		const page = await visit("/admin/keys", { cookie: writer.cookie });
		expect(page.status).toBe(403);
		expect(csrfOf(page.html)).toBe(writer.csrf);
	});
});

describe("pages that do not exist", () => {
	it("answers an HTML 404 inside the console", async () => {
		for (const path of ["/admin/nothing-here", "/admin/patterns/abc", "/admin/sessions/999999"]) {
			const page = await visit(path, { cookie });
			expect(page.status).toBe(404);
			expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
			expect(page.html).toContain("Back to the calendar");
		}
	});
});

describe("change this and following (split)", () => {
	const from = todayPlus(14);
	const splitForm = (overrides: Record<string, string | string[]> = {}) => ({
		...patternForm({ title: "Yoga", time: "07:30", duration_minutes: "60" }),
		weekdays: ["1"],
		count: "",
		end_date: "",
		from,
		version: "1",
		...overrides,
	});

	it("opens on the date asked for, with the pattern's values", async () => {
		const { pattern } = await createPattern({ title: "Yoga" });
		const page = await visit(`/admin/patterns/${pattern.id}/split?from=${from}`, { cookie });
		expect(page.status).toBe(200);
		expect(page.html).toContain(`name="from" type="date" value="${from}"`);
		expect(page.html).toContain('value="Yoga"');
		expect(page.html).toContain(">Save this and following</button>");
	});

	it("previews without writing, then saves: old series ends, new one starts on from", async () => {
		const { pattern } = await createPattern({ title: "Yoga" });
		const preview = await post(`/admin/patterns/${pattern.id}/split`, {
			...splitForm({ time: "18:00" }),
			preview: "1",
		});
		expect(preview.status).toBe(200);
		expect(preview.html).toContain("Preview: nothing is saved yet");
		expect(preview.html).toContain(`“Yoga” ends on ${todayPlus(13)}.`);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.end_date).toBeNull();

		const saved = await post(`/admin/patterns/${pattern.id}/split`, splitForm({ time: "18:00" }));
		expect(saved.status).toBe(303);
		const newId = Number(
			/\/admin\/patterns\/(\d+)\?done=pattern-split/.exec(saved.location ?? "")?.[1],
		);
		expect(newId).not.toBe(pattern.id);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body).toMatchObject({
			end_date: todayPlus(13),
			time: "07:30:00",
		});
		expect((await api("GET", `/api/patterns/${newId}`)).body).toMatchObject({
			title: "Yoga",
			start_date: from,
			time: "18:00:00",
			end_date: null,
			is_active: true,
		});
	});

	it("shows the split's own errors next to From date and End date", async () => {
		const { pattern } = await createPattern({ title: "Yoga" });
		const early = await post(
			`/admin/patterns/${pattern.id}/split`,
			splitForm({ from: "2000-01-01" }),
		);
		expect(early.status).toBe(400);
		expect(fieldError(early.html, "from")).toBeDefined();
		const ends = await post(
			`/admin/patterns/${pattern.id}/split`,
			splitForm({ end_date: todayPlus(10) }),
		);
		expect(ends.status).toBe(400);
		expect(fieldError(ends.html, "end_date")).toBe(
			"Must be after from (the new series&#39; start_date).",
		);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.end_date).toBeNull();
	});
});
