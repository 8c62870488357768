import { randomToken } from "../lib/base64url";

/** A new API key: "cal_" and 32 random bytes in base64url (256 bits of entropy). */
export function generateApiKey(): string {
	return `cal_${randomToken(32)}`;
}
