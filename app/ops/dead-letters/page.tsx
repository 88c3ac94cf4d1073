// GET /ops/dead-letters — rejected messages with their reasons, and re-drive once the cause is fixed.
import type { Metadata } from 'next';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import { db } from '../../../lib/db';
import type { DeadLetterQuery } from '../../../lib/dead-letter-params';
import { env } from '../../../lib/env';
import { opsActionsEnabled } from '../../../lib/ops-auth';
import { ParamError } from '../../../lib/overview-params';
import { getDeadLetters } from '../../../lib/queries/get-dead-letters';
import { givenValues, type PageSearchParams, parseDeadLettersView, toSearchParams } from '../../../lib/search-params';
import { DeadLettersPage } from './DeadLettersPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dead letters — Pulse' };

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const search = toSearchParams(await searchParams);
  let query: DeadLetterQuery;
  try {
    // server.ts runs the same parser first and answers 400 when it fails.
    query = parseDeadLettersView(search);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(search, err.param)} />;
    }
    throw err;
  }
  const initial = await getDeadLetters(db(), query);
  return (
    <DeadLettersPage
      initial={initial}
      initialReason={query.reason}
      salesTopic={env().SALES_TOPIC}
      redriveEnabled={opsActionsEnabled()}
    />
  );
}
