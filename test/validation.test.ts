import { describe, expect, it } from "vitest";
import {
	api,
	createOneTime,
	createPattern,
	expectFieldErrors,
	tableCounts,
	useClock,
	validPattern,
} from "./helpers";

useClock("2026-02-15T12:00:00Z");

/** `validPattern()` without `field`. */
const patternWithout = (field: string) =>
	Object.fromEntries(Object.entries(validPattern()).filter(([key]) => key !== field));

describe("POST /api/patterns validation", () => {
	it.each([
		["weekday is 7", { weekday: 7 }, "weekday"],
		["weekday is -1", { weekday: -1 }, "weekday"],
		["weekday is a string", { weekday: "1" }, "weekday"],
		["weekday is not whole", { weekday: 1.5 }, "weekday"],
		["title is empty", { title: "" }, "title"],
		["title is 201 characters", { title: "x".repeat(201) }, "title"],
		["title is a number", { title: 42 }, "title"],
		["description is a number", { description: 5 }, "description"],
		["time is 24:00", { time: "24:00" }, "time"],
		["time has minute 60", { time: "07:60" }, "time"],
		["time is a number", { time: 730 }, "time"],
		["timezone is unknown", { timezone: "Mars/Olympus_Mons" }, "timezone"],
		["duration_minutes is 0", { duration_minutes: 0 }, "duration_minutes"],
		["duration_minutes is 1441", { duration_minutes: 1441 }, "duration_minutes"],
		["duration_minutes is not whole", { duration_minutes: 1.5 }, "duration_minutes"],
		["duration_minutes is a string", { duration_minutes: "60" }, "duration_minutes"],
		["start_date is 2026-02-30", { start_date: "2026-02-30" }, "start_date"],
		["start_date is 2026-13-01", { start_date: "2026-13-01" }, "start_date"],
		["start_date is not ISO", { start_date: "03/01/2026" }, "start_date"],
		["start_date is before 1970", { start_date: "1969-12-29" }, "start_date"],
		["end_date is 2026-02-29", { end_date: "2026-02-29" }, "end_date"],
		[
			"end_date is before start_date",
			{ start_date: "2026-03-01", end_date: "2026-02-01" },
			"end_date",
		],
		[
			"end_date equals start_date",
			{ start_date: "2026-03-01", end_date: "2026-03-01" },
			"end_date",
		],
		["months_ahead is 0", { months_ahead: 0 }, "months_ahead"],
		["months_ahead is 13", { months_ahead: 13 }, "months_ahead"],
		["months_ahead is a string", { months_ahead: "3" }, "months_ahead"],
		["generate_occurrences is a string", { generate_occurrences: "yes" }, "generate_occurrences"],
		["is_active is a string", { is_active: "true" }, "is_active"],
		["frequency is daily", { frequency: "daily" }, "frequency"],
	])("returns 400 when %s", async (_case, overrides, path) => {
		const response = await api("POST", "/api/patterns", { body: validPattern(overrides) });
		expectFieldErrors(response, [path]);
	});

	it.each(["title", "weekday", "time", "start_date"])(
		"returns 400 when %s is missing",
		async (field) => {
			const response = await api("POST", "/api/patterns", { body: patternWithout(field) });
			expectFieldErrors(response, [field]);
		},
	);

	it("explains each field in its message", async () => {
		const response = await api("POST", "/api/patterns", {
			body: validPattern({ weekday: 7, timezone: "Nowhere/City", duration_minutes: 0 }),
		});
		expect(expectFieldErrors(response, ["weekday", "timezone", "duration_minutes"])).toEqual([
			{ path: "weekday", message: "Weekday is 0 (Monday) to 6 (Sunday)." },
			{
				path: "timezone",
				message: "Unknown time zone; use an IANA name such as Europe/Paris.",
			},
			{ path: "duration_minutes", message: "Duration is at least 1 minute." },
		]);
		expect(response.body.detail).toBe(
			"weekday: Weekday is 0 (Monday) to 6 (Sunday). timezone: Unknown time zone; use an IANA name such as Europe/Paris. duration_minutes: Duration is at least 1 minute.",
		);
	});

	it("names the impossible date", async () => {
		const response = await api("POST", "/api/patterns", {
			body: validPattern({ start_date: "2026-02-30" }),
		});
		expect(expectFieldErrors(response, ["start_date"])).toEqual([
			{ path: "start_date", message: "Must be a real calendar date, YYYY-MM-DD." },
		]);
	});

	it.each([
		["an array", []],
		["a string", "pattern"],
		["null", null],
	])("returns 400 when the body is %s", async (_case, body) => {
		expectFieldErrors(await api("POST", "/api/patterns", { body }), ["(body)"]);
	});

	it("accepts the limits themselves", async () => {
		const { pattern } = await createPattern({
			title: "x".repeat(200),
			weekday: 6,
			duration_minutes: 1,
			months_ahead: 12,
		});
		expect(pattern).toMatchObject({ weekday: 6, duration_minutes: 1 });
		expect(pattern.title).toHaveLength(200);
	});
});

describe("PATCH /api/patterns/{id} validation", () => {
	it.each([
		["weekday is 7", { weekday: 7 }, "weekday"],
		["title is empty", { title: "" }, "title"],
		["title is 201 characters", { title: "x".repeat(201) }, "title"],
		["time is 7 o'clock", { time: "7" }, "time"],
		["timezone is unknown", { timezone: "Europe/Atlantis" }, "timezone"],
		["duration_minutes is 1441", { duration_minutes: 1441 }, "duration_minutes"],
		["end_date is 2026-02-30", { end_date: "2026-02-30" }, "end_date"],
		["end_date is before start_date", { end_date: "2026-02-01" }, "end_date"],
		["is_active is 1", { is_active: 1 }, "is_active"],
	])("returns 400 and changes nothing when %s", async (_case, body, path) => {
		const { pattern } = await createPattern({ start_date: "2026-02-17" });
		const before = await tableCounts();
		expectFieldErrors(await api("PATCH", `/api/patterns/${pattern.id}`, { body }), [path]);
		expect(await tableCounts()).toEqual(before);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body).toEqual(pattern);
	});
});

describe("POST /api/occurrences validation", () => {
	it.each([
		["title is missing", { title: undefined }, "title"],
		["title is 201 characters", { title: "x".repeat(201) }, "title"],
		["start_datetime is missing", { start_datetime: undefined }, "start_datetime"],
		["start_datetime is 2026-02-30", { start_datetime: "2026-02-30T10:00:00Z" }, "start_datetime"],
		["start_datetime is prose", { start_datetime: "tomorrow at ten" }, "start_datetime"],
		["start_datetime is a date only", { start_datetime: "2026-03-01" }, "start_datetime"],
		["start_datetime is a number", { start_datetime: 1772359200000 }, "start_datetime"],
		["start_datetime has hour 25", { start_datetime: "2026-03-01T25:00:00Z" }, "start_datetime"],
		[
			"start_datetime is in year 9999",
			{ start_datetime: "9999-12-31T23:00:00Z" },
			"start_datetime",
		],
		["start_datetime is before 1970", { start_datetime: "1969-12-31T23:00:00Z" }, "start_datetime"],
		["duration_minutes is 0", { duration_minutes: 0 }, "duration_minutes"],
		["duration_minutes is 1441", { duration_minutes: 1441 }, "duration_minutes"],
	])("returns 400 when %s", async (_case, overrides, path) => {
		const body = {
			title: "Open house",
			start_datetime: "2026-03-01T10:00:00Z",
			...overrides,
		};
		expectFieldErrors(await api("POST", "/api/occurrences", { body }), [path]);
	});
});

describe("PATCH /api/occurrences/{id} validation", () => {
	it.each([
		["title is empty", { title: "" }, "title"],
		["start_datetime is 2026-02-30", { start_datetime: "2026-02-30T10:00:00Z" }, "start_datetime"],
		["duration_minutes is 0", { duration_minutes: 0 }, "duration_minutes"],
		["duration_minutes is 1441", { duration_minutes: 1441 }, "duration_minutes"],
		["description is null", { description: null }, "description"],
	])("returns 400 and changes nothing when %s", async (_case, body, path) => {
		const session = await createOneTime();
		expectFieldErrors(await api("PATCH", `/api/occurrences/${session.id}`, { body }), [path]);
		expect((await api("GET", `/api/occurrences/${session.id}`)).body).toEqual(session);
	});
});

describe("GET /api/occurrences validation", () => {
	const get = (query: string) => api("GET", `/api/occurrences?${query}`);

	it.each([
		["start is missing", "end=2026-03-01T00:00:00Z", ["start"]],
		["end is missing", "start=2026-03-01T00:00:00Z", ["end"]],
		["both are missing", "", ["start", "end"]],
		["start is unparseable", "start=soon&end=2026-03-01T00:00:00Z", ["start"]],
		["end is an impossible date", "start=2026-02-01T00:00:00Z&end=2026-02-30T00:00:00Z", ["end"]],
		["start equals end", "start=2026-03-01T00:00:00Z&end=2026-03-01T00:00:00Z", ["end"]],
		["start is after end", "start=2026-03-02T00:00:00Z&end=2026-03-01T00:00:00Z", ["end"]],
		[
			"status is unknown",
			"start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z&status=done",
			["status"],
		],
	])("returns 400 when %s", async (_case, query, paths) => {
		expectFieldErrors(await get(query), paths);
	});

	it("accepts a range of any span, as the old service did (pages bound its cost)", async () => {
		expect((await get("start=2026-01-01T00:00:00Z&end=2027-02-19T00:00:00Z")).status).toBe(200);
		expect((await get("start=1970-01-01T00:00:00Z&end=2100-01-01T00:00:00Z")).status).toBe(200);
	});
});

describe("repeated query parameters", () => {
	const range = "start=2026-03-01T00:00:00Z&end=2026-03-08T00:00:00Z";

	it.each([
		["GET", "/api/occurrences", `${range}&start=2026-03-02T00:00:00Z`, "start"],
		["GET", "/api/occurrences", `${range}&end=2026-03-09T00:00:00Z`, "end"],
		["GET", "/api/occurrences", `${range}&status=scheduled&status=cancelled`, "status"],
		["GET", "/api/occurrences", `${range}&limit=1&limit=2`, "limit"],
		["GET", "/api/occurrences", `${range}&cursor=a&cursor=b`, "cursor"],
		["GET", "/api/patterns/{id}/occurrences", `${range}&start=2026-03-02T00:00:00Z`, "start"],
		["GET", "/api/patterns", "limit=1&limit=1", "limit"],
		["GET", "/api/patterns", "search=yoga&search=pilates", "search"],
		["GET", "/api/patterns", "is_active=true&is_active=false", "is_active"],
		["GET", "/api/patterns", "weekday=1&weekday=2", "weekday"],
		["DELETE", "/api/patterns/{id}", "delete_future=true&delete_future=false", "delete_future"],
		["GET", "/api/keys", "limit=5&limit=6", "limit"],
		["GET", "/api/calendar.ics", "key=cal_a&key=cal_b", "key"],
		["GET", "/api/patterns/{id}/calendar.ics", "key=cal_a&key=cal_b", "key"],
	])("%s %s?%s is a 400 naming the parameter", async (method, path, query, name) => {
		const { pattern } = await createPattern();
		const response = await api(method, `${path.replace("{id}", pattern.id)}?${query}`);
		expect(expectFieldErrors(response, [name])).toEqual([
			{ path: name, message: `\`${name}\` must be given once.` },
		]);
		expect(response.body.detail).toBe(`${name}: \`${name}\` must be given once.`);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).status).toBe(200);
	});

	it("reports a repeated parameter once, next to the other fields' errors", async () => {
		const response = await api(
			"GET",
			"/api/occurrences?start=x&start=y&start=z&end=soon&limit=0&limit=1",
		);
		expect(expectFieldErrors(response, ["start", "end", "limit"])).toEqual([
			{ path: "start", message: "`start` must be given once." },
			expect.objectContaining({ path: "end" }),
			{ path: "limit", message: "`limit` must be given once." },
		]);
	});

	it("ignores a parameter the operation does not take, repeated or not", async () => {
		const response = await api("GET", `/api/occurrences?${range}&utm=a&utm=b&utm=c`);
		expect(response.status).toBe(200);
	});
});
