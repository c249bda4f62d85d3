import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api, get } from '../../lib/api';
import { useL } from './lang';
import { ErrorBox } from './ui';

/**
 * One text of the business's settings (the receipt footer, the privacy notice): read by everyone,
 * written by the owner (PATCH /business; blank saves null). With `resetLabel`, a stored text can
 * be dropped for the default.
 */
export function BusinessTextForm({
  field,
  title,
  help,
  rows,
  maxLength,
  placeholder,
  canEdit,
  resetLabel,
  testId,
}: {
  field: 'receiptFooter' | 'privacyNotice';
  title: string;
  help?: ReactNode;
  rows: number;
  maxLength: number;
  placeholder: string;
  canEdit: boolean;
  resetLabel?: string;
  testId: string;
}) {
  const l = useL();
  const qc = useQueryClient();
  const business = useQuery({
    queryKey: ['business'],
    queryFn: () => get<Partial<Record<typeof field, string | null>>>('/business'),
  });
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const stored = business.data?.[field] ?? null;
  const value = draft ?? stored ?? '';
  const save = useMutation({
    mutationFn: (text: string | null) => api('PATCH', '/business', { [field]: text }),
    onSuccess: () => {
      setDraft(null);
      setSaved(true);
      void qc.invalidateQueries({ queryKey: ['business'] });
      void qc.invalidateQueries({ queryKey: ['privacy-notice'] });
    },
  });
  return (
    <section className="card bo-section" data-testid={testId}>
      <h2>{title}</h2>
      {help ? <p className="small muted">{help}</p> : null}
      <textarea
        aria-label={title}
        rows={rows}
        maxLength={maxLength}
        readOnly={!canEdit}
        placeholder={placeholder}
        value={value}
        onChange={(e) => {
          setSaved(false);
          setDraft(e.target.value);
        }}
      />
      {canEdit ? (
        <div className="bo-row">
          <button
            type="button"
            className="button primary"
            disabled={draft === null || save.isPending}
            onClick={() => save.mutate(value.trim() || null)}
          >
            {l('Guardar', 'Save')}
          </button>
          {resetLabel && stored ? (
            <button type="button" className="button" onClick={() => save.mutate(null)}>
              {resetLabel}
            </button>
          ) : null}
          {saved ? <span className="badge ok">{l('Guardado', 'Saved')}</span> : null}
        </div>
      ) : null}
      <ErrorBox error={save.error} />
    </section>
  );
}
