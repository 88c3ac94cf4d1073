'use client';

// The re-drive flow: the confirmation dialog, each row's result as it comes back, and the
// summary once all are sent.
import { useState } from 'react';
import { type DeadLetter, MAX_REDRIVE_IDS, type RedriveResult } from '@/lib/contract/dead-letters';
import { formatNumber } from '@/lib/domain/format';
import { postRedrive } from './dead-letters-api';

export interface RedriveFlow {
  /** The latest result of each row re-driven in this tab, by id. */
  results: ReadonlyMap<number, RedriveResult>;
  dialogOpen: boolean;
  /** Opens the confirmation (and drops the previous summary). */
  openDialog: () => void;
  closeDialog: () => void;
  summary: string | null;
  /** Re-drives the selected rows; throws TokenRejected (or an Error) when a request fails. */
  redrive: (token: string | null) => Promise<void>;
}

export function useRedrive({
  rows,
  selected,
  onDone,
}: {
  rows: DeadLetter[];
  selected: ReadonlySet<number>;
  /** After every request succeeded: clear the selection, reload the list. */
  onDone: () => void;
}): RedriveFlow {
  const [results, setResults] = useState<ReadonlyMap<number, RedriveResult>>(new Map());
  const [dialogOpen, setDialogOpen] = useState(false);
  const [summary, setSummary] = useState<string | null>(null);

  /** Sends the selection in requests of at most MAX_REDRIVE_IDS; a rejected token stops it. */
  const redrive = async (token: string | null): Promise<void> => {
    const ids = rows.filter((r) => selected.has(r.id)).map((r) => r.id);
    const previous = results;
    setResults((cur) => {
      const next = new Map(cur);
      for (const id of ids) next.set(id, { id, status: 'pending' });
      return next;
    });
    const done: RedriveResult[] = [];
    try {
      for (let i = 0; i < ids.length; i += MAX_REDRIVE_IDS) {
        const response = await postRedrive(ids.slice(i, i + MAX_REDRIVE_IDS), token);
        done.push(...response.results);
        setResults((cur) => {
          const next = new Map(cur);
          for (const r of response.results) next.set(r.id, r);
          return next;
        });
      }
    } catch (err) {
      // Rows that were not sent keep what they showed before.
      const sent = new Set(done.map((r) => r.id));
      setResults((cur) => {
        const next = new Map(cur);
        for (const id of ids) {
          const before = previous.get(id);
          if (sent.has(id)) continue;
          if (before) next.set(id, before);
          else next.delete(id);
        }
        return next;
      });
      throw err;
    }
    const redriven = done.filter((r) => r.status === 'redriven').length;
    const failed = done.length - redriven;
    const targets = [...new Set(done.flatMap((r) => (r.status === 'redriven' && r.to ? [r.to.topic] : [])))].sort();
    setSummary(
      `${formatNumber(redriven)} of ${formatNumber(done.length)} re-driven` +
        (targets.length > 0 ? ` to ${targets.join(' and ')}` : '') +
        (failed > 0 ? ` · ${formatNumber(failed)} not (see the rows)` : '') +
        '. Valid events are counted once; messages still invalid come back as new dead letters.',
    );
    onDone();
  };

  return {
    results,
    dialogOpen,
    openDialog: () => {
      setSummary(null);
      setDialogOpen(true);
    },
    closeDialog: () => setDialogOpen(false),
    summary,
    redrive,
  };
}
