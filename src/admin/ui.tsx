import { raw } from "hono/html";
import type { FC, PropsWithChildren } from "hono/jsx";
import type { OccurrenceStatus } from "../db/schema";
import { type AdminUser, canWrite, isAdmin } from "./env";

type Section = "week" | "month" | "patterns" | "sessions" | "calendars" | "keys" | "webhooks";

const sections: [Section, string, string][] = [
	["week", "Week", "/admin"],
	["month", "Month", "/admin/month"],
	["patterns", "Patterns", "/admin/patterns"],
	["sessions", "Sessions", "/admin/sessions"],
	["calendars", "Calendars", "/admin/calendars"],
	["keys", "API keys", "/admin/keys"],
	["webhooks", "Webhooks", "/admin/webhooks"],
];

export const Page: FC<
	PropsWithChildren<{ title: string; user?: AdminUser; active?: Section; notice?: string }>
> = ({ title, user, active, notice, children }) => (
	<>
		{raw("<!DOCTYPE html>")}
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				{/* Same-origin form posts then carry an Origin header (the API's default policy is no-referrer). */}
				<meta name="referrer" content="same-origin" />
				<title>{`${title} · Calendar admin`}</title>
				<link rel="stylesheet" href="/admin/style.css" />
			</head>
			<body>
				<a class="skip" href="#content">
					Skip to content
				</a>
				<header class="top">
					<div class="top-in">
						<a class="brand" href="/admin">
							Calendar admin
						</a>
						{user && (
							<nav class="main" aria-label="Main">
								{sections
									.filter(
										([section]) => (section !== "keys" && section !== "webhooks") || isAdmin(user),
									)
									.map(([section, label, href]) => (
										<a href={href} aria-current={section === active ? "page" : undefined}>
											{label}
										</a>
									))}
							</nav>
						)}
						{user && (
							<div class="who">
								<span>
									{user.name}
									{canWrite(user) ? "" : " (read-only)"}
								</span>
								<a href="/admin/calendars">
									{user.calendarId === undefined ? "All calendars" : `Calendar ${user.calendarId}`}
								</a>
								<PostForm action="/admin/sign-out" csrf={user.csrf}>
									<button type="submit">Sign out</button>
								</PostForm>
							</div>
						)}
					</div>
				</header>
				<main id="content">
					{user && !canWrite(user) && (
						<p class="readonly">
							Read-only: this key can look at everything but cannot change anything.
						</p>
					)}
					{notice && (
						<p class="notice" role="status">
							{notice}
						</p>
					)}
					{children}
				</main>
			</body>
		</html>
	</>
);

/** Every state-changing form: POST with the session's CSRF token. */
export const PostForm: FC<PropsWithChildren<{ action: string; csrf: string; class?: string }>> = ({
	action,
	csrf,
	children,
	...rest
}) => (
	<form method="post" action={action} {...rest}>
		<input type="hidden" name="csrf" value={csrf} />
		{children}
	</form>
);

const statusLabels: Record<OccurrenceStatus, string> = {
	scheduled: "Scheduled",
	cancelled: "Cancelled",
	completed: "Completed",
};

export const StatusBadge: FC<{ status: OccurrenceStatus }> = ({ status }) => (
	<span class={`status ${status}`}>{statusLabels[status]}</span>
);

/** A page whose body is one form in a card. */
export const FormPage: FC<
	PropsWithChildren<{ title: string; user: AdminUser; active: Section }>
> = ({ title, user, active, children }) => (
	<Page title={title} user={user} active={active}>
		<h1>{title}</h1>
		<div class="card">{children}</div>
	</Page>
);

export const ActiveBadge: FC<{ active: boolean }> = ({ active }) =>
	active ? (
		<span class="status completed">Active</span>
	) : (
		<span class="status inactive">Inactive</span>
	);

/** A table that scrolls sideways on a narrow screen; an empty head names an actions column. */
export const DataTable: FC<PropsWithChildren<{ heads: string[] }>> = ({ heads, children }) => (
	<div class="table-wrap">
		<table>
			<thead>
				<tr>
					{heads.map((head) => (
						<th scope="col">{head || <span class="skip">Actions</span>}</th>
					))}
				</tr>
			</thead>
			<tbody>{children}</tbody>
		</table>
	</div>
);

/** A list page: its title, a "New …" button for those who may write, the rows, a next-page link. */
export const ListPage: FC<
	PropsWithChildren<{
		title: string;
		user: AdminUser;
		active: Section;
		notice?: string;
		create: [href: string, label: string];
		nextPage?: string;
	}>
> = ({ title, user, active, notice, create, nextPage, children }) => (
	<Page title={title} user={user} active={active} notice={notice}>
		<div class="bar">
			<h1>{title}</h1>
			{canWrite(user) && (
				<a class="btn" href={create[0]}>
					{create[1]}
				</a>
			)}
		</div>
		{children}
		{nextPage && (
			<p>
				<a href={nextPage}>Next page →</a>
			</p>
		)}
	</Page>
);
