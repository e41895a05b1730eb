import { ComponentLoader } from 'adminjs';
import { fileURLToPath } from 'node:url';

/**
 * The admin's one ComponentLoader: every custom React component (dashboards, the accessible
 * login page, resource components) is registered here, so one bundle holds them all.
 * Resources register theirs with `componentLoader.add(name, absolutePath)`.
 */
export const componentLoader = new ComponentLoader();

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The components this part of the admin owns, by their ComponentLoader name. */
export const Components = {
  Dashboard: componentLoader.add('BackofficeDashboard', here('../dashboard/components/Dashboard.tsx')),
  Login: componentLoader.override('Login', here('../auth/components/Login.tsx')),
  LoggedIn: componentLoader.override('LoggedIn', here('../auth/components/LoggedIn.tsx')),
  SidebarFooter: componentLoader.override('SidebarFooter', here('../i18n/components/LocaleSync.tsx')),
};
