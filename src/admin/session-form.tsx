import type { FC } from "hono/jsx";
import type { OccurrenceRow } from "../db/schema";
import type { ApiError } from "../http/problem";
import { DurationInput, ErrorSummary, Input, TitleFields, ZoneSelect } from "./fields";
import { type Errors, formErrors, formOf, formReader } from "./forms";
import { PostForm } from "./ui";
import { localParts, zonedDateTime } from "./zoned";

export const sessionLabels: Record<string, string> = {
	title: "Title",
	description: "Description",
	start_date: "Start date",
	start_time: "Start time",
	duration_minutes: "Duration (minutes)",
	timezone: "Time zone",
	capacity: "Capacity (seats)",
};

/** A stored session as form values, its start read in its own time zone. */
export function sessionForm(row: OccurrenceRow) {
	const start = localParts(row.startAt, row.timezone);
	return formOf({
		title: row.title,
		description: row.description,
		start_date: start.date,
		start_time: start.time,
		duration_minutes: row.durationMinutes,
		timezone: row.timezone,
		capacity: row.capacity === null ? "" : row.capacity,
		version: row.version,
	});
}

/** The form as the API's request body; the local date and time become one zoned date-time. */
export function sessionBody(form: FormData, timezone: string) {
	const read = formReader(form);
	return {
		title: read.text("title"),
		description: read.raw("description"),
		start_datetime: zonedDateTime(read.text("start_date"), read.text("start_time"), timezone),
		duration_minutes: read.number("duration_minutes"),
	};
}

/** The edit form's capacity: blank is unlimited (null). */
export function sessionCapacity(form: FormData) {
	return form.has("capacity") ? (formReader(form).number("capacity") ?? null) : undefined;
}

/** API errors by form field: the one start_datetime is shown on the date and time pair. */
export function sessionErrors(error: ApiError): Errors {
	const errors = formErrors(error, { start_datetime: "start_date" });
	if (error.errors?.some((e) => e.path === "start_datetime")) {
		errors.start_date = "Enter a real date and time.";
	}
	return errors;
}

export const SessionForm: FC<{
	form: FormData;
	errors: Errors;
	action: string;
	csrf: string;
	submit: string;
	/** The session's zone when editing; creating lets you pick one. */
	fixedZone?: string;
}> = ({ form, errors, action, csrf, submit, fixedZone }) => {
	const value = (name: string) => String(form.get(name) ?? "");
	return (
		<PostForm action={action} csrf={csrf}>
			<ErrorSummary errors={errors} labels={sessionLabels} />
			{fixedZone && <input type="hidden" name="version" value={value("version")} />}
			<TitleFields form={form} errors={errors} />
			<div class="grid2">
				<Input
					name="start_date"
					label="Start date"
					type="date"
					value={value("start_date")}
					errors={errors}
					required
				/>
				<Input
					name="start_time"
					label="Start time"
					type="time"
					value={value("start_time")}
					errors={errors}
					hint={fixedZone ? `In ${fixedZone}, the session's time zone.` : undefined}
					required
				/>
				{!fixedZone && <ZoneSelect value={value("timezone")} errors={errors} />}
				<DurationInput value={value("duration_minutes")} errors={errors} />
				{fixedZone && (
					<Input
						name="capacity"
						label="Capacity (seats)"
						type="number"
						value={value("capacity")}
						errors={errors}
						hint="Blank: unlimited. Gives this session its own; pattern changes no longer reach it."
					/>
				)}
			</div>
			<div class="actions">
				<button type="submit">{submit}</button>
			</div>
		</PostForm>
	);
};
