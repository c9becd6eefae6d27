import { readFile } from "node:fs/promises";
import { Hono } from "hono";

/** The console's three files, shipped beside dist/ in the package's console/ folder. */
const FILES: Record<string, string> = {
  "/": "index.html",
  "/console.js": "console.js",
  "/console.css": "console.css",
};
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** Serves the operator console (a page and its script and style, no build step). */
export function consoleRoutes(): Hono {
  const app = new Hono();
  const root = new URL("../../console/", import.meta.url);
  for (const [path, file] of Object.entries(FILES)) {
    app.get(path, async (c) => {
      const body = await readFile(new URL(file, root), "utf8");
      return c.body(body, 200, {
        "content-type": TYPES[file.split(".").pop()!]!,
        "cache-control": "no-store",
      });
    });
  }
  return app;
}
