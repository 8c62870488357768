import { exports } from "cloudflare:workers";
import { BASE as ORIGIN, ROOT_TOKEN } from "./api";

export { ORIGIN };

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

/** An element the page holds: its tag, attributes and text (entities decoded, spaces collapsed). */
export interface HtmlNode {
	tag: string;
	attributes: Record<string, string>;
	text: string;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (raw: string) =>
	raw.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (whole, name: string) => {
		if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
		if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
		return entities[name] ?? whole;
	});

/**
 * Every element of `html` that matches a CSS `selector`, in document order, read by the runtime's
 * own HTML parser (HTMLRewriter): tests ask for what the page means, not how it is formatted.
 */
export async function select(html: string, selector: string): Promise<HtmlNode[]> {
	const found: { node: HtmlNode; raw: string }[] = [];
	const open = new Set<{ node: HtmlNode; raw: string }>();
	const rewriter = new HTMLRewriter().on(selector, {
		element(element) {
			const entry = {
				node: {
					tag: element.tagName,
					attributes: Object.fromEntries(
						[...element.attributes].map(([name, value]) => [name, decode(value ?? "")]),
					),
					text: "",
				},
				raw: "",
			};
			found.push(entry);
			try {
				element.onEndTag(() => {
					open.delete(entry);
				});
				open.add(entry);
			} catch {
				// A void element (<input>): no end tag, no text.
			}
		},
		text(chunk) {
			for (const entry of open) entry.raw += chunk.text;
		},
	});
	await rewriter.transform(new Response(html)).text();
	return found.map(({ node, raw }) => ({ ...node, text: decode(raw).replace(/\s+/g, " ").trim() }));
}

/** The attribute `name` of the first element matching `selector`. */
export const attributeOf = async (html: string, selector: string, name: string) =>
	(await select(html, selector))[0]?.attributes[name];

/** The text of the first element matching `selector`. */
export const textOf = async (html: string, selector: string) =>
	(await select(html, selector))[0]?.text;

/** The CSRF token a signed-in page's forms carry ("" when it has none). */
export const csrfOf = async (html: string) =>
	(await attributeOf(html, 'input[name="csrf"]', "value")) ?? "";

/** The sign-in form's one-use token. */
export const formTokenOf = async (html: string) =>
	(await attributeOf(html, 'input[name="form_token"]', "value")) ?? "";

/** The error shown on a form field (the element its control names in aria-describedby). */
export async function fieldError(html: string, field: string) {
	const id = `f-${field}-error`;
	const [control] = await select(html, `[aria-describedby~="${id}"]`);
	if (!control) return undefined;
	return textOf(html, `#${id}`);
}

/** One post of the real sign-in form (fetched first for its token), from `address` if given. */
export async function signInAttempt(secret: string, address?: string) {
	const form = await visit("/admin/sign-in");
	const formCookie = cookieFrom(form, "__Host-admin_signin").pair;
	const token = await formTokenOf(form.html);
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
	return { cookie: session.pair, setCookie: session.header, csrf: await csrfOf(landing.html) };
}
