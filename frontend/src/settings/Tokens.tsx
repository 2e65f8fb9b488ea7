// API tokens (admins): list, create (the secret is shown once), revoke.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';
import { ROLES } from './Users';

export const TOKENS = gql`
  query ApiTokens { apiTokens { id name prefix role ownerEmail lastUsed created revoked expires } }
`;
export const CREATE_TOKEN = gql`
  mutation CreateApiToken($input: ApiTokenInput!) { createApiToken(input: $input) { secret token { id } } }
`;
export const REVOKE_TOKEN = gql`
  mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revoked } }
`;

interface Token {
  id: string;
  name: string;
  prefix: string;
  role: string;
  ownerEmail: string | null;
  lastUsed: string | null;
  created: string;
  revoked: string | null;
}

export function Tokens() {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [draft, setDraft] = useState({ name: '', role: 'VIEWER' });
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, failure, run } = useAction();
  const load = () => request<{ apiTokens: Token[] }>(TOKENS).then((d) => setTokens(d.apiTokens));
  useEffect(() => {
    run(load);
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    await run(async () => {
      const d = await request<{ createApiToken: { secret: string } }>(CREATE_TOKEN, { input: draft });
      setSecret(d.createApiToken.secret);
      setDraft({ ...draft, name: '' });
      await load();
    });
  };
  return (
    <div>
      <ServerMessage failure={failure} />
      {secret && <p role="status" class="ok secret">{t('token.secret', { secret })}</p>}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t('token.name')}</th>
            <th scope="col">{t('token.prefix')}</th>
            <th scope="col">{t('token.role')}</th>
            <th scope="col">{t('user.email')}</th>
            <th scope="col">{t('token.lastUsed')}</th>
            <th scope="col">{t('token.revoked')}</th>
            <th scope="col"><span class="sr-only">{t('token.revoke')}</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens?.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td><code>{k.prefix}…</code></td>
              <td>{k.role}</td>
              <td>{k.ownerEmail}</td>
              <td>{k.lastUsed?.replace('T', ' ').slice(0, 16) ?? ''}</td>
              <td>{k.revoked?.replace('T', ' ').slice(0, 16) ?? ''}</td>
              <td>
                {!k.revoked && (
                  <button type="button" disabled={busy}
                    onClick={() => run(async () => { await request(REVOKE_TOKEN, { id: k.id }); await load(); })}>
                    {t('token.revoke')} <span class="sr-only">{k.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} class="panel" aria-labelledby="new-token">
        <h2 id="new-token">{t('token.new')}</h2>
        <div class="row">
          <label class="inline"><span>{t('token.name')}</span>
            <input required value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('token.role')}</span>
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value })}>
              {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select></label>
          <button type="submit" disabled={busy}>{t('common.add')}</button>
        </div>
      </form>
    </div>
  );
}
