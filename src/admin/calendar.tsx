import { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { OccurrenceRow } from "../db/schema";
import { limits } from "../lib/fields";
import { listOccurrences } from "../occurrences/service";
import { addDays, startOfLocalDay } from "../recurrence";
import { type AdminContext, type AdminEnv, canWrite, viewScope } from "./env";
import { Select } from "./fields";
import { noticeFor } from "./forms";
import { seatsLabel } from "./roster";
import { Page, StatusBadge } from "./ui";
import {
	COMMON_ZONES,
	localParts,
	mondayOf,
	monthName,
	realDate,
	shortDay,
	todayIn,
} from "./zoned";

export const calendarRoutes = new Hono<AdminEnv>();

/** Sessions overlapping the local days [first, last], grouped by the local date they start on. */
async function sessionsByDay(c: AdminContext, first: string, days: number) {
	const timezone = c.var.user.timezone;
	const rows = await listOccurrences(c.var.db, {
		start: startOfLocalDay(first, timezone),
		end: startOfLocalDay(addDays(first, days), timezone),
		limit: limits.maxListLimit,
		scope: viewScope(c),
	});
	const byDay = new Map<string, OccurrenceRow[]>();
	for (const row of rows) {
		// A session that began the evening before the window opens is shown on its first day.
		const date = localParts(Math.max(row.startAt, startOfLocalDay(first, timezone)), timezone).date;
		byDay.set(date, [...(byDay.get(date) ?? []), row]);
	}
	return { byDay, truncated: rows.length === limits.maxListLimit };
}

const SessionLink: FC<{ row: OccurrenceRow; timezone: string; compact?: boolean }> = ({
	row,
	timezone,
	compact,
}) => (
	<a class={`ev ${row.status}`} href={`/admin/sessions/${row.id}`}>
		<span class="t">
			{localParts(row.startAt, timezone).time}
			{compact ? "" : `–${localParts(row.endAt, timezone).time}`}
		</span>
		<span class="n">{row.title}</span>
		{row.capacity !== null && <span class="seats">{seatsLabel(row)}</span>}
		{(!compact || row.status !== "scheduled") && <StatusBadge status={row.status} />}
	</a>
);

/** The time-zone picker: a GET form, so it works without JavaScript and the URL can be shared. */
const ZonePicker: FC<{ timezone: string; keep: Record<string, string> }> = ({ timezone, keep }) => {
	const zones = COMMON_ZONES.includes(timezone) ? COMMON_ZONES : [timezone, ...COMMON_ZONES];
	return (
		<form method="get" class="inline">
			{Object.entries(keep).map(([name, value]) => (
				<input type="hidden" name={name} value={value} />
			))}
			<Select
				name="tz"
				label="Time zone"
				value={timezone}
				options={zones.map((zone) => [zone, zone])}
				errors={{}}
			/>
			<button type="submit" class="secondary">
				Show
			</button>
		</form>
	);
};

const Legend: FC = () => (
	<p class="legend">
		Status: <StatusBadge status="scheduled" /> <StatusBadge status="cancelled" />{" "}
		<StatusBadge status="completed" />
	</p>
);

const TooMany: FC<{ truncated: boolean }> = ({ truncated }) =>
	truncated ? (
		<p class="readonly">
			Only the first {limits.maxListLimit} sessions are shown; use the Sessions list for the rest.
		</p>
	) : null;

calendarRoutes.get("/", async (c) => {
	const { user } = c.var;
	const today = todayIn(user.timezone, Date.now());
	const monday = mondayOf(realDate(c.req.query("date")) ?? today);
	const { byDay, truncated } = await sessionsByDay(c, monday, 7);
	const days = Array.from({ length: 7 }, (_, index) => addDays(monday, index));
	const sunday = days[6] ?? monday;
	return c.html(
		<Page title="Week" user={user} active="week" notice={noticeFor(c.req.query("done"))}>
			<div class="bar">
				<h1>
					Week of {shortDay(monday)} – {shortDay(sunday)} {sunday.slice(0, 4)}
				</h1>
				{canWrite(user) && (
					<a class="btn" href="/admin/sessions/new">
						New one-time session
					</a>
				)}
			</div>
			<div class="bar">
				<nav class="inline" aria-label="Weeks">
					<a class="btn secondary" href={`/admin?date=${addDays(monday, -7)}`}>
						← Previous week
					</a>
					<a class="btn secondary" href={`/admin?date=${today}`}>
						This week
					</a>
					<a class="btn secondary" href={`/admin?date=${addDays(monday, 7)}`}>
						Next week →
					</a>
				</nav>
				<ZonePicker timezone={user.timezone} keep={{ date: monday }} />
			</div>
			<TooMany truncated={truncated} />
			<div class="week">
				{days.map((day) => {
					const sessions = byDay.get(day) ?? [];
					return (
						<section class={day === today ? "day today" : "day"} aria-label={shortDay(day)}>
							<h2>
								{shortDay(day)}
								{day === today ? " · Today" : ""}
							</h2>
							{sessions.length === 0 ? (
								<p class="empty">No sessions</p>
							) : (
								<ul>
									{sessions.map((row) => (
										<li>
											<SessionLink row={row} timezone={user.timezone} />
										</li>
									))}
								</ul>
							)}
						</section>
					);
				})}
			</div>
			<Legend />
		</Page>,
	);
});

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MONTH_DAY_LIMIT = 4;
const WEEKDAY_HEADS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

calendarRoutes.get("/month", async (c) => {
	const { user } = c.var;
	const today = todayIn(user.timezone, Date.now());
	const asked = c.req.query("month");
	const month = asked && MONTH.test(asked) ? asked : today.slice(0, 7);
	const first = mondayOf(`${month}-01`);
	const nextMonth = addDays(`${month}-28`, 7).slice(0, 7);
	const previousMonth = addDays(`${month}-01`, -1).slice(0, 7);
	const weeks = Math.ceil((Date.parse(`${nextMonth}-01`) - Date.parse(first)) / (7 * 86_400_000));
	const { byDay, truncated } = await sessionsByDay(c, first, weeks * 7);
	const days = Array.from({ length: weeks * 7 }, (_, index) => addDays(first, index));
	return c.html(
		<Page title={monthName(month)} user={user} active="month">
			<div class="bar">
				<h1>{monthName(month)}</h1>
				<nav class="inline" aria-label="Months">
					<a class="btn secondary" href={`/admin/month?month=${previousMonth}`}>
						← Previous month
					</a>
					<a class="btn secondary" href={`/admin/month?month=${today.slice(0, 7)}`}>
						This month
					</a>
					<a class="btn secondary" href={`/admin/month?month=${nextMonth}`}>
						Next month →
					</a>
				</nav>
				<ZonePicker timezone={user.timezone} keep={{ month }} />
			</div>
			<TooMany truncated={truncated} />
			<div class="month">
				{WEEKDAY_HEADS.map((head) => (
					<div class="mhead" aria-hidden="true">
						{head}
					</div>
				))}
				{days.map((day) => {
					const sessions = byDay.get(day) ?? [];
					const inMonth = day.startsWith(month);
					const classes = ["mday", inMonth ? "" : "out", day === today ? "today" : ""];
					if (sessions.length === 0) classes.push("none");
					return (
						<section class={classes.join(" ").trim()} aria-label={shortDay(day)}>
							<a class="num" href={`/admin?date=${day}`}>
								<span class="d-num">{inMonth ? Number(day.slice(8)) : shortDay(day)}</span>
								<span class="d-long">{shortDay(day)}</span>
							</a>
							<ul>
								{sessions.slice(0, MONTH_DAY_LIMIT).map((row) => (
									<li>
										<SessionLink row={row} timezone={user.timezone} compact />
									</li>
								))}
							</ul>
							{sessions.length > MONTH_DAY_LIMIT && (
								<a href={`/admin?date=${day}`}>{sessions.length - MONTH_DAY_LIMIT} more</a>
							)}
						</section>
					);
				})}
			</div>
			<Legend />
		</Page>,
	);
});
