// The bench's data set: weekly patterns over varied weekdays, times, durations and zones, plus
// one-time sessions. Deterministic (seeded), so two runs on the same machine compare.
import { random } from "./random.mjs";

const ZONES = [
	"UTC",
	"Europe/Paris",
	"Europe/London",
	"Europe/Berlin",
	"America/New_York",
	"America/Chicago",
	"America/Los_Angeles",
	"America/Sao_Paulo",
	"Asia/Tokyo",
	"Asia/Kolkata",
	"Asia/Singapore",
	"Australia/Sydney",
	"Pacific/Auckland",
	"Africa/Johannesburg",
];
const PATTERN_MINUTES = [30, 45, 60, 60, 60, 75, 90, 90, 120, 180];
const ONE_TIME_MINUTES = [15, 30, 45, 60, 60, 90, 120, 180, 240, 480, 1440];
const DAY_MS = 86_400_000;

const pick = (next, values) => values[Math.floor(next() * values.length)];
const dateOf = (instant) => new Date(instant).toISOString().slice(0, 10);
const two = (value) => String(value).padStart(2, "0");

/** POST /api/patterns bodies: mostly one weekday, some two or three; start dates around today. */
export function patternBodies(count, { seed, now, generate }) {
	const next = random(seed);
	const bodies = [];
	for (let index = 0; index < count; index++) {
		const first = Math.floor(next() * 7);
		const extra = next();
		const weekdays = extra < 0.75 ? [first] : extra < 0.95 ? [first, (first + 2) % 7] : [0, 2, 4];
		bodies.push({
			title: `Bench class ${index}`,
			weekdays: [...new Set(weekdays)].sort((a, b) => a - b),
			time: `${two(6 + Math.floor(next() * 16))}:${pick(next, ["00", "15", "30", "45"])}`,
			timezone: pick(next, ZONES),
			duration_minutes: pick(next, PATTERN_MINUTES),
			start_date: dateOf(now + (Math.floor(next() * 28) - 14) * DAY_MS),
			generate_occurrences: generate,
		});
	}
	return bodies;
}

/**
 * One-time sessions as SQL (multi-row INSERTs of 200 rows), spread from 30 days ago to 90 days
 * ahead on quarter hours, for `wrangler d1 execute --file` before the server starts.
 */
export function oneTimeSql(count, { seed, now }) {
	const next = random(seed);
	const origin = Math.floor((now - 30 * DAY_MS) / 900_000) * 900_000;
	const rows = [];
	for (let index = 0; index < count; index++) {
		const start = origin + Math.floor(next() * 120 * 96) * 900_000;
		const minutes = pick(next, ONE_TIME_MINUTES);
		rows.push(
			`('Bench session ${index}', ${start}, ${start + minutes * 60_000}, ${minutes}, ${now}, ${now})`,
		);
	}
	const statements = [];
	for (let from = 0; from < rows.length; from += 200) {
		statements.push(
			`INSERT INTO occurrences (title, start_at, end_at, duration_minutes, created_at, updated_at) VALUES\n${rows.slice(from, from + 200).join(",\n")};`,
		);
	}
	return statements.join("\n");
}
