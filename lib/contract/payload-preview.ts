// What the ops page shows of a dead letter's bytes: UTF-8 text when the bytes are text,
// otherwise hex. Payloads can be anything a producer sent, so only a bounded head is read.

export const PREVIEW_BYTES = 1024;

export interface PayloadPreview {
  encoding: 'utf8' | 'hex';
  /** UTF-8 text, or bytes as lower-case hex pairs separated by spaces. */
  text: string;
  /** The payload is longer than the preview. */
  truncated: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab, line feed and carriage return: not text anyone typed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Drop a multi-byte character cut in half at the end of a truncated head. */
function wholeCharacters(bytes: Uint8Array): Uint8Array {
  let i = bytes.length - 1;
  while (i >= 0 && bytes.length - i <= 3 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  if (i < 0) return bytes;
  const lead = bytes[i] as number;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - i < length ? bytes.subarray(0, i) : bytes;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Preview of a payload of `size` bytes whose first bytes are `head` (at least
 * min(size, PREVIEW_BYTES) of them).
 */
export function previewPayload(head: Uint8Array, size: number): PayloadPreview {
  const shown = head.subarray(0, PREVIEW_BYTES);
  const truncated = size > shown.length;
  try {
    const text = utf8.decode(truncated ? wholeCharacters(shown) : shown);
    if (!CONTROL.test(text)) return { encoding: 'utf8', text, truncated };
  } catch {
    // not UTF-8: shown as hex
  }
  return { encoding: 'hex', text: hex(shown), truncated };
}
