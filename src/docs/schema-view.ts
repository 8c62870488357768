import { escapeHtml as esc, markdown } from "./markdown";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema objects are walked generically here
export type Schema = Record<string, any>;

const refName = (ref: string) => ref.split("/").pop() ?? ref;

/** A one-line type: `string | null`, `array of Pattern`, `"a" | "b"`, with links to components. */
export function typeLabel(schema: Schema): string {
	if (schema.$ref) {
		const name = refName(schema.$ref);
		return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
	}
	if (schema.enum)
		return schema.enum.map((value: unknown) => esc(JSON.stringify(value))).join(" | ");
	if (schema.const !== undefined) return esc(JSON.stringify(schema.const));
	for (const key of ["anyOf", "oneOf"]) {
		if (schema[key]) return schema[key].map(typeLabel).join(" | ");
	}
	const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type ?? "any"];
	return types
		.map((type) => {
			if (type === "array") return `array of ${typeLabel(schema.items ?? {})}`;
			return esc(schema.format ? `${type} (${schema.format})` : type);
		})
		.join(" | ");
}

/** Limits and defaults of a schema, as short readable text. */
function constraints(schema: Schema): string {
	const parts: string[] = [];
	const range = (min: unknown, max: unknown, unit: string) => {
		if (min !== undefined && max !== undefined) parts.push(`${min}–${max}${unit}`);
		else if (min !== undefined) parts.push(`≥ ${min}${unit}`);
		else if (max !== undefined) parts.push(`≤ ${max}${unit}`);
	};
	range(schema.minimum, schema.maximum, "");
	range(schema.minLength, schema.maxLength, " chars");
	range(schema.minItems, schema.maxItems, " items");
	if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
	if (schema.example !== undefined && typeof schema.example !== "object") {
		parts.push(`e.g. ${JSON.stringify(schema.example)}`);
	}
	return parts.map((part) => `<span class="c">${esc(part)}</span>`).join(" ");
}

/** A wide table scrolls inside its own box on a narrow screen, never the page. */
export const scrollBox = (table: string) => `<div class="tbl">${table}</div>`;

/** A schema as a table of fields (objects), else as its type line. Nested objects nest. */
export function schemaView(schema: Schema, depth = 0): string {
	const items = schema.type === "array" ? schema.items : undefined;
	const object = items && !items.$ref && items.properties ? items : schema;
	if (!object.properties || depth > 3) {
		return `<p class="t">${typeLabel(schema)} ${constraints(schema)}</p>`;
	}
	const required = new Set<string>(object.required ?? []);
	const rows = Object.entries(object.properties as Record<string, Schema>).map(([name, field]) => {
		const nested = field.properties || field.items?.properties ? schemaView(field, depth + 1) : "";
		return `<tr><td><code>${esc(name)}</code>${required.has(name) ? '<span class="req" title="required">*</span>' : ""}</td><td>${typeLabel(field)}</td><td>${field.description ? markdown(field.description) : ""}${constraints(field)}${nested}</td></tr>`;
	});
	const prefix = object === schema ? "" : '<p class="t">array of:</p>';
	return `${prefix}${scrollBox(`<table class="fields"><tbody>${rows.join("")}</tbody></table>`)}`;
}
