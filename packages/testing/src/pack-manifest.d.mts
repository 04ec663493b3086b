/** The manifest a consumer installs, from the workspace's (see pack-manifest.mjs). */
export function publishedManifest(pkg: Record<string, any>): Record<string, any>;
