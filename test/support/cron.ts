import {
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { MaterializeReport } from "./types";

/** A line the cron logs; the materialization's ("event": "materialize") carries its report. */
export interface CronReport extends MaterializeReport {
	event: string;
	trigger: string;
}

// The lines logged while runs are in flight. console.log is swapped once for all the runs in
// flight, so that concurrent runs (the race tests fire several at once) neither restore it under
// each other nor print their lines; whatever console.log was before (a test's own spy) comes back.
const logged: unknown[] = [];
let inFlight = 0;
let before: typeof console.log | undefined;

function startCapture(): number {
	if (inFlight === 0) {
		before = console.log;
		logged.length = 0;
		console.log = (line?: unknown) => {
			logged.push(line);
		};
	}
	inFlight += 1;
	return logged.length;
}

function stopCapture() {
	inFlight -= 1;
	if (inFlight === 0 && before) {
		console.log = before;
		before = undefined;
	}
}

/**
 * Fires the Worker's scheduled handler `runs` times at once (at `at`, default now), as the Cron
 * Trigger would, with `env` (default the test env, with HORIZON_MONTHS = `horizonMonths` when
 * given), and waits for all its waitUntil work. Returns every line logged meanwhile, parsed as
 * JSON (a line that is not JSON fails the test); a failing chore rejects.
 */
export async function runCron(
	options: { at?: string | number; horizonMonths?: string; runs?: number; env?: Env } = {},
): Promise<CronReport[]> {
	const base = options.env ?? env;
	const cronEnv = options.horizonMonths ? { ...base, HORIZON_MONTHS: options.horizonMonths } : base;
	const scheduledTime = options.at === undefined ? new Date() : new Date(options.at);
	// Captured, not printed: the lines are the assertion.
	const first = startCapture();
	try {
		await Promise.all(
			Array.from({ length: options.runs ?? 1 }, async () => {
				const ctx = createExecutionContext();
				const controller = createScheduledController({ scheduledTime, cron: "0 3 * * *" });
				await worker.scheduled(controller, cronEnv, ctx);
				await waitOnExecutionContext(ctx);
			}),
		);
		return logged.slice(first).map((line) => JSON.parse(String(line)) as CronReport);
	} finally {
		stopCapture();
	}
}
