// Field rules the admin API's bodies share (lib/contract/admin-users.ts, admin-embeds.ts): text
// that may be stored and lists of ids or names.
import { z } from 'zod';
import { storableText } from './view-query';

/** Text that may be stored: no control characters, valid Unicode (storableText's rules). */
export const isStorableText = (value: string): boolean => storableText('text').safeParse(value).success;

export const NOT_STORABLE = 'must not contain control characters or invalid Unicode';

/** A list of at most `max` ids or names (store ids, regions, categories …), trimmed, 1–128 characters each. */
export function textValues(max: number) {
  return z
    .array(
      z
        .string({ error: 'each value must be a string' })
        .trim()
        .min(1, 'values must not be empty')
        .max(128, 'values must be at most 128 characters')
        .refine(isStorableText, NOT_STORABLE),
      { error: 'must be an array of strings' },
    )
    .max(max, `at most ${max} values`);
}
