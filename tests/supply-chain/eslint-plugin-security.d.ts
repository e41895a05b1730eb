// eslint-plugin-security ships no types; the tests read only its preset's rule list.
declare module 'eslint-plugin-security' {
  const plugin: { configs: { recommended: { rules: Record<string, string> } } };
  export default plugin;
}
