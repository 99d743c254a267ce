/** Injected by build.mjs (esbuild `define`) from package.json, so the bundle never reads files to know it. */
declare const __TAPACME_VERSION__: string;
