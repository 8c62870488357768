import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { FC } from "hono/jsx";
import type { PatternRow } from "../db/schema";
import { parseId } from "../http/ids";
import { patternChanges } from "../patterns/changes";
import type { UpdatePatternBody } from "../patterns/schemas";
import type { PatternChanges } from "../patterns/service";
import { WEEKDAY_NAMES } from "../recurrence";
import {
	Checkbox,
	Checkboxes,
	DurationInput,
	ErrorSummary,
	Input,
	TitleFields,
	ZoneSelect,
} from "./fields";
import { type Errors, formOf, formReader } from "./forms";
import { PostForm } from "./ui";

/** The pattern id in the path; anything but a positive integer is a 404. */
export const patternId = (c: Context) => parseId(c.req.param("id") ?? "", "Pattern");

export const patternLabels: Record<string, string> = {
	title: "Title",
	description: "Description",
	weekdays: "Weekdays",
	interval: "Repeat every (weeks)",
	time: "Time",
	timezone: "Time zone",
	duration_minutes: "Duration (minutes)",
	start_date: "Start date",
	end_date: "End date",
	count: "Number of sessions",
	months_ahead: "Months to generate ahead",
	from: "Change from (date)",
	capacity: "Capacity (seats per session)",
};

/** "Mon, Wed at 09:30 Europe/Paris, every 2 weeks, 60 min" */
export function describePattern(
	row: Pick<PatternRow, "weekdays" | "interval" | "time" | "timezone" | "durationMinutes">,
): string {
	const days = row.weekdays.map((day) => WEEKDAY_NAMES[day]?.slice(0, 3)).join(", ");
	const every = row.interval === 1 ? "" : `, every ${row.interval} weeks`;
	return `${days} at ${shortTime(row.time)} ${row.timezone}${every}, ${row.durationMinutes} min`;
}

const shortTime = (time: string) => (time.endsWith(":00") ? time.slice(0, 5) : time);

export function endOf(row: PatternRow): string {
	if (row.endDate) return `Until ${row.endDate}`;
	if (row.count) return `After ${row.count} sessions`;
	return "Never";
}

/** A stored pattern as form values. */
export const patternForm = (row: PatternRow) =>
	formOf({
		title: row.title,
		description: row.description,
		weekdays: row.weekdays.map(String),
		interval: row.interval,
		count: row.count,
		time: shortTime(row.time),
		timezone: row.timezone,
		duration_minutes: row.durationMinutes,
		start_date: row.startDate,
		end_date: row.endDate,
		is_active: row.isActive,
		capacity: row.capacity === null ? "" : row.capacity,
		version: row.version,
	});

/**
 * The fields of a validated PATCH-style body that differ from the stored pattern: sending an
 * unchanged title would still rewrite every future session's row, and an unchanged end date would
 * stop a split from inheriting it.
 */
export function changedFields(
	row: PatternRow,
	body: z.output<typeof UpdatePatternBody>,
): PatternChanges {
	const changes = patternChanges(body);
	for (const field of Object.keys(changes) as (keyof PatternChanges)[]) {
		if (JSON.stringify(changes[field]) === JSON.stringify(row[field])) delete changes[field];
	}
	return changes;
}

/** The fields every pattern form sends, shaped as the API's request body. */
export function patternBody(form: FormData) {
	const read = formReader(form);
	return {
		title: read.text("title"),
		description: read.raw("description"),
		weekdays: form.getAll("weekdays").map(Number),
		interval: read.number("interval"),
		count: read.number("count") ?? null,
		time: read.text("time"),
		timezone: read.text("timezone"),
		duration_minutes: read.number("duration_minutes"),
		end_date: read.text("end_date") || null,
		is_active: read.checked("is_active"),
		// Blank is unlimited; a form without the field (older pages) leaves capacity as it is.
		capacity: form.has("capacity") ? (read.number("capacity") ?? null) : undefined,
	};
}

const weekdayOptions = WEEKDAY_NAMES.map((name, day): [string, string] => [String(day), name]);

export const PatternForm: FC<{
	form: FormData;
	errors: Errors;
	mode: "create" | "edit" | "split";
	action: string;
	csrf: string;
	submit: string;
	startDate?: string;
}> = ({ form, errors, mode, action, csrf, submit, startDate }) => {
	const value = (name: string) => String(form.get(name) ?? "");
	return (
		<PostForm action={action} csrf={csrf}>
			<ErrorSummary errors={errors} labels={patternLabels} />
			{mode !== "create" && <input type="hidden" name="version" value={value("version")} />}
			{mode === "split" && (
				<Input
					name="from"
					label="Change from (date)"
					type="date"
					value={value("from")}
					errors={errors}
					hint="Sessions on and after this date get the new settings; earlier ones keep the old."
					required
				/>
			)}
			<TitleFields form={form} errors={errors} />
			<Checkboxes
				name="weekdays"
				label="Weekdays"
				options={weekdayOptions}
				checked={form.getAll("weekdays").map(String)}
				errors={errors}
			/>
			<div class="grid2">
				<Input
					name="time"
					label="Time"
					type="time"
					value={value("time")}
					errors={errors}
					required
				/>
				<ZoneSelect value={value("timezone")} errors={errors} />
				<DurationInput value={value("duration_minutes")} errors={errors} />
				<Input
					name="capacity"
					label="Capacity (seats per session)"
					type="number"
					min={1}
					max={10000}
					value={value("capacity")}
					errors={errors}
					hint="Blank: unlimited. Reaches future sessions without a capacity of their own."
				/>
				<Input
					name="interval"
					label="Repeat every (weeks)"
					type="number"
					min={1}
					max={52}
					value={value("interval")}
					errors={errors}
					hint="1 is every week, 2 every other week."
				/>
				{mode === "create" ? (
					<Input
						name="start_date"
						label="Start date"
						type="date"
						value={value("start_date")}
						errors={errors}
						required
					/>
				) : (
					mode === "edit" && (
						<div class="field">
							<p class="hint">Start date</p>
							<p>{startDate} (fixed; use “Change this and following” to start anew)</p>
						</div>
					)
				)}
				<Input
					name="end_date"
					label="End date"
					type="date"
					value={value("end_date")}
					errors={errors}
					hint="Last day with a session. Leave empty for no end."
				/>
				<Input
					name="count"
					label="Number of sessions"
					type="number"
					min={1}
					value={value("count")}
					errors={errors}
					hint="Or end after this many sessions (not both)."
				/>
				{mode === "create" && (
					<Input
						name="months_ahead"
						label="Months to generate ahead"
						type="number"
						min={1}
						max={12}
						value={value("months_ahead")}
						errors={errors}
					/>
				)}
			</div>
			{mode !== "split" && (
				<Checkbox
					name="is_active"
					label="Active"
					checked={form.get("is_active") === "on"}
					hint="Inactive patterns generate no new sessions."
				/>
			)}
			{mode === "create" && (
				<Checkbox
					name="generate_occurrences"
					label="Generate sessions now"
					checked={form.get("generate_occurrences") === "on"}
					hint="Otherwise the nightly job generates them."
				/>
			)}
			<div class="actions">
				{/* First, so that Enter in a field previews rather than saves. */}
				{mode === "split" && (
					<button type="submit" class="secondary" name="preview" value="1">
						Preview
					</button>
				)}
				<button type="submit">{submit}</button>
			</div>
		</PostForm>
	);
};
