// n8n loads the nodes and the credential through the `n8n` attribute of package.json, never
// through this file; it exists so the package has a resolvable `main`.
