/**
 * Raw linear-memory blocks for the kernels' buffers and streaming state.
 *
 * JS allocates every buffer once through these two exports and hands kernels a
 * pointer and a length; no kernel allocates. Blocks are 16-byte aligned (TLSF),
 * so v128 loads from the start of a block are aligned.
 */
export function alloc(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

export function free(ptr: usize): void {
  heap.free(ptr);
}
