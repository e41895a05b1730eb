/// <reference lib="dom" />
import React from 'react';
import { Link } from 'react-router-dom';
import type { PropertyJSON, RecordJSON } from 'adminjs';
import RecordRef from './RecordRef.js';
import { UUID } from './titles.js';

/**
 * A reference shown by the referenced record's title. When the adapter could not populate it
 * (a record the staff member may not read, such as the superadmin who granted a support agent's
 * access), the title is asked for once more through the scoped show action, and a record that
 * stays invisible is named by its kind: a raw id is never shown in its place.
 */
export default function ReferenceValue({ property, record }: { property: PropertyJSON; record: RecordJSON }) {
  const refId = record.params[property.path] as string | undefined;
  const populated = record.populated[property.path];
  if (!refId || !property.reference) return <span>—</span>;
  if (populated?.title) {
    const href = `/admin/resources/${property.reference}/records/${encodeURIComponent(refId)}/show`;
    return populated.recordActions?.some((a) => a.name === 'show') ? (
      <Link to={href}>{populated.title}</Link>
    ) : (
      <span>{populated.title}</span>
    );
  }
  return UUID.test(String(refId)) ? (
    <RecordRef resourceId={property.reference} recordId={String(refId)} />
  ) : (
    <span>{String(refId)}</span>
  );
}
