/// <reference lib="dom" />
import React, { useEffect, useId, useState } from 'react';
import { Box, Button, H3, Label, Text } from '@adminjs/design-system';
import { useNavigate } from 'react-router';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';
import { apiError, raiseNotice } from '../overrides/notices.js';
import VerifyResult, { isVerification } from './VerifyResult.js';

/** A field of a custom action's form, declared on the server in `action.custom.fields`. */
interface FormField {
  name: string;
  type: 'text' | 'textarea' | 'select' | 'datetime' | 'decimal' | 'reference' | 'password';
  required?: boolean;
  options?: string[];
  /** For references: the resource searched (through its scoped `search` action). */
  reference?: string;
}

const api = new ApiClient();

const inputStyle: React.CSSProperties = {
  width: '100%',
  padding: '8px 10px',
  border: '1px solid #898a9a',
  borderRadius: 4,
  fontSize: 14,
  boxSizing: 'border-box',
};

function ReferenceInput({
  id,
  field,
  value,
  onChange,
  searchLabel,
}: {
  id: string;
  field: FormField;
  value: string;
  onChange: (v: string) => void;
  searchLabel: string;
}) {
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Array<{ id: string; title: string }>>([]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .searchRecords({ resourceId: field.reference!, query })
        .then((records) => live && setOptions(records.map((r) => ({ id: String(r.id), title: r.title }))))
        .catch(() => live && setOptions([]));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, field.reference]);
  return (
    <Box>
      <input
        style={{ ...inputStyle, marginBottom: 4 }}
        type="search"
        aria-label={searchLabel}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <select id={id} style={inputStyle} value={value} required={field.required} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.title}
          </option>
        ))}
      </select>
    </Box>
  );
}

/**
 * The form of a custom action (suspend, unlock, post adjustment, grant, reveal, ...): the fields
 * come from the action's `custom.fields`; the server's domain service validates and audits.
 */
const ActionForm: React.FC<ActionProps> = ({ action, resource, record }) => {
  const fields = (action.custom as { fields?: FormField[] } | undefined)?.fields ?? [];
  const summary = (action.custom as { summary?: string[] } | undefined)?.summary ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<unknown>(undefined);
  const navigate = useNavigate();
  const { translateAction, translateProperty, translateButton, translateMessage, translateLabel, tm, i18n } = useTranslation();
  const formId = useId();
  /** A summary value as the show page reads it: names for references, dates and fixed values per locale. */
  const summaryValue = (rec: NonNullable<ActionProps['record']>, path: string, resourceId: string): string => {
    const populated = rec.populated?.[path];
    if (populated) return populated.title;
    const raw = rec.params[path] as unknown;
    if (raw === undefined || raw === null || raw === '') return '—';
    const text =
      typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
    if (/^\d{4}-\d{2}-\d{2}T/.test(text))
      return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(text));
    if (/^[A-Z_]+$/.test(text) && text.length > 3)
      return translateLabel(`${path}.${text}`, resourceId, {
        defaultValue: translateLabel(text, resourceId, { defaultValue: text }),
      });
    return text;
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    const data = new FormData();
    const custom = action.custom as { withListFilters?: boolean } | undefined;
    if (custom?.withListFilters) {
      // The view the staff member is looking at (the list behind this drawer), as its URL has it.
      const filters: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(window.location.search))
        if (key.startsWith('filters.')) filters[key.slice('filters.'.length)] = value;
      data.set('listFilters', JSON.stringify(filters));
    }
    for (const field of fields) {
      const raw = values[field.name] ?? '';
      if (raw === '') continue;
      data.set(field.name, field.type === 'datetime' ? new Date(raw).toISOString() : raw);
    }
    try {
      const response = record
        ? await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data, method: 'post' })
        : await api.resourceAction({ resourceId: resource.id, actionName: action.name, data, method: 'post' });
      const body = response.data as {
        notice?: { message: string; type: 'success' | 'error'; options?: Record<string, unknown> };
        redirectUrl?: string;
        result?: unknown;
      };
      // Raised before the page changes, so the notice is on the page the action leads to.
      if (body.notice)
        raiseNotice({ text: tm(body.notice.message, resource.id, body.notice.options), type: body.notice.type ?? 'success' });
      if (body.result !== undefined) setResult(body.result);
      else if (body.redirectUrl) navigate(body.redirectUrl);
    } catch (err) {
      const error = apiError(err);
      const details = error?.details ?? [];
      setErrors(Object.fromEntries(details.map((d) => [d.field, d.message])));
      raiseNotice({
        text: error?.message ?? translateMessage('actionFailed', resource.id),
        type: 'error',
        details: details.filter((d) => !fields.some((f) => f.name === d.field)).map((d) => d.message),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box as="form" variant="container" onSubmit={submit} aria-labelledby={`${formId}-title`}>
      <H3 id={`${formId}-title`}>{translateAction(action.label, resource.id)}</H3>
      {record ? <Text mb="lg">{record.title}</Text> : null}
      {record && summary.length ? (
        <dl className="bo-facts" data-testid="action-original">
          {summary.map((path) => (
            <React.Fragment key={path}>
              <dt>{translateProperty(path, resource.id)}</dt>
              <dd>{summaryValue(record, path, resource.id)}</dd>
            </React.Fragment>
          ))}
        </dl>
      ) : null}
      {fields.map((field) => {
        const id = `${formId}-${field.name}`;
        const value = values[field.name] ?? '';
        const set = (v: string) => setValues((prev) => ({ ...prev, [field.name]: v }));
        return (
          <Box key={field.name} mb="lg">
            <Label htmlFor={id} required={field.required}>
              {translateProperty(field.name, resource.id)}
            </Label>
            {field.type === 'textarea' ? (
              <textarea
                id={id}
                style={{ ...inputStyle, minHeight: 80 }}
                required={field.required}
                value={value}
                onChange={(e) => set(e.target.value)}
              />
            ) : field.type === 'select' ? (
              <select id={id} style={inputStyle} required={field.required} value={value} onChange={(e) => set(e.target.value)}>
                <option value="">—</option>
                {(field.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {translateLabel(`${field.name}.${o}`, resource.id, {
                      defaultValue: translateLabel(o, resource.id, { defaultValue: o }),
                    })}
                  </option>
                ))}
              </select>
            ) : field.type === 'reference' ? (
              <ReferenceInput
                id={id}
                field={field}
                value={value}
                onChange={set}
                searchLabel={translateLabel('searchFor', resource.id, { name: translateProperty(field.name, resource.id) })}
              />
            ) : (
              <input
                id={id}
                style={inputStyle}
                type={field.type === 'datetime' ? 'datetime-local' : field.type === 'password' ? 'password' : 'text'}
                autoComplete={field.type === 'password' ? 'new-password' : undefined}
                inputMode={field.type === 'decimal' ? 'decimal' : undefined}
                required={field.required}
                value={value}
                onChange={(e) => set(e.target.value)}
              />
            )}
            {errors[field.name] ? (
              <Text role="alert" color="error" mt="sm">
                {errors[field.name]}
              </Text>
            ) : null}
          </Box>
        );
      })}
      <Button type="submit" variant="contained" disabled={busy}>
        {translateButton('confirm', resource.id, { defaultValue: 'Confirm' })}
      </Button>
      {isVerification(result) ? <VerifyResult result={result} /> : null}
    </Box>
  );
};

export default ActionForm;
