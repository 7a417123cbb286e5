/** Pages anyone may open without signing in (read by the frame; in a module of its own so the frame need not import the routes). */
export const PUBLIC_PATHS: readonly string[] = ['/accessibility', '/open-data'];
