import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { User } from '../../app/auth';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { ApiError, get, NetworkError, post } from '../../lib/api';
import { useT } from '../../lib/i18n';

/** The first-run issues (`body.ownerPassword: …`) as the sentences under the form. */
function issuesOf(err: ApiError): string[] {
  const issues = (err.details as { issues?: { message: string }[] }).issues;
  return issues?.length ? issues.map((i) => i.message) : [err.message];
}

/**
 * /bienvenida: an installation started without the demo creates its business and its owner here,
 * with the setup code the server printed on its console; the owner lands signed in on the back
 * office. Once a business exists the page only points to the login.
 */
export function WelcomePage() {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => get<{ needed: boolean }>('/setup') });
  const [form, setForm] = useState({
    token: params.get('codigo') ?? '',
    businessName: '',
    ownerName: '',
    ownerEmail: '',
    ownerPassword: '',
    storeName: t('welcome.storeDefault'),
    postalCode: '',
    warehouseName: '',
  });
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const field = (k: keyof typeof form) => ({
    name: k,
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    try {
      const r = await post<{ user: User }>('/setup', {
        ...form,
        postalCode: form.postalCode.trim() || undefined,
        warehouseName: form.warehouseName.trim() || undefined,
      });
      localStorage.setItem('mostrador.me', JSON.stringify(r.user));
      qc.setQueryData(['me'], { user: r.user, offline: false });
      navigate('/admin', { replace: true });
    } catch (err) {
      if (err instanceof NetworkError) setErrors([t('login.offline')]);
      else if (err instanceof ApiError) setErrors(issuesOf(err));
      else setErrors([String(err)]);
    } finally {
      setBusy(false);
    }
  }

  if (setup.data && !setup.data.needed)
    return (
      <div className="login-page">
        <div className="card login-card" data-testid="welcome-done">
          <h1>Mostrador</h1>
          <p>{t('welcome.done')}</p>
          <Link className="button primary" to="/login">
            {t('login.submit')}
          </Link>
        </div>
      </div>
    );

  return (
    <div className="login-page">
      <form className="card login-card" onSubmit={submit} aria-label={t('welcome.title')}>
        <div className="brand-row">
          <img src="/icon.svg" alt="" width={40} height={40} />
          <h1>{t('welcome.title')}</h1>
        </div>
        <p className="muted">{t('welcome.subtitle')}</p>
        <label>
          {t('welcome.businessName')}
          <input {...field('businessName')} required autoComplete="organization" />
        </label>
        <label>
          {t('welcome.ownerName')}
          <input {...field('ownerName')} required autoComplete="name" />
        </label>
        <label>
          {t('login.email')}
          <input {...field('ownerEmail')} type="email" required autoComplete="username" />
        </label>
        <label>
          {t('welcome.password')}
          <input
            {...field('ownerPassword')}
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
          />
        </label>
        <label>
          {t('welcome.storeName')}
          <input {...field('storeName')} required />
        </label>
        <label>
          {t('welcome.postalCode')}
          <input {...field('postalCode')} inputMode="numeric" maxLength={5} />
        </label>
        <label>
          {t('welcome.warehouseName')}
          <input {...field('warehouseName')} placeholder={t('welcome.warehouseHint')} />
        </label>
        <label>
          {t('welcome.token')}
          <input {...field('token')} required autoComplete="off" />
        </label>
        {errors.length > 0 && (
          <div className="error" role="alert">
            {errors.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        )}
        <button type="submit" className="primary big" disabled={busy}>
          {busy ? t('common.wait') : t('welcome.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </div>
  );
}
