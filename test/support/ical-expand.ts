// Reads a feed the way a calendar client does, with ical.js: each VEVENT with its overrides and
// EXDATEs expanded, every TZID converted through the feed's own VTIMEZONE components.
import ICAL from "ical.js";
import type { Occurrence } from "./types";

export interface Instance {
	start: string;
	end: string;
	title: string;
}

const DAY_MS = 86_400_000;
const iso = (time: ICAL.Time) =>
	new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");

/**
 * The instances whose [start, end) overlaps [from, until), by start then title. Throws when an
 * override does not match an instance of its series (a client would silently drop it).
 */
export function expandFeed(ics: string, from: number, until: number): Instance[] {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	const byUid = new Map<string, ICAL.Component[]>();
	for (const component of calendar.getAllSubcomponents("vevent")) {
		const uid = String(component.getFirstPropertyValue("uid"));
		byUid.set(uid, [...(byUid.get(uid) ?? []), component]);
	}
	const instances: Instance[] = [];
	for (const [uid, components] of byUid) {
		const master = components.find((component) => !component.hasProperty("recurrence-id"));
		if (!master) throw new Error(`${uid}: overrides without their series`);
		const exceptions = components.filter((component) => component !== master);
		const event = new ICAL.Event(master, { exceptions });
		if (!event.isRecurring()) {
			instances.push({
				start: iso(event.startDate),
				end: iso(event.endDate),
				title: event.summary,
			});
			continue;
		}
		const matched = new Set<ICAL.Event>();
		// Overrides may move a session far from its slot, so walk well past the window.
		const iterator = event.iterator();
		for (let next = iterator.next(); next; next = iterator.next()) {
			if (next.toUnixTime() * 1000 > until + 400 * DAY_MS) break;
			const details = event.getOccurrenceDetails(next);
			if (details.item !== event) matched.add(details.item);
			instances.push({
				start: iso(details.startDate),
				end: iso(details.endDate),
				title: details.item.summary,
			});
		}
		if (matched.size !== exceptions.length) {
			throw new Error(`${uid}: ${exceptions.length - matched.size} override(s) match no instance`);
		}
	}
	return sortInstances(
		instances.filter(
			(instance) => Date.parse(instance.start) < until && Date.parse(instance.end) > from,
		),
	);
}

export function sortInstances(instances: Instance[]): Instance[] {
	return instances.toSorted((a, b) =>
		a.start === b.start ? a.title.localeCompare(b.title) : a.start < b.start ? -1 : 1,
	);
}

/** The same shape from the API's JSON sessions. */
export const asInstances = (sessions: Occurrence[]): Instance[] =>
	sortInstances(
		sessions.map((session) => ({
			start: session.start_datetime,
			end: session.end_datetime,
			title: session.title,
		})),
	);
