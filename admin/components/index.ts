import { fileURLToPath } from 'node:url';
import { componentLoader } from '../bundle/component-loader.js';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The resources' React components, registered on the admin's one ComponentLoader (so they are in
 * the same bundle as the dashboards and the login page).
 */
export const ResourceComponents = {
  CappedList: componentLoader.add('ResourceCappedList', here('./CappedList.tsx')),
  ActionForm: componentLoader.add('ResourceActionForm', here('./ActionForm.tsx')),
  DiffView: componentLoader.add('ResourceDiffView', here('./DiffView.tsx')),
  DownloadLink: componentLoader.add('ResourceDownloadLink', here('./DownloadLink.tsx')),
  ActorValue: componentLoader.add('ResourceActorValue', here('./ActorValue.tsx')),
  ExportJobShow: componentLoader.add('ResourceExportJobShow', here('./ExportJobShow.tsx')),
  TenantShow: componentLoader.add('ResourceTenantShow', here('./TenantShow.tsx')),
  AccountShow: componentLoader.add('ResourceAccountShow', here('./AccountShow.tsx')),
  TransactionShow: componentLoader.add('ResourceTransactionShow', here('./TransactionShow.tsx')),
  TenantSearch: componentLoader.add('ResourceTenantSearch', here('./TenantSearch.tsx')),
  CheckboxGroupEdit: componentLoader.add('ResourceCheckboxGroupEdit', here('./CheckboxGroupEdit.tsx')),
  ThresholdsEdit: componentLoader.add('ResourceThresholdsEdit', here('./ThresholdsEdit.tsx')),
  ThresholdsShow: componentLoader.add('ResourceThresholdsShow', here('./ThresholdsShow.tsx')),
};
