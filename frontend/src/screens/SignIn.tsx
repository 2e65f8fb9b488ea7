// Sign-in: e-mail and password; the session cookie is set by the server, the CSRF token kept.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, request, setCsrf } from '../api/client';
import { ME, SIGN_IN, type Me } from '../api/ops';
import { t } from '../i18n';

export function SignIn({ onSignedIn, language }: { onSignedIn: (me: Me) => void; language: ComponentChildren }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const d = await request<{ signIn: { csrfToken: string } }>(SIGN_IN, { email, password });
      setCsrf(d.signIn.csrfToken);
      const m = await request<{ me: Me | null }>(ME);
      if (m.me) onSignedIn(m.me);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signin.title')}</h1>
        <label>
          <span>{t('signin.email')}</span>
          <input type="email" name="email" autocomplete="username" required value={email}
            onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          <span>{t('signin.password')}</span>
          <input type="password" name="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{t('signin.failed', { message: error })}</p>}
        <button type="submit" disabled={busy}>{t('signin.submit')}</button>
        <div class="signin-lang">{language}</div>
      </form>
    </main>
  );
}
