/**
 * Runs `deleteBatch` (one DELETE of at most `batchSize` rows) until a batch deletes fewer:
 * short transactions that never hold many row locks. Returns the rows deleted in all.
 */
export async function deleteInBatches(batchSize: number, deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
