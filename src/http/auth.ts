import type { MiddlewareHandler } from "hono";
import { effectiveScopes, findApiKey, type Scope } from "../keys/service";
import { secretsEqual } from "../lib/crypto";
import type { AppEnv, Principal } from "./app-env";
import { ApiError } from "./problem";

const ALL_SCOPES = effectiveScopes(["admin"]);
const ANONYMOUS: Principal = { id: "anonymous", keyId: null, scopes: new Set(), secret: null };

/** Which scope a request needs: admin for keys and jobs, read for safe methods, write otherwise. */
export function requiredScope(method: string, path: string): Scope {
	if (/^\/api\/(keys|jobs)(\/|$)/.test(path)) return "admin";
	return method === "GET" || method === "HEAD" ? "read" : "write";
}

/**
 * The bearer secret of a request (RFC 6750 §2.1). Calendar apps subscribing to a feed cannot send
 * headers, so .ics paths also accept it as ?key=. An Authorization header that is not a bearer
 * token is an error (null), never a silent fall-back to anonymous: with PUBLIC_READ on, a
 * mistyped header would otherwise pass as "no key" and hide the client's bug.
 */
function presentedSecret(authorization: string | undefined, url: URL): string | null | undefined {
	if (authorization !== undefined) return /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? null;
	if (/\.ics\/?$/.test(url.pathname)) return url.searchParams.get("key") ?? undefined;
	return undefined;
}

const challenge = (error?: string) =>
	error ? `Bearer realm="calendar", error="${error}"` : `Bearer realm="calendar"`;

const invalidCredentials = (detail: string, error: string) =>
	new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": challenge(error) } });

/**
 * Resolves the caller to a principal: the root token, a live API key (one indexed D1 lookup), or
 * nobody. Throws 401 for a malformed header and for a key that is unknown or revoked.
 */
export async function authenticate(
	env: Env,
	db: AppEnv["Variables"]["db"],
	authorization: string | undefined,
	url: URL,
): Promise<Principal> {
	const secret = presentedSecret(authorization, url);
	if (secret === undefined) return ANONYMOUS;
	if (secret === null) {
		throw invalidCredentials("Send the key as Authorization: Bearer <key>.", "invalid_request");
	}
	if (env.ADMIN_TOKEN && (await secretsEqual(secret, env.ADMIN_TOKEN))) {
		return { id: "root", keyId: null, scopes: ALL_SCOPES, secret };
	}
	const key = await findApiKey(db, secret);
	if (!key)
		throw invalidCredentials("The API key is not valid (unknown or revoked).", "invalid_token");
	return { id: `key:${key.id}`, keyId: key.id, scopes: effectiveScopes(key.scopes), secret };
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const url = new URL(c.req.url);
	const principal = await authenticate(c.env, c.var.db, c.req.header("Authorization"), url);
	c.set("principal", principal);
	const scope = requiredScope(c.req.method, c.req.path);
	const publicRead = scope === "read" && c.env.PUBLIC_READ === "true";
	if (principal.scopes.has(scope) || publicRead) return next();
	if (principal === ANONYMOUS) {
		throw new ApiError("unauthorized", "Send an API key: Authorization: Bearer <key>.", {
			headers: { "WWW-Authenticate": challenge() },
		});
	}
	throw new ApiError("forbidden", `This key lacks the "${scope}" scope.`, {
		headers: { "WWW-Authenticate": `${challenge("insufficient_scope")}, scope="${scope}"` },
	});
};
