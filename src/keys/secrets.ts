import { randomToken } from "../lib/base64url";

/** A new secret: `prefix` and 32 random bytes in base64url (256 bits of entropy). */
export const generateSecret = (prefix: string) => `${prefix}${randomToken(32)}`;

/** A new API key: "cal_" and 32 random bytes. */
export const generateApiKey = () => generateSecret("cal_");
