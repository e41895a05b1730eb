/// <reference lib="dom" />
import React, { useId, useState } from 'react';
import { Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';
import { apiError } from '../overrides/notices.js';
import { RecordLink, useCustomerViewText } from './customer-view.parts.js';

const api = new ApiClient();

interface Hit {
  id: string;
  name: string;
  slug: string;
  status: string;
  matchedBy: 'slug' | 'name' | 'email';
}

/**
 * The tenant search box: part of a name, a slug or a user's email, within the staff member's
 * grants (the service searches in one scoped query). A form: Enter searches; the results are
 * links to the tenants' pages, announced to screen readers.
 */
export default function TenantSearch({ resource }: ActionProps) {
  const { t, value } = useCustomerViewText();
  const { translateAction } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'find', params: { q } });
      setHits((response.data as { hits: Hit[] }).hits);
    } catch (err) {
      setHits(null);
      setError(apiError(err)?.message ?? t('searchFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container">
      <H3 id={`${id}-title`}>{translateAction('find', resource.id)}</H3>
      <form className="bo-search" role="search" aria-labelledby={`${id}-title`} onSubmit={submit}>
        <Box>
          <label htmlFor={`${id}-q`} style={{ display: 'block', marginBottom: 4, fontWeight: 600 }}>
            {t('searchLabel')}
          </label>
          <input
            id={`${id}-q`}
            name="q"
            type="search"
            value={q}
            minLength={2}
            required
            aria-describedby={`${id}-hint`}
            onChange={(e) => setQ(e.target.value)}
            data-testid="tenant-search-input"
          />
          <Text id={`${id}-hint`} mt="sm">
            {t('searchHint')}
          </Text>
        </Box>
        <Button type="submit" variant="contained" aria-disabled={busy}>
          {t('searchButton')}
        </Button>
      </form>
      <Box mt="xl" role="status" aria-live="polite" data-testid="tenant-search-results">
        {error ? (
          <Text color="error">{error}</Text>
        ) : hits === null ? null : hits.length === 0 ? (
          <Text>{t('noMatches')}</Text>
        ) : (
          <>
            <Text mb="sm">{t('matches', { count: hits.length })}</Text>
            <ul>
              {hits.map((h) => (
                <li key={h.id} style={{ marginBottom: 6 }}>
                  <RecordLink resourceId="Tenant" id={h.id}>
                    {h.name}
                  </RecordLink>{' '}
                  ({h.slug}, {value('Tenant', 'status', h.status)}) — {t(`matchedBy.${h.matchedBy}`)}
                </li>
              ))}
            </ul>
          </>
        )}
      </Box>
    </Box>
  );
}
