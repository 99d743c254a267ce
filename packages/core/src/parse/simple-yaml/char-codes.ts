// The characters the fast reader looks for, as char codes.
export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;
export const HASH = 0x23;
export const DASH = 0x2d;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const BACKSLASH = 0x5c;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
