import { ParamError } from '@/lib/web/overview-params';

/** The parameter a ParamError thrown by `fn` names; fails when `fn` throws nothing or something else. */
export function paramOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParamError) return err.param;
    throw err;
  }
  throw new Error('expected a ParamError');
}
