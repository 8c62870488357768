import type { Context } from "hono";
import { ApiError } from "./problem";

type Kind = "pattern" | "occurrence" | "booking";
const prefix: Record<Kind, string> = { pattern: "p", occurrence: "o", booking: "b" };

// Lists and feeds get hono/etag's hash of their bytes (app.ts); single resources use these tags,
// which their handlers compare before any serialization.

/** A strong validator that changes with every write: the row's id and version (RFC 9110 §8.8.3). */
export const etagOf = (kind: Kind, id: number, version: number) =>
	`"${prefix[kind]}${id}.${version}"`;

function listed(header: string): string[] {
	return header.split(",").map((tag) => tag.trim());
}

/**
 * The version an If-Match header requires, or undefined when there is none (or it is "*", which
 * any existing resource satisfies). A header that names no version of this resource answers 412
 * after the existence check, so it is reported as a version that never exists.
 */
export function requiredVersion(c: Context, kind: Kind, id: number): number | undefined {
	const header = c.req.header("If-Match");
	if (header === undefined || header.trim() === "*") return undefined;
	const pattern = new RegExp(`^"${prefix[kind]}${id}\\.(\\d{1,12})"$`);
	for (const tag of listed(header)) {
		const match = pattern.exec(tag);
		if (match?.[1]) return Number(match[1]);
	}
	return -1;
}

/** True when If-None-Match names the current representation (answer 304). */
export function notModified(c: Context, etag: string): boolean {
	const header = c.req.header("If-None-Match");
	if (header === undefined) return false;
	if (header.trim() === "*") return true;
	// Weak comparison, as RFC 9110 §13.1.2 asks for If-None-Match.
	return listed(header).some((tag) => tag.replace(/^W\//, "") === etag);
}

/**
 * A list's JSON with a strong ETag of its bytes (SHA-1, hex), set before hono/etag (app.ts) looks:
 * it keeps the tag and answers If-None-Match with it as for any other. Hashing the text already in
 * hand spares hono/etag's clone of the response and its read of the copy, and the body stays a
 * string of known length.
 */
export async function jsonWithEtag<T>(c: Context, value: T) {
	const text = JSON.stringify(value);
	const digest = new Uint8Array(
		await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)),
	);
	let hex = "";
	for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
	c.header("ETag", `"${hex}"`);
	c.header("Content-Type", "application/json");
	// Typed as c.json's answer, which the OpenAPI route checks against its schema.
	return c.body(text, 200) as unknown as ReturnType<typeof c.json<T, 200>>;
}

export const staleVersion = (kind: Kind, id: number) =>
	new ApiError(
		"precondition_failed",
		`The ${kind} ${id} has changed since that ETag was issued; fetch it again and retry.`,
	);
