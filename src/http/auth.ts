import type { MiddlewareHandler } from "hono";
import { secretsEqual } from "../keys/secrets";
import { effectiveScopes, findApiKey, type Scope } from "../keys/service";
import type { AppEnv, Principal } from "./app-env";
import { ApiError } from "./problem";

const ALL_SCOPES = effectiveScopes(["admin"]);
const ANONYMOUS: Principal = { id: "anonymous", keyId: null, scopes: new Set() };

/** Which scope a request needs: admin for keys and jobs, read for safe methods, write otherwise. */
export function requiredScope(method: string, path: string): Scope {
	if (/^\/api\/(keys|jobs)(\/|$)/.test(path)) return "admin";
	return method === "GET" || method === "HEAD" ? "read" : "write";
}

/**
 * The bearer secret of a request. Calendar apps subscribing to a feed cannot send headers, so
 * .ics paths also accept it as ?key=.
 */
function presentedSecret(authorization: string | undefined, url: URL): string | undefined {
	const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
	if (bearer) return bearer;
	if (url.pathname.endsWith(".ics")) return url.searchParams.get("key") ?? undefined;
	return undefined;
}

const challenge = (error?: string) =>
	error ? `Bearer realm="calendar", error="${error}"` : `Bearer realm="calendar"`;

/** Resolves the caller to a principal: the root token, an API key (one D1 lookup), or nobody. */
export async function authenticate(
	env: Env,
	db: AppEnv["Variables"]["db"],
	authorization: string | undefined,
	url: URL,
): Promise<Principal | undefined> {
	const secret = presentedSecret(authorization, url);
	if (secret === undefined) return ANONYMOUS;
	if (env.ADMIN_TOKEN && (await secretsEqual(secret, env.ADMIN_TOKEN))) {
		return { id: "root", keyId: null, scopes: ALL_SCOPES };
	}
	const key = await findApiKey(db, secret);
	if (!key) return undefined;
	return { id: `key:${key.id}`, keyId: key.id, scopes: effectiveScopes(key.scopes) };
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	const url = new URL(c.req.url);
	const principal = await authenticate(c.env, c.var.db, c.req.header("Authorization"), url);
	if (!principal) {
		throw new ApiError("unauthorized", "The API key is not valid (unknown or revoked).", {
			headers: { "WWW-Authenticate": challenge("invalid_token") },
		});
	}
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
