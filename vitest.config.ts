import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here; integration files share one server, so more workers only contend.
    maxWorkers: 2,
    // CI logs list every test, with the reason of each skip (the server deviation it needs).
    reporters: process.env.CI ? ['verbose'] : ['default'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
