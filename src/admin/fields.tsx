import type { Child, FC } from "hono/jsx";
import type { Errors } from "./forms";
import { allTimeZones } from "./zoned";

const fieldId = (name: string) => `f-${name}`;

interface FieldProps {
	name: string;
	label: string;
	errors: Errors;
	hint?: string;
}

/** A labelled control with its hint and its error right above the input (GOV.UK pattern). */
const Field: FC<FieldProps & { control: (describedBy: string | undefined) => Child }> = ({
	name,
	label,
	errors,
	hint,
	control,
}) => {
	const id = fieldId(name);
	const error = errors[name];
	const describedBy =
		[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
	return (
		<div class={error ? "field has-error" : "field"}>
			<label for={id}>{label}</label>
			{hint && (
				<p class="hint" id={`${id}-hint`}>
					{hint}
				</p>
			)}
			{error && (
				<p class="error-text" id={`${id}-error`}>
					{error}
				</p>
			)}
			{control(describedBy)}
		</div>
	);
};

export const Input: FC<
	FieldProps & {
		value: string;
		type?: string;
		required?: boolean;
		min?: string | number;
		max?: string | number;
		size?: number;
		autocomplete?: string;
	}
> = ({ name, label, errors, hint, value, type = "text", ...attributes }) => (
	<Field
		name={name}
		label={label}
		errors={errors}
		hint={hint}
		control={(describedBy) => (
			<input
				id={fieldId(name)}
				name={name}
				type={type}
				value={value}
				aria-describedby={describedBy}
				aria-invalid={errors[name] ? "true" : undefined}
				{...attributes}
			/>
		)}
	/>
);

export const TextArea: FC<FieldProps & { value: string }> = ({ value, ...props }) => (
	<Field
		{...props}
		control={(describedBy) => (
			<textarea id={fieldId(props.name)} name={props.name} rows={3} aria-describedby={describedBy}>
				{value}
			</textarea>
		)}
	/>
);

export const Select: FC<FieldProps & { value: string; options: [string, string][] }> = ({
	value,
	options,
	...props
}) => (
	<Field
		{...props}
		control={(describedBy) => (
			<select id={fieldId(props.name)} name={props.name} aria-describedby={describedBy}>
				{options.map(([option, text]) => (
					<option value={option} selected={option === value}>
						{text}
					</option>
				))}
			</select>
		)}
	/>
);

/** Several checkboxes under one name, in a fieldset whose legend names the field. */
export const Checkboxes: FC<FieldProps & { options: [string, string][]; checked: string[] }> = ({
	name,
	label,
	errors,
	hint,
	options,
	checked,
}) => {
	const error = errors[name];
	return (
		<fieldset class={error ? "field has-error" : "field"} id={fieldId(name)}>
			<legend>{label}</legend>
			{hint && <p class="hint">{hint}</p>}
			{error && <p class="error-text">{error}</p>}
			<div class="checks">
				{options.map(([option, text]) => (
					<label>
						<input type="checkbox" name={name} value={option} checked={checked.includes(option)} />{" "}
						{text}
					</label>
				))}
			</div>
		</fieldset>
	);
};

export const Checkbox: FC<{ name: string; label: string; checked: boolean; hint?: string }> = ({
	name,
	label,
	checked,
	hint,
}) => (
	<div class="field">
		<label for={fieldId(name)}>
			<input id={fieldId(name)} type="checkbox" name={name} checked={checked} /> {label}
		</label>
		{hint && <p class="hint">{hint}</p>}
	</div>
);

/** The list of problems at the top of a form, each linking to its field. */
export const ErrorSummary: FC<{ errors: Errors; labels: Record<string, string> }> = ({
	errors,
	labels,
}) => {
	const entries = Object.entries(errors);
	if (entries.length === 0) return null;
	return (
		<div class="summary" role="alert">
			<h2>There is a problem</h2>
			<ul>
				{entries.map(([field, message]) =>
					labels[field] ? (
						<li>
							<a href={`#${fieldId(field)}`}>
								{labels[field]}: {message}
							</a>
						</li>
					) : (
						<li>{message}</li>
					),
				)}
			</ul>
		</div>
	);
};

export const ZoneSelect: FC<{ value: string; errors: Errors }> = ({ value, errors }) => (
	<Select
		name="timezone"
		label="Time zone"
		value={value}
		options={allTimeZones().map((zone) => [zone, zone])}
		errors={errors}
	/>
);

export const DurationInput: FC<{ value: string; errors: Errors }> = ({ value, errors }) => (
	<Input
		name="duration_minutes"
		label="Duration (minutes)"
		type="number"
		min={1}
		max={1440}
		value={value}
		errors={errors}
		required
	/>
);

/** Title and Description, the two fields every pattern and session form opens with. */
export const TitleFields: FC<{ form: FormData; errors: Errors }> = ({ form, errors }) => (
	<>
		<Input
			name="title"
			label="Title"
			value={String(form.get("title") ?? "")}
			errors={errors}
			required
		/>
		<TextArea
			name="description"
			label="Description"
			value={String(form.get("description") ?? "")}
			errors={errors}
		/>
	</>
);
