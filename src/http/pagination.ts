import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { fromBase64Url, toBase64Url } from "../lib/base64url";
import { limits } from "../lib/fields";
import { ApiError } from "./problem";

/** The query parameters every list endpoint takes. */
export const pageQuery = {
	limit: z.coerce
		.number()
		.int(`limit is 1 to ${limits.maxListLimit}.`)
		.min(1, `limit is 1 to ${limits.maxListLimit}.`)
		.max(limits.maxListLimit, `limit is 1 to ${limits.maxListLimit}.`)
		.optional()
		.openapi({
			description: `Rows per page, 1–${limits.maxListLimit} (default ${limits.defaultListLimit}). When more rows remain, the response has a \`Link: <…>; rel="next"\` header.`,
			example: 100,
		}),
	cursor: z.string().max(512).optional().openapi({
		description:
			'Opaque position in the list. Follow the `Link` header\'s rel="next" URL instead of building it.',
		example: "eyJpZCI6NDJ9",
	}),
};

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, number>): string {
	return toBase64Url(new TextEncoder().encode(JSON.stringify(key)));
}

export function decodeCursor<K extends string>(
	cursor: string,
	keys: readonly K[],
): Record<K, number> {
	try {
		const bytes = fromBase64Url(cursor);
		const value: unknown = bytes && JSON.parse(new TextDecoder().decode(bytes));
		if (
			typeof value === "object" &&
			value !== null &&
			keys.every((key) => Number.isSafeInteger((value as Record<string, unknown>)[key]))
		) {
			return value as Record<K, number>;
		}
	} catch {
		// fall through to the problem below
	}
	throw new ApiError("validation", "The cursor is not one this API issued.", {
		errors: [{ path: "cursor", message: "Invalid cursor; follow the Link header as given." }],
	});
}

export const pageLimit = (limit: number | undefined) => limit ?? limits.defaultListLimit;

/**
 * Takes a page from rows fetched with one row more than the page holds: that extra row tells
 * whether another page exists. When it does, answers an RFC 8288 `Link: <…>; rel="next"` whose
 * cursor is the page's last sort key; the next page starts strictly after it (keyset
 * pagination), so rows inserted meanwhile never shift a row into a page twice or out of the walk.
 */
export function paginate<T>(
	c: Context,
	rows: T[],
	limit: number,
	cursorOf: (row: T) => Record<string, number>,
): T[] {
	if (rows.length <= limit) return rows;
	const page = rows.slice(0, limit);
	const last = page[page.length - 1];
	if (last !== undefined) {
		const next = new URL(c.req.url);
		next.searchParams.set("cursor", encodeCursor(cursorOf(last)));
		c.header("Link", `<${next.href}>; rel="next"`);
	}
	return page;
}
