import { defineConfig } from 'vitest/config';

// Tests import workspace packages from src through the `source` export condition: no build needed.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    projects: ['packages/*'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
