import { Temporal } from "temporal-polyfill";

const MINUTE_MS = 60_000;
export const minutesToMs = (minutes: number) => minutes * MINUTE_MS;

/** "2026-01-06T13:00:00Z", with milliseconds only when there are some. */
export function isoUtc(instant: number): string {
	const iso = new Date(instant).toISOString();
	return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

const dateTimeShape =
	/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date-time to epoch ms. Any offset is accepted; a date-time without one is
 * read as UTC, as the old service (Django with USE_TZ and UTC) did. Returns null for anything
 * that is not a real instant ("2026-02-30T10:00:00Z", "tomorrow", "").
 */
export function parseInstant(text: string): number | null {
	if (!dateTimeShape.test(text)) return null;
	try {
		const hasOffset = /(Z|z|[+-]\d{2}:?\d{2})$/.test(text);
		const instant = hasOffset
			? Temporal.Instant.from(text)
			: Temporal.PlainDateTime.from(text, { overflow: "reject" })
					.toZonedDateTime("UTC")
					.toInstant();
		return instant.epochMilliseconds;
	} catch {
		return null;
	}
}
