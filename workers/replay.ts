// npm run replay -- [--what sales|inventory|actions] [--from earliest|<offset>|<time>] [--keep-old]
// Rebuilds the aggregates from the sales topic while the workers keep running, swaps them in
// atomically and checks them (workers/replay/run-replay.ts); with --what inventory the stock
// from the inventory and sales topics (workers/replay/inventory-replay.ts); with --what actions the
// alert and suggestion episodes from the actions topic (workers/replay/actions-replay.ts). Progress on stderr, report on
// stdout. Exit codes: 0 swapped and equal, 1 refused or failed (nothing changed unless the
// message says so), 2 swapped but different from the replaced tables, 64 bad arguments,
// 78 bad configuration, 130 interrupted before the swap.
import { loadEnvOrExit } from '@/lib/env';
import { logger } from '@/lib/logger';
import { runActionsReplay } from '@/workers/replay/actions-replay';
import { runInventoryReplay } from '@/workers/replay/inventory-replay';
import { ArgumentError, parseReplayArgs, USAGE } from '@/workers/replay/options';
import { ProgressBar } from '@/workers/replay/progress';
import { ReplayRefused, runReplay } from '@/workers/replay/run-replay';
import { formatReport } from '@/workers/replay/summary';

async function main(): Promise<number> {
  let options: ReturnType<typeof parseReplayArgs>;
  try {
    options = parseReplayArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 64;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadEnvOrExit();
  const log = logger.child({ component: 'replay' });
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    console.error(`${signal}: stopping (the tables are swapped only if that has begun; again to exit at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const replay = { sales: runReplay, inventory: runInventoryReplay, actions: runActionsReplay }[options.what];
    const report = await replay(options, {
      config,
      print: (line) => console.log(line),
      progress: new ProgressBar(process.stderr),
      log,
      signal: abort.signal,
    });
    for (const line of formatReport(report)) console.log(line);
    return report.equal ? 0 : 2;
  } catch (err) {
    if (err instanceof ReplayRefused) {
      console.error(`replay refused: ${err.message}`);
      return abort.signal.aborted ? 130 : 1;
    }
    console.error(`replay failed: ${(err as Error).message}`);
    log.error({ err }, 'replay failed');
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    logger.fatal({ err }, 'replay crashed');
    process.exit(1);
  },
);
