import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { calendarForInsert } from "../calendars/service";
import type { OccurrenceRow } from "../db/schema";
import { parseId } from "../http/ids";
import { ApiError } from "../http/problem";
import { CreateOccurrenceBody, oneTimeFields, UpdateOccurrenceBody } from "../occurrences/schemas";
import {
	createOneTime,
	findOccurrence,
	transitionOccurrence,
	updateOccurrence,
} from "../occurrences/service";
import { type AdminContext, type AdminEnv, assertCanWrite, canWrite } from "./env";
import { ErrorSummary } from "./fields";
import { attempt, type Errors, formOf, formReader, noticeFor, readForm, validated } from "./forms";
import { seatsLabel } from "./roster";
import {
	SessionForm,
	sessionBody,
	sessionCapacity,
	sessionErrors,
	sessionForm,
} from "./session-form";
import { FormPage, Page, PostForm, StatusBadge } from "./ui";
import { localParts, longDay, realDate, todayIn } from "./zoned";

export const sessionPages = new Hono<AdminEnv>();

const transitions = [
	["complete", "completed", "Mark completed", "secondary"],
	["cancel", "cancelled", "Cancel session", "danger"],
] as const;
const sessionId = (c: AdminContext) => parseId(c.req.param("id") ?? "", "Occurrence");

function newSessionPage(
	c: AdminContext,
	form: FormData,
	errors: Errors = {},
	status: ContentfulStatusCode = 200,
) {
	return c.html(
		<FormPage title="New one-time session" user={c.var.user} active="sessions">
			<SessionForm
				form={form}
				errors={errors}
				action="/admin/sessions"
				csrf={c.var.user.csrf}
				submit="Create session"
			/>
		</FormPage>,
		status,
	);
}

sessionPages.get("/sessions/new", (c) => {
	assertCanWrite(c.var.user);
	const { timezone } = c.var.user;
	return newSessionPage(
		c,
		formOf({
			start_date: realDate(c.req.query("date")) ?? todayIn(timezone, Date.now()),
			start_time: "10:00",
			duration_minutes: 60,
			timezone,
		}),
	);
});

sessionPages.post("/sessions", async (c) => {
	const form = await readForm(c);
	const timezone = formReader(form).text("timezone");
	const result = await attempt(async () => {
		const body = validated(CreateOccurrenceBody, { ...sessionBody(form, timezone), timezone });
		const calendar = await calendarForInsert(
			c.var.db,
			c.var.user.calendarId,
			body.timezone,
			c.var.principal,
		);
		return createOneTime(c.var.db, oneTimeFields(body, calendar), Date.now());
	});
	if (result instanceof ApiError) return newSessionPage(c, form, sessionErrors(result), 400);
	return c.redirect(`/admin/sessions/${result.id}?done=session-created`, 303);
});

async function sessionPage(
	c: AdminContext,
	row: OccurrenceRow,
	form: FormData = sessionForm(row),
	errors: Errors = {},
	status: ContentfulStatusCode = 200,
) {
	const { user } = c.var;
	const own = localParts(row.startAt, row.timezone);
	const viewed = localParts(row.startAt, user.timezone);
	const scheduled = row.status === "scheduled";
	return c.html(
		<Page title={row.title} user={user} active="sessions" notice={noticeFor(c.req.query("done"))}>
			<p>
				<a href={`/admin?date=${viewed.date}`}>← Week of this session</a>
			</p>
			<div class="bar">
				<h1>
					{row.title} <StatusBadge status={row.status} />
				</h1>
				{canWrite(user) && (
					<div class="actions">
						{scheduled &&
							transitions.map(([action, , label, look]) => (
								<PostForm action={`/admin/sessions/${row.id}/${action}`} csrf={user.csrf}>
									<button type="submit" class={look}>
										{label}
									</button>
								</PostForm>
							))}
						{row.patternId !== null && (
							<a
								class="btn secondary"
								href={`/admin/patterns/${row.patternId}/split?from=${own.date}`}
							>
								Change this and following…
							</a>
						)}
					</div>
				)}
			</div>
			{errors.form && <ErrorSummary errors={{ form: errors.form }} labels={{}} />}
			<section class="card">
				<dl class="facts">
					<dt>When</dt>
					<dd>
						{longDay(own.date)}, {own.time}–{localParts(row.endAt, row.timezone).time} (
						{row.timezone})
					</dd>
					{user.timezone !== row.timezone && (
						<>
							<dt>In {user.timezone}</dt>
							<dd>
								{viewed.date} {viewed.time}
							</dd>
						</>
					)}
					<dt>Duration</dt>
					<dd>{row.durationMinutes} minutes</dd>
					<dt>Seats</dt>
					<dd>
						{row.capacity === null ? `${row.booked} booked (unlimited)` : seatsLabel(row)}{" "}
						<a href={`/admin/sessions/${row.id}/bookings`}>Roster</a>
					</dd>
					<dt>Status</dt>
					<dd>
						<StatusBadge status={row.status} />
					</dd>
					<dt>From</dt>
					<dd>
						{row.patternId === null ? (
							"One-time session"
						) : (
							<a href={`/admin/patterns/${row.patternId}`}>Pattern {row.patternId}</a>
						)}
						{row.isException ? " (changed by hand: the pattern no longer updates it)" : ""}
					</dd>
					<dt>Description</dt>
					<dd>{row.description || "—"}</dd>
				</dl>
			</section>
			{canWrite(user) && (
				<section class="card">
					<h2>Edit session</h2>
					<SessionForm
						form={form}
						errors={errors}
						action={`/admin/sessions/${row.id}`}
						csrf={user.csrf}
						submit="Save session"
						fixedZone={row.timezone}
					/>
				</section>
			)}
		</Page>,
		status,
	);
}

sessionPages.get("/sessions/:id", async (c) =>
	sessionPage(c, await findOccurrence(c.var.db, sessionId(c), c.var.principal)),
);

sessionPages.post("/sessions/:id", async (c) => {
	const id = sessionId(c);
	const row = await findOccurrence(c.var.db, id, c.var.principal);
	const form = await readForm(c);
	const result = await attempt(async () => {
		const body = validated(UpdateOccurrenceBody, {
			...sessionBody(form, row.timezone),
			capacity: sessionCapacity(form),
		});
		// Any write makes a pattern session an exception, so an unchanged form writes nothing.
		const changes = {
			title: body.title === row.title ? undefined : body.title,
			description: body.description === row.description ? undefined : body.description,
			startAt: body.start_datetime === row.startAt ? undefined : body.start_datetime,
			durationMinutes:
				body.duration_minutes === row.durationMinutes ? undefined : body.duration_minutes,
			capacity:
				body.capacity === undefined || body.capacity === row.capacity ? undefined : body.capacity,
		};
		if (Object.values(changes).every((value) => value === undefined)) return undefined;
		return updateOccurrence(c.var.db, id, changes, {
			now: Date.now(),
			requiredVersion: formReader(form).number("version"),
			scope: c.var.principal,
		});
	});
	if (result instanceof ApiError) {
		const errors = sessionErrors(result);
		const fresh = await findOccurrence(c.var.db, id, c.var.principal);
		form.set("version", String(fresh.version));
		return sessionPage(c, fresh, form, errors, result.status);
	}
	return c.redirect(
		`/admin/sessions/${id}?done=${result ? "session-saved" : "session-unchanged"}`,
		303,
	);
});

for (const [action, to] of transitions) {
	sessionPages.post(`/sessions/:id/${action}`, async (c) => {
		const id = sessionId(c);
		const result = await attempt(() =>
			transitionOccurrence(c.var.db, id, to, { now: Date.now(), scope: c.var.principal }),
		);
		if (result instanceof ApiError) {
			const row = await findOccurrence(c.var.db, id, c.var.principal);
			return sessionPage(c, row, undefined, { form: result.message }, result.status);
		}
		return c.redirect(`/admin/sessions/${id}?done=session-${to}`, 303);
	});
}
