/**
 * C0 and C1 control characters (ANSI and OSC escape sequences start with them; a newline
 * forges a row) and the bidirectional overrides and isolates that reorder what a terminal
 * shows.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Whether operator- or peer-supplied text carries characters a terminal would act on. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/**
 * Text for a terminal: every control character as a visible `\u{…}` escape, so a name
 * cannot move the cursor, recolour, set a window title, make a link or start a new row.
 *
 * @example printable("DOE\x1b[2J") // "DOE\\u{1b}[2J"
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but leaves C1 controls and
 * bidirectional overrides raw; these become `\uXXXX` escapes too (still the same JSON).
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
}
