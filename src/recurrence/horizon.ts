// How far ahead pattern sessions are stored. Calendar months come from Temporal, which clamps to the
// month's end (Jan 31 + 1 month = Feb 28): https://tc39.es/proposal-temporal/docs/plaindate.html#add
import { Temporal } from "temporal-polyfill";

/**
 * Exclusive end of the materialization horizon: 00:00Z of (UTC date of `now` + `months` + 1 day),
 * so the whole last calendar day is inside it.
 */
export function horizonEnd(now: number, months: number): number {
	return Temporal.Instant.fromEpochMilliseconds(now)
		.toZonedDateTimeISO("UTC")
		.toPlainDate()
		.add({ months })
		.add({ days: 1 })
		.toZonedDateTime("UTC").epochMilliseconds;
}
