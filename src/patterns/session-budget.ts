import type { WriteBudget } from "../config";
import { ApiError } from "../http/problem";

/** What a write would store: how many sessions, each with a copy of this title and description. */
export interface SessionWrite {
	sessions: number;
	title: string;
	description: string;
}

const utf8 = new TextEncoder();

/**
 * Refuses, before anything is written, a write past what one request may store (`budget`, from
 * config.ts: limits.maxSessionsPerWrite sessions and limits.maxSessionTextBytesPerWrite bytes of
 * copied text by default; every session stores its pattern's title and description). A 400 that says how much it would write, the limit, and how to ask for less
 * (`fewerSessions`: "give …").
 */
export function checkSessionWrite(write: SessionWrite, budget: WriteBudget, fewerSessions: string) {
	const { sessions } = write;
	if (sessions > budget.sessions) {
		refuse(
			`This would write ${sessions} sessions; one request may write at most ${budget.sessions}. For fewer sessions, ${fewerSessions}.`,
		);
	}
	const perSession = utf8.encode(write.title).length + utf8.encode(write.description).length;
	const textBytes = sessions * perSession;
	if (textBytes > budget.textBytes) {
		refuse(
			`This would write ${sessions} sessions, each with its own copy of the ${perSession} bytes of title and description: ${textBytes} bytes; one request may write at most ${budget.textBytes}. Give a shorter description or, for fewer sessions, ${fewerSessions}.`,
		);
	}
}

function refuse(message: string): never {
	throw new ApiError("validation", message, { errors: [{ path: "(sessions)", message }] });
}
