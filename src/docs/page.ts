import { problemTypes, problemTypeUri } from "../http/problem";
import { script, styles } from "./assets";
import { escapeHtml as esc, escapeText, headingsOf, markdown, slug } from "./markdown";
import { problemCatalog, problemCodes } from "./problem-catalog";
import { type Schema, schemaView, scrollBox, typeLabel } from "./schema-view";

interface Operation {
	method: string;
	path: string;
	op: Schema;
}

const METHODS = ["get", "post", "patch", "put", "delete"];
export const NONCE_SLOT = "__NONCE__";

/** Reads a document's components: $ref resolution and examples for a media type or schema. */
class Reader {
	constructor(private readonly components: Schema) {}

	resolve = (item: Schema): Schema => {
		const [, , kind, name] = item?.$ref?.split("/") ?? [];
		return kind && name ? (this.components[kind]?.[name] ?? item) : item;
	};

	example = (media: Schema | undefined): unknown => {
		if (!media) return undefined;
		if (media.example !== undefined) return media.example;
		const first = Object.values(media.examples ?? {})[0] as Schema | undefined;
		return first?.value ?? this.schemaExample(media.schema);
	};

	private schemaExample(schema: Schema | undefined): unknown {
		if (!schema) return undefined;
		const target = this.resolve(schema);
		if (target.example !== undefined) return target.example;
		if (target.type === "array") {
			const item = this.schemaExample(target.items);
			return item === undefined ? undefined : [item];
		}
		const entries = Object.entries((target.properties ?? {}) as Record<string, Schema>)
			.map(([name, field]) => [name, this.schemaExample(field)])
			.filter(([, value]) => value !== undefined);
		return entries.length ? Object.fromEntries(entries) : undefined;
	}
}

const json = (value: unknown) =>
	value === undefined
		? ""
		: `<pre><code>${escapeText(JSON.stringify(value, null, 2))}</code></pre>`;
const badge = (method: string) => `<span class="m ${method}">${method.toUpperCase()}</span>`;
const opId = ({ method, path }: Operation) => `op-${method}-${slug(path)}`;
const tagOf = ({ op }: Operation): string => op.tags?.[0] ?? "Other";
const operationLink = (operation: Operation) =>
	`<a href="#${opId(operation)}">${badge(operation.method)}<code>${esc(operation.path)}</code></a>`;

function parameterTable(reader: Reader, parameters: Schema[]): string {
	const rows = parameters
		.map(reader.resolve)
		.map(
			(p) =>
				`<tr><td><code>${esc(p.name)}</code>${p.required ? '<span class="req">*</span>' : ""}</td><td>${esc(p.in)}</td><td>${typeLabel(p.schema ?? {})}</td><td>${markdown(p.description ?? "")}</td></tr>`,
		);
	return `<h4>Parameters</h4>${scrollBox(`<table><tbody>${rows.join("")}</tbody></table>`)}`;
}

function responseBlock(reader: Reader, status: string, raw: Schema): string {
	const response = reader.resolve(raw);
	const [type, media] = (Object.entries(response.content ?? {})[0] ?? []) as [string, Schema];
	// X-Request-Id, X-D1-Bookmark and Server-Timing come with every response; the overview says so once.
	const headers = Object.keys(response.headers ?? {}).filter(
		(name) => !["X-Request-Id", "X-D1-Bookmark", "Server-Timing"].includes(name),
	);
	const headerLine = headers.length
		? `<p class="meta">Headers: ${headers.map((h) => `<code>${esc(h)}</code>`).join(" ")}</p>`
		: "";
	let body = "";
	if (media && type === "application/problem+json") {
		// Problem bodies all share one schema: name the types and link to the table below.
		const codes = Object.keys(media.examples ?? {});
		body = `<p class="meta">${esc(type)}: ${codes.map((code) => `<a href="#problem-${esc(code)}">${esc(code)}</a>`).join(", ")}</p>`;
	} else if (media) {
		body = `<p class="meta">${esc(type)}</p>${schemaView(media.schema ?? {})}${json(reader.example(media))}`;
	}
	return `<details><summary><span class="st s${status[0]}">${esc(status)}</span> ${esc(response.description ?? "")}</summary>${headerLine}${body}</details>`;
}

/** The "Try it" form: one input per parameter, the body prefilled with the example. */
function tryForm(reader: Reader, { method, path, op }: Operation): string {
	const inputs = (op.parameters ?? []).map(reader.resolve).map((p: Schema) => {
		const hint = p.example ?? p.schema?.example ?? "";
		return `<label class="row"><span><code>${esc(p.name)}</code> <span class="c">${esc(p.in)}</span></span><input name="${esc(p.name)}" data-in="${esc(p.in)}" placeholder="${esc(hint)}"${p.required ? " required" : ""}></label>`;
	});
	const media = op.requestBody?.content?.["application/json"];
	const body = media
		? `<textarea name="body" spellcheck="false">${escapeText(JSON.stringify(reader.example(media) ?? {}, null, 2))}</textarea>`
		: "";
	const verb = method.toUpperCase();
	return `<details class="try"><summary>Try it</summary><form class="try" data-method="${verb}" data-path="${esc(path)}">${inputs.join("")}${body}<button type="submit">Send ${verb}</button><div class="out"></div></form></details>`;
}

function operationBlock(reader: Reader, operation: Operation): string {
	const { method, path, op } = operation;
	const media = op.requestBody?.content?.["application/json"];
	const responses = Object.entries(op.responses ?? {}).map(([status, response]) =>
		responseBlock(reader, status, response as Schema),
	);
	return [
		`<article class="op" id="${opId(operation)}"><h3>${badge(method)}<code>${esc(path)}</code></h3>`,
		`<p class="sum">${esc(op.summary ?? "")}</p>${markdown(op.description ?? "")}`,
		op.parameters?.length ? parameterTable(reader, op.parameters) : "",
		media
			? `<h4>Request body</h4>${schemaView(media.schema ?? {})}${json(reader.example(media))}`
			: "",
		`<h4>Responses</h4>${responses.join("")}${tryForm(reader, operation)}</article>`,
	].join("");
}

function navigation(overview: string, tags: Map<string, Operation[]>, schemaNames: string[]) {
	const link = (href: string, text: string) => `<a href="#${href}">${esc(text)}</a>`;
	const sections = [...tags].map(
		([tag, operations]) =>
			`<h4>${link(`tag-${slug(tag)}`, tag)}</h4>${operations.map(operationLink).join("")}`,
	);
	return `<nav class="side" aria-label="Contents"><h4>Overview</h4>${headingsOf(overview)
		.map((heading) => link(`overview-${slug(heading)}`, heading))
		.join("")}${sections.join("")}<h4>${link("schemas", "Schemas")}</h4>${schemaNames
		.map((name) => link(`schema-${name}`, name))
		.join("")}<h4>${link("problems", "Problem types")}</h4></nav>`;
}

/**
 * The operation menu for narrow screens, where the sidebar is hidden: one closed <details> per tag
 * listing its operations, at the top of the page; a "Menu" link fixed in a corner of the screen
 * leads back to it from anywhere. Plain links, no script.
 */
function operationMenu(tags: Map<string, Operation[]>): string {
	const groups = [...tags].map(
		([tag, operations]) =>
			`<details><summary>${esc(tag)} <span class="c">${operations.length}</span></summary>${operations
				.map(operationLink)
				.join("")}</details>`,
	);
	return `<nav id="menu" class="menu" aria-label="Operations"><h2>Operations</h2>${groups.join("")}<p><a href="#overview">Overview</a> · <a href="#schemas">Schemas</a> · <a href="#problems">Problem types</a></p></nav>`;
}

function problemTable(): string {
	const rows = problemCodes.map(
		(code) =>
			`<tr id="problem-${code}"><td><code>${esc(problemTypeUri(code))}</code><br>${esc(problemTypes[code].title)}</td><td>${problemTypes[code].status}</td><td>${markdown(problemCatalog[code].when)}</td></tr>`,
	);
	return `<h2 id="problems">Problem types</h2>${scrollBox(`<table><thead><tr><th>type</th><th>status</th><th>when</th></tr></thead><tbody>${rows.join("")}</tbody></table>`)}`;
}

/**
 * The interactive reference, rendered on the server from the OpenAPI document: a table of
 * contents, every operation with its parameters, bodies, responses, examples and a "Try it"
 * form, the schemas and the problem types. One HTML response with inline style and script
 * (allowed by a per-response CSP nonce in place of NONCE_SLOT), nothing fetched from elsewhere.
 */
export function renderDocsPage(document: Schema): string {
	const reader = new Reader(document.components ?? {});
	const tags = new Map<string, Operation[]>();
	for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Schema][]) {
		for (const method of METHODS.filter((candidate) => item[candidate])) {
			const operation = { method, path, op: item[method] };
			tags.set(tagOf(operation), [...(tags.get(tagOf(operation)) ?? []), operation]);
		}
	}
	const tagText = new Map<string, string>(
		(document.tags ?? []).map((tag: Schema) => [tag.name, tag.description ?? ""]),
	);
	const schemas = Object.entries((document.components?.schemas ?? {}) as Record<string, Schema>);
	const overview: string = document.info?.description ?? "";
	const title = esc(document.info?.title ?? "API");

	const main = [
		`<section id="overview">${markdown(overview, "overview")}</section>`,
		...[...tags].map(
			([tag, operations]) =>
				`<h2 id="tag-${slug(tag)}">${esc(tag)}</h2>${markdown(tagText.get(tag) ?? "")}${operations
					.map((operation) => operationBlock(reader, operation))
					.join("")}`,
		),
		`<h2 id="schemas">Schemas</h2>`,
		...schemas.map(
			([name, schema]) => `<h3 id="schema-${esc(name)}">${esc(name)}</h3>${schemaView(schema)}`,
		),
		problemTable(),
	].join("");

	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} reference</title><link rel="icon" href="data:,"><style nonce="${NONCE_SLOT}">${styles}</style></head><body><header><b>${title}</b><span class="v">v${esc(document.info?.version ?? "")} · OpenAPI ${esc(document.openapi)} · <a href="/openapi.json">openapi.json</a></span><a class="to-menu" href="#menu">Menu</a><label>API key <input id="token" type="password" autocomplete="off" placeholder="cal_… or the root token"></label></header><div class="wrap">${navigation(
		overview,
		tags,
		schemas.map(([name]) => name),
	)}<main>${operationMenu(tags)}${main}</main></div><script nonce="${NONCE_SLOT}">${script}</script></body></html>`;
}
