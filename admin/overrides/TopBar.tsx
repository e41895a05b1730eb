/// <reference lib="dom" />
import React from 'react';
import { MAIN_CONTENT_ID } from './a11y.js';

/** AdminJS's top bar, followed by the skip link's target (the page content starts right after it). */
export default function TopBar(
  props: { OriginalComponent?: React.ComponentType<Record<string, unknown>> } & Record<string, unknown>,
) {
  const { OriginalComponent, ...rest } = props;
  return (
    <>
      {OriginalComponent ? <OriginalComponent {...rest} /> : null}
      <div id={MAIN_CONTENT_ID} tabIndex={-1} className="bo-main-start" />
    </>
  );
}
