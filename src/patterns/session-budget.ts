import { ApiError } from "../http/problem";

/**
 * Refuses, before anything is written, a write that would create more sessions than one request
 * may (limits.maxSessionsPerWrite, or MAX_SESSIONS_PER_WRITE): a 400 that says how many it would
 * create and how to ask for fewer.
 */
export function checkSessionsPerWrite(sessions: number, limit: number, howToProceed: string) {
	if (sessions <= limit) return;
	const message = `This would create ${sessions} sessions; one request may create at most ${limit}. ${howToProceed}`;
	throw new ApiError("validation", message, { errors: [{ path: "(sessions)", message }] });
}
