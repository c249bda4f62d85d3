import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError, get } from '../../lib/api';
import '../facturar/facturar.css';

interface Notice {
  business: string;
  text: string;
  custom: boolean;
}

/**
 * /privacidad/:businessId — a business's privacy notice, public (linked from the self-invoicing
 * page and printable on receipts). The text is the owner's or the default simplified notice.
 */
export function PrivacyNoticePage() {
  const { businessId = '' } = useParams();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<Notice>(`/privacy-notice/${encodeURIComponent(businessId)}`).then(setNotice, (err) =>
      setError(err instanceof ApiError ? err.message : 'No hay conexión con la tienda. Intenta de nuevo.'),
    );
  }, [businessId]);
  return (
    <div className="facturar-page">
      <main className="card facturar-card" data-testid="privacy-notice">
        <header className="brand-row facturar-head">
          <img src="/icon.svg" alt="" width={32} height={32} />
          <h1>{notice ? notice.business : 'Aviso de privacidad'}</h1>
        </header>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {notice ? <div className="privacy-notice-text">{notice.text}</div> : error ? null : <p>Cargando…</p>}
      </main>
    </div>
  );
}
