import { Hono } from "hono";
import { listPatterns } from "../patterns/service";
import { WEEKDAY_NAMES } from "../recurrence";
import type { AdminEnv } from "./env";
import { viewScope } from "./env";
import { Input, Select } from "./fields";
import { noticeFor, paged } from "./forms";
import { describePattern, endOf } from "./pattern-form";
import { ActiveBadge, DataTable, ListPage } from "./ui";

export const patternList = new Hono<AdminEnv>();

const PAGE_SIZE = 50;

patternList.get("/patterns", async (c) => {
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
		scope: viewScope(c),
	});
	const { page, nextPage } = paged(
		rows,
		PAGE_SIZE,
		(last) =>
			`/admin/patterns?${new URLSearchParams({ search, active, weekday, after: String(last.id) })}`,
	);
	return c.html(
		<ListPage
			title="Patterns"
			user={user}
			active="patterns"
			notice={noticeFor(c.req.query("done"))}
			create={["/admin/patterns/new", "New pattern"]}
			nextPage={nextPage}
		>
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
				<DataTable heads={["Title", "When", "From", "Ends", "Status"]}>
					{page.map((row) => (
						<tr>
							<td>
								<a href={`/admin/patterns/${row.id}`}>{row.title}</a>
							</td>
							<td>{describePattern(row)}</td>
							<td>{row.startDate}</td>
							<td>{endOf(row)}</td>
							<td>
								<ActiveBadge active={row.isActive} />
							</td>
						</tr>
					))}
				</DataTable>
			)}
		</ListPage>,
	);
});
