#!/usr/bin/env node
// The `saddle` command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('saddle: dist/ is missing; run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
await import(entry.href);
