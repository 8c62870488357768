import { Hono } from "hono";
import { type OccurrenceRow, type OccurrenceStatus, occurrenceStatuses } from "../db/schema";
import { listOccurrences } from "../occurrences/service";
import { addDays, startOfLocalDay } from "../recurrence";
import type { AdminEnv } from "./env";
import { viewScope } from "./env";
import { Input, Select } from "./fields";
import { type Errors, noticeFor, paged } from "./forms";
import { DataTable, ListPage, StatusBadge } from "./ui";
import { localParts, realDate, shortDay, todayIn } from "./zoned";

export const sessionList = new Hono<AdminEnv>();

const PAGE_SIZE = 100;
const MAX_DAYS = 366;

sessionList.get("/sessions", async (c) => {
	const { user } = c.var;
	const today = todayIn(user.timezone, Date.now());
	const fromText = c.req.query("from") ?? today;
	const toText = c.req.query("to") ?? addDays(today, 30);
	const status = c.req.query("status") ?? "";
	const from = realDate(fromText);
	const to = realDate(toText);
	const errors: Errors = {};
	if (!from) errors.from = "Enter a real date, like 2026-01-31.";
	if (!to) errors.to = "Enter a real date, like 2026-01-31.";
	else if (from && to < from) errors.to = "Must be on or after the From date.";
	else if (from && to > addDays(from, MAX_DAYS))
		errors.to = `Show at most ${MAX_DAYS} days at once.`;
	const [afterStart, afterId] = (c.req.query("after") ?? "").split(".").map(Number);
	const statuses = (occurrenceStatuses as readonly string[]).includes(status)
		? [status as OccurrenceStatus]
		: undefined;
	const rows =
		from && to && Object.keys(errors).length === 0
			? await listOccurrences(c.var.db, {
					start: startOfLocalDay(from, user.timezone),
					end: startOfLocalDay(addDays(to, 1), user.timezone),
					statuses,
					after:
						afterStart && afterId && Number.isSafeInteger(afterStart)
							? { startAt: afterStart, id: afterId }
							: undefined,
					limit: PAGE_SIZE + 1,
					scope: viewScope(c),
				})
			: [];
	const { page, nextPage } = paged(
		rows,
		PAGE_SIZE,
		(last) =>
			`/admin/sessions?${new URLSearchParams({ from: fromText, to: toText, status, after: `${last.startAt}.${last.id}` })}`,
	);
	return c.html(
		<ListPage
			title="Sessions"
			user={user}
			active="sessions"
			notice={noticeFor(c.req.query("done"))}
			create={["/admin/sessions/new", "New one-time session"]}
			nextPage={nextPage}
		>
			<form method="get" class="card inline">
				<Input name="from" label="From" type="date" value={fromText} errors={errors} />
				<Input name="to" label="To" type="date" value={toText} errors={errors} />
				<Select
					name="status"
					label="Status"
					value={status}
					options={[
						["", "Any status"],
						["scheduled", "Scheduled"],
						["cancelled", "Cancelled"],
						["completed", "Completed"],
					]}
					errors={{}}
				/>
				<button type="submit" class="secondary">
					Show sessions
				</button>
			</form>
			<p class="hint">Dates and times in {user.timezone}.</p>
			{page.length === 0 ? (
				<p class="empty">No sessions in this range.</p>
			) : (
				<SessionTable rows={page} timezone={user.timezone} />
			)}
		</ListPage>,
	);
});

const SessionTable = ({ rows, timezone }: { rows: OccurrenceRow[]; timezone: string }) => (
	<DataTable heads={["Date", "Time", "Title", "Status", "From"]}>
		{rows.map((row) => {
			const start = localParts(row.startAt, timezone);
			return (
				<tr>
					<td>
						{shortDay(start.date)} {start.date.slice(0, 4)}
					</td>
					<td>
						{start.time}–{localParts(row.endAt, timezone).time}
					</td>
					<td>
						<a href={`/admin/sessions/${row.id}`}>{row.title}</a>
					</td>
					<td>
						<StatusBadge status={row.status} />
					</td>
					<td>
						{row.patternId === null ? (
							"One-time"
						) : (
							<a href={`/admin/patterns/${row.patternId}`}>Pattern {row.patternId}</a>
						)}
					</td>
				</tr>
			);
		})}
	</DataTable>
);
