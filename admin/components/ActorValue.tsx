/// <reference lib="dom" />
import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { flat, useTranslation, type ShowPropertyProps } from 'adminjs';
import RecordRef from '../overrides/RecordRef.js';

/**
 * Who did it (audit events, export jobs): a staff member or user by name, linked; the system by
 * the job's name. The property's `custom` says which params hold the type and the id.
 */
export default function ActorValue({ property, record, resource, where }: ShowPropertyProps & { where?: string }) {
  const { translateProperty, translateLabel } = useTranslation();
  const custom = (property.custom ?? {}) as { typePath?: string; resourcePath?: string; resource?: string };
  const id = flat.get(record.params, property.path) as string | null | undefined;
  const type = custom.typePath ? (flat.get(record.params, custom.typePath) as string | undefined) : undefined;
  const target =
    custom.resource ??
    (custom.resourcePath
      ? (flat.get(record.params, custom.resourcePath) as string | undefined)
      : type === 'STAFF'
        ? 'StaffUser'
        : type === 'USER'
          ? 'User'
          : undefined);
  const value = !id ? (
    '—'
  ) : type === 'SYSTEM' ? (
    translateLabel('systemActor', resource.id, { name: id })
  ) : target && target !== 'null' ? (
    <RecordRef resourceId={target} recordId={id} />
  ) : (
    id
  );
  if (where === 'list') return <>{value}</>;
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <div>{value}</div>
    </Box>
  );
}
