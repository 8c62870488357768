import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { causeChain, isTransientD1Error } from "../db/errors";

/** One invalid input field, as listed in a problem's `errors`. */
export interface FieldError {
	path: string;
	message: string;
}

/**
 * The closed set of problems this API answers with. Each has a stable `type` URI, so clients can
 * branch on it rather than on prose (RFC 9457 §3.1.1).
 */
export const problemTypes = {
	validation: { status: 400, title: "Invalid request" },
	malformed_json: { status: 400, title: "Malformed JSON" },
	unauthorized: { status: 401, title: "Authentication required" },
	forbidden: { status: 403, title: "Insufficient scope" },
	not_found: { status: 404, title: "Not found" },
	method_not_allowed: { status: 405, title: "Method not allowed" },
	conflict: { status: 409, title: "Conflict" },
	full: { status: 409, title: "No seats left" },
	not_bookable: { status: 409, title: "Session not bookable" },
	already_booked: { status: 409, title: "Already booked" },
	gone: { status: 410, title: "Gone" },
	precondition_failed: { status: 412, title: "Precondition failed" },
	payload_too_large: { status: 413, title: "Request body too large" },
	unsupported_media_type: { status: 415, title: "Unsupported media type" },
	idempotency_mismatch: { status: 422, title: "Idempotency key reused" },
	rate_limited: { status: 429, title: "Too many requests" },
	internal: { status: 500, title: "Internal error" },
	unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof problemTypes;

export const problemTypeUri = (code: ProblemCode) => `https://calendar-api.dev/problems/${code}`;

/** Thrown anywhere in a request; `onError` turns it into application/problem+json. */
export class ApiError extends Error {
	readonly code: ProblemCode;
	readonly errors?: FieldError[];
	readonly headers?: Record<string, string>;
	/** Extension members of the problem (RFC 9457 §3.2), e.g. the booking an already_booked names. */
	readonly extra?: Record<string, unknown>;

	constructor(
		code: ProblemCode,
		detail: string,
		options: {
			errors?: FieldError[];
			headers?: Record<string, string>;
			extra?: Record<string, unknown>;
		} = {},
	) {
		super(detail);
		this.name = "ApiError";
		this.code = code;
		this.errors = options.errors;
		this.headers = options.headers;
		this.extra = options.extra;
	}

	get status(): ContentfulStatusCode {
		return problemTypes[this.code].status;
	}
}

export const notFound = (what: string, id: number | string) =>
	new ApiError("not_found", `${what} ${id} does not exist.`);

export function problemResponse(c: Context, error: ApiError): Response {
	const { status, title } = problemTypes[error.code];
	const body = {
		type: problemTypeUri(error.code),
		title,
		status,
		detail: error.message,
		instance: new URL(c.req.url).pathname,
		...error.extra,
		...(error.errors ? { errors: error.errors } : {}),
	};
	return new Response(JSON.stringify(body), {
		status,
		headers: { "Content-Type": "application/problem+json", ...error.headers },
	});
}

/** The idempotency rider's way of failing a batch whose key another attempt owns (idempotency.ts). */
const lostIdempotencyClaim = /NOT NULL constraint failed: idempotency_keys\.state/;

/** Maps anything thrown to an ApiError: the single place where unknown failures become problems. */
export function toApiError(error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	if (error instanceof HTTPException) {
		if (error.status === 400) return new ApiError("malformed_json", error.message);
		if (error.status === 413) return new ApiError("payload_too_large", error.message);
		const code = (Object.keys(problemTypes) as ProblemCode[]).find(
			(key) => problemTypes[key].status === error.status,
		);
		return new ApiError(code ?? "internal", error.message);
	}
	if (error instanceof Error && lostIdempotencyClaim.test(causeChain(error))) {
		return new ApiError(
			"conflict",
			"A retry with the same Idempotency-Key took this request over; its response is the one kept.",
		);
	}
	if (isTransientD1Error(error)) {
		return new ApiError("unavailable", "The database is briefly unavailable; retry shortly.", {
			headers: { "Retry-After": "1" },
		});
	}
	return new ApiError("internal", "An unexpected error occurred.");
}
