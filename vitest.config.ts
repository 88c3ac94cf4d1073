import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `@/…` imports (tsconfig paths) resolve from the repository root in every project.
const resolve = { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve,
        // Real Kafka broker and PostgreSQL: started by scripts/test.ts (or KAFKA_BROKERS / DATABASE_URL).
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        resolve,
        // Fault injection (npm run test:faults): SIGKILLed workers, broker restarts, cut database
        // connections, decoder fuzzing — real broker (scripts/test.ts) and PostgreSQL.
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          environment: 'node',
          // Progress lines (produced counts, kills, restarts) go straight to the terminal.
          disableConsoleIntercept: true,
          testTimeout: 900_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
