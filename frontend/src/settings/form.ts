// Small helpers the settings forms share: run a mutation, then reload the structure.

import { useState } from 'preact/hooks';
import { ApiError, type FieldProblem } from '../api/client';
import { failureOf, type Failure } from '../errors';

export function useAction(): {
  busy: boolean;
  /** The server's English message of the last failure. */
  error: string | null;
  /** The last failure with its code, for `ServerMessage`. */
  failure: Failure | null;
  /** The last failure's problems by input field (`levels.0.attributes`), for errors shown
   *  next to their field. */
  problems: FieldProblem[];
  run: (work: () => Promise<unknown>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    setProblems([]);
    try {
      await work();
      return true;
    } catch (e) {
      setFailure(failureOf(e));
      setProblems(e instanceof ApiError ? e.problems.map((p) => ({ ...p, field: p.field.replace(/^input\./, '') })) : []);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error: failure?.message ?? null, failure, problems, run };
}
