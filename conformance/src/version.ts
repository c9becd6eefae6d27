/** The suite's name and version, as reports and kits cite them. */
export const SUITE = { name: "@frx/conformance", version: "0.1.0" } as const;
