import { beforeAll, describe, expect, it } from "vitest";
import { addDays, instantOf, mondayOf, nextTransitionDate } from "./dates";
import { api, createOneTime, createPattern, d1Usage, todayPlus } from "./helpers";
import { asInstances, expandFeed } from "./ical-expand";

const NY = "America/New_York";
// Every pattern here is materialized 12 months ahead, so the window, from two months back to ten
// ahead, is stored whatever today is; it holds New York's next DST change and some history.
const transition = nextTransitionDate(NY, 21);
const changeWeek = mondayOf(transition);
const windowStart = addDays(changeWeek, -28);
const FROM = Date.parse(`${todayPlus(-60)}T00:00:00Z`);
const UNTIL = Date.parse(`${todayPlus(300)}T00:00:00Z`);
const RANGE = `start=${todayPlus(-60)}T00:00:00Z&end=${todayPlus(300)}T00:00:00Z&status=scheduled,completed&limit=2000`;

const seed = (overrides: Record<string, unknown>) =>
	createPattern({ timezone: NY, months_ahead: 12, ...overrides }).then(
		(created) => created.pattern,
	);

async function seriesInWindow(id: number): Promise<any[]> {
	return (await api("GET", `/api/patterns/${id}/occurrences?${RANGE}`)).body;
}

async function feed(path: string) {
	const response = await api("GET", path);
	expect(response.status).toBe(200);
	expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
	return response.body as string;
}

/** Unfolded content lines of a feed. */
const contentLines = (ics: string) => ics.replace(/\r\n /g, "").split("\r\n");

interface Seeded {
	weekly: any;
	everyOtherWeek: any;
	counted: any;
	splitOld: any;
	splitNew: any;
	deleted: any;
	retimed: any;
	paused: any;
	cancelledDate: string;
	keptAfterSplit: any;
}

/**
 * A calendar with every kind of series the feed must carry: DST-crossing weekly with a moved, a
 * cancelled, a retitled and a completed session; every-other-week on three days; count-limited in
 * another zone; split with kept sessions; deleted with history; re-timed; deactivated; one-time.
 */
async function seedCalendar(): Promise<Seeded> {
	const weekly = await seed({
		title: "Lap swim",
		weekday: 1,
		time: "07:30",
		start_date: addDays(windowStart, -7),
	});
	const swims = await seriesInWindow(weekly.id);
	await api("DELETE", `/api/occurrences/${swims[1].id}`);
	const movedDay = addDays(swims[2].start_local.slice(0, 10), 1);
	await api("PATCH", `/api/occurrences/${swims[2].id}`, {
		body: { start_datetime: instantOf(movedDay, "12:00", NY), duration_minutes: 45 },
	});
	await api("PATCH", `/api/occurrences/${swims[3].id}`, { body: { title: "Lap swim (lane 3)" } });
	await api("POST", `/api/occurrences/${swims[4].id}/complete`);
	const afterChange = swims.find((s) => s.start_datetime > `${transition}T12:00:00Z`);
	await api("PATCH", `/api/occurrences/${afterChange.id}`, {
		body: { title: "Swim after the change" },
	});

	const everyOtherWeek = await seed({
		title: "Rehearsal",
		description: "Bring water,\nand a towel; \\o/",
		weekday: undefined,
		weekdays: [0, 2, 4],
		interval: 2,
		time: "18:00",
		start_date: windowStart,
	});
	const counted = await seed({
		title: "Atelier",
		weekday: 3,
		time: "12:00",
		timezone: "Europe/Paris",
		start_date: addDays(windowStart, 10),
		count: 5,
	});

	const splitOld = await seed({
		title: "Spin",
		weekday: undefined,
		weekdays: [1, 3],
		time: "09:00",
		start_date: addDays(windowStart, -14),
	});
	const splitFrom = addDays(changeWeek, -7);
	const spins = (await seriesInWindow(splitOld.id)).filter((s) => s.start_local >= splitFrom);
	const kept = await api("PATCH", `/api/occurrences/${spins[0].id}`, {
		body: { title: "Spin special" },
	});
	await api("DELETE", `/api/occurrences/${spins[1].id}`);
	const split = await api("POST", `/api/patterns/${splitOld.id}/split`, {
		body: { from: splitFrom, changes: { time: "10:15", title: "Spin (late)" } },
	});
	expect(split.status).toBe(201);

	const deleted = await seed({
		title: "Old yoga",
		weekday: 4,
		time: "06:00",
		start_date: todayPlus(-40),
	});
	const yogas = await seriesInWindow(deleted.id);
	const futureYoga = yogas.filter((s) => Date.parse(s.start_datetime) > Date.now());
	await api("PATCH", `/api/occurrences/${futureYoga[1].id}`, { body: { title: "Old yoga, kept" } });
	await api("DELETE", `/api/patterns/${deleted.id}?delete_future=true`);

	const retimed = await seed({
		title: "Pilates",
		weekday: 2,
		time: "08:00",
		start_date: todayPlus(-40),
	});
	await api("PATCH", `/api/patterns/${retimed.id}`, { body: { time: "08:45", title: "Pilates+" } });

	const paused = await seed({
		title: "Paused",
		weekday: 5,
		time: "11:00",
		start_date: todayPlus(-20),
	});
	await api("DELETE", `/api/patterns/${paused.id}?delete_future=false`);

	await createOneTime({
		title: "Open house, spring; \\ edition",
		start_datetime: `${addDays(windowStart, 9)}T15:00:00Z`,
		duration_minutes: 90,
		timezone: NY,
	});
	const cancelledOneTime = await createOneTime({
		title: "Cancelled talk",
		start_datetime: `${addDays(windowStart, 10)}T15:00:00Z`,
	});
	await api("DELETE", `/api/occurrences/${cancelledOneTime.id}`);

	return {
		weekly,
		everyOtherWeek,
		counted,
		splitOld: split.body.old_pattern,
		splitNew: split.body.new_pattern,
		deleted,
		retimed,
		paused,
		cancelledDate: swims[1].start_local.slice(0, 10),
		keptAfterSplit: kept.body,
	};
}

let seeded: Seeded;
beforeAll(async () => {
	seeded = await seedCalendar();
});

describe("GET /api/calendar.ics", () => {
	it("expands, in a client, to exactly the API's scheduled and completed sessions", async () => {
		const ics = await feed("/api/calendar.ics");
		const sessions = (await api("GET", `/api/occurrences?${RANGE}`)).body;
		expect(expandFeed(ics, FROM, UNTIL)).toEqual(asInstances(sessions));

		// The window holds what makes this hard: both sides of a DST change, a deleted series'
		// history and its kept session, a re-timed series' old sessions, and a one-time session.
		const titles = new Set(sessions.map((s: any) => s.title));
		for (const title of [
			"Old yoga",
			"Old yoga, kept",
			"Pilates",
			"Pilates+",
			"Paused",
			"Spin special",
			"Swim after the change",
			"Lap swim (lane 3)",
		]) {
			expect(titles).toContain(title);
		}
		const swimOffsets = sessions
			.filter((s: any) => s.pattern_id === seeded.weekly.id)
			.map((s: any) => s.start_local.slice(19));
		expect(new Set(swimOffsets)).toEqual(new Set(["-05:00", "-04:00"]));
		expect(sessions.some((s: any) => s.status === "completed")).toBe(true);
	});

	it("costs one D1 round trip, however many patterns there are", async () => {
		const response = await api("GET", "/api/calendar.ics");
		expect(d1Usage(response).queries).toBe(1);
	});

	it("keeps series as series, with a VTIMEZONE for each zone used", async () => {
		const lines = contentLines(await feed("/api/calendar.ics"));
		expect(lines[0]).toBe("BEGIN:VCALENDAR");
		expect(lines).toContain("VERSION:2.0");
		const masters = lines.filter((line) => /^UID:pattern-\d+@calendar-api$/.test(line));
		expect(new Set(masters)).toEqual(
			new Set(
				[
					seeded.weekly,
					seeded.everyOtherWeek,
					seeded.counted,
					seeded.splitOld,
					seeded.splitNew,
					seeded.deleted,
					seeded.retimed,
					seeded.paused,
				].map((pattern) => `UID:pattern-${pattern.id}@calendar-api`),
			),
		);
		expect(lines.filter((line) => line.startsWith("TZID:"))).toEqual([
			"TZID:America/New_York",
			"TZID:Europe/Paris",
		]);
		expect(lines.filter((line) => line.startsWith("RRULE:")).length).toBe(8);
		expect(lines).not.toContain("SUMMARY:Cancelled talk");
		expect(lines).toContain("SUMMARY:Open house\\, spring\\; \\\\ edition");
	});

	it("accepts a feed token as ?key=, for calendar apps that cannot send headers", async () => {
		const created = await api("POST", "/api/feed-tokens", { body: { name: "Phone calendar" } });
		expect(created.status).toBe(201);
		const key = encodeURIComponent(created.body.token);
		const subscribed = await api("GET", `/api/calendar.ics?key=${key}`, { token: null });
		expect(subscribed.status).toBe(200);
		expect(subscribed.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
		const slashed = await api("GET", `/api/calendar.ics/?key=${key}`, { token: null });
		expect(slashed.status).toBe(200);
		const wrong = await api("GET", "/api/calendar.ics?key=calfeed_nope", { token: null });
		expect(wrong.status).toBe(401);
		expect(wrong.headers.get("Content-Type")).toBe("application/problem+json");
	});
});

describe("GET /api/patterns/{id}/calendar.ics", () => {
	it("expands each series to exactly its sessions in the series view", async () => {
		for (const pattern of [
			seeded.weekly,
			seeded.everyOtherWeek,
			seeded.counted,
			seeded.splitOld,
			seeded.splitNew,
			seeded.retimed,
			seeded.paused,
		]) {
			const ics = await feed(`/api/patterns/${pattern.id}/calendar.ics`);
			const sessions = await seriesInWindow(pattern.id);
			expect(expandFeed(ics, FROM, UNTIL), pattern.title).toEqual(asInstances(sessions));
		}
	});

	it("writes the rule, cancellations and edits as RRULE, EXDATE and RECURRENCE-ID", async () => {
		const { weekly, cancelledDate } = seeded;
		const lines = contentLines(await feed(`/api/patterns/${weekly.id}/calendar.ics`));
		const uid = `UID:pattern-${weekly.id}@calendar-api`;
		expect(lines.filter((line) => line === uid)).toHaveLength(4);
		// start_date is a Monday; the first Tuesday is the first instance.
		const firstTuesday = addDays(weekly.start_date, 1).replaceAll("-", "");
		expect(lines).toContain(`DTSTART;TZID=${NY}:${firstTuesday}T073000`);
		expect(lines).toContain("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO");
		expect(lines).toContain("DURATION:PT60M");
		expect(lines).toContain(`EXDATE;TZID=${NY}:${cancelledDate.replaceAll("-", "")}T073000`);
		expect(lines.filter((line) => line.startsWith(`RECURRENCE-ID;TZID=${NY}:`))).toHaveLength(3);
		expect(lines).toContain("DURATION:PT45M");
		// The moved session was edited once: version 2, SEQUENCE 1. DTSTAMP is UTC.
		expect(lines).toContain("SEQUENCE:1");
		expect(
			lines
				.filter((line) => line.startsWith("DTSTAMP:"))
				.every((line) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(line)),
		).toBe(true);
		// The VTIMEZONE carries the DST change the window crosses, at 02:00 local.
		expect(lines).toContain(`DTSTART:${transition.replaceAll("-", "")}T020000`);

		const everyOther = contentLines(
			await feed(`/api/patterns/${seeded.everyOtherWeek.id}/calendar.ics`),
		);
		expect(everyOther).toContain("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=MO");
		expect(everyOther).toContain("DESCRIPTION:Bring water\\,\\nand a towel\\; \\\\o/");
		const counted = contentLines(await feed(`/api/patterns/${seeded.counted.id}/calendar.ics`));
		expect(counted).toContain("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;COUNT=5;WKST=MO");
		expect(counted).toContain("TZID:Europe/Paris");
	});

	it("ends a split series with UNTIL and shows its kept sessions as events of their own", async () => {
		const { splitOld, splitNew, keptAfterSplit } = seeded;
		const old = contentLines(await feed(`/api/patterns/${splitOld.id}/calendar.ics`));
		const until = old.find((line) => line.startsWith("RRULE:"));
		expect(until).toMatch(/;UNTIL=\d{8}T\d{6}Z;/);
		expect(old).toContain(`UID:occurrence-${keptAfterSplit.id}@calendar-api`);
		expect(old).toContain(`RELATED-TO:pattern-${splitOld.id}@calendar-api`);
		expect(old).toContain("SUMMARY:Spin special");
		const next = contentLines(await feed(`/api/patterns/${splitNew.id}/calendar.ics`));
		// `from` is a Monday and the new series meets on Tuesdays and Thursdays. Its first Tuesday
		// and Thursday are held by the old series' edited and cancelled sessions, so it starts on
		// the second Tuesday.
		const secondTuesday = addDays(splitNew.start_date, 8).replaceAll("-", "");
		expect(next).toContain(`DTSTART;TZID=${NY}:${secondTuesday}T101500`);
	});

	it("answers 404 for a deleted pattern, whose history stays in the whole calendar", async () => {
		const response = await api("GET", `/api/patterns/${seeded.deleted.id}/calendar.ics`);
		expect(response.status).toBe(404);
		expect(response.headers.get("Content-Type")).toBe("application/problem+json");
		expect(await feed("/api/calendar.ics")).toContain(
			`UID:pattern-${seeded.deleted.id}@calendar-api`,
		);
	});

	it("folds at 75 octets with CRLF and escapes TEXT, and a client reads the text back", async () => {
		const title = `Ça, c'est; le \\ cours — ${"très ".repeat(20)}long`;
		const description = "Line one\nLine two, with a comma; and a semicolon";
		const pattern = await seed({
			title,
			description,
			weekday: 0,
			time: "10:00",
			start_date: windowStart,
		});
		const ics = await feed(`/api/patterns/${pattern.id}/calendar.ics`);
		expect(ics.endsWith("\r\n")).toBe(true);
		const physical = ics.slice(0, -2).split("\r\n");
		expect(physical.every((line) => !line.includes("\n") && !line.includes("\r"))).toBe(true);
		const encoder = new TextEncoder();
		expect(Math.max(...physical.map((line) => encoder.encode(line).length))).toBeLessThanOrEqual(
			75,
		);
		expect(physical.some((line) => line.startsWith(" "))).toBe(true);
		expect(contentLines(ics)).toContain(`SUMMARY:${title.replace(/([\\;,])/g, "\\$1")}`);

		const { default: ICAL } = await import("ical.js");
		const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent");
		expect(event?.getFirstPropertyValue("summary")).toBe(title);
		expect(event?.getFirstPropertyValue("description")).toBe(description);
	});

	it("answers 304 to If-None-Match until the series changes", async () => {
		const pattern = await seed({
			title: "Cached",
			weekday: 2,
			time: "12:00",
			start_date: windowStart,
		});
		const path = `/api/patterns/${pattern.id}/calendar.ics`;
		const first = await api("GET", path);
		const etag = first.headers.get("ETag") ?? "";
		expect(etag).toMatch(/^"f\d+\.c1\.p\d+\.v\d+\.y\d{4}"$/);
		expect((await api("GET", path)).headers.get("ETag")).toBe(etag);
		const cached = await api("GET", path, { headers: { "If-None-Match": etag } });
		expect(cached.status).toBe(304);
		expect(cached.body).toBe("");
		await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "Cached, renamed" } });
		const changed = await api("GET", path, { headers: { "If-None-Match": etag } });
		expect(changed.status).toBe(200);
		expect(changed.headers.get("ETag")).not.toBe(etag);
	});
});
