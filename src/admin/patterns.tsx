import { Hono } from "hono";
import type { PatternRow } from "../db/schema";
import { horizonMonths } from "../http/app-env";
import { parseId } from "../http/ids";
import { ApiError } from "../http/problem";
import { listOccurrences } from "../occurrences/service";
import { CreatePatternBody, createdPatternFields, UpdatePatternBody } from "../patterns/schemas";
import {
	createPattern,
	deletePattern,
	findPattern,
	listPatterns,
	updatePattern,
} from "../patterns/service";
import { WEEKDAY_NAMES } from "../recurrence";
import { type AdminContext, type AdminEnv, assertCanWrite, canWrite } from "./env";
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
} from "./pattern-form";
import { FormPage, Input, Page, PostForm, Select, StatusBadge } from "./ui";
import { localParts, shortDay, todayIn } from "./zoned";

export const patternPages = new Hono<AdminEnv>();

const PAGE_SIZE = 50;
const patternId = (c: AdminContext) => parseId(c.req.param("id") ?? "", "Pattern");
const ActiveBadge = ({ row }: { row: PatternRow }) =>
	row.isActive ? (
		<span class="status completed">Active</span>
	) : (
		<span class="status inactive">Inactive</span>
	);

patternPages.get("/patterns", async (c) => {
	const { user } = c.var;
	const search = (c.req.query("search") ?? "").trim().slice(0, 200);
	const active = c.req.query("active") ?? "";
	const weekday = c.req.query("weekday") ?? "";
	const after = Number(c.req.query("after") ?? "0");
	const rows = await listPatterns(c.var.db, {
		limit: PAGE_SIZE + 1,
		afterId: Number.isSafeInteger(after) && after > 0 ? after : undefined,
		isActive: active === "true" ? true : active === "false" ? false : undefined,
		weekday: /^[0-6]$/.test(weekday) ? Number(weekday) : undefined,
		search: search || undefined,
	});
	const page = rows.slice(0, PAGE_SIZE);
	const last = page.at(-1);
	const nextPage =
		rows.length > PAGE_SIZE && last
			? `/admin/patterns?${new URLSearchParams({ search, active, weekday, after: String(last.id) })}`
			: undefined;
	return c.html(
		<Page title="Patterns" user={user} active="patterns" notice={noticeFor(c.req.query("done"))}>
			<div class="bar">
				<h1>Patterns</h1>
				{canWrite(user) && (
					<a class="btn" href="/admin/patterns/new">
						New pattern
					</a>
				)}
			</div>
			<form method="get" class="card inline" aria-label="Filter patterns">
				<Input name="search" label="Search by title" value={search} errors={{}} />
				<Select
					name="active"
					label="Status"
					value={active}
					options={[
						["", "All"],
						["true", "Active"],
						["false", "Inactive"],
					]}
					errors={{}}
				/>
				<Select
					name="weekday"
					label="Weekday"
					value={weekday}
					options={[
						["", "Any day"],
						...WEEKDAY_NAMES.map((name, day): [string, string] => [String(day), name]),
					]}
					errors={{}}
				/>
				<button type="submit" class="secondary">
					Filter
				</button>
			</form>
			{page.length === 0 ? (
				<p class="empty">No patterns match.</p>
			) : (
				<div class="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">Title</th>
								<th scope="col">When</th>
								<th scope="col">From</th>
								<th scope="col">Ends</th>
								<th scope="col">Status</th>
							</tr>
						</thead>
						<tbody>
							{page.map((row) => (
								<tr>
									<td>
										<a href={`/admin/patterns/${row.id}`}>{row.title}</a>
									</td>
									<td>{describePattern(row)}</td>
									<td>{row.startDate}</td>
									<td>{endOf(row)}</td>
									<td>
										<ActiveBadge row={row} />
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{nextPage && (
				<p>
					<a href={nextPage}>Next page →</a>
				</p>
			)}
		</Page>,
	);
});

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
			months_ahead: 3,
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
		return createPattern(c.var.db, createdPatternFields(body), {
			now: Date.now(),
			generate: body.generate_occurrences ?? true,
			monthsAhead: body.months_ahead ?? 3,
		});
	});
	if (result instanceof ApiError) return newPatternPage(c, form, formErrors(result), 400);
	return c.redirect(`/admin/patterns/${result.pattern.id}?done=pattern-created`, 303);
});

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
		end: now + 366 * 86_400_000,
		patternId: row.id,
		limit: 8,
	});
	return c.html(
		<Page title={row.title} user={user} active="patterns" notice={noticeFor(c.req.query("done"))}>
			<p>
				<a href="/admin/patterns">← All patterns</a>
			</p>
			<div class="bar">
				<h1>
					{row.title} <ActiveBadge row={row} />
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
			<p>{describePattern(row)}</p>
			<div class="grid2">
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
	patternPage(c, await findPattern(c.var.db, patternId(c))),
);

patternPages.post("/patterns/:id", async (c) => {
	const id = patternId(c);
	const row = await findPattern(c.var.db, id);
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
			},
		),
	);
	if (result instanceof ApiError) {
		const errors = formErrors(result);
		const fresh = await findPattern(c.var.db, id);
		form.set("version", String(fresh.version));
		return patternPage(c, fresh, form, errors, result.status as 400 | 409 | 412);
	}
	return c.redirect(`/admin/patterns/${id}?done=pattern-saved`, 303);
});

patternPages.post("/patterns/:id/deactivate", async (c) => {
	const id = patternId(c);
	await deletePattern(c.var.db, id, { now: Date.now(), deleteFuture: false });
	return c.redirect(`/admin/patterns/${id}?done=pattern-deactivated`, 303);
});

patternPages.post("/patterns/:id/activate", async (c) => {
	const id = patternId(c);
	await updatePattern(
		c.var.db,
		id,
		{ isActive: true },
		{ now: Date.now(), horizonMonths: horizonMonths(c.env) },
	);
	return c.redirect(`/admin/patterns/${id}?done=pattern-activated`, 303);
});

patternPages.get("/patterns/:id/delete", async (c) => {
	const { user } = c.var;
	assertCanWrite(user);
	const row = await findPattern(c.var.db, patternId(c));
	return c.html(
		<Page title={`Delete ${row.title}`} user={user} active="patterns">
			<div class="card">
				<h1>Delete “{row.title}”?</h1>
				<p>
					Its future sessions that were not edited by hand are removed. Past sessions, and sessions
					that were edited, cancelled or completed, stay in the calendar. This cannot be undone; to
					pause the pattern instead, deactivate it.
				</p>
				<div class="actions">
					<PostForm action={`/admin/patterns/${row.id}/delete`} csrf={user.csrf}>
						<button type="submit" class="danger">
							Delete pattern
						</button>
					</PostForm>
					<a class="btn secondary" href={`/admin/patterns/${row.id}`}>
						Keep it
					</a>
				</div>
			</div>
		</Page>,
	);
});

patternPages.post("/patterns/:id/delete", async (c) => {
	await deletePattern(c.var.db, patternId(c), { now: Date.now(), deleteFuture: true });
	return c.redirect("/admin/patterns?done=pattern-deleted", 303);
});
