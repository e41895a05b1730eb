import { fileURLToPath } from 'node:url';
import { componentLoader } from '../bundle/component-loader.js';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The admin's own stylesheet (focus, skip link, menus, tables, badges), served with AdminJS's assets. */
export const STYLESHEET_PATH = '/frontend/assets/backoffice.css';
export const STYLESHEET_FILE = here('./backoffice.css');

/**
 * Overrides of AdminJS's own components where they fail keyboard or screen-reader users (WCAG 2.1
 * AA): list rows, pagination, the filter drawer and its fields, form dropdowns and date pickers,
 * the navigation, the user menu, the skip link and notices that survive a page change.
 */
export const Overrides = {
  RecordInList: componentLoader.override('RecordInList', here('./RecordInList.tsx')),
  RecordsTableHeader: componentLoader.override('RecordsTableHeader', here('./RecordsTableHeader.tsx')),
  FilterDrawer: componentLoader.override('FilterDrawer', here('./FilterDrawer.tsx')),
  DefaultFilterProperty: componentLoader.override('DefaultFilterProperty', here('./filters/DefaultFilter.tsx')),
  DefaultBooleanFilterProperty: componentLoader.override('DefaultBooleanFilterProperty', here('./filters/BooleanFilter.tsx')),
  DefaultReferenceFilterProperty: componentLoader.override(
    'DefaultReferenceFilterProperty',
    here('./filters/ReferenceFilter.tsx'),
  ),
  DefaultDatetimeFilterProperty: componentLoader.override('DefaultDatetimeFilterProperty', here('./filters/DatetimeFilter.tsx')),
  DefaultEditProperty: componentLoader.override('DefaultEditProperty', here('./edit/DefaultEdit.tsx')),
  DefaultReferenceEditProperty: componentLoader.override('DefaultReferenceEditProperty', here('./edit/ReferenceEdit.tsx')),
  DefaultPropertyValue: componentLoader.override('DefaultPropertyValue', here('./PropertyValue.tsx')),
  DefaultReferenceValue: componentLoader.override('DefaultReferenceValue', here('./ReferenceValue.tsx')),
  DefaultDatetimeEditProperty: componentLoader.override('DefaultDatetimeEditProperty', here('./edit/DatetimeEdit.tsx')),
};

/** Notices that survive a page change, and edit/new forms that show the server's answer. */
export const FeedbackOverrides = {
  NoticeBox: componentLoader.override('NoticeBox', here('./NoticeBox.tsx')),
  DefaultEditAction: componentLoader.override('DefaultEditAction', here('./RecordForm.tsx')),
  DefaultNewAction: componentLoader.override('DefaultNewAction', here('./RecordForm.tsx')),
};

/** Navigation, skip link and the user menu. */
export const LayoutOverrides = {
  SidebarResourceSection: componentLoader.override('SidebarResourceSection', here('./SidebarResourceSection.tsx')),
  Sidebar: componentLoader.override('Sidebar', here('./Sidebar.tsx')),
  TopBar: componentLoader.override('TopBar', here('./TopBar.tsx')),
  LoggedIn: componentLoader.override('LoggedIn', here('./LoggedIn.tsx')),
  ActionHeader: componentLoader.override('ActionHeader', here('./ActionHeader.tsx')),
};
