// Local wall-clock time -> UTC instant, with RFC 5545's rule for times a DST change skips or repeats
// (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.5): a skipped time moves forward by the gap,
// a repeated time takes the earlier instant. That is Temporal's `disambiguation: "compatible"`:
// https://tc39.es/proposal-temporal/docs/timezone.html#ambiguity-due-to-dst-or-other-time-zone-offset-changes
//
// Temporal is the only source of zone data here. Converting each slot with Temporal costs a few
// microseconds, too much for a cron run over ~130,000 slots, so each answer also teaches us a
// stretch of time over which the zone's offset stays the same (up to Temporal's next transition).
// Inside such a stretch, and far enough from its ends that no other offset could claim the same
// wall-clock time, the instant is wall-clock minus offset: the "candidate" step of the Temporal
// spec's GetPossibleEpochNanoseconds (https://tc39.es/proposal-temporal/#sec-temporal-getpossibleepochnanoseconds).
// Everything near a transition goes to Temporal itself.
import { Temporal } from "temporal-polyfill";
import { MS_PER_DAY } from "./calendar";

/** [from, until) in epoch ms, over which the zone's UTC offset is `offsetMs`. */
interface OffsetStretch {
	from: number;
	until: number;
	offsetMs: number;
}

// Offsets never differ by 48 hours or more (Temporal caps them below ±24 h), so a candidate this far
// inside a stretch can be neither in a gap nor in an overlap.
const SAFE_MARGIN_MS = 2 * MS_PER_DAY;
// A run touches a few stretches per zone (two DST changes a year); the cap only bounds memory.
const MAX_STRETCHES_PER_ZONE = 32;

// Module-level memo: the answers depend only on the zone data, so sharing them across calls (and
// across requests in one isolate) keeps the functions pure while letting 10,000 patterns reuse them.
const stretchesByZone = new Map<string, OffsetStretch[]>();

/**
 * The instant at which the wall-clock time `wallMs` occurs in `timezone`. `wallMs` is the local
 * date-time written as if it were UTC (epoch day × 86,400,000 + ms after local midnight).
 */
export function wallClockToInstant(timezone: string, wallMs: number): number {
	const stretches = stretchesByZone.get(timezone);
	if (stretches !== undefined) {
		for (const stretch of stretches) {
			const candidate = wallMs - stretch.offsetMs;
			if (
				candidate >= stretch.from + SAFE_MARGIN_MS &&
				candidate < stretch.until - SAFE_MARGIN_MS
			) {
				return candidate;
			}
		}
	}
	const zoned = toPlainDateTime(wallMs).toZonedDateTime(timezone, { disambiguation: "compatible" });
	remember(timezone, zoned, stretches);
	return zoned.epochMilliseconds;
}

/**
 * The zone's UTC offset at `instant`, in ms. The stretches answer it exactly: an offset holds from
 * any instant known to have it up to the zone's next transition. Temporal answers the rest.
 */
export function offsetAt(timezone: string, instant: number): number {
	const stretches = stretchesByZone.get(timezone);
	if (stretches !== undefined) {
		for (const stretch of stretches) {
			if (instant >= stretch.from && instant < stretch.until) return stretch.offsetMs;
		}
	}
	const zoned = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timezone);
	remember(timezone, zoned, stretches);
	return zoned.offsetNanoseconds / 1_000_000;
}

function toPlainDateTime(wallMs: number): Temporal.PlainDateTime {
	const wall = new Date(wallMs);
	return new Temporal.PlainDateTime(
		wall.getUTCFullYear(),
		wall.getUTCMonth() + 1,
		wall.getUTCDate(),
		wall.getUTCHours(),
		wall.getUTCMinutes(),
		wall.getUTCSeconds(),
		wall.getUTCMilliseconds(),
	);
}

function remember(
	timezone: string,
	zoned: Temporal.ZonedDateTime,
	known: OffsetStretch[] | undefined,
): void {
	const at = zoned.epochMilliseconds;
	if (known?.some((stretch) => at >= stretch.from && at < stretch.until)) return;
	// Only look forward: a "previous" transition search can scan back decades in the polyfill, and
	// the slots of a series are visited in increasing order anyway.
	const next = zoned.getTimeZoneTransition("next");
	const until = next === null ? Number.POSITIVE_INFINITY : next.epochMilliseconds;
	const offsetMs = zoned.offsetNanoseconds / 1_000_000;
	const stretches = known ?? [];
	const sameStretch = stretches.find((s) => s.until === until && s.offsetMs === offsetMs);
	if (sameStretch !== undefined) {
		sameStretch.from = Math.min(sameStretch.from, at);
		return;
	}
	if (stretches.length >= MAX_STRETCHES_PER_ZONE) stretches.shift();
	stretches.push({ from: at, until, offsetMs });
	stretchesByZone.set(timezone, stretches);
}
