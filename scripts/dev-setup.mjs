// `npm run dev` step 1: give local development its secrets (the documented root token).
import { copyFileSync, existsSync } from "node:fs";

if (!existsSync(".dev.vars")) {
	copyFileSync(".dev.vars.example", ".dev.vars");
	console.log("Created .dev.vars from .dev.vars.example (root token: dev-root-token).");
}
