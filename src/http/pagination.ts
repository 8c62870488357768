import type { Context } from "hono";
import { limits } from "../lib/fields";
import { ApiError } from "./problem";

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, number>): string {
	return btoa(JSON.stringify(key)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor<K extends string>(
	cursor: string,
	keys: readonly K[],
): Record<K, number> {
	try {
		const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
		const value: unknown = JSON.parse(json);
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
 * Fetches one row more than the page holds to learn whether another page exists; when it does,
 * answers an RFC 8288 `Link: <…>; rel="next"` with the cursor of the page's last row.
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
		c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
	}
	return page;
}
