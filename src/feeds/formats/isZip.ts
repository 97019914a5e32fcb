/**
 * Whether bytes are a zip archive: its first four bytes are a local file header's
 * signature, 50 4b 03 04 ("PK\3\4"; PKWARE's APPNOTE.TXT, 4.3.7). Kept apart from the zip
 * reader so that telling formats apart loads no decompressor.
 */
export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}
