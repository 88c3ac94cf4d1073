// Pass/fail counts, and what failed, from the vitest and Playwright JSON reports (scripts/test.ts
// runs one per stage). The failures are printed again at the very end of `npm test`, where a
// CI log's tail shows them.
import { readFile } from 'node:fs/promises';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure: where, which test, the first line of its error. */
  failures: string[];
}

const firstLine = (text: string | undefined) => (text ?? '').trim().split('\n')[0]?.slice(0, 300) ?? '';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

export async function vitestCounts(file: string, stage: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, 'utf8')) as VitestReport;
  // A suite whose set-up fails (beforeAll) marks its tests skipped, not failed: count the
  // suite as a failure, or a broken set-up would pass as "0 failed". Only then: a failed test
  // also fails its describe block and its file, which vitest counts as two failed suites.
  const failedSuites = report.success || report.numFailedTests > 0 ? 0 : report.numFailedTestSuites;
  const failures: string[] = [];
  for (const suite of report.testResults ?? []) {
    const where = `${stage} ${suite.name.replace(`${process.cwd()}/`, '')}`;
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push(`${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (failedTests.length === 0 && suite.status === 'failed') failures.push(`${where}: ${firstLine(suite.message)}`);
  }
  return {
    passed: report.numPassedTests,
    failed: Math.max(report.numFailedTests, failedSuites, report.success ? 0 : 1),
    skipped: report.numPendingTests + report.numTodoTests,
    failures,
  };
}

interface PlaywrightSuite {
  file?: string;
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    file: string;
    line: number;
    tests: { status: string; results: { error?: { message?: string }; errors?: { message?: string }[] }[] }[];
  }[];
}

export async function playwrightCounts(file: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    /** Failures outside a test, e.g. in globalSetup. */
    errors?: { message?: string }[];
    suites?: PlaywrightSuite[];
  };
  const failures: string[] = [];
  const visit = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status !== 'unexpected') continue;
        const error = t.results.map((r) => r.error?.message ?? r.errors?.[0]?.message).find(Boolean);
        failures.push(`e2e ${spec.file}:${spec.line} › ${spec.title}: ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites ?? []) visit(suite);
  for (const error of report.errors ?? []) failures.push(`e2e (outside a test): ${firstLine(error.message)}`);
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected + (report.errors?.length ?? 0),
    skipped: report.stats.skipped,
    failures,
  };
}
