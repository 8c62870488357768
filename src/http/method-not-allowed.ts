import type { Hono } from "hono";

/** Compiles the app's route paths so an unmatched request can be told 404 from 405. */
export function allowedMethods(app: Hono<never> | { routes: { method: string; path: string }[] }) {
	const table = new Map<RegExp, Set<string>>();
	const compiled = new Map<string, RegExp>();
	for (const route of app.routes) {
		if (route.method === "ALL" || route.path.includes("*")) continue;
		let regex = compiled.get(route.path);
		if (!regex) {
			const source = route.path
				.replace(/\/$/, "")
				.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
				.replace(/:\w+/g, "[^/]+");
			regex = new RegExp(`^${source}/?$`);
			compiled.set(route.path, regex);
			table.set(regex, new Set());
		}
		table.get(regex)?.add(route.method);
	}
	return (path: string): string[] => {
		const methods = new Set<string>();
		for (const [regex, allowed] of table) {
			if (regex.test(path)) for (const method of allowed) methods.add(method);
		}
		if (methods.has("GET")) methods.add("HEAD");
		return [...methods].sort();
	};
}
