/** The admin's navigation groups (SPEC §4.1); names are translated under `labels`. */
export const NAVIGATION = {
  customers: { name: 'Customers', icon: 'Users' },
  money: { name: 'Money', icon: 'DollarSign' },
  compliance: { name: 'Compliance', icon: 'Shield' },
  operations: { name: 'Operations', icon: 'Settings' },
  staff: { name: 'Staff', icon: 'UserCheck' },
  approvals: { name: 'Approvals', icon: 'CheckSquare' },
} as const;
