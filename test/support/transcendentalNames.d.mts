/** Declarations of transcendentalNames.mjs (plain JS: node --import loads it before any TypeScript). */
export declare const HOST_TRANSCENDENTALS: readonly string[];
