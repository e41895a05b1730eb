/// <reference lib="dom" />
import React, { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useDispatch, useSelector } from 'react-redux';
import { useLocation } from 'react-router';
import { Icon } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';
import {
  apiError,
  dismissNotice,
  notePageChange,
  raiseNotice,
  readNotices,
  subscribeNotices,
  type StoredNotice,
} from './notices.js';

interface ReduxNotice {
  id: string;
  message: string;
  type?: 'success' | 'error' | 'info';
  resourceId?: string;
  options?: Record<string, unknown>;
}

function Notice({ notice, onDismiss }: { notice: StoredNotice; onDismiss: () => void }) {
  const { translateButton } = useTranslation();
  return (
    <div className={`bo-notice ${notice.type}`} data-testid="notice" data-type={notice.type}>
      <Icon icon={notice.type === 'error' ? 'AlertCircle' : notice.type === 'success' ? 'CheckCircle' : 'Info'} />
      <div className="bo-notice-text">
        <p>{notice.text}</p>
        {notice.details?.length ? (
          <ul>
            {notice.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <button type="button" className="bo-notice-close" aria-label={translateButton('dismissNotice')} onClick={onDismiss}>
        <Icon icon="X" />
      </button>
    </div>
  );
}

/**
 * Notices in live regions (errors as alerts, the rest as status), kept until dismissed or until
 * the page after the one the action led to. AdminJS's own notices (from its Redux store) are
 * taken over, translated, and errors that no component handled (an API call refused with the
 * one error shape, e.g. a delete answered 409) are shown with the server's message.
 */
export default function NoticeBox() {
  const reduxNotices = useSelector((state: { notices: ReduxNotice[] }) => state.notices);
  const dispatch = useDispatch();
  const { tm } = useTranslation();
  const location = useLocation();
  const [notices, setNotices] = useState<StoredNotice[]>(readNotices);

  useEffect(() => subscribeNotices(() => setNotices(readNotices())), []);

  // A page change (client-side route or full load) ages the notices by one.
  useEffect(() => {
    notePageChange();
  }, [location.pathname]);

  useEffect(() => {
    for (const n of reduxNotices) {
      raiseNotice({ id: n.id, text: tm(n.message, n.resourceId, n.options), type: n.type ?? 'info' });
      dispatch({ type: 'DROP_NOTICE', data: { noticeId: n.id } });
    }
  }, [reduxNotices]);

  useEffect(() => {
    const onRejection = (event: PromiseRejectionEvent) => {
      const error = apiError(event.reason);
      if (!error?.message) return;
      event.preventDefault();
      raiseNotice({ text: error.message, type: 'error', details: (error.details ?? []).map((d) => d.message) });
    };
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, []);

  const errors = notices.filter((n) => n.type === 'error');
  const others = notices.filter((n) => n.type !== 'error');
  // In a portal on <body>, above the drawers (AdminJS's notice slot sits below them).
  return createPortal(
    <div className="bo-notices" data-css="notice-wrapper">
      <div role="alert">
        {errors.map((n) => (
          <Notice key={n.id} notice={n} onDismiss={() => dismissNotice(n.id)} />
        ))}
      </div>
      <div role="status">
        {others.map((n) => (
          <Notice key={n.id} notice={n} onDismiss={() => dismissNotice(n.id)} />
        ))}
      </div>
    </div>,
    document.body,
  );
}
