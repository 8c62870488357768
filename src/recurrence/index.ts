// The recurrence core: weekly rule + zone -> UTC instants. Pure (no I/O, no clock): the HTTP API
// and the cron job pass `now` and windows in, so both expand patterns the same way.
export {
	addDays,
	isRealDate,
	isRealTime,
	normalizeTime,
	WEEKDAY_NAMES,
} from "./calendar";
export { expandSlots, firstSlotAtOrAfter, materializationPlan } from "./expand";
export { horizonEnd } from "./horizon";
export { canonicalTimeZone, isValidTimeZone, localDateOf, zonedIso } from "./time-zones";
export type { Slot, WeeklyRule } from "./weekly-rule";
