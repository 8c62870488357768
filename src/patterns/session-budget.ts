import { ApiError } from "../http/problem";
import { limits } from "../lib/fields";

/** What a write would store: how many sessions, each with a copy of this title and description. */
export interface SessionWrite {
	sessions: number;
	title: string;
	description: string;
}

const utf8 = new TextEncoder();

/**
 * Refuses, before anything is written, a write past what one request may store: more sessions
 * than `maxSessions` (limits.maxSessionsPerWrite, or MAX_SESSIONS_PER_WRITE), or more copied text
 * than limits.maxSessionTextBytesPerWrite (every session stores its pattern's title and
 * description). A 400 that says how much it would write, the limit, and how to ask for less
 * (`fewerSessions`: "give …").
 */
export function checkSessionWrite(write: SessionWrite, maxSessions: number, fewerSessions: string) {
	const { sessions } = write;
	if (sessions > maxSessions) {
		refuse(
			`This would write ${sessions} sessions; one request may write at most ${maxSessions}. For fewer sessions, ${fewerSessions}.`,
		);
	}
	const perSession = utf8.encode(write.title).length + utf8.encode(write.description).length;
	const textBytes = sessions * perSession;
	if (textBytes > limits.maxSessionTextBytesPerWrite) {
		refuse(
			`This would write ${sessions} sessions, each with its own copy of the ${perSession} bytes of title and description: ${textBytes} bytes; one request may write at most ${limits.maxSessionTextBytesPerWrite}. Give a shorter description or, for fewer sessions, ${fewerSessions}.`,
		);
	}
}

function refuse(message: string): never {
	throw new ApiError("validation", message, { errors: [{ path: "(sessions)", message }] });
}
