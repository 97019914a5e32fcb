/**
 * The next capacity of a full pool of the book (a tree's leaves or inner nodes, a tick
 * window's quantities): a quarter more, at least `least` more. The twin of
 * src/book/grownCapacity.ts (see there why a quarter and not a doubling).
 */
export function grownCapacity(cap: i32, least: i32): i32 {
  return cap + max(least, cap >> 2);
}
