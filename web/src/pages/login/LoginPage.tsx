import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, type User } from '../../app/auth';
import { ApiError, get, NetworkError, post } from '../../lib/api';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { useT } from '../../lib/i18n';

export function LoginPage() {
  const t = useT();
  const { user } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;
  // an installation started without the demo has nobody to sign in yet
  const setup = useQuery({
    queryKey: ['setup'],
    queryFn: () => get<{ needed: boolean }>('/setup'),
    retry: false,
  });

  if (user) return <Navigate to={from ?? '/'} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ user: User }>('/auth/login', { email, password });
      localStorage.setItem('mostrador.me', JSON.stringify(r.user));
      qc.setQueryData(['me'], { user: r.user, offline: false });
      navigate(from ?? '/', { replace: true });
    } catch (err) {
      if (err instanceof NetworkError) setError(t('login.offline'));
      else if (err instanceof ApiError) setError(err.message);
      else setError(String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <form className="card login-card" onSubmit={submit} aria-label={t('login.title')}>
        <div className="brand-row">
          <img src="/icon.svg" alt="" width={40} height={40} />
          <h1>Mostrador</h1>
        </div>
        <p className="muted">{t('login.subtitle')}</p>
        {setup.data?.needed ? (
          <p className="warn-box" data-testid="setup-needed">
            {t('login.setupNeeded')}
          </p>
        ) : null}
        <label>
          {t('login.email')}
          <input
            name="email"
            type="email"
            autoComplete="username"
            ref={(el) => el?.focus()}
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary big" disabled={busy}>
          {busy ? t('common.wait') : t('login.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </div>
  );
}
