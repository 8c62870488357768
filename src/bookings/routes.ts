import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { etagOf, notModified, requiredVersion } from "../http/etag";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { sha256Hex } from "../lib/crypto";
import { idParam } from "../lib/fields";
import { bookingJson, holdJson } from "../wire/bookings";
import {
	BookingMessage,
	BookingSchema,
	BookingsOfQuery,
	bookingLimits,
	CreateBookingBody,
	CreatedBookingSchema,
	CreateHoldBody,
	HoldSchema,
	RosterQuery,
	TokenQuery,
	UpdateBookingBody,
} from "./schemas";
import {
	cancelBooking,
	createBooking,
	createHold,
	findBooking,
	listBookingsOf,
	listRoster,
	releaseHold,
	rosterCursorOf,
	updateBooking,
} from "./service";

const tags = ["Bookings"];
const etagHeader = {
	ETag: { schema: { type: "string" as const }, description: "Strong validator" },
};

/** Routes under /api/occurrences/{id}: the roster, booking and holding seats. */
export const sessionBookingRoutes = createRouter();

sessionBookingRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/bookings",
		operationId: "createBooking",
		tags,
		summary: "Book seats (confirmed when they fit, else waitlisted)",
		request: { params: idParam("Occurrence"), ...jsonBody(CreateBookingBody) },
		responses: {
			201: { ...jsonResponse(CreatedBookingSchema, "Booked or waitlisted"), headers: etagHeader },
			...problems(400, 404, 409, 410, 413, 415, 422),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const { booking, manageToken } = await createBooking(
			c.var.db,
			c.req.valid("param").id,
			{ name: body.name, email: body.email, seats: body.seats ?? 1, holdId: body.hold_id },
			Date.now(),
			c.var.principal,
		);
		c.header("ETag", etagOf("booking", booking.id, booking.version));
		c.header("Location", `/api/bookings/${booking.id}`);
		return c.json({ ...bookingJson(booking), manage_token: manageToken }, 201);
	},
);

sessionBookingRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}/bookings",
		operationId: "listRoster",
		tags,
		summary: "The roster: confirmed, then waitlisted in line order",
		request: { params: idParam("Occurrence"), query: RosterQuery },
		responses: { 200: jsonResponse(z.array(BookingSchema), "Bookings"), ...problems(400, 404) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const after = query.cursor ? decodeCursor(query.cursor, ["s", "p", "i"]) : undefined;
		const rows = await listRoster(c.var.db, c.req.valid("param").id, {
			scope: c.var.principal,
			statuses: query.status,
			after,
			limit: limit + 1,
		});
		return c.json(paginate(c, rows, limit, rosterCursorOf).map(bookingJson), 200);
	},
);

sessionBookingRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/holds",
		operationId: "createHold",
		tags,
		summary: "Hold free seats for a while (never waitlists)",
		request: { params: idParam("Occurrence"), ...jsonBody(CreateHoldBody) },
		responses: { 201: jsonResponse(HoldSchema, "Held"), ...problems(400, 404, 409, 413, 415, 422) },
	}),
	async (c) => {
		const body = c.req.valid("json");
		const hold = await createHold(
			c.var.db,
			c.req.valid("param").id,
			{ seats: body.seats, ttlSeconds: body.ttl_seconds ?? bookingLimits.defaultTtlSeconds },
			Date.now(),
			c.var.principal,
		);
		return c.json(holdJson(hold), 201);
	},
);

/** /api/bookings */
export const bookingRoutes = createRouter();

/** The manage token's hash when the caller came with ?token= and no API key (auth lets it in). */
async function tokenHashOf(c: Context<AppEnv>): Promise<string | undefined> {
	const token = c.var.principal.manageToken;
	return token === undefined ? undefined : sha256Hex(token);
}

bookingRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listBookingsOf",
		tags,
		summary: "One person's bookings, on sessions overlapping [start, end)",
		request: { query: BookingsOfQuery },
		responses: { 200: jsonResponse(z.array(BookingSchema), "Bookings"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const after = query.cursor ? decodeCursor(query.cursor, ["i"]) : undefined;
		const rows = await listBookingsOf(c.var.db, {
			scope: c.var.principal,
			email: query.email,
			start: query.start,
			end: query.end,
			limit: limit + 1,
			afterId: after?.i,
		});
		return c.json(paginate(c, rows, limit, (row) => ({ i: row.id })).map(bookingJson), 200);
	},
);

bookingRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}",
		operationId: "getBooking",
		tags,
		summary: "One booking (with an API key, or its manage_token as ?token=)",
		request: { params: idParam("Booking"), query: TokenQuery },
		responses: {
			200: { ...jsonResponse(BookingSchema, "The booking"), headers: etagHeader },
			304: { description: "Not modified (If-None-Match)" },
			...problems(404),
		},
	}),
	async (c) => {
		const row = await findBooking(
			c.var.db,
			c.req.valid("param").id,
			await tokenHashOf(c),
			c.var.principal,
		);
		const etag = etagOf("booking", row.id, row.version);
		c.header("ETag", etag);
		if (notModified(c, etag)) return c.body(null, 304);
		return c.json(bookingJson(row), 200);
	},
);

bookingRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/{id}",
		operationId: "updateBooking",
		tags,
		summary: "Rename, or mark attendance once the session has started",
		request: { params: idParam("Booking"), ...jsonBody(UpdateBookingBody) },
		responses: {
			200: { ...jsonResponse(BookingSchema, "The booking"), headers: etagHeader },
			...problems(400, 404, 409, 412, 413, 415),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const body = c.req.valid("json");
		const row = await updateBooking(
			c.var.db,
			id,
			{ name: body.name, attendance: body.attendance },
			{
				now: Date.now(),
				requiredVersion: requiredVersion(c, "booking", id),
				scope: c.var.principal,
			},
		);
		c.header("ETag", etagOf("booking", row.id, row.version));
		return c.json(bookingJson(row), 200);
	},
);

bookingRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "cancelBooking",
		tags,
		summary: "Cancel a booking: its seats go to the waitlist, first come first served",
		request: { params: idParam("Booking"), query: TokenQuery },
		responses: {
			200: { ...jsonResponse(BookingMessage, "Cancelled"), headers: etagHeader },
			...problems(404, 409, 412),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const tokenHash = await tokenHashOf(c);
		const row = await cancelBooking(c.var.db, id, {
			scope: c.var.principal,
			now: Date.now(),
			reason: tokenHash === undefined ? "staff" : "attendee",
			tokenHash,
			requiredVersion: requiredVersion(c, "booking", id),
		});
		c.header("ETag", etagOf("booking", row.id, row.version));
		return c.json({ message: `Booking ${id} cancelled.`, booking: bookingJson(row) }, 200);
	},
);

/** /api/holds */
export const holdRoutes = createRouter();

holdRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "releaseHold",
		tags,
		summary: "Release a hold: its seats are free again",
		request: { params: idParam("Hold") },
		responses: {
			200: jsonResponse(
				z.object({ message: z.string().openapi({ example: "Hold 3 released." }) }),
				"Released",
			),
			...problems(404, 410),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		await releaseHold(c.var.db, id, Date.now(), c.var.principal);
		return c.json({ message: `Hold ${id} released.` }, 200);
	},
);
