/** `deploy.nodes.vulpix` or `deploy.nodes."my board"` → the node's name. */
export function nodeNameOfAttrPath(attrPath: string): string | undefined {
  const rest = attrPath.startsWith('deploy.nodes.') ? attrPath.slice('deploy.nodes.'.length) : undefined;
  if (rest === undefined || rest === '') return undefined;
  if (!rest.startsWith('"')) return rest;
  try {
    const name: unknown = JSON.parse(rest);
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
