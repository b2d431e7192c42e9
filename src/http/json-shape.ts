// The shape of a JSON body, bounded before it is parsed. A byte limit alone lets 41.9 MB of
// `{"cc":[{},{},…]}` become fourteen million objects: JSON.parse ran a 256 MB heap out of memory in
// 3.5 s. This scanner reads the raw bytes as they arrive, one pass and constant memory per level,
// and says which bound a body breaks: nesting depth, items in one array, values in all. A string
// is one value whatever its length (an attachment's base64 is bounded by bytes, not here). It does
// not validate JSON: JSON.parse still does, on what the scanner let through.

export interface JsonShapeLimits {
  /** Objects and arrays inside one another. */
  maxDepth: number;
  /** Items in any one array. */
  maxArrayItems: number;
  /** Values in the whole body: every object, array, string, number, literal and key. */
  maxValues: number;
}

/** Wide enough for every route's body (settings take up to 5,000 blocked addresses). */
export const DEFAULT_JSON_SHAPE: JsonShapeLimits = {
  maxDepth: 16,
  maxArrayItems: 5_000,
  maxValues: 50_000,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** A frame per open container: the items an array has so far, or -1 for an object. */
const OBJECT = -1;

export class JsonShapeScanner {
  private readonly limits: JsonShapeLimits;
  private readonly frames: number[] = [];
  private values = 0;
  private inString = false;
  private escaped = false;
  private inLiteral = false;
  /** In an object, the next string is a key (after `{` or `,`), not a value (after `:`). */
  private expectKey = false;

  constructor(limits: JsonShapeLimits = DEFAULT_JSON_SHAPE) {
    this.limits = limits;
  }

  /** Reads the next bytes; the bound they break, or undefined. */
  feed(chunk: Uint8Array): string | undefined {
    // The next quote and backslash in this chunk, each searched for again only once passed:
    // searching for both from every position would scan the chunk's tail once per string.
    let quote = -1;
    let backslash = -1;
    const nextSpecial = (from: number): number => {
      if (quote !== chunk.length && quote < from) quote = found(chunk.indexOf(QUOTE, from));
      if (backslash !== chunk.length && backslash < from) {
        backslash = found(chunk.indexOf(BACKSLASH, from));
      }
      return Math.min(quote, backslash);
    };
    const found = (at: number) => (at === -1 ? chunk.length : at);
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString) {
        // Strings are most of a large body (an attachment's base64): skip to the next quote or
        // backslash with the native search instead of a byte at a time.
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        i = nextSpecial(i);
        if (i === chunk.length) break;
        if (chunk[i] === BACKSLASH) this.escaped = true;
        else this.inString = false;
        continue;
      }
      const broken = this.structural(chunk[i] ?? 0);
      if (broken) return broken;
    }
    return undefined;
  }

  private structural(byte: number): string | undefined {
    const literal =
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d;
    if (literal || byte === 0x2b || byte === 0x2e || (byte >= 0x41 && byte <= 0x5a)) {
      if (this.inLiteral) return undefined;
      this.inLiteral = true;
      return this.value();
    }
    this.inLiteral = false;
    switch (byte) {
      case QUOTE: {
        this.inString = true;
        const isKey = this.expectKey && this.frames.at(-1) === OBJECT;
        this.expectKey = false;
        return isKey ? this.count() : this.value();
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const broken = this.value();
        if (broken) return broken;
        this.frames.push(byte === OPEN_OBJECT ? OBJECT : 0);
        this.expectKey = byte === OPEN_OBJECT;
        if (this.frames.length > this.limits.maxDepth) {
          return `nested deeper than ${this.limits.maxDepth} levels`;
        }
        return undefined;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        this.frames.pop();
        this.expectKey = false;
        return undefined;
      case COMMA:
        this.expectKey = this.frames.at(-1) === OBJECT;
        return undefined;
      case COLON:
        this.expectKey = false;
        return undefined;
      default:
        return undefined;
    }
  }

  /** A value starts: an item of the array it is in, and one more value in all. */
  private value(): string | undefined {
    const top = this.frames.length - 1;
    const items = this.frames[top];
    if (items !== undefined && items !== OBJECT) {
      this.frames[top] = items + 1;
      if (items + 1 > this.limits.maxArrayItems) {
        return `an array holds more than ${this.limits.maxArrayItems} items`;
      }
    }
    return this.count();
  }

  private count(): string | undefined {
    this.values += 1;
    return this.values > this.limits.maxValues
      ? `more than ${this.limits.maxValues} values in all`
      : undefined;
  }
}
