import { Temporal } from "temporal-polyfill";

/** Epoch ms of the first instant of a local date in a zone (not always 00:00: some zones skip midnight). */
export function startOfLocalDay(date: string, timeZone: string): number {
	return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
}
