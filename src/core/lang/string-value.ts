/**
 * Values of literal strings and attribute names, as Nix computes them while parsing: escapes
 * resolved, indentation stripped. An attribute name is static when Nix 2.8's parser sees an
 * ExprString there, which includes `${"a"}`, `${''a''}` and even `${http://x}`.
 */
import { isNode, type SyntaxElement, type SyntaxNode } from './syntax';

/** Nix's unescapeStr: \n \r \t, any other escaped character stands for itself; CR and CR LF become LF. */
export function unescapeString(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('\r')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const d = raw[++i];
      out += d === 'n' ? '\n' : d === 'r' ? '\r' : d === 't' ? '\t' : (d ?? '');
    } else if (c === '\r') {
      out += '\n';
      if (raw[i + 1] === '\n') i++;
    } else out += c ?? '';
  }
  return out;
}

/** The significant children of a node (tokens other than its delimiters, and nodes). */
function parts(node: SyntaxNode): SyntaxElement[] {
  return node.children.filter((c) => isNode(c) || c.kind === 'STR' || c.kind === 'IND_STR');
}

/** The value of a `"…"` string without interpolation; undefined when it has any. */
export function stringValue(node: SyntaxNode, text: string): string | undefined {
  if (node.kind === 'IndString') return indStringValue(node, text);
  if (node.kind !== 'String') return undefined;
  const pieces = parts(node);
  if (pieces.length === 0) return '';
  const only = pieces[0];
  if (pieces.length !== 1 || only === undefined || isNode(only)) return undefined;
  return unescapeString(text.slice(only.start, only.end));
}

/**
 * The value of an indented string with no interpolation and a single piece (Nix 2.8 turns
 * several pieces, as in `''a$''`, into a concatenation, which is not a constant).
 */
function indStringValue(node: SyntaxNode, text: string): string | undefined {
  const pieces = parts(node);
  if (pieces.length === 0) return '';
  const only = pieces[0];
  if (pieces.length !== 1 || only === undefined || isNode(only)) return undefined;
  const raw = text.slice(only.start, only.end);
  if (raw.startsWith("''")) {
    // the escape pieces: ''$ → $, ''' → '', ''\x → unescaped x
    if (raw === "''$") return '$';
    if (raw === "'''") return "''";
    return unescapeString(raw.slice(2));
  }
  return stripIndentation(raw);
}

/** Nix's stripIndentation for a single literal piece. */
export function stripIndentation(s: string): string {
  let minIndent = Number.MAX_SAFE_INTEGER;
  let atLineStart = true;
  let indent = 0;
  for (const c of s) {
    if (atLineStart) {
      if (c === ' ') indent++;
      else if (c === '\n') indent = 0;
      else {
        atLineStart = false;
        minIndent = Math.min(minIndent, indent);
      }
    } else if (c === '\n') {
      atLineStart = true;
      indent = 0;
    }
  }
  let out = '';
  atLineStart = true;
  let dropped = 0;
  for (const c of s) {
    if (atLineStart) {
      if (c === ' ') {
        if (dropped++ >= minIndent) out += c;
      } else if (c === '\n') {
        dropped = 0;
        out += c;
      } else {
        atLineStart = false;
        dropped = 0;
        out += c;
      }
    } else {
      out += c;
      if (c === '\n') atLineStart = true;
    }
  }
  const lastNewline = out.lastIndexOf('\n');
  if (lastNewline >= 0 && /^ *$/.test(out.slice(lastNewline + 1))) out = out.slice(0, lastNewline + 1);
  return out;
}

/** Strips parentheses: Nix's parser keeps no node for them. */
export function unparen(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let current = node;
  while (current?.kind === 'Paren') {
    let inner: SyntaxNode | undefined;
    for (const child of current.children) {
      if (child.type === 'node') {
        inner = child;
        break;
      }
    }
    current = inner;
  }
  return current;
}

/**
 * The name of one attribute in an attrpath or inherit (a Name, String or Interpolation node),
 * or undefined when it is dynamic.
 */
export function attrName(node: SyntaxNode, text: string): string | undefined {
  switch (node.kind) {
    case 'Name':
      // A Name holds exactly its ID or `or` token.
      return text.slice(node.start, node.end);
    case 'String':
      return stringValue(node, text);
    case 'Interpolation': {
      const inner = unparen(node.children.find(isNode));
      if (inner === undefined) return undefined;
      if (inner.kind === 'String' || inner.kind === 'IndString') return stringValue(inner, text);
      if (inner.kind === 'Literal') {
        const token = inner.children.find((c) => !isNode(c) && c.kind === 'URI');
        return token === undefined ? undefined : text.slice(token.start, token.end);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
