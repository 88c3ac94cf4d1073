import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
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
