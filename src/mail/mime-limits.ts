// Bounds on how much of a message the parser reads, so hostile mail costs what ordinary mail does.

/** Real mail nests a few levels; a thousand is an attack on the walker's stack. Deeper parts are skipped. */
export const MAX_DEPTH = 100;
/** Four times the stored body cap: enough source for any charset or HTML to fill it. */
export const SOURCE_LIMIT_BYTES = 1024 * 1024;

/** What one walk of a message has left to read, and whether it left anything out. */
export interface Walk {
  sourceLeft: number;
  truncated: boolean;
}

export const newWalk = (sourceBytes = SOURCE_LIMIT_BYTES): Walk => ({
  sourceLeft: sourceBytes,
  truncated: false,
});
