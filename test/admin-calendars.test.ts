import { beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, signIn, visit } from "./support/admin";
import { api, present } from "./support/api";
import { todayPlus } from "./support/dates";
import { createPattern } from "./support/fixtures";

let cookie: string;
let csrf: string;

beforeAll(async () => {
	({ cookie, csrf } = await signIn());
});

describe("the console's calendars", () => {
	it("creates a calendar, switches to it, and then creates and lists in it alone", async () => {
		const created = await visit("/admin/calendars", {
			cookie,
			form: { csrf, name: "Annex", timezone: "Asia/Tokyo" },
		});
		expect(created.status).toBe(303);
		const id = Number(/cal=(\d+)/.exec(created.location ?? "")?.[1]);
		const calendar = await api("GET", `/api/calendars/${id}`);
		expect(calendar.body).toMatchObject({ name: "Annex", timezone: "Asia/Tokyo" });

		const switched = await visit(created.location ?? "", { cookie });
		expect(switched.html).toContain("Annex");
		const view = cookieFrom(switched, "calendar_view");
		expect(view.pair).toBe(`calendar_view=${id}`);
		const both = `${cookie}; ${view.pair}`;

		const other = await createPattern({ title: "Default-calendar salsa" });
		const made = await visit("/admin/patterns", {
			cookie: both,
			form: {
				csrf,
				title: "Annex ikebana",
				weekdays: ["2"],
				interval: "1",
				count: "",
				time: "10:00",
				timezone: "Asia/Tokyo",
				duration_minutes: "60",
				start_date: todayPlus(1),
				end_date: "",
				is_active: "on",
				generate_occurrences: "on",
				months_ahead: "1",
			},
		});
		expect(made.status).toBe(303);
		const patternId = Number(/patterns\/(\d+)/.exec(made.location ?? "")?.[1]);
		expect((await api("GET", `/api/patterns/${patternId}`)).body.calendar_id).toBe(id);

		const list = await visit("/admin/patterns", { cookie: both });
		expect(list.html).toContain("Annex ikebana");
		expect(list.html).not.toContain(other.pattern.title);
		const all = await visit("/admin/patterns?cal=all", { cookie: both });
		expect(all.html).toContain(other.pattern.title);
		expect(cookieFrom(all, "calendar_view").header).toContain("Max-Age=0");
	});

	it("renames a calendar", async () => {
		const calendar = (await api("POST", "/api/calendars", { body: { name: "Old name" } })).body;
		const renamed = await visit(`/admin/calendars/${calendar.id}`, {
			cookie,
			form: { csrf, name: "New name" },
		});
		expect(renamed.status).toBe(303);
		expect((await api("GET", `/api/calendars/${calendar.id}`)).body.name).toBe("New name");
		const blank = await visit(`/admin/calendars/${calendar.id}`, {
			cookie,
			form: { csrf, name: "" },
		});
		expect(blank.status).toBe(400);
		expect((await api("GET", `/api/calendars/${calendar.id}`)).body.name).toBe("New name");
	});

	it("mints a key for the calendar the pages show, and lists its calendars", async () => {
		const calendar = (await api("POST", "/api/calendars", { body: { name: "Desk" } })).body;
		const scoped = `${cookie}; calendar_view=${calendar.id}`;
		const made = await visit("/admin/keys", {
			cookie: scoped,
			form: { csrf, name: "Desk tablet", scopes: ["read"], expires_in_days: "" },
		});
		expect(made.status).toBe(201);
		const keys = await api("GET", "/api/keys?limit=100");
		const key = present(keys.body.find((row) => row.name === "Desk tablet"));
		expect(key.calendar_ids).toEqual([calendar.id]);
		const page = await visit("/admin/keys", { cookie: scoped });
		expect(page.html).toContain(`<td>${calendar.id}</td>`);
	});
});
