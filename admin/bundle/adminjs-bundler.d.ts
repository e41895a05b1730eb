// adminjs ships no types for its `adminjs/bundler` entry point; this is the part we use.
declare module 'adminjs/bundler' {
  import type AdminJS from 'adminjs';

  interface RollupLike {
    inputOptions: { input: string; [key: string]: unknown };
    outputOptions: { file: string; [key: string]: unknown };
    build(): Promise<void>;
  }
  export const componentsBundler: RollupLike;
  export function generateUserComponentEntry(admin: AdminJS, entryPath: string): string;
  /** 'production' or 'development', read by adminjs from NODE_ENV when it is first imported. */
  export const NODE_ENV: 'production' | 'development';
}
