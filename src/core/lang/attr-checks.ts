/**
 * The checks Nix's parser makes on bindings, replicated from Nix 2.8's parser.y (`addAttr`,
 * the inherit rules, `toFormals`):
 * - an attribute defined twice is an error, except that `a.b = 1; a.c = 2;` and `a = { b = 1; };
 *   a.c = 2;` build one set: a dotted path walks into a set made by an earlier path or written
 *   as a literal (`rec` or not, parentheses ignored), and two literals for the same name merge
 *   one level deep (`a = { b = 1; }; a = { c = 2; };` is fine, `a = { b.x = 1; }; a = { b.y = 2; };`
 *   is not). Inherited names never merge.
 * - `let` cannot define a dynamic attribute (`${x} = …` as the first name of a path),
 *   `inherit` cannot name one.
 * - a formal argument named twice, or the same as the `@` name, is an error.
 */
import type { ParserState } from './parser-state';
import { attrName, unparen } from './string-value';
import { isNode, type SyntaxNode } from './syntax';

type Entry =
  | { readonly kind: 'attrs'; readonly attrs: AttrMap; readonly at: SyntaxNode }
  | { readonly kind: 'value'; readonly inherited: boolean; readonly at: SyntaxNode };
type AttrMap = Map<string, Entry>;

/** Checks the sets, lets and lambdas in `p.scopeNodes`, inner ones first (as Nix's parser does:
 * a literal set's attributes are known before it is merged anywhere). */
export function checkAttributes(text: string, p: ParserState): void {
  const maps = new Map<SyntaxNode, AttrMap>();
  for (const node of p.scopeNodes) {
    if (node.kind === 'Lambda') checkFormals(node, text, p);
    else maps.set(node, new SetChecker(text, p, maps).check(node));
  }
}

class SetChecker {
  constructor(
    private readonly text: string,
    private readonly p: ParserState,
    private readonly maps: ReadonlyMap<SyntaxNode, AttrMap>,
  ) {}

  check(set: SyntaxNode): AttrMap {
    const attrs: AttrMap = new Map();
    for (const child of set.children) {
      if (!isNode(child)) continue;
      if (child.kind === 'Binding') this.binding(attrs, child, set.kind === 'LetIn');
      else if (child.kind === 'Inherit') this.inherit(attrs, child);
    }
    return attrs;
  }

  private inherit(attrs: AttrMap, node: SyntaxNode): void {
    const from = node.children.some((c) => isNode(c) && c.kind === 'Paren');
    for (const child of node.children) {
      if (!isNode(child) || child.kind === 'Paren' || child.kind === 'Error') continue;
      const name = attrName(child, this.text);
      if (name === undefined) {
        this.p.report('dynamic-attribute', 'An inherited attribute must have a fixed name, not an interpolation.', child.start, child.end);
        continue;
      }
      const previous = attrs.get(name);
      if (previous !== undefined) this.duplicate(name, child, previous.at);
      // Nix 2.8 marks only plain `inherit x` as inherited; `inherit (e) x` is a select.
      else attrs.set(name, { kind: 'value', inherited: !from, at: child });
    }
  }

  private binding(attrs: AttrMap, node: SyntaxNode, inLet: boolean): void {
    // Plain loops: this runs for every binding of large files.
    let path: SyntaxNode | undefined;
    let value: SyntaxNode | undefined;
    for (const child of node.children) {
      if (child.type !== 'node') continue;
      if (child.kind === 'AttrPath') path = child;
      else if (child.kind !== 'Error' && value === undefined) value = unparen(child);
    }
    if (path === undefined) return;
    const names: SyntaxNode[] = [];
    for (const child of path.children) if (child.type === 'node') names.push(child);
    const first = names[0];
    if (first === undefined) return;
    if (inLet && attrName(first, this.text) === undefined) {
      this.p.report('dynamic-attribute', '`let` cannot define an attribute with an interpolated name.', first.start, first.end);
      return;
    }
    let current: AttrMap | undefined = attrs;
    for (let i = 0; i < names.length; i++) {
      const part = names[i];
      if (part === undefined || current === undefined) return;
      const name = attrName(part, this.text);
      const last = i === names.length - 1;
      if (name === undefined) {
        // A dynamic name: what it holds cannot clash with anything known here.
        current = last ? undefined : new Map();
        continue;
      }
      const previous = current.get(name);
      if (!last) {
        if (previous === undefined) {
          const nested: AttrMap = new Map();
          current.set(name, { kind: 'attrs', attrs: nested, at: path });
          current = nested;
        } else if (previous.kind === 'attrs') current = previous.attrs;
        else return this.duplicate(this.showPath(names), path, previous.at);
        continue;
      }
      const valueAttrs = value?.kind === 'AttrSet' ? this.maps.get(value) : undefined;
      if (previous === undefined) {
        current.set(name, valueAttrs === undefined ? { kind: 'value', inherited: false, at: path } : { kind: 'attrs', attrs: valueAttrs, at: path });
      } else if (previous.kind === 'attrs' && valueAttrs !== undefined) {
        for (const [key, entry] of valueAttrs) {
          const clash = previous.attrs.get(key);
          if (clash !== undefined) this.duplicate(key, entry.at, clash.at);
          else previous.attrs.set(key, entry);
        }
      } else this.duplicate(this.showPath(names), path, previous.at);
    }
  }

  private showPath(names: readonly SyntaxNode[]): string {
    return names.map((n) => attrName(n, this.text) ?? this.text.slice(n.start, n.end)).join('.');
  }

  private duplicate(name: string, at: SyntaxNode, previous: SyntaxNode): void {
    this.p.report('duplicate-attribute', `Attribute '${name}' is already defined${this.where(previous)}.`, at.start, at.end);
  }

  private where(node: SyntaxNode): string {
    let line = 1;
    for (let i = node.start - 1; i >= 0; i--) if (this.text.charCodeAt(i) === 10) line++;
    return ` on line ${line}`;
  }
}

function checkFormals(lambda: SyntaxNode, text: string, p: ParserState): void {
  const formals = lambda.children.find((c): c is SyntaxNode => isNode(c) && c.kind === 'Formals');
  if (formals === undefined) return;
  const seen = new Set<string>();
  for (const formal of formals.children) {
    if (!isNode(formal) || formal.kind !== 'Formal') continue;
    const id = formal.children[0];
    if (id === undefined || isNode(id)) continue;
    const name = text.slice(id.start, id.end);
    if (seen.has(name)) p.report('duplicate-formal', `The function argument '${name}' is listed twice.`, id.start, id.end);
    seen.add(name);
  }
  const at = lambda.children.find((c) => !isNode(c) && c.kind === 'ID');
  if (at !== undefined && seen.has(text.slice(at.start, at.end))) {
    const name = text.slice(at.start, at.end);
    p.report('duplicate-formal', `The argument set is named '${name}', like one of its attributes.`, at.start, at.end);
  }
}
