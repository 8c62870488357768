import { exports } from "cloudflare:workers";
import { api, ROOT_TOKEN } from "./helpers";

export const ORIGIN = "https://calendar.test";

export interface Page {
	status: number;
	headers: Headers;
	html: string;
	location: string | null;
}

/** A browser-like visit through the Worker's entry point: cookies in, redirects not followed. */
export async function visit(
	path: string,
	options: {
		cookie?: string;
		form?: Record<string, string | string[]>;
		/** A raw POST body, for requests no browser form would send. */
		body?: string;
		headers?: Record<string, string>;
	} = {},
): Promise<Page> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.cookie) headers.Cookie = options.cookie;
	let body: URLSearchParams | string | undefined = options.body;
	if (options.form) {
		body = new URLSearchParams();
		for (const [name, value] of Object.entries(options.form)) {
			for (const item of [value].flat()) body.append(name, item);
		}
		headers.Origin ??= ORIGIN;
		headers["Sec-Fetch-Site"] ??= "same-origin";
	}
	const response = await exports.default.fetch(`${ORIGIN}${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers,
		body,
		redirect: "manual",
	});
	return {
		status: response.status,
		headers: response.headers,
		html: await response.text(),
		location: response.headers.get("Location"),
	};
}

/** The Set-Cookie header that set `name`, and the "name=value" pair to send back. */
export function cookieFrom(page: Page, name: string) {
	const header = page.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
	return { header, pair: header?.split(";")[0] ?? "" };
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** One post of the real sign-in form (fetched first for its token), from `address` if given. */
export async function signInAttempt(secret: string, address?: string) {
	const form = await visit("/admin/sign-in");
	const formCookie = cookieFrom(form, "__Host-admin_signin").pair;
	const token = /name="form_token" value="([^"]+)"/.exec(form.html)?.[1] ?? "";
	return visit("/admin/sign-in", {
		cookie: formCookie,
		form: { form_token: token, next: "/admin", key: secret },
		headers: address ? { "CF-Connecting-IP": address } : {},
	});
}

/** Signs in through the real sign-in form; returns the session cookie pair and a CSRF token. */
export async function signIn(secret = ROOT_TOKEN) {
	const signedIn = await signInAttempt(secret);
	const session = cookieFrom(signedIn, "__Host-admin_session");
	if (!session.header) throw new Error(`sign-in failed: ${signedIn.status}`);
	const landing = await visit("/admin", { cookie: session.pair });
	return { cookie: session.pair, setCookie: session.header, csrf: csrfOf(landing.html) };
}

export async function createKey(scopes: string[], name = `key ${crypto.randomUUID()}`) {
	const response = await api("POST", "/api/keys", { body: { name, scopes } });
	if (response.status !== 201) throw new Error(`createKey: ${response.status}`);
	return response.body as { id: number; key: string; name: string };
}

export async function createOneTimeSession(
	title = `Open house ${crypto.randomUUID().slice(0, 8)}`,
) {
	const response = await api("POST", "/api/occurrences", {
		body: { title, start_datetime: "2030-02-14T10:00:00Z", duration_minutes: 90 },
	});
	if (response.status !== 201) throw new Error(`createOneTimeSession: ${response.status}`);
	return response.body as { id: number; title: string };
}
