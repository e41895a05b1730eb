/** Vocabulary for realistic demo data. Nothing here is personal data of a real person. */
export const SURNAMES = [
  'Garcia', 'Smith', 'Muller', 'Rossi', 'Dubois', 'Silva', 'Novak', 'Jensen', 'Kowalski', 'Tanaka',
  'Okafor', 'Haddad', 'Larsen', 'Moreau', 'Fischer', 'Costa', 'Nguyen', 'Ivanova', 'Martin', 'Lopez',
  'Khan', 'Schmidt', 'Bianchi', 'Santos', 'Horvath', 'Virtanen', 'Murphy', 'Yilmaz', 'Alvarez', 'Sato',
];
export const GIVEN_NAMES = [
  'Ana', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kaori', 'Liam',
  'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Wim', 'Yara', 'Zoe',
];
export const MERCHANTS = [
  'Supermercado Sol', 'FreshMart', 'City Metro pass', 'Corner Cafe', 'Electric Co. monthly bill',
  'Water utility', 'Pharmacy Plus', 'Cinema Lux', 'Bookshop Paper & Ink', 'Fuel station Norte',
  'Online marketplace order', 'Streaming subscription', 'Gym membership', 'Bakery Trigo', 'Taxi ride',
  'Restaurant La Plaza', 'Hardware store', 'Mobile phone plan', 'Insurance premium', 'Pet shop',
];
export const DEMO_STAFF = [
  { role: 'SUPERADMIN', email: 'superadmin@demo.backoffice.local', name: 'Sofia Superadmin', password: 'demo-superadmin-Password-1' },
  { role: 'SUPPORT', email: 'support@demo.backoffice.local', name: 'Sam Support', password: 'demo-support-Password-1' },
  { role: 'COMPLIANCE', email: 'compliance@demo.backoffice.local', name: 'Carmen Compliance', password: 'demo-compliance-Password-1' },
  { role: 'ENGINEER', email: 'engineer@demo.backoffice.local', name: 'Erik Engineer', password: 'demo-engineer-Password-1' },
] as const;
/** Every demo API user shares this password (hashed once, so seeding thousands stays fast). */
export const DEMO_USER_PASSWORD = 'demo-user-Password-1';
