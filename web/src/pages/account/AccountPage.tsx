import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { isManager, useAuth } from '../../app/auth';
import { ApiError, post } from '../../lib/api';
import { getLocale, useT } from '../../lib/i18n';
import '../facturar/facturar.css';

/** es-MX first, English second (the language switch re-renders through useT). */
function useL(): (es: string, en: string) => string {
  useT();
  return (es, en) => (getLocale() === 'en' ? en : es);
}

/**
 * /cuenta — any signed-in person (owner, cashier…) changes their own password. The server checks
 * the current one; the other devices signed in with the old one are signed out.
 */
export function AccountPage() {
  const l = useL();
  const { user } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<{ field: 'current' | 'next' | 'again' | 'form'; text: string } | null>(
    null,
  );
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const back = isManager(user) ? '/admin' : '/terminal';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next !== again) {
      setError({
        field: 'again',
        text: l('Las dos contraseñas nuevas no coinciden.', 'The two new passwords differ.'),
      });
      return;
    }
    setBusy(true);
    try {
      await post('/auth/password', { currentPassword: current, newPassword: next });
      setError(null);
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      if (err instanceof ApiError) {
        const field =
          err.code === 'PASSWORD_CURRENT_WRONG'
            ? 'current'
            : err.code.startsWith('PASSWORD_')
              ? 'next'
              : 'form';
        setError({ field, text: err.message });
      } else {
        setError({
          field: 'form',
          text: l('No hay conexión con el servidor.', 'The server cannot be reached.'),
        });
      }
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (f: 'current' | 'next' | 'again' | 'form') =>
    error?.field === f ? (
      <span className="field-error" role="alert">
        {error.text}
      </span>
    ) : null;

  const password = (
    field: 'current' | 'next' | 'again',
    label: string,
    value: string,
    onChange: (v: string) => void,
  ) => (
    <label>
      {label}
      <input
        type="password"
        autoComplete={field === 'current' ? 'current-password' : 'new-password'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {fieldError(field)}
    </label>
  );

  return (
    <div className="facturar-page">
      <main className="card facturar-card">
        <header className="brand-row facturar-head">
          <img src="/icon.svg" alt="" width={32} height={32} />
          <h1>{l('Mi cuenta', 'My account')}</h1>
        </header>
        <p className="muted">
          {user?.name} · {user?.email}
        </p>
        <form
          className="stack"
          onSubmit={submit}
          aria-label={l('Cambiar contraseña', 'Change password')}
          noValidate
        >
          <h2>{l('Cambiar contraseña', 'Change password')}</h2>
          {password('current', l('Contraseña actual', 'Current password'), current, setCurrent)}
          {password(
            'next',
            l('Contraseña nueva (8 caracteres o más)', 'New password (8 characters or more)'),
            next,
            setNext,
          )}
          {password('again', l('Repite la contraseña nueva', 'Repeat the new password'), again, setAgain)}
          {fieldError('form')}
          {done ? (
            <p className="info" role="status">
              {l(
                'Contraseña cambiada. Se cerró la sesión en tus otros dispositivos.',
                'Password changed. Your other devices were signed out.',
              )}
            </p>
          ) : null}
          <button type="submit" className="primary big" disabled={busy || !current || !next || !again}>
            {l('Cambiar contraseña', 'Change password')}
          </button>
        </form>
        <Link to={back}>{l('Volver', 'Back')}</Link>
      </main>
    </div>
  );
}
