/**
 * The body of an HTTP response as text, read up to a byte limit: a REST depth snapshot is a
 * few hundred KB at most (5,000 levels a side), so an answer far beyond that is a broken
 * proxy or a hostile endpoint, refused before it fills memory. Browser-safe (fetch streams).
 */

/** Reads `response`'s body as UTF-8 text; throws (cancelling the rest) once it passes `maxBytes`. */
export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("Content-Length"));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`a body of ${declared} bytes, more than ${maxBytes}`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "",
    bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw new Error(`a body of more than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
}
