import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // The package's own entry points, resolved to the sources (as tsconfig's `paths` does for tsc),
    // so examples and docs import `saddle` exactly as a user would and tests need no build.
    alias: [
      { find: /^saddle$/, replacement: src('index.ts') },
      { find: /^saddle\/zoo\/(.*)$/, replacement: src('zoo/$1.ts') },
      { find: /^saddle\/(runtime|data|report|eval)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
