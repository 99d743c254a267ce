const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Bytes to text, keeping a BOM (core handles it, and writing the text back must restore it).
 * Invalid UTF-8 is refused rather than replaced, so a fix can never corrupt bytes it did not mean to touch.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
