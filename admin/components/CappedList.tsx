/// <reference lib="dom" />
import React, { useEffect } from 'react';
import { Box, Text } from '@adminjs/design-system';
import Pagination from '../overrides/Pagination.js';
import { RecordsTable, useQueryParams, useRecords, useSelectedRecords, useTranslation, type ActionProps } from 'adminjs';

/** Mirrors admin-records' COUNT_CAP / MAX_LIST_WINDOW (the server enforces them). */
const CAP = 10_000;

/**
 * The list page, with an honest total: counts stop at 10,000 (no full COUNT(*) over millions of
 * rows), so a larger total shows as "10,000+", and pages stop where the offset would pass 10,000
 * (no deep OFFSET scan). The page says so and suggests filters.
 */
const CappedList: React.FC<ActionProps> = ({ resource, setTag }) => {
  const { records, loading, direction, sortBy, page, total, fetchData, perPage } = useRecords(resource.id);
  const { selectedRecords, handleSelect, handleSelectAll, setSelectedRecords } = useSelectedRecords(records);
  const { storeParams } = useQueryParams();
  const { translateMessage, translateLabel } = useTranslation();
  const capped = total > CAP;
  const language = typeof document !== 'undefined' ? document.documentElement.lang || 'en' : 'en';
  const shownTotal = capped ? `${new Intl.NumberFormat(language).format(CAP)}+` : new Intl.NumberFormat(language).format(total);

  useEffect(() => {
    setTag?.(shownTotal);
  }, [shownTotal]);

  useEffect(() => {
    setSelectedRecords([]);
  }, [resource.id]);

  const pageable = Math.min(total, CAP);
  const lastPage = Math.max(1, Math.floor(CAP / Math.max(1, perPage)));

  return (
    <Box variant="container">
      <RecordsTable
        resource={resource}
        records={records}
        actionPerformed={() => fetchData()}
        onSelect={handleSelect}
        onSelectAll={handleSelectAll}
        selectedRecords={selectedRecords}
        direction={direction}
        sortBy={sortBy}
        isLoading={loading}
      />
      <Text mt="xl" textAlign="center" aria-live="polite">
        {translateLabel('listTotal', resource.id, {
          count: capped ? CAP + 1 : total,
          total: shownTotal,
          defaultValue: `${shownTotal} records`,
        })}
      </Text>
      {capped || page >= lastPage ? (
        <Text mt="sm" textAlign="center" role="note">
          {translateMessage('listWindowLimited', resource.id, {
            max: new Intl.NumberFormat(language).format(CAP),
            defaultValue: 'Only the first 10,000 records can be paged through: narrow the list with filters.',
          })}
        </Text>
      ) : null}
      <Text mt="xl" textAlign="center">
        <Pagination
          page={page}
          perPage={perPage}
          total={pageable}
          resourceId={resource.id}
          onChange={(n: number) => storeParams({ page: String(Math.min(n, lastPage)) })}
        />
      </Text>
    </Box>
  );
};

export default CappedList;
