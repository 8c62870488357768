// A session's roster in the console: book someone in, cancel, mark attendance, see the line.
// It calls the same data access as the API's booking routes.
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CreateBookingBody } from "../bookings/schemas";
import { cancelBooking, createBooking, listRoster, updateBooking } from "../bookings/service";
import type { BookingRow, OccurrenceRow } from "../db/schema";
import { parseId } from "../http/ids";
import { ApiError } from "../http/problem";
import { findOccurrence } from "../occurrences/service";
import { type AdminContext, type AdminEnv, assertCanWrite, canWrite } from "./env";
import { ErrorSummary, Input } from "./fields";
import { attempt, type Errors, formReader, noticeFor, readForm, validated } from "./forms";
import { Page, PostForm } from "./ui";

export const rosterPages = new Hono<AdminEnv>();

const sessionId = (c: AdminContext) => parseId(c.req.param("id") ?? "", "Occurrence");
const ROSTER_PAGE = 500;

/** "12/20" (or "12" when unlimited), the waitlist after it: a session's seats at a glance. */
export function seatsLabel(row: Pick<OccurrenceRow, "capacity" | "booked" | "waitlisted">) {
	const seats = row.capacity === null ? `${row.booked}` : `${row.booked}/${row.capacity}`;
	return row.waitlisted > 0 ? `${seats} +${row.waitlisted} waiting` : seats;
}

const bookingLabels = { name: "Name", email: "Email", seats: "Seats" };

async function rosterPage(
	c: AdminContext,
	row: OccurrenceRow,
	errors: Errors = {},
	status: ContentfulStatusCode = 200,
) {
	const user = c.var.user;
	const bookings = await listRoster(c.var.db, row.id, {
		limit: ROSTER_PAGE,
		scope: c.var.principal,
	});
	const started = row.startAt <= Date.now();
	const Actions = ({ booking }: { booking: BookingRow }) =>
		canWrite(user) ? (
			<div class="actions">
				{started &&
					booking.status === "confirmed" &&
					(["present", "no_show"] as const).map((mark) => (
						<PostForm action={`/admin/bookings/${booking.id}/attendance`} csrf={user.csrf}>
							<input type="hidden" name="attendance" value={mark} />
							<button type="submit" class="secondary">
								{mark === "present" ? "Present" : "No-show"}
							</button>
						</PostForm>
					))}
				<PostForm action={`/admin/bookings/${booking.id}/cancel`} csrf={user.csrf}>
					<button type="submit" class="danger">
						Cancel
					</button>
				</PostForm>
			</div>
		) : null;
	return c.html(
		<Page
			title={`Roster: ${row.title}`}
			user={user}
			active="sessions"
			notice={noticeFor(c.req.query("done"))}
		>
			<h1>
				Roster: <a href={`/admin/sessions/${row.id}`}>{row.title}</a> ({seatsLabel(row)})
			</h1>
			{errors.form && <ErrorSummary errors={{ form: errors.form }} labels={{}} />}
			<section class="card">
				<table>
					<thead>
						<tr>
							<th>Name</th>
							<th>Email</th>
							<th>Seats</th>
							<th>Status</th>
							<th>Attendance</th>
							<th />
						</tr>
					</thead>
					<tbody>
						{bookings.map((booking) => (
							<tr>
								<td>{booking.name}</td>
								<td>{booking.email}</td>
								<td>{booking.seats}</td>
								<td>
									{booking.status === "waitlisted"
										? `waitlisted #${booking.waitlistPosition}`
										: booking.status}
								</td>
								<td>{booking.attendance ?? "—"}</td>
								<td>
									<Actions booking={booking} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
				{bookings.length === 0 && <p>No bookings yet.</p>}
			</section>
			{canWrite(user) && row.status === "scheduled" && !started && (
				<section class="card">
					<h2>Book someone in</h2>
					<PostForm action={`/admin/sessions/${row.id}/bookings`} csrf={user.csrf}>
						<ErrorSummary errors={errors} labels={bookingLabels} />
						<div class="grid2">
							<Input name="name" label="Name" value="" errors={errors} required />
							<Input name="email" label="Email" type="email" value="" errors={errors} required />
							<Input name="seats" label="Seats" type="number" value="1" errors={errors} />
						</div>
						<div class="actions">
							<button type="submit">Book</button>
						</div>
					</PostForm>
				</section>
			)}
		</Page>,
		status,
	);
}

rosterPages.get("/sessions/:id/bookings", async (c) =>
	rosterPage(c, await findOccurrence(c.var.db, sessionId(c), c.var.principal)),
);

rosterPages.post("/sessions/:id/bookings", async (c) => {
	assertCanWrite(c.var.user);
	const id = sessionId(c);
	const form = await readForm(c);
	const read = formReader(form);
	const result = await attempt(async () => {
		const body = validated(CreateBookingBody, {
			name: read.text("name"),
			email: read.text("email"),
			seats: read.number("seats"),
		});
		return createBooking(
			c.var.db,
			id,
			{ name: body.name, email: body.email, seats: body.seats ?? 1 },
			Date.now(),
			c.var.principal,
		);
	});
	if (result instanceof ApiError) {
		const errors: Errors = { form: result.message };
		for (const error of result.errors ?? []) errors[error.path] = error.message;
		return rosterPage(
			c,
			await findOccurrence(c.var.db, id, c.var.principal),
			errors,
			result.status,
		);
	}
	return c.redirect(`/admin/sessions/${id}/bookings?done=booking-created`, 303);
});

/** A booking's action, then back to its session's roster (or the roster with the problem). */
function bookingAction(
	path: string,
	act: (c: AdminContext, id: number, form: FormData) => Promise<BookingRow>,
	done: string,
) {
	rosterPages.post(`/bookings/:id/${path}`, async (c) => {
		assertCanWrite(c.var.user);
		const id = parseId(c.req.param("id") ?? "", "Booking");
		const form = await readForm(c);
		const result = await attempt(() => act(c, id, form));
		if (result instanceof ApiError) {
			const booking = await c.var.db.query.bookings.findFirst({
				where: (table, { eq }) => eq(table.id, id),
			});
			if (!booking) throw result;
			const row = await findOccurrence(c.var.db, booking.occurrenceId, c.var.principal);
			return rosterPage(c, row, { form: result.message }, result.status);
		}
		return c.redirect(`/admin/sessions/${result.occurrenceId}/bookings?done=${done}`, 303);
	});
}

bookingAction(
	"cancel",
	(c, id) =>
		cancelBooking(c.var.db, id, { now: Date.now(), reason: "staff", scope: c.var.principal }),
	"booking-cancelled",
);
bookingAction(
	"attendance",
	(c, id, form) => {
		const mark = formReader(form).text("attendance");
		const attendance = mark === "present" || mark === "no_show" ? mark : null;
		return updateBooking(c.var.db, id, { attendance }, { now: Date.now(), scope: c.var.principal });
	},
	"booking-attendance",
);
