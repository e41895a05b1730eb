/// <reference lib="dom" />
import React, { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { Box, DrawerContent, Text } from '@adminjs/design-system';
import { ApiClient, BasePropertyComponent, useTranslation, type ActionProps, type RecordJSON } from 'adminjs';

const api = new ApiClient();
const RUNNING = new Set(['QUEUED', 'RUNNING']);

/**
 * An export job's page: its fields, a progress bar that follows the job while it runs (the page
 * polls the record every second), and the way to the download once it has finished.
 */
export default function ExportJobShow(props: ActionProps) {
  const { resource, record: initial } = props;
  const [record, setRecord] = useState<RecordJSON | undefined>(initial);
  const { translateComponent, translateAction, i18n } = useTranslation();
  const t = (key: string, options?: Record<string, unknown>) => translateComponent(`ExportJob.${key}`, options);
  const status = String(record?.params.status ?? '');

  useEffect(() => setRecord(initial), [initial]);
  useEffect(() => {
    if (!record || !RUNNING.has(status)) return;
    const timer = setTimeout(() => {
      api
        .recordAction({ resourceId: resource.id, recordId: String(record.id), actionName: 'show' })
        .then((response) => setRecord((response.data as { record: RecordJSON }).record))
        .catch(() => setRecord({ ...record }));
    }, 1_000);
    return () => clearTimeout(timer);
  }, [record, status]);

  if (!record) return null;
  const done = Number(record.params.rowsDone ?? 0);
  const total =
    record.params.rowsTotal === null || record.params.rowsTotal === undefined ? null : Number(record.params.rowsTotal);
  const n = (v: number) => new Intl.NumberFormat(i18n.language).format(v);
  const download = record.recordActions.find((a) => a.name === 'download');
  return (
    <DrawerContent>
      <Box mb="xl" className="bo-export-progress">
        <Text id="export-progress-label" fontWeight="bold">
          {t(`status.${status}`, { defaultValue: status })}
        </Text>
        <progress
          aria-labelledby="export-progress-label"
          max={total ?? undefined}
          value={total === null ? undefined : done}
          data-testid="export-progress"
        />
        <Text role="status" aria-live="polite">
          {total === null ? t('rowsSoFar', { done: n(done) }) : t('rows', { done: n(done), total: n(total) })}
        </Text>
        {download ? (
          <RouterLink className="bo-button-link" to={`/admin/resources/${resource.id}/records/${record.id}/download`}>
            {translateAction(download.label, resource.id)}
          </RouterLink>
        ) : null}
      </Box>
      {resource.showProperties.map((property) => (
        <BasePropertyComponent key={property.propertyPath} where="show" property={property} resource={resource} record={record} />
      ))}
    </DrawerContent>
  );
}
