/**
 * Compile-time assertions: `Expect<Equal<A, B>>` is a type error unless A and B are identical, so a
 * `tsc` run (the build) fails when two type definitions drift apart.
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Extends<A, B> = [A] extends [B] ? true : false;
export type Expect<T extends true> = T;
