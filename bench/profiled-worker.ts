// workers/index.ts under the V8 CPU profiler, for `npm run bench -- --profile`. A wrapper
// because Node refuses --cpu-prof in NODE_OPTIONS, and startNode takes no Node flags.
// The profile is written when the worker exits (its shutdown ends in process.exit).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (!dir) throw new Error('BENCH_PROFILE_DIR is not set');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // An in-process inspector session answers synchronously, so this completes before exit.
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});

await import('@/workers/index');
