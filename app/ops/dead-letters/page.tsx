// GET /ops/dead-letters — rejected messages with their reasons, and re-drive once the cause is fixed.
import type { Metadata } from 'next';
import { ParamErrorState } from '@/components/common/ParamErrorState';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getDeadLetters } from '@/lib/queries/dead-letters/get-dead-letters';
import { requireAdminPage } from '@/lib/web/auth/request';
import type { DeadLetterQuery } from '@/lib/web/dead-letters/params';
import { ParamError } from '@/lib/web/overview-params';
import { givenValues, type PageSearchParams, parseDeadLettersView, toSearchParams } from '@/lib/web/search-params';
import { DeadLettersPage } from './DeadLettersPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dead letters — Pulse' };

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  await requireAdminPage();
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
      topics={{ sales: env().SALES_TOPIC, inventory: env().INVENTORY_TOPIC }}
      redriveEnabled
    />
  );
}
