// react-dom ships without types and the admin bundles it as a global (AdminJS's externals):
// only createPortal is used (NoticeBox renders above the drawers).
declare module 'react-dom' {
  import type { ReactNode, ReactPortal } from 'react';
  export function createPortal(children: ReactNode, container: Element | DocumentFragment): ReactPortal;
}
