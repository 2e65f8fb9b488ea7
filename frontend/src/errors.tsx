// Server errors in the UI's language. The API answers in English with a machine-readable code
// (`extensions.code`: VALIDATION, NOT_FOUND, CONFLICT …) and, for input problems, the field it
// is about. Where the UI shows such an error, it leads with a generic message for the code in
// the UI language, then the server's own English text (marked `lang="en"`), so a Polish,
// Russian or Chinese reader knows what kind of problem it is and can still pass on the detail.

import { ApiError, type FieldProblem } from './api/client';
import { language, t, type Key } from './i18n';

/** A code the UI knows a generic message for, else OTHER. */
const KNOWN = [
  'VALIDATION', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_REQUEST',
  'RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'UNAVAILABLE', 'INTERNAL',
] as const;

/** What went wrong, as the API said it: its code and its English message. */
export interface Failure {
  code: string;
  message: string;
}

/** The generic message for an error code in the UI language. */
export function genericMessage(code: string): string {
  const known = (KNOWN as readonly string[]).includes(code) ? code : 'OTHER';
  return t(`error.${known}` as Key);
}

/** An exception (usually an ApiError) as a failure to show. */
export function failureOf(e: unknown): Failure {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: 'OTHER', message: e instanceof Error ? e.message : String(e) };
}

/** The problem of one field as a failure. */
export function problemFailure(p: FieldProblem): Failure {
  return { code: p.code, message: p.message };
}

/** The generic message for the code in the UI language (not in English: the server's text says
 *  it all), then the server's English text; no role, for lists of problems. */
export function FailureText({ failure }: { failure: Failure }) {
  const translated = language() !== 'en';
  return (
    <>
      {translated && <span class="generic">{genericMessage(failure.code)}</span>}
      <span class={translated ? 'server-text' : undefined} lang="en" title={translated ? t('error.serverSaid') : undefined}>
        {failure.message}
      </span>
    </>
  );
}

/** A failure announced as an alert: `FailureText` in a paragraph, or a span next to a field. */
export function ServerMessage({ failure, id, class: className = 'error', inline = false }: {
  failure: Failure | null;
  id?: string;
  class?: string;
  /** A span (next to a field) rather than a paragraph. */
  inline?: boolean;
}) {
  if (!failure) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag class={`${className} server-message`} id={id} role="alert" data-code={failure.code}>
      <FailureText failure={failure} />
    </Tag>
  );
}
