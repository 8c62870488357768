import type { FC } from "hono/jsx";
import type { FeedTokenRow } from "../db/schema";
import type { AdminUser } from "./env";
import { ErrorSummary, Input } from "./fields";
import type { Errors } from "./forms";
import { DataTable, PostForm } from "./ui";

/** The keys page's feed tokens: the secret addresses calendar apps subscribe to. */
export const FeedTokensSection: FC<{
	user: AdminUser;
	tokens: FeedTokenRow[];
	form: FormData;
	errors: Errors;
	created?: { name: string; url: string };
}> = ({ user, tokens, form, errors, created }) => (
	<section id="feed-tokens">
		<h2>Feed tokens</h2>
		<p>
			A feed token goes in a feed address (<code>?key=</code>) for a calendar app: it reads the
			feeds and nothing else, and can be revoked on its own.
		</p>
		{created && (
			<section class="card" role="status">
				<h3>Feed token “{created.name}” created</h3>
				<p>Paste this address into the calendar app now: it is shown only once.</p>
				<code class="key-once" id="new-feed-url">
					{created.url}
				</code>
			</section>
		)}
		<DataTable heads={["Name", "Starts with", "Calendar", "Feed", "Created", ""]}>
			{tokens.map((token) => (
				<tr>
					<td>{token.name}</td>
					<td>
						<code>{token.prefix}…</code>
					</td>
					<td>{token.calendarId}</td>
					<td>{token.patternId === null ? "Every feed" : `Pattern ${token.patternId}`}</td>
					<td>{new Date(token.createdAt).toISOString().slice(0, 10)}</td>
					<td>
						<PostForm action={`/admin/keys/feed-tokens/${token.id}/revoke`} csrf={user.csrf}>
							<button type="submit" class="danger">
								Revoke {token.name}
							</button>
						</PostForm>
					</td>
				</tr>
			))}
		</DataTable>
		{tokens.length === 0 && <p class="empty">No feed tokens yet.</p>}
		<section class="card">
			<h3>Create a feed token</h3>
			<PostForm action="/admin/keys/feed-tokens" csrf={user.csrf}>
				<ErrorSummary errors={errors} labels={{ name: "Name", pattern_id: "Pattern" }} />
				<Input
					name="name"
					label="Name"
					value={String(form.get("name") ?? "")}
					errors={errors}
					hint="Whose calendar app, e.g. Reception's phone."
					required
				/>
				<Input
					name="pattern_id"
					label="Pattern id (optional)"
					type="number"
					min={1}
					value={String(form.get("pattern_id") ?? "")}
					errors={errors}
					hint="Only this series' feed; leave blank for every feed."
				/>
				<button type="submit">Create feed token</button>
			</PostForm>
		</section>
	</section>
);
