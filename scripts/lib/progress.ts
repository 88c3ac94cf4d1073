// Human progress output for long-running scripts (stack start-up, tests, benchmarks).
const started = Date.now();

export function step(message: string): void {
  const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`\x1b[2m[${secs}s]\x1b[0m ${message}`);
}

export function fail(message: string): never {
  console.error(`\x1b[31m✖ ${message}\x1b[0m`);
  process.exit(1);
}
