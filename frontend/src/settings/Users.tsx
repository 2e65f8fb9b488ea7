// Users (admins): list, create, enable and disable.

import { useEffect, useState } from 'preact/hooks';
import { gql, request } from '../api/client';
import { useCatalog } from '../catalog';
import { t } from '../i18n';
import { ServerMessage } from '../errors';
import { useAction } from './form';

export const USERS = gql`
  query Users { users { id email name role disabled grants { locales channels supplier } created } }
`;
export const CREATE_USER = gql`
  mutation CreateUser($input: UserInput!) { createUser(input: $input) { id } }
`;
export const UPDATE_USER = gql`
  mutation UpdateUser($id: ID!, $input: UserUpdateInput!) { updateUser(id: $id, input: $input) { id disabled } }
`;

export const ROLES = ['ADMIN', 'CATALOG_MANAGER', 'TRANSLATOR', 'SUPPLIER', 'CHANNEL_CONSUMER', 'VIEWER'];

interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  grants: { locales: string[]; channels: string[]; supplier: string | null };
}

export function Users() {
  const [users, setUsers] = useState<User[] | null>(null);
  const { structure } = useCatalog();
  const [draft, setDraft] = useState({ email: '', name: '', password: '', role: 'CATALOG_MANAGER' });
  const [grants, setGrants] = useState({ locales: [] as string[], channels: [] as string[] });
  const { busy, failure, run } = useAction();
  const load = () => request<{ users: User[] }>(USERS).then((d) => setUsers(d.users));
  useEffect(() => {
    run(load);
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => {
      await request(CREATE_USER, { input: { ...draft, grants: { ...grants, supplier: null } } });
      await load();
    });
    if (ok) {
      setDraft({ ...draft, email: '', name: '', password: '' });
      setGrants({ locales: [], channels: [] });
    }
  };
  return (
    <div>
      <ServerMessage failure={failure} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t('user.email')}</th>
            <th scope="col">{t('user.name')}</th>
            <th scope="col">{t('user.role')}</th>
            <th scope="col">{t('user.grants')}</th>
            <th scope="col">{t('user.disabled')}</th>
            <th scope="col"><span class="sr-only">{t('common.edit')}</span></th>
          </tr>
        </thead>
        <tbody>
          {users?.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>{u.name}</td>
              <td>
                <select aria-label={t('user.roleOf', { email: u.email })} value={u.role} disabled={busy}
                  onChange={(e) => {
                    const role = e.currentTarget.value;
                    run(async () => { await request(UPDATE_USER, { id: u.id, input: { role } }); await load(); });
                  }}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </td>
              <td>{[...u.grants.locales, ...u.grants.channels, u.grants.supplier ?? ''].filter(Boolean).join(', ')}</td>
              <td>{u.disabled ? t('common.yes') : t('common.no')}</td>
              <td>
                <button type="button" disabled={busy}
                  onClick={() => run(async () => { await request(UPDATE_USER, { id: u.id, input: { disabled: !u.disabled } }); await load(); })}>
                  {u.disabled ? t('user.enable') : t('user.disable')} <span class="sr-only">{u.email}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} class="panel" aria-labelledby="new-user">
        <h2 id="new-user">{t('user.new')}</h2>
        <div class="row">
          <label class="inline"><span>{t('user.email')}</span>
            <input type="email" required value={draft.email} onInput={(e) => setDraft({ ...draft, email: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('user.name')}</span>
            <input value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('user.password')}</span>
            <input type="password" autocomplete="new-password" required minLength={10} value={draft.password}
              onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })} /></label>
          <label class="inline"><span>{t('user.role')}</span>
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value })}>
              {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select></label>
          {draft.role === 'TRANSLATOR' && (
            <label class="inline"><span>{t('user.grantedLocales')}</span>
              <select multiple size={4} onChange={(e) => setGrants({ ...grants, locales: Array.from(e.currentTarget.selectedOptions).map((o) => o.value) })}>
                {structure.locales.map((l) => <option key={l.code} value={l.code} selected={grants.locales.includes(l.code)}>{l.code}</option>)}
              </select></label>
          )}
          {draft.role === 'CHANNEL_CONSUMER' && (
            <label class="inline"><span>{t('user.grantedChannels')}</span>
              <select multiple size={4} onChange={(e) => setGrants({ ...grants, channels: Array.from(e.currentTarget.selectedOptions).map((o) => o.value) })}>
                {structure.channels.map((c) => <option key={c.code} value={c.code} selected={grants.channels.includes(c.code)}>{c.code}</option>)}
              </select></label>
          )}
          <button type="submit" disabled={busy}>{t('common.add')}</button>
        </div>
      </form>
    </div>
  );
}
