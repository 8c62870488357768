import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { renderFeed } from "./feed";
import { type FeedData, loadCalendar, loadSeries } from "./load";

export const feedRoutes = createRouter();

const FeedQuery = z.object({
	key: z.string().optional().openapi({
		description:
			"An API key with the read scope, for calendar apps that cannot send an Authorization header",
	}),
});

const feedResponses = {
	200: {
		description: "An RFC 5545 iCalendar object",
		content: {
			"text/calendar": {
				schema: z.string().openapi({
					example:
						"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Calendar API//Sessions//EN\r\n…\r\nEND:VCALENDAR\r\n",
				}),
			},
		},
	},
};

const feedDescription = [
	"Each pattern is one recurring VEVENT (UID pattern-{id}@calendar-api): DTSTART;TZID and RRULE (FREQ=WEEKLY, INTERVAL, BYDAY, COUNT or UNTIL, WKST=MO), EXDATE for cancelled sessions, and an overriding VEVENT with RECURRENCE-ID for each session edited by hand or otherwise different from the rule.",
	"Completed sessions are ordinary instances. One-time sessions, and pattern sessions no longer on their pattern's rule, are VEVENTs of their own (UID occurrence-{id}@calendar-api, RELATED-TO their pattern).",
	"A deleted or deactivated pattern's rule ends (UNTIL) at its last shown session. SEQUENCE is the row's version − 1; DTSTAMP its last change.",
	"Every TZID has a VTIMEZONE built from the zone's real transitions.",
].join(" ");

/** The feed as text/calendar; the HTTP layer adds its ETag (a hash of the bytes) and 304s. */
function respondWithFeed(c: Context<AppEnv>, name: string, data: FeedData) {
	const body = renderFeed({ name, ...data, now: Date.now() });
	return c.body(body, 200, { "Content-Type": "text/calendar; charset=utf-8" });
}

feedRoutes.openapi(
	createRoute({
		method: "get",
		path: "/calendar.ics",
		operationId: "getCalendarFeed",
		tags: ["Feeds"],
		summary: "Every live series and one-time session as an iCalendar feed",
		description: `${feedDescription} Deleted patterns appear while they have sessions to show.`,
		request: { query: FeedQuery },
		responses: { ...feedResponses, ...problems(400) },
	}),
	async (c) => respondWithFeed(c, "Calendar API", await loadCalendar(c.var.db)),
);

feedRoutes.openapi(
	createRoute({
		method: "get",
		path: "/patterns/{id}/calendar.ics",
		operationId: "getPatternFeed",
		tags: ["Feeds"],
		summary: "One series as an iCalendar feed",
		description: feedDescription,
		request: { params: idParam("Pattern"), query: FeedQuery },
		responses: { ...feedResponses, ...problems(400, 404) },
	}),
	async (c) => {
		const data = await loadSeries(c.var.db, c.req.valid("param").id);
		return respondWithFeed(c, data.patterns[0]?.title ?? "Calendar API", data);
	},
);
