/// <reference lib="dom" />
import React from 'react';
import { useTranslation } from 'adminjs';
import { MAIN_CONTENT_ID } from './a11y.js';

/**
 * AdminJS's sidebar, preceded by a skip link: the first Tab on every page offers to jump past
 * the navigation to the page's content.
 */
export default function Sidebar(
  props: { OriginalComponent?: React.ComponentType<Record<string, unknown>> } & Record<string, unknown>,
) {
  const { OriginalComponent, ...rest } = props;
  const { translateLabel } = useTranslation();
  return (
    <>
      <a
        className="bo-skip-link"
        href={`#${MAIN_CONTENT_ID}`}
        onClick={(e) => {
          e.preventDefault();
          document.getElementById(MAIN_CONTENT_ID)?.focus();
        }}
      >
        {translateLabel('skipToContent')}
      </a>
      {OriginalComponent ? <OriginalComponent {...rest} /> : null}
    </>
  );
}
