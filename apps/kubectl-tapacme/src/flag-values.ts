// The fixed values of flags, read by the command files (help, completion) and by the implementations
// (validation). A leaf module: it imports nothing, so neither side imports the other for them.

export const CHECK_OUTPUT = ['text', 'json', 'sarif'] as const;
export const SCAN_OUTPUT = ['text', 'json', 'yaml', 'html'] as const;
export const LIVE_FIX_OUTPUT = ['yaml', 'json'] as const;
export const EMIT_OUTPUT = ['yaml'] as const;
/** check and scan: the lowest severity that makes the exit code 1. */
export const FAIL_ON = ['error', 'warning', 'none'] as const;
export const DRY_RUN = ['none', 'client', 'server'] as const;
export const STRATEGIES = ['serviceaccount', 'dns01'] as const;
export const CNAME_STRATEGIES = ['None', 'Follow'] as const;
export const GATEWAY_MODES = ['auto', 'include', 'omit'] as const;
