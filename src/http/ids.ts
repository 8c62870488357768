import { parsePathId } from "../lib/fields";
import { notFound } from "./problem";

/**
 * Parses a path id the admin console's plain routes take; anything but a positive integer is an
 * unknown resource (404). The API's routes parse theirs in their schema (`idParam`).
 */
export function parseId(raw: string, what: string): number {
	const id = parsePathId(raw);
	if (id === null) throw notFound(what, raw);
	return id;
}
