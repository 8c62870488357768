import { z } from "@hono/zod-openapi";

/**
 * The request headers the HTTP layer reads, as Zod schemas: the middleware validates with them
 * and the OpenAPI document describes them, so the two cannot drift apart.
 */
export const requestHeaders = {
	D1Bookmark: z
		.string()
		.regex(
			/^(first-primary|first-unconstrained|[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32})$/,
			"A D1 bookmark as an earlier response's X-D1-Bookmark gave it, or first-primary.",
		)
		.openapi({
			param: {
				name: "X-D1-Bookmark",
				in: "header",
				required: false,
				description:
					"The `X-D1-Bookmark` of your last response. Reads are then served by a database copy at least that recent, so you read your own writes; without it a read may come from a replica a moment behind. `first-primary` asks for the newest data. Anything else is 400.",
			},
			example: "0000003f-00000002-00005030-2f8b1d0c6e4a7b3950d2c1e8f4a6b7c9",
		}),
	IdempotencyKey: z
		.string()
		.regex(/^[\x21-\x7e]{1,255}$/, "1–255 visible ASCII characters.")
		.openapi({
			param: {
				name: "Idempotency-Key",
				in: "header",
				required: false,
				description:
					"Makes a retried POST safe: the first response is kept for 24 hours and replayed (with `Idempotent-Replayed: true`) to a retry with the same key and body. The same key with another body is 422; a retry while the first is still running is 409. A request that fails without changing anything frees its key.",
			},
			example: "5f0c1e9a-8d4b-4c2e-9a7f-3b6d2e1c0a94",
		}),
	IfMatch: z.string().openapi({
		param: {
			name: "If-Match",
			in: "header",
			required: false,
			description:
				"The ETag you last read. The write happens only if the resource is still at that version, else 412; check and write are one atomic step (RFC 9110 §13.1.1).",
		},
		example: '"p42.3"',
	}),
	IfNoneMatch: z.string().openapi({
		param: {
			name: "If-None-Match",
			in: "header",
			required: false,
			description:
				"An ETag you hold. If it is still current the answer is 304 Not Modified with no body (RFC 9110 §13.1.2).",
		},
		example: '"p42.3"',
	}),
	RequestId: z
		.string()
		.regex(/^[\w.:-]{1,128}$/, "1–128 letters, digits and . _ : -")
		.openapi({
			param: {
				name: "X-Request-Id",
				in: "header",
				required: false,
				description:
					"Your id for this request (1–128 of letters, digits, `.` `_` `:` `-`); echoed in the response and the log line. Anything else is replaced by a fresh UUID.",
			},
			example: "checkout-7f3a",
		}),
};
