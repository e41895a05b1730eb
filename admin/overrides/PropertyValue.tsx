/// <reference lib="dom" />
import React from 'react';
import { useTranslation, type PropertyJSON, type RecordJSON, type ResourceJSON } from 'adminjs';
import { auditActionLabel, isAuditActionProperty } from './audit-action-label.js';

/** Colour of a status, by meaning (a badge's text also says it: colour is never the only cue). */
const TONES: Record<string, 'success' | 'warning' | 'danger' | 'info'> = {
  ACTIVE: 'success',
  COMPLETED: 'success',
  SUCCESS: 'success',
  DISPATCHED: 'success',
  CREDIT: 'success',
  SUSPENDED: 'warning',
  LOCKED: 'warning',
  PENDING: 'warning',
  QUEUED: 'info',
  RUNNING: 'info',
  ADJUSTMENT: 'info',
  CLOSED: 'danger',
  DISABLED: 'danger',
  FAILED: 'danger',
  FAILURE: 'danger',
  DENIED: 'danger',
};

/**
 * A property's value; a value from a fixed list (status, role, direction...) as a translated
 * badge coloured by its meaning (AdminJS draws every badge grey).
 */
export default function PropertyValue({
  property,
  record,
  resource,
}: {
  property: PropertyJSON;
  record?: RecordJSON;
  resource: ResourceJSON;
}) {
  const { tl, translateComponent, translateLabel } = useTranslation();
  const rawValue = record?.params[property.path] as unknown;
  if (rawValue === undefined) return null;
  // An audit action: its label in the staff member's language, the code as its title.
  if (isAuditActionProperty(property) && typeof rawValue === 'string')
    return <span title={rawValue}>{auditActionLabel(rawValue, { translateComponent, translateLabel })}</span>;
  const raw =
    typeof rawValue === 'string' || typeof rawValue === 'number' || typeof rawValue === 'boolean'
      ? String(rawValue)
      : rawValue === null
        ? ''
        : JSON.stringify(rawValue);
  const option = property.availableValues?.find((o) => String(o.value) === raw);
  if (!option) return <>{raw === null ? '' : String(raw)}</>;
  const value = String(option.value);
  return (
    <span className={`bo-badge ${TONES[value] ?? 'neutral'}`}>
      {tl(`${property.propertyPath}.${value}`, resource.id, { defaultValue: option.label || value })}
    </span>
  );
}
