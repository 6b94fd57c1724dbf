/** Where the e2e web servers listen (see playwright.config.ts). */
export const PREVIEW_URL = 'http://127.0.0.1:4173/';
export const SUBPATH_PORT = 4174;
export const SUBPATH = '/some/sub/path/';
export const SUBPATH_URL = `http://127.0.0.1:${SUBPATH_PORT}${SUBPATH}`;
