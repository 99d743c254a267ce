/** The CLI's version, fixed at build time; "0.0.0-dev" when the source runs unbundled. */
export const VERSION: string = typeof __TAPACME_VERSION__ === 'string' ? __TAPACME_VERSION__ : '0.0.0-dev';

/** What `version -o json` prints. */
export function versionInfo(): { version: string; node: string; platform: string } {
  return { version: VERSION, node: process.version, platform: `${process.platform}/${process.arch}` };
}
