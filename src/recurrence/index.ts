// The recurrence core: weekly rule + zone -> UTC instants. Pure (no I/O, no clock): the HTTP API
// and the cron job pass `now` and windows in, so both expand patterns the same way.
export {
	addDays,
	isRealDate,
	isRealTime,
	MS_PER_DAY,
	normalizeTime,
	WEEKDAY_NAMES,
} from "./calendar";
export { expandSlots, firstSlotAtOrAfter, materializationPlan } from "./expand";
export { horizonEnd } from "./horizon";
export { isoUtc, minutesToMs, parseInstant } from "./instants";
export {
	canonicalTimeZone,
	isValidTimeZone,
	localDateOf,
	startOfLocalDay,
	zonedIso,
} from "./time-zones";
export type { Slot, WeeklyRule } from "./weekly-rule";
