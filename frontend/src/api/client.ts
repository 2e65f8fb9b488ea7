// The one way the UI talks to pim: POST /graphql with the session cookie and its CSRF token.
// Every operation is written with the `gql` tag, which takes no interpolation, so the test in
// tests/operations.test.ts can find each one in the sources and validate it against the schema.

/** Marks a GraphQL document; a plain string at run time. */
export function gql(strings: TemplateStringsArray): string {
  if (strings.length !== 1) throw new Error('gql documents take no interpolation');
  return strings[0];
}

/** One problem with one input field, as the API reports it in `extensions.errors`. */
export interface FieldProblem {
  code: string;
  field: string;
  message: string;
}

export class ApiError extends Error {
  code: string;
  problems: FieldProblem[];
  constructor(message: string, code: string, problems: FieldProblem[]) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

const CSRF_KEY = 'pim.csrf';

// The CSRF token is not a credential on its own (the session cookie is HttpOnly); it is kept so
// a reload can keep using the session.
export function setCsrf(token: string | null) {
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

function headers(): Record<string, string> {
  const token = localStorage.getItem(CSRF_KEY);
  return token ? { 'X-CSRF-Token': token } : {};
}

let onSignedOut: () => void = () => {};
/** Called when the server no longer knows the session. */
export function whenSignedOut(callback: () => void) {
  onSignedOut = callback;
}

interface RawError {
  message: string;
  extensions?: { code?: string; field?: string; errors?: FieldProblem[] };
}

async function answer<T>(response: Response): Promise<T> {
  let body: { data?: T; errors?: RawError[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`, 'HTTP', []);
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    const code = first.extensions?.code ?? 'ERROR';
    const problems = body.errors.flatMap(
      (e) =>
        e.extensions?.errors ??
        (e.extensions?.field
          ? [{ code: e.extensions.code ?? code, field: e.extensions.field, message: e.message }]
          : []),
    );
    if (code === 'UNAUTHENTICATED') onSignedOut();
    throw new ApiError(body.errors.map((e) => e.message).join('; '), code, problems);
  }
  return body.data as T;
}

/** Sends one operation; resolves with `data`, rejects with an `ApiError`. */
export async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', ...headers() },
    body: JSON.stringify({ query, variables }),
  });
  return answer<T>(response);
}

/** Sends an operation whose variable `file` is an upload (GraphQL multipart request). */
export async function requestWithFile<T>(query: string, file: File, variables: Record<string, unknown> = {}): Promise<T> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, file.name);
  const response = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: headers(),
    body: form,
  });
  return answer<T>(response);
}
