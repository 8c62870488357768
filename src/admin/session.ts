// The admin console's session cookie: claims in base64url JSON, then an HMAC-SHA-256 over them.
// It holds no secret: the key id (or "root"), the scopes seen at sign-in, an expiry and the CSRF
// token. Every request still re-reads the key, so a revoked key's session ends at once.
import type { Scope } from "../keys/service";
import { fromBase64Url, toBase64Url } from "../lib/base64url";

export interface SessionClaims {
	/** True for the root token's session, which has no key to re-check. */
	root: boolean;
	/** The API key's id; null for the root token. */
	keyId: number | null;
	scopes: Scope[];
	/** Epoch ms after which the cookie is refused, whatever the browser kept. */
	expiresAt: number;
	/** Per-session CSRF token, echoed by every form in a hidden field. */
	csrf: string;
}

export const SESSION_SECONDS = 8 * 60 * 60;

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

/**
 * The cookie-signing key, derived from ADMIN_TOKEN with HKDF (RFC 5869) so that the root token
 * itself never keys a MAC an attacker can observe, and rotating the token signs everyone out.
 */
function signingKey(adminToken: string): Promise<CryptoKey> {
	let key = keyCache.get(adminToken);
	if (!key) {
		key = crypto.subtle
			.importKey("raw", encoder.encode(adminToken), "HKDF", false, ["deriveKey"])
			.then((base) =>
				crypto.subtle.deriveKey(
					{
						name: "HKDF",
						hash: "SHA-256",
						salt: encoder.encode("calendar-admin"),
						info: encoder.encode("session-cookie-v1"),
					},
					base,
					{ name: "HMAC", hash: "SHA-256", length: 256 },
					false,
					["sign", "verify"],
				),
			);
		keyCache.clear();
		keyCache.set(adminToken, key);
	}
	return key;
}

export async function sealSession(adminToken: string, claims: SessionClaims): Promise<string> {
	const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
	const mac = await crypto.subtle.sign(
		"HMAC",
		await signingKey(adminToken),
		encoder.encode(payload),
	);
	return `${payload}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The claims of a cookie whose MAC verifies and which has not expired; otherwise undefined. */
export async function openSession(
	adminToken: string,
	cookie: string,
	now: number,
): Promise<SessionClaims | undefined> {
	const [payload, macText, extra] = cookie.split(".");
	if (!payload || !macText || extra !== undefined || cookie.length > 2048) return undefined;
	const mac = fromBase64Url(macText);
	if (!mac) return undefined;
	// verify() compares in constant time.
	const genuine = await crypto.subtle.verify(
		"HMAC",
		await signingKey(adminToken),
		mac,
		encoder.encode(payload),
	);
	if (!genuine) return undefined;
	const bytes = fromBase64Url(payload);
	const claims = bytes && (JSON.parse(new TextDecoder().decode(bytes)) as SessionClaims);
	return claims && claims.expiresAt > now ? claims : undefined;
}
