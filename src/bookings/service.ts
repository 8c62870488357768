// Bookings and holds: each write is one D1 batch from ./batches; reads are one statement.
import { and, asc, eq, gt, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteSelect } from "drizzle-orm/sqlite-core";
import { changeRows } from "../changes/record";
import { type CalendarScope, calendarsTerm, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type BookingRow, type BookingStatus, bookings, holds, occurrences } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import { randomToken } from "../lib/base64url";
import { sha256Hex } from "../lib/crypto";
import { findOccurrence } from "../occurrences/service";
import {
	bookingStatements,
	cancelStatements,
	holdStatements,
	type NewBooking,
	releaseHoldStatements,
	runBatch,
	settle,
} from "../seats/batches";
import { bookingChanges } from "../seats/changes";
import type { HoldJson } from "../wire/bookings";

export interface BookingRequest {
	name: string;
	email: string;
	seats: number;
	holdId?: number;
}

/** lower(email): addresses compare case-insensitively (one live booking per address). */
export const emailKeyOf = (email: string) => email.trim().toLowerCase();

const liveBookingOf = (occurrenceId: number, emailKey: string) =>
	and(
		eq(bookings.occurrenceId, occurrenceId),
		eq(bookings.emailKey, emailKey),
		ne(bookings.status, "cancelled"),
	);

/**
 * Books seats in one batch: the conditional INSERT decides confirmed vs waitlisted from the counts
 * it reads, so racing requests can never overbook. When nothing was inserted, one more read says
 * why (unknown, not bookable, already booked, hold gone, full).
 */
export async function createBooking(
	db: Db,
	occurrenceId: number,
	request: BookingRequest,
	now: number,
	scope: CalendarScope,
): Promise<{ booking: BookingRow; manageToken: string }> {
	const manageToken = randomToken();
	const booking: NewBooking = {
		occurrenceId,
		name: request.name,
		email: request.email.trim(),
		emailKey: emailKeyOf(request.email),
		seats: request.seats,
		tokenHash: await sha256Hex(manageToken),
		holdId: request.holdId,
	};
	const results = await runBatch(db, [
		...settle(db, sql`${occurrenceId}`, now),
		...bookingStatements(db, booking, now, scope),
		...bookingChanges(db, sql`${occurrenceId}`, now),
		db
			.select()
			.from(bookings)
			.where(
				and(
					liveBookingOf(occurrenceId, booking.emailKey),
					eq(bookings.manageTokenHash, booking.tokenHash),
				),
			),
	]);
	const row = (results[results.length - 1] as BookingRow[])[0];
	if (row) return { booking: row, manageToken };
	return explainRefusal(db, occurrenceId, booking, now, scope);
}

async function explainRefusal(
	db: Db,
	occurrenceId: number,
	booking: NewBooking,
	now: number,
	scope: CalendarScope,
): Promise<never> {
	const session = await findOccurrence(db, occurrenceId, scope);
	if (session.status !== "scheduled" || session.startAt <= now) {
		const state = session.status === "scheduled" ? "already started" : session.status;
		throw new ApiError(
			"not_bookable",
			`Occurrence ${occurrenceId} is ${state}: it takes no bookings.`,
		);
	}
	const [existing] = await db
		.select({ id: bookings.id })
		.from(bookings)
		.where(liveBookingOf(occurrenceId, booking.emailKey));
	if (existing) {
		throw new ApiError(
			"already_booked",
			`${booking.email} already holds booking ${existing.id} on occurrence ${occurrenceId}.`,
			{ extra: { booking_id: existing.id } },
		);
	}
	if (booking.holdId !== undefined) {
		const hold = await db.query.holds.findFirst({ where: eq(holds.id, booking.holdId) });
		if (!hold || hold.occurrenceId !== occurrenceId) {
			throw new ApiError(
				"not_found",
				`Hold ${booking.holdId} does not exist on occurrence ${occurrenceId}.`,
			);
		}
		if (hold.endedAt !== null || hold.expiresAt <= now) {
			throw new ApiError("gone", `Hold ${hold.id} expired or was released.`);
		}
		throw new ApiError(
			"conflict",
			`Hold ${hold.id} holds ${hold.seats} seats; the booking asks for ${booking.seats}.`,
		);
	}
	throw new ApiError(
		"full",
		`Occurrence ${occurrenceId} has ${Math.max(0, (session.capacity ?? 0) - session.booked - session.held)} seats free and no waitlist.`,
	);
}

export async function findBooking(
	db: Db,
	id: number,
	tokenHash: string | undefined,
	scope: CalendarScope,
): Promise<BookingRow> {
	const row = await db.query.bookings.findFirst({
		where: and(
			eq(bookings.id, id),
			visibleCalendars(bookings.calendarId, scope),
			tokenHash === undefined ? undefined : eq(bookings.manageTokenHash, tokenHash),
		),
	});
	if (!row) throw notFound("Booking", id);
	return row;
}

const rosterStatuses: BookingStatus[] = ["confirmed", "waitlisted"];
const statusRank = (status: BookingStatus) =>
	["cancelled", "confirmed", "waitlisted"].indexOf(status);

export interface RosterCursor extends Record<string, number> {
	/** status rank (cancelled 0, confirmed 1, waitlisted 2), position (0 for none), id. */
	s: number;
	p: number;
	i: number;
}

/**
 * The roster in one statement on bookings_roster_idx: confirmed, then waitlisted in line order
 * (status sorts that way), a keyset page at a time.
 */
export async function listRoster(
	db: Db,
	occurrenceId: number,
	filter: {
		statuses?: BookingStatus[];
		after?: RosterCursor;
		limit: number;
		scope: CalendarScope;
	},
): Promise<BookingRow[]> {
	const { after } = filter;
	const statuses = [...(filter.statuses ?? rosterStatuses)]
		.sort((a, b) => statusRank(a) - statusRank(b))
		.filter((status) => !after || statusRank(status) >= after.s);
	// One scan per status on bookings_roster_idx (a page that resumes inside a status starts
	// after the cursor there), merged in index order (MERGE UNION ALL): the statement stops at
	// the limit without sorting, where an IN list would sort the whole roster.
	const scans = statuses.map((status) => {
		const resumes = after !== undefined && statusRank(status) === after.s;
		const afterCursor = !resumes
			? undefined
			: status === "waitlisted"
				? or(
						gt(bookings.waitlistPosition, after.p),
						and(eq(bookings.waitlistPosition, after.p), gt(bookings.id, after.i)),
					)
				: gt(bookings.id, after.i);
		return db
			.select()
			.from(bookings)
			.where(
				and(
					eq(bookings.occurrenceId, occurrenceId),
					eq(bookings.status, status),
					afterCursor,
					visibleCalendars(bookings.calendarId, filter.scope),
				),
			);
	});
	const order = [asc(bookings.status), asc(bookings.waitlistPosition), asc(bookings.id)] as const;
	const [first, ...others] = scans;
	if (!first) return [];
	const union = others.reduce<SQLiteSelect>(
		(query, scan) => query.unionAll(scan) as unknown as SQLiteSelect,
		first as unknown as SQLiteSelect,
	);
	const rows = (await union.orderBy(...order).limit(filter.limit)) as BookingRow[];
	if (rows.length === 0 && !after) await findOccurrence(db, occurrenceId, filter.scope);
	return rows;
}

export const rosterCursorOf = (row: BookingRow): RosterCursor => ({
	s: statusRank(row.status),
	p: row.waitlistPosition ?? 0,
	i: row.id,
});

/** One person's bookings on sessions overlapping [start, end), by session start. */
export function listBookingsOf(
	db: Db,
	filter: {
		email: string;
		start: number;
		end: number;
		limit: number;
		afterId?: number;
		scope: CalendarScope;
	},
) {
	return db
		.select({ booking: bookings })
		.from(bookings)
		.innerJoin(occurrences, eq(occurrences.id, bookings.occurrenceId))
		.where(
			and(
				eq(bookings.emailKey, emailKeyOf(filter.email)),
				visibleCalendars(bookings.calendarId, filter.scope),
				lt(occurrences.startAt, filter.end),
				gt(occurrences.endAt, filter.start),
				filter.afterId === undefined ? undefined : gt(bookings.id, filter.afterId),
			),
		)
		.orderBy(asc(bookings.id))
		.limit(filter.limit)
		.then((rows) => rows.map((row) => row.booking));
}

export interface BookingChanges {
	name?: string;
	attendance?: "present" | "no_show" | null;
}

/**
 * Renames or marks attendance in one guarded statement: attendance only on a confirmed booking
 * of a session that has started.
 */
export async function updateBooking(
	db: Db,
	id: number,
	changes: BookingChanges,
	options: { now: number; requiredVersion?: number; scope: CalendarScope },
): Promise<BookingRow> {
	const attendanceAllowed =
		changes.attendance === undefined
			? undefined
			: and(
					eq(bookings.status, "confirmed"),
					sql`EXISTS (SELECT 1 FROM occurrences o WHERE o.id = ${bookings.occurrenceId}
						AND o.start_at <= ${options.now})`,
				);
	const [[row]] = await db.batch([
		db
			.update(bookings)
			.set({ ...changes, version: sql`${bookings.version} + 1`, updatedAt: options.now })
			.where(
				and(
					eq(bookings.id, id),
					visibleCalendars(bookings.calendarId, options.scope),
					attendanceAllowed,
					options.requiredVersion === undefined
						? undefined
						: eq(bookings.version, options.requiredVersion),
				),
			)
			.returning(),
		// Its change (a rename or attendance), only when the update happened.
		...changeRows(db, {
			type: "booking",
			op: "updated",
			event: "booking.updated",
			rows: { where: sql`t.id = ${id} AND changes() > 0` },
			now: options.now,
		}),
	]);
	if (row) return row;
	const current = await findBooking(db, id, undefined, options.scope);
	if (options.requiredVersion !== undefined && current.version !== options.requiredVersion) {
		throw staleVersion("booking", id);
	}
	if (current.status !== "confirmed") {
		throw new ApiError(
			"conflict",
			`Booking ${id} is ${current.status}: attendance is for confirmed bookings.`,
		);
	}
	throw new ApiError(
		"conflict",
		`Attendance on booking ${id} can be set once its session has started.`,
	);
}

/**
 * Cancels a live booking in one batch that frees its seats (or its place in line) and promotes
 * the waitlist FIFO. With a token hash, only the booking that token belongs to.
 */
export async function cancelBooking(
	db: Db,
	id: number,
	options: {
		now: number;
		reason: string;
		tokenHash?: string;
		requiredVersion?: number;
		scope: CalendarScope;
	},
): Promise<BookingRow> {
	const target = and(
		calendarsTerm("calendar_id", options.scope),
		options.tokenHash === undefined ? undefined : sql`manage_token_hash = ${options.tokenHash}`,
		options.requiredVersion === undefined ? undefined : sql`version = ${options.requiredVersion}`,
	) as SQL;
	// The booking, as this key may see it: another calendar's is not there.
	const mine = and(eq(bookings.id, id), visibleCalendars(bookings.calendarId, options.scope));
	const results = await runBatch(db, [
		db.select({ status: bookings.status }).from(bookings).where(mine),
		...cancelStatements(db, id, target, options.reason, options.now),
		...bookingChanges(db, sql`SELECT occurrence_id FROM bookings WHERE id = ${id}`, options.now),
		db.select().from(bookings).where(mine),
	]);
	const before = (results[0] as { status: BookingStatus }[])[0];
	const after = (results[results.length - 1] as BookingRow[])[0];
	if (
		!before ||
		!after ||
		(options.tokenHash !== undefined && after.manageTokenHash !== options.tokenHash)
	) {
		throw notFound("Booking", id);
	}
	if (before.status === "cancelled") {
		throw new ApiError("conflict", `Booking ${id} is already cancelled.`);
	}
	if (after.status !== "cancelled") throw staleVersion("booking", id);
	return after;
}

/** Holds seats that are free now, for ttlSeconds; never waitlists (409 full). */
export async function createHold(
	db: Db,
	occurrenceId: number,
	hold: { seats: number; ttlSeconds: number },
	now: number,
	scope: CalendarScope,
): Promise<HoldJson> {
	const results = await runBatch(db, [
		...settle(db, sql`${occurrenceId}`, now),
		...holdStatements(
			db,
			{ occurrenceId, seats: hold.seats, expiresAt: now + hold.ttlSeconds * 1000 },
			now,
			scope,
		),
		...bookingChanges(db, sql`${occurrenceId}`, now),
	]);
	const inserted = results.find(
		(result): result is HoldJson[] =>
			Array.isArray(result) && result.length > 0 && "expires_at" in (result[0] as object),
	);
	const row = inserted?.[0];
	if (row) return row;
	const session = await findOccurrence(db, occurrenceId, scope);
	if (session.status !== "scheduled" || session.startAt <= now) {
		throw new ApiError("not_bookable", `Occurrence ${occurrenceId} takes no bookings or holds.`);
	}
	throw new ApiError("full", `Occurrence ${occurrenceId} has no ${hold.seats} free seats to hold.`);
}

/** Releases a live hold: its seats count no more, and the waitlist is settled in the same batch. */
export async function releaseHold(
	db: Db,
	id: number,
	now: number,
	scope: CalendarScope,
): Promise<void> {
	const [released] = await runBatch(db, [
		...releaseHoldStatements(db, id, now, scope),
		...bookingChanges(db, sql`SELECT occurrence_id FROM holds WHERE id = ${id}`, now),
	]);
	if ((released as { id: number }[]).length > 0) return;
	const hold = await db.query.holds.findFirst({
		where: and(eq(holds.id, id), visibleCalendars(holds.calendarId, scope)),
	});
	if (!hold) throw notFound("Hold", id);
	throw new ApiError("gone", `Hold ${id} already expired, was released or was converted.`);
}
