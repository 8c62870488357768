// Between HTML forms and the API's rules: form text becomes the API's request body, the API's own
// Zod schema validates it, and an ApiError's field paths come back as messages per form field.
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../http/problem";
import { fieldErrors } from "../http/validation";

/** Form field name -> message; "form" holds a problem that belongs to no single field. */
export type Errors = Record<string, string>;

/** Validates a body with an API schema, throwing the same 400 ApiError the API would send. */
export function validated<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	const errors = fieldErrors(result.error).map((error, index) => {
		const issue = result.error.issues[index];
		// A blank or non-numeric form field reaches Zod as a type mismatch; say it in plain words.
		if (issue?.code !== "invalid_type") return error;
		const message = issue.message.endsWith("undefined") ? "Required." : "Enter a whole number.";
		return { ...error, message };
	});
	throw new ApiError("validation", errors.map((e) => `${e.path}: ${e.message}`).join(" "), {
		errors,
	});
}

/**
 * An ApiError's field errors keyed by form field: the first segment of each path ("weekdays.0"
 * is the Weekdays field), renamed where the form calls the field differently.
 */
export function formErrors(
	error: ApiError,
	rename: Record<string, string> = {},
	/** A body that nests the form's fields (a split's "changes.") drops that prefix. */
	nested = "",
): Errors {
	const errors: Errors = {};
	for (const { path, message } of error.errors ?? []) {
		const own = nested && path.startsWith(nested) ? path.slice(nested.length) : path;
		const top = own.split(".")[0] ?? own;
		errors[rename[top] ?? top] ??= message;
	}
	if (error.code === "precondition_failed") {
		errors.form = "Someone changed this since you opened the form. Review it and save again.";
	} else if (Object.keys(errors).length === 0) {
		errors.form = error.message;
	}
	return errors;
}

/**
 * Runs a write and hands back a client error (validation, conflict, stale version) for the form
 * to show; anything else, a 404 included, goes on to the admin error page.
 */
export async function attempt<T>(write: () => Promise<T>): Promise<T | ApiError> {
	try {
		return await write();
	} catch (error) {
		if (error instanceof ApiError && error.status < 500 && error.code !== "not_found") return error;
		throw error;
	}
}

const formTypes = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** The posted form (parsed once per request); a body that is not a form is a 4xx, never a 500. */
export async function readForm(c: Context): Promise<FormData> {
	if (!formTypes.test(c.req.header("Content-Type") ?? "")) {
		throw new ApiError("unsupported_media_type", "Send the form as a browser does (URL-encoded).");
	}
	try {
		return await c.req.formData();
	} catch {
		throw new ApiError("validation", "The form could not be read; reload the page and try again.");
	}
}

/** Reads form fields as trimmed text (free text such as a description is read raw). */
export function formReader(form: FormData) {
	return {
		text: (name: string) => String(form.get(name) ?? "").trim(),
		raw: (name: string) => String(form.get(name) ?? ""),
		/** A number field: blank is absent, anything else a number (NaN when not one). */
		number: (name: string) => {
			const text = String(form.get(name) ?? "").trim();
			return text === "" ? undefined : Number(text);
		},
		checked: (name: string) => form.get(name) === "on",
	};
}

/** Builds a FormData from values, so pages render stored rows and re-shown forms the same way. */
export function formOf(values: Record<string, string | number | boolean | null | string[]>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(values)) {
		if (Array.isArray(value)) for (const item of value) form.append(name, item);
		else if (value === true) form.append(name, "on");
		else if (value !== false && value !== null) form.append(name, String(value));
	}
	return form;
}

/** One page of rows fetched with limit + 1, and the next page's link when there is one. */
export function paged<T>(rows: T[], size: number, nextLink: (last: T) => string) {
	const page = rows.slice(0, size);
	const last = page.at(-1);
	return { page, nextPage: rows.length > size && last !== undefined ? nextLink(last) : undefined };
}

/** Messages shown after a redirect; the query carries only a code, never text to display. */
const notices: Record<string, string> = {
	"pattern-created": "Pattern created, and its sessions generated.",
	"pattern-saved": "Pattern saved. Its future unedited sessions follow the change.",
	"pattern-deactivated": "Pattern deactivated: it generates no new sessions.",
	"pattern-activated": "Pattern activated.",
	"pattern-deleted": "Pattern deleted. Past and edited sessions remain.",
	"pattern-split": "Saved: the following sessions now belong to a new pattern.",
	"session-created": "Session created.",
	"session-saved": "Session saved.",
	"session-unchanged": "Nothing to save: no field changed.",
	"session-cancelled": "Session cancelled.",
	"session-completed": "Session marked completed.",
	"booking-created": "Booked.",
	"booking-cancelled": "Booking cancelled; the waitlist moved up where seats allowed.",
	"booking-attendance": "Attendance saved.",
	"key-revoked": "API key revoked.",
	"calendar-created": "Calendar created; the pages now show it.",
	"calendar-renamed": "Calendar renamed.",
	"feed-token-revoked": "Feed token revoked: its feed address no longer works.",
	"signed-out": "You are signed out.",
	expired: "Your session has ended. Sign in again.",
};

export const noticeFor = (code: string | undefined) => (code ? notices[code] : undefined);
