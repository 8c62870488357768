import { Hono } from "hono";
import { horizonMonths, writeBudget } from "../config";
import type { OccurrenceRow, PatternRow } from "../db/schema";
import { ApiError } from "../http/problem";
import { limits } from "../lib/fields";
import { listOccurrences } from "../occurrences/service";
import { createPatternFromBody } from "../patterns/create";
import { CreatePatternBody, UpdatePatternBody } from "../patterns/schemas";
import { findPattern, updatePattern } from "../patterns/service";
import { MS_PER_DAY } from "../recurrence";
import { type AdminContext, type AdminEnv, type AdminUser, assertCanWrite, canWrite } from "./env";
import {
	attempt,
	type Errors,
	formErrors,
	formOf,
	formReader,
	noticeFor,
	readForm,
	validated,
} from "./forms";
import {
	changedFields,
	describePattern,
	endOf,
	PatternForm,
	patternBody,
	patternForm,
	patternId,
} from "./pattern-form";
import { ActiveBadge, FormPage, Page, PostForm, StatusBadge } from "./ui";
import { localParts, shortDay, todayIn } from "./zoned";

export const patternPages = new Hono<AdminEnv>();

function newPatternPage(
	c: AdminContext,
	form: FormData,
	errors: Errors = {},
	status: 200 | 400 = 200,
) {
	return c.html(
		<FormPage title="New pattern" user={c.var.user} active="patterns">
			<PatternForm
				form={form}
				errors={errors}
				mode="create"
				action="/admin/patterns"
				csrf={c.var.user.csrf}
				submit="Create pattern"
			/>
		</FormPage>,
		status,
	);
}

patternPages.get("/patterns/new", (c) => {
	assertCanWrite(c.var.user);
	const { timezone } = c.var.user;
	return newPatternPage(
		c,
		formOf({
			interval: 1,
			time: "09:00",
			timezone,
			duration_minutes: 60,
			start_date: todayIn(timezone, Date.now()),
			is_active: true,
			generate_occurrences: true,
			months_ahead: limits.defaultMonthsAhead,
		}),
	);
});

patternPages.post("/patterns", async (c) => {
	const form = await readForm(c);
	const read = formReader(form);
	const result = await attempt(() => {
		const body = validated(CreatePatternBody, {
			...patternBody(form),
			start_date: read.text("start_date"),
			generate_occurrences: read.checked("generate_occurrences"),
			months_ahead: read.number("months_ahead"),
		});
		return createPatternFromBody(
			c.var.db,
			{ ...body, calendar_id: body.calendar_id ?? c.var.user.calendarId },
			Date.now(),
			c.var.principal,
			c.env,
		);
	});
	if (result instanceof ApiError) return newPatternPage(c, form, formErrors(result), 400);
	return c.redirect(`/admin/patterns/${result.pattern.id}?done=pattern-created`, 303);
});

/** A pattern's title bar with its actions: split, (de)activate, delete. */
function PatternActions({ row, user }: { row: PatternRow; user: AdminUser }) {
	return (
		<div class="bar">
			<h1>
				{row.title} <ActiveBadge active={row.isActive} />
			</h1>
			{canWrite(user) && (
				<div class="actions">
					<a class="btn secondary" href={`/admin/patterns/${row.id}/split`}>
						Change this and following…
					</a>
					<PostForm
						action={`/admin/patterns/${row.id}/${row.isActive ? "deactivate" : "activate"}`}
						csrf={user.csrf}
					>
						<button type="submit" class="secondary">
							{row.isActive ? "Deactivate pattern" : "Activate pattern"}
						</button>
					</PostForm>
					<a class="btn danger" href={`/admin/patterns/${row.id}/delete`}>
						Delete pattern…
					</a>
				</div>
			)}
		</div>
	);
}

function UpcomingSessions({ row, upcoming }: { row: PatternRow; upcoming: OccurrenceRow[] }) {
	return (
		<section class="card">
			<h2>Next sessions</h2>
			<p class="hint">Times in {row.timezone}.</p>
			{upcoming.length === 0 ? (
				<p class="empty">No upcoming sessions.</p>
			) : (
				<ul>
					{upcoming.map((session) => {
						const local = localParts(session.startAt, row.timezone);
						return (
							<li>
								<a href={`/admin/sessions/${session.id}`}>
									{shortDay(local.date)}, {local.time}
								</a>{" "}
								<StatusBadge status={session.status} />
							</li>
						);
					})}
				</ul>
			)}
		</section>
	);
}

function PatternDetails({ row }: { row: PatternRow }) {
	return (
		<section class="card">
			<h2>Details</h2>
			<dl class="facts">
				<dt>Starts</dt>
				<dd>{row.startDate}</dd>
				<dt>Ends</dt>
				<dd>{endOf(row)}</dd>
				<dt>Description</dt>
				<dd>{row.description || "—"}</dd>
				<dt>Version</dt>
				<dd>{row.version}</dd>
			</dl>
		</section>
	);
}

async function patternPage(
	c: AdminContext,
	row: PatternRow,
	form: FormData = patternForm(row),
	errors: Errors = {},
	status: 200 | 400 | 409 | 412 = 200,
) {
	const { user } = c.var;
	const now = Date.now();
	const upcoming = await listOccurrences(c.var.db, {
		start: now,
		end: now + 366 * MS_PER_DAY,
		patternId: row.id,
		limit: 8,
		scope: c.var.principal,
	});
	return c.html(
		<Page title={row.title} user={user} active="patterns" notice={noticeFor(c.req.query("done"))}>
			<p>
				<a href="/admin/patterns">← All patterns</a>
			</p>
			<PatternActions row={row} user={user} />
			<p>{describePattern(row)}</p>
			<div class="grid2">
				<UpcomingSessions row={row} upcoming={upcoming} />
				<PatternDetails row={row} />
			</div>
			{canWrite(user) && (
				<section class="card">
					<h2>Edit pattern</h2>
					<p class="hint">
						Future sessions that were not edited by hand follow the change; past, edited, cancelled
						and completed sessions stay as they are.
					</p>
					<PatternForm
						form={form}
						errors={errors}
						mode="edit"
						action={`/admin/patterns/${row.id}`}
						csrf={user.csrf}
						submit="Save pattern"
						startDate={row.startDate}
					/>
				</section>
			)}
		</Page>,
		status,
	);
}

patternPages.get("/patterns/:id", async (c) =>
	patternPage(c, await findPattern(c.var.db, patternId(c), c.var.principal)),
);

patternPages.post("/patterns/:id", async (c) => {
	const id = patternId(c);
	const row = await findPattern(c.var.db, id, c.var.principal);
	const form = await readForm(c);
	const result = await attempt(() =>
		updatePattern(
			c.var.db,
			id,
			changedFields(row, validated(UpdatePatternBody, patternBody(form))),
			{
				now: Date.now(),
				requiredVersion: formReader(form).number("version"),
				horizonMonths: horizonMonths(c.env),
				budget: writeBudget(c.env),
				scope: c.var.principal,
			},
		),
	);
	if (result instanceof ApiError) {
		const errors = formErrors(result);
		const fresh = await findPattern(c.var.db, id, c.var.principal);
		form.set("version", String(fresh.version));
		return patternPage(c, fresh, form, errors, result.status as 400 | 409 | 412);
	}
	return c.redirect(`/admin/patterns/${id}?done=pattern-saved`, 303);
});
