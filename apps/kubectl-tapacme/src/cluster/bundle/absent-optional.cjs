// Stands in for optional native helpers (encoding, bufferutil, utf-8-validate, supports-color) that
// the cluster client's dependencies try to require inside try/catch: "not installed", as without them.
const e = new Error('optional module not bundled');
e.code = 'MODULE_NOT_FOUND';
throw e;
