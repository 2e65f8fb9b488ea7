// Small helpers the settings forms share: run a mutation, then reload the structure.

import { useState } from 'preact/hooks';
import { failureOf, type Failure } from '../errors';

export function useAction(): {
  busy: boolean;
  /** The server's English message of the last failure. */
  error: string | null;
  /** The last failure with its code, for `ServerMessage`. */
  failure: Failure | null;
  run: (work: () => Promise<unknown>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
      return true;
    } catch (e) {
      setFailure(failureOf(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error: failure?.message ?? null, failure, run };
}
