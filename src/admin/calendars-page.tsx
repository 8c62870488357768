// The calendars page: the switcher (which calendar the other pages show and create in, remembered
// in a cookie by ?cal=), and for admins, creating and renaming calendars.
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CreateCalendarBody, UpdateCalendarBody } from "../calendars/schemas";
import { createCalendar, listCalendars, updateCalendar } from "../calendars/service";
import { parseId } from "../http/ids";
import { ApiError } from "../http/problem";
import { limits } from "../lib/fields";
import { type AdminContext, type AdminEnv, assertAdmin, isAdmin } from "./env";
import { ErrorSummary, Input, ZoneSelect } from "./fields";
import {
	attempt,
	type Errors,
	formErrors,
	formReader,
	noticeFor,
	readForm,
	validated,
} from "./forms";
import { DataTable, Page, PostForm } from "./ui";

export const calendarPages = new Hono<AdminEnv>();

async function calendarsPage(
	c: AdminContext,
	errors: Errors = {},
	status: ContentfulStatusCode = 200,
) {
	const { user } = c.var;
	const rows = await listCalendars(c.var.db, c.var.principal, { limit: limits.maxListLimit });
	const admin = isAdmin(user);
	return c.html(
		<Page title="Calendars" user={user} active="calendars" notice={noticeFor(c.req.query("done"))}>
			<h1>Calendars</h1>
			<p>
				Showing:{" "}
				<strong>
					{user.calendarId === undefined
						? "every calendar this key sees"
						: (rows.find((row) => row.id === user.calendarId)?.name ??
							`calendar ${user.calendarId}`)}
				</strong>
				{user.calendarId !== undefined && (
					<>
						{" "}
						· <a href="/admin/calendars?cal=all">Show every calendar</a>
					</>
				)}
			</p>
			<ErrorSummary errors={errors} labels={{ name: "Name", timezone: "Time zone" }} />
			<DataTable heads={["Calendar", "Id", "Time zone", admin ? "Rename" : "", ""]}>
				{rows.map((row) => (
					<tr>
						<td>{row.name}</td>
						<td>{row.id}</td>
						<td>{row.timezone}</td>
						<td>
							{admin && (
								<PostForm action={`/admin/calendars/${row.id}`} csrf={user.csrf} class="inline">
									<Input
										name="name"
										label={`New name for ${row.name}`}
										value={row.name}
										errors={{}}
									/>
									<button type="submit" class="secondary">
										Rename
									</button>
								</PostForm>
							)}
						</td>
						<td>
							{user.calendarId === row.id ? (
								"shown"
							) : (
								<a href={`/admin?cal=${row.id}`}>Show this calendar</a>
							)}
						</td>
					</tr>
				))}
			</DataTable>
			{admin && user.keyId === null && (
				<section class="card">
					<h2>New calendar</h2>
					<PostForm action="/admin/calendars" csrf={user.csrf}>
						<Input name="name" label="Name" value="" errors={errors} required />
						<ZoneSelect value="UTC" errors={errors} />
						<button type="submit">Create calendar</button>
					</PostForm>
				</section>
			)}
		</Page>,
		status,
	);
}

calendarPages.get("/calendars", (c) => calendarsPage(c));

calendarPages.post("/calendars", async (c) => {
	assertAdmin(c.var.user);
	const form = await readForm(c);
	const read = formReader(form);
	const result = await attempt(() => {
		const body = validated(CreateCalendarBody, {
			name: read.text("name"),
			timezone: read.text("timezone") || undefined,
		});
		return createCalendar(
			c.var.db,
			{ name: body.name, timezone: body.timezone ?? "UTC" },
			c.var.principal,
			Date.now(),
		);
	});
	if (result instanceof ApiError) return calendarsPage(c, formErrors(result), result.status);
	return c.redirect(`/admin/calendars?cal=${result.id}&done=calendar-created`, 303);
});

calendarPages.post("/calendars/:id", async (c) => {
	assertAdmin(c.var.user);
	const id = parseId(c.req.param("id"), "Calendar");
	const form = await readForm(c);
	const result = await attempt(() => {
		const body = validated(UpdateCalendarBody, { name: formReader(form).text("name") });
		return updateCalendar(c.var.db, id, body, c.var.principal, Date.now());
	});
	if (result instanceof ApiError) return calendarsPage(c, formErrors(result), result.status);
	return c.redirect("/admin/calendars?done=calendar-renamed", 303);
});
