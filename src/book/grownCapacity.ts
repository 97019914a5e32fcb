/**
 * The next capacity of a full pool of the book (a tree's leaves or inner nodes, a tick
 * window's quantities): a quarter more, at least `least` more. A pool that doubles holds up
 * to twice its high-water mark; growing by a quarter keeps the slack under 25 %, which is
 * what a thousand books' memory is made of (issue 14), and growth stays amortised O(1) a
 * level: the copies add up to about four times the final size.
 */
export function grownCapacity(cap: number, least: number): number {
  return cap + Math.max(least, cap >> 2);
}
