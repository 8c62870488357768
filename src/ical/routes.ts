import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_CALENDAR_ID } from "../calendars/version";
import { problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { serveFeed } from "./revalidate";

export const feedRoutes = createRouter();

export const FeedQuery = z.object({
	key: z.string().optional().openapi({
		description:
			"A feed token (POST /api/feed-tokens), for calendar apps that cannot send an Authorization header. Nothing else is accepted here: API keys and the root token go in the Authorization header.",
	}),
});

/** A bearer key with the read scope, or a feed token as ?key=. */
export const feedSecurity: Record<string, string[]>[] = [{ bearer: [] }, { feedToken: [] }];

export const feedResponses = {
	304: { description: "Not modified: If-None-Match names the current ETag" },
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

export const feedDescription = [
	"Each pattern is one recurring VEVENT (UID pattern-{id}@calendar-api): DTSTART;TZID and RRULE (FREQ=WEEKLY, INTERVAL, BYDAY, COUNT or UNTIL, WKST=MO), EXDATE for cancelled sessions, and an overriding VEVENT with RECURRENCE-ID for each session edited by hand or otherwise different from the rule.",
	"Completed sessions are ordinary instances. One-time sessions, and pattern sessions no longer on their pattern's rule, are VEVENTs of their own (UID occurrence-{id}@calendar-api, RELATED-TO their pattern).",
	"A deleted or deactivated pattern's rule ends (UNTIL) at its last shown session. SEQUENCE is the row's version − 1; DTSTAMP its last change.",
	"Every TZID has a VTIMEZONE built from the zone's real transitions.",
	"The ETag comes from the calendar's version, which every write to what the feed shows moves: a matching If-None-Match answers 304 after reading one row, never the sessions.",
].join(" ");

feedRoutes.openapi(
	createRoute({
		method: "get",
		path: "/calendar.ics",
		operationId: "getCalendarFeed",
		tags: ["Feeds"],
		summary: "The default calendar's feed: its live series and one-time sessions (iCalendar)",
		description: `${feedDescription} Deleted patterns appear while they have sessions to show. This is the default calendar's (id 1) feed, as before calendars existed; GET /api/calendars/{id}/calendar.ics is any calendar's. A key that cannot see the default calendar gets 404.`,
		request: { query: FeedQuery },
		security: feedSecurity,
		responses: { ...feedResponses, ...problems(400, 404) },
	}),
	(c) => serveFeed(c, { calendarId: DEFAULT_CALENDAR_ID }),
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
		security: feedSecurity,
		responses: { ...feedResponses, ...problems(400, 404) },
	}),
	(c) => serveFeed(c, { patternId: c.req.valid("param").id }),
);

feedRoutes.openapi(
	createRoute({
		method: "get",
		path: "/calendars/{id}/calendar.ics",
		operationId: "getCalendarFeedById",
		tags: ["Feeds"],
		summary: "One calendar's live series and one-time sessions as an iCalendar feed",
		description: `${feedDescription} Deleted patterns appear while they have sessions to show. A calendar the key (or feed token) cannot see is 404.`,
		request: { params: idParam("Calendar"), query: FeedQuery },
		security: feedSecurity,
		responses: { ...feedResponses, ...problems(400, 404) },
	}),
	(c) => serveFeed(c, { calendarId: c.req.valid("param").id }),
);
