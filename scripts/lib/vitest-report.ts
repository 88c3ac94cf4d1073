// Pass/fail counts from a vitest JSON report (scripts/test.ts runs one per vitest project).
import { readFile } from 'node:fs/promises';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export async function vitestCounts(file: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
    success: boolean;
  };
  // A suite whose set-up fails (beforeAll) marks its tests skipped, not failed: count the
  // suite as a failure, or a broken set-up would pass as "0 failed".
  const failedSuites = report.success ? 0 : report.numFailedTestSuites;
  return {
    passed: report.numPassedTests,
    failed: Math.max(report.numFailedTests, failedSuites, report.success ? 0 : 1),
    skipped: report.numPendingTests + report.numTodoTests,
  };
}
