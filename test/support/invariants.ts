// What must hold of the stored calendar after any mix of requests, cron runs and failures,
// checked with SQL on env.DB against the recurrence module. Each check returns readable
// violations, so a failing test says what broke rather than "expected false to be true".
import { env } from "cloudflare:workers";
import type { PatternRow } from "../../src/db/schema";
import { ruleOf } from "../../src/occurrences/writer";
import { addDays, expandSlots, firstSlotAtOrAfter, localDateOf } from "../../src/recurrence";

interface PatternRecord {
	id: number;
	title: string;
	description: string;
	weekdays: string;
	interval: number;
	count: number | null;
	time: string;
	timezone: string;
	duration_minutes: number;
	start_date: string;
	end_date: string | null;
	is_active: number;
	materialized_until: number;
	next_slot_at: number | null;
	deleted_at: number | null;
}

interface SessionRecord {
	id: number;
	pattern_id: number;
	title: string;
	description: string;
	start_at: number;
	end_at: number;
	original_start_at: number;
	duration_minutes: number;
	timezone: string;
}

const ruleOfRecord = (p: PatternRecord) =>
	ruleOf({
		weekdays: JSON.parse(p.weekdays) as number[],
		interval: p.interval,
		count: p.count,
		time: p.time,
		timezone: p.timezone,
		startDate: p.start_date,
		endDate: p.end_date,
	} satisfies Pick<PatternRow, keyof ReturnType<typeof ruleOf>>);

async function rows<T>(query: string, ...values: unknown[]): Promise<T[]> {
	return (
		await env.DB.prepare(query)
			.bind(...values)
			.all<T>()
	).results;
}

/**
 * Every way the calendar can be inconsistent, as of `now`:
 * - a slot (pattern, original start) stored twice, or two unedited sessions of a series at once;
 * - a future, scheduled, unedited session that does not match its pattern's current rule
 *   (wrong instant, title, description, duration, zone or end), or belongs to a deleted pattern;
 * - a gap: a slot of a live active pattern before its materialization mark with no row, unless
 *   a handled session holds its day (skipHandledDays): one of the pattern's own, or one that a
 *   split left on the old series from the pattern's start_date on;
 * - a mark whose next slot is not the rule's first slot after it;
 * - with `horizon`: a live active pattern not materialized through it (after a cron run).
 */
export async function calendarViolations(
	options: { now?: number; horizon?: number } = {},
): Promise<string[]> {
	const now = options.now ?? Date.now();
	const violations: string[] = [];

	for (const dup of await rows<{ pattern_id: number; at: number; n: number }>(
		`SELECT pattern_id, original_start_at AS at, count(*) AS n FROM occurrences
		 WHERE pattern_id IS NOT NULL GROUP BY 1, 2 HAVING n > 1`,
	)) {
		violations.push(`slot ${dup.pattern_id}@${iso(dup.at)} stored ${dup.n} times`);
	}
	for (const dup of await rows<{ pattern_id: number; at: number; n: number }>(
		`SELECT pattern_id, start_at AS at, count(*) AS n FROM occurrences
		 WHERE pattern_id IS NOT NULL AND status = 'scheduled' AND is_exception = 0
		 GROUP BY 1, 2 HAVING n > 1`,
	)) {
		violations.push(`pattern ${dup.pattern_id} has ${dup.n} unedited sessions at ${iso(dup.at)}`);
	}

	const patterns = new Map(
		(await rows<PatternRecord>("SELECT * FROM patterns")).map((p) => [p.id, p]),
	);
	const followers = await rows<SessionRecord>(
		`SELECT * FROM occurrences WHERE pattern_id IS NOT NULL AND start_at >= ?
		 AND status = 'scheduled' AND is_exception = 0 ORDER BY start_at`,
		now,
	);
	const bySeries = new Map<number, SessionRecord[]>();
	for (const session of followers) {
		bySeries.set(session.pattern_id, [...(bySeries.get(session.pattern_id) ?? []), session]);
	}
	for (const [patternId, sessions] of bySeries) {
		const pattern = patterns.get(patternId);
		if (!pattern || pattern.deleted_at !== null) {
			violations.push(`${sessions.length} future sessions of deleted pattern ${patternId}`);
			continue;
		}
		const last = sessions[sessions.length - 1]?.start_at ?? now;
		const slots = new Set(
			expandSlots(ruleOfRecord(pattern), { from: now, until: last + 1 }).map((s) => s.start),
		);
		for (const s of sessions) {
			const where = `session ${s.id} of pattern ${patternId} at ${iso(s.start_at)}`;
			if (!slots.has(s.start_at)) violations.push(`${where} is not a slot of the current rule`);
			if (s.original_start_at !== s.start_at) violations.push(`${where} moved but is unedited`);
			if (s.end_at !== s.start_at + s.duration_minutes * 60_000) {
				violations.push(`${where} ends at ${iso(s.end_at)}`);
			}
			for (const [field, own, expected] of [
				["title", s.title, pattern.title],
				["description", s.description, pattern.description],
				["duration_minutes", s.duration_minutes, pattern.duration_minutes],
				["timezone", s.timezone, pattern.timezone],
			] as const) {
				if (own !== expected) violations.push(`${where} has ${field} ${own}, not ${expected}`);
			}
		}
	}

	const slotRows = new Set(
		(
			await rows<{ key: string }>(
				`SELECT pattern_id || '@' || original_start_at AS key FROM occurrences
				 WHERE pattern_id IS NOT NULL AND original_start_at >= ?`,
				now,
			)
		).map((row) => row.key),
	);
	const handled = await rows<Pick<SessionRecord, "pattern_id" | "original_start_at" | "timezone">>(
		`SELECT pattern_id, original_start_at, timezone FROM occurrences
		 WHERE pattern_id IS NOT NULL AND original_start_at >= ? AND (status != 'scheduled' OR is_exception = 1)`,
		now - 2 * 86_400_000,
	);
	const heldDays = new Map<number, Set<string>>();
	for (const row of handled) {
		const days = heldDays.get(row.pattern_id) ?? new Set<string>();
		days.add(localDateOf(row.original_start_at, row.timezone));
		heldDays.set(row.pattern_id, days);
	}
	/** Days held for `pattern`: by its handled sessions, and by those its split predecessor kept. */
	const heldFor = (pattern: PatternRecord) => {
		const predecessors = [...patterns.values()].filter(
			(other) => other.end_date !== null && addDays(other.end_date, 1) === pattern.start_date,
		);
		return new Set(
			[pattern, ...predecessors].flatMap((p) =>
				[...(heldDays.get(p.id) ?? [])].filter((day) => day >= pattern.start_date),
			),
		);
	};
	for (const pattern of patterns.values()) {
		if (pattern.deleted_at !== null || !pattern.is_active) continue;
		const rule = ruleOfRecord(pattern);
		const until = pattern.materialized_until;
		const held = heldFor(pattern);
		for (const slot of expandSlots(rule, { from: now, until })) {
			if (held.has(localDateOf(slot.start, pattern.timezone))) continue;
			if (!slotRows.has(`${pattern.id}@${slot.start}`)) {
				violations.push(`gap: pattern ${pattern.id} has no session for ${iso(slot.start)}`);
			}
		}
		const next = firstSlotAtOrAfter(rule, until)?.start ?? null;
		if (pattern.next_slot_at !== next) {
			violations.push(
				`pattern ${pattern.id}: next_slot_at ${iso(pattern.next_slot_at)}, rule says ${iso(next)}`,
			);
		}
		if (options.horizon !== undefined && until < options.horizon && next !== null) {
			if (next < options.horizon) {
				violations.push(`pattern ${pattern.id} materialized only until ${iso(until)}`);
			}
		}
	}
	return violations;
}

const iso = (instant: number | null) =>
	instant === null ? "null" : new Date(instant).toISOString();
