/// <reference lib="dom" />
import React, { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'adminjs';
import { recordTitle } from './titles.js';

/**
 * A link to a record by its title (never its raw id). While the title loads a placeholder
 * stands in; a record the staff member may not open is named by its kind only.
 */
export default function RecordRef({ resourceId, recordId }: { resourceId: string; recordId: string }) {
  const [title, setTitle] = useState<string | null | undefined>(undefined);
  const { translateLabel, translateMessage } = useTranslation();
  useEffect(() => {
    let live = true;
    void recordTitle(resourceId, recordId).then((t) => live && setTitle(t));
    return () => {
      live = false;
    };
  }, [resourceId, recordId]);
  if (title === undefined) return <span aria-busy="true">…</span>;
  if (title === null)
    return (
      <span className="bo-muted">
        {translateMessage('recordNotVisible', resourceId, { kind: translateLabel(resourceId, resourceId) })}
      </span>
    );
  return <Link to={`/admin/resources/${resourceId}/records/${encodeURIComponent(recordId)}/show`}>{title}</Link>;
}
