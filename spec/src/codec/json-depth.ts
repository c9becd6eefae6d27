/**
 * The deepest nesting of arrays and objects FRX reads (FRX-JCS-005). The deepest message of v1
 * nests 10 levels; 32 leaves room for minor versions while keeping every recursive step that
 * follows (canonical form, schema validation) far from the stack's limit.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of the arrays and objects in JSON text, read without recursion and without
 * parsing, so that it can bound the input before anything recursive touches it. Brackets inside
 * strings do not count. Text that is not JSON gets some number; the parser refuses it later.
 *
 * @example jsonDepth('{"a":[1,{"b":"]"}]}') // 3
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, whatever it is
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
