import { type ProblemCode, problemTypes, problemTypeUri } from "../http/problem";

/** When each problem happens, and a typical `detail`: the reference for clients and the docs. */
export const problemCatalog = {
	validation: {
		when: "A field, query parameter or header is invalid; `errors` lists each one. Also a create, edit or split that would write more sessions (or copied text) than one request may: `errors[].path` is `(sessions)`, and the detail says how many and how to ask for fewer.",
		detail: "weekday: Weekday is 0 (Monday) to 6 (Sunday).",
	},
	malformed_json: {
		when: "The body is not valid JSON.",
		detail: "Malformed JSON in request body",
	},
	unauthorized: {
		when: "No API key, a malformed Authorization header, or a key that is unknown, revoked or expired.",
		detail: "Send an API key: Authorization: Bearer <key>.",
	},
	forbidden: {
		when: "The key is valid but lacks the scope: read, write, or admin.",
		detail: 'This key lacks the "write" scope.',
	},
	not_found: {
		when: "No such resource (or a non-numeric id), or no such route.",
		detail: "Pattern 42 does not exist.",
	},
	method_not_allowed: {
		when: "The path exists but not with this method; `Allow` lists the methods.",
		detail: "PUT is not allowed here; use DELETE, GET, HEAD, PATCH.",
	},
	gone: {
		when: "A change-feed cursor older than the feed's retention (30 days): resync with range queries and start a new walk without a cursor. Also a hold that expired, was released or was already converted into a booking.",
		detail: "This cursor is older than the 30 days changes are kept; resync.",
	},
	conflict: {
		when: "The state forbids it (completing a cancelled session), or a request with the same Idempotency-Key is still running.",
		detail: "Cannot complete occurrence 7: it is already cancelled.",
	},
	full: {
		when: "A booking without a waitlist, or a hold, asks for more seats than the session has free.",
		detail: "Occurrence 7 has 0 seats free and no waitlist.",
	},
	not_bookable: {
		when: "Booking or holding seats on a cancelled, completed or already started session.",
		detail: "Occurrence 7 is cancelled: it takes no bookings.",
	},
	already_booked: {
		when: "The address already has a live booking on the session; `booking_id` names it.",
		detail: "ada@example.com already holds booking 12 on occurrence 7.",
	},
	precondition_failed: {
		when: "If-Match names a version that is no longer current.",
		detail: "The pattern 42 has changed since that ETag was issued; fetch it again and retry.",
	},
	payload_too_large: {
		when: "The request body is larger than 64 KiB.",
		detail: "Request bodies are at most 65536 bytes.",
	},
	unsupported_media_type: {
		when: "A request body that is not application/json.",
		detail: "Send request bodies as application/json.",
	},
	idempotency_mismatch: {
		when: "An Idempotency-Key reused with a different request body or path.",
		detail:
			"This Idempotency-Key was used with a different request; use a new key for a new request.",
	},
	rate_limited: {
		when: "Too many requests for this key (or client address) in the current minute, too many writes for this credential (the root token included), or too many failed authentications from this client address (or for this key prefix).",
		detail: "Too many requests for this key; retry after 60 seconds.",
	},
	internal: {
		when: "A bug; the log line with the same X-Request-Id has the details.",
		detail: "An unexpected error occurred.",
	},
	unavailable: {
		when: "The database is briefly unavailable (retry after Retry-After seconds), or the deployment is misconfigured: an ADMIN_TOKEN under 32 characters turns the root token off, and the console needs SESSION_SECRET.",
		detail: "The database is briefly unavailable; retry shortly.",
	},
} as const satisfies Record<ProblemCode, { when: string; detail: string }>;

export const problemCodes = Object.keys(problemTypes) as ProblemCode[];

/** A complete example problem body of this type, as the API would send it. */
export function problemExample(code: ProblemCode, instance: string) {
	const { status, title } = problemTypes[code];
	return {
		type: problemTypeUri(code),
		title,
		status,
		detail: problemCatalog[code].detail,
		instance,
		...(code === "validation"
			? { errors: [{ path: "weekday", message: "Weekday is 0 (Monday) to 6 (Sunday)." }] }
			: {}),
	};
}
