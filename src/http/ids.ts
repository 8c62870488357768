import { notFound } from "./problem";

/** Parses a path id; anything but a positive integer is an unknown resource (404). */
export function parseId(raw: string, what: string): number {
	if (!/^\d{1,15}$/.test(raw) || Number(raw) === 0) throw notFound(what, raw);
	return Number(raw);
}
