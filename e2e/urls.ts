/**
 * Where the e2e web servers listen (see playwright.config.ts). E2E_PREVIEW_PORT and E2E_SUBPATH_PORT
 * move them, so suites of several checkouts on one machine never test each other's build.
 */
export const PREVIEW_PORT = Number(process.env.E2E_PREVIEW_PORT ?? 4173);
export const PREVIEW_URL = `http://127.0.0.1:${PREVIEW_PORT}/`;
export const SUBPATH_PORT = Number(process.env.E2E_SUBPATH_PORT ?? 4174);
export const SUBPATH = '/some/sub/path/';
export const SUBPATH_URL = `http://127.0.0.1:${SUBPATH_PORT}${SUBPATH}`;
