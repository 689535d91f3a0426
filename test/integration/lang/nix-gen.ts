/**
 * A seeded random generator of Nix expressions from the grammar, for the differential test.
 * It mostly writes valid Nix but, on purpose and at a low rate, uses unbound names, defines
 * attributes twice, and picks spacings where lexing is subtle (`a/b` vs `a / b`, `x:x`).
 * Every production it uses is counted, so the test can show what it exercised.
 *
 * Never generated (deliberate differences from Nix 2.8, kept out of the comparison): the pipe
 * operators `|>` and `<|`, builtins newer than 2.8, nesting deeper than the parser's limit,
 * non-ASCII text and NUL bytes.
 */

import { genIndString, genNumber, genPath, genString, type GeneratorHost } from './nix-gen-literals';
import type { Rng } from './seeded-rng';

export { Rng } from './seeded-rng';

const NAMES = ['a', 'b', 'c', 'x', 'y', 'f', 'pkgs', 'lib', 'self', 'foo-bar', "x'", '_y'];
const UNBOUND = ['zz', 'undefinedThing', 'q'];
const GLOBALS = ['true', 'false', 'null', 'map', 'toString', 'builtins', 'import', 'throw', 'derivation', '__curPos', 'baseNameOf', 'isNull'];
const ATTRS = ['a', 'b', 'c', 'out', 'enable', 'system', 'or', 'x-y', 'inherit2'];
/** First names of bindings: more of them, so that only some repeats are chance. */
const BINDING_NAMES = [...ATTRS, 'd', 'e', 'src', 'name', 'meta', 'config', 'options', 'imports', 'version'];
const BINOPS = ['->', '||', '&&', '==', '!=', '<', '>', '<=', '>=', '//', '+', '-', '*', '/', '++'];

export class NixGenerator implements GeneratorHost {
  readonly counts = new Map<string, number>();
  depth = 0;

  constructor(readonly rng: Rng) {}

  count(production: string): void {
    this.counts.set(production, (this.counts.get(production) ?? 0) + 1);
  }

  private ws(): string {
    const r = this.rng.int(20);
    if (r < 12) return ' ';
    if (r < 15) return '\n  ';
    if (r < 17) return '';
    if (r < 18) {
      this.count('comment-line');
      return ' # note\n';
    }
    if (r < 19) {
      this.count('comment-block');
      return ' /* c */ ';
    }
    return '\t';
  }

  /** A whole expression with `scope` the names bound around it. */
  expr(scope: readonly string[] = []): string {
    this.depth++;
    try {
      if (this.depth > 5) return this.simple(scope);
      const r = this.rng.int(100);
      if (r < 6) return this.lambda(scope);
      if (r < 10) return this.formalsLambda(scope);
      if (r < 16) return this.letIn(scope);
      if (r < 18) return this.withExpr(scope);
      if (r < 20) return this.assertExpr(scope);
      if (r < 24) return this.ifExpr(scope);
      return this.op(scope);
    } finally {
      this.depth--;
    }
  }

  private fresh(): string {
    return this.rng.pick(NAMES);
  }

  /** A name not in `taken` (a repeat is made on purpose elsewhere, at a low rate). */
  private freshExcept(taken: readonly string[]): string {
    const free = NAMES.filter((n) => !taken.includes(n));
    return free.length > 0 ? this.rng.pick(free) : this.fresh();
  }

  private lambda(scope: readonly string[]): string {
    this.count('lambda-ident');
    const name = this.fresh();
    const sep = this.rng.chance(0.8) ? ': ' : ':';
    if (sep === ':') this.count('lambda-no-space');
    return `${name}${sep}${this.expr([...scope, name])}`;
  }

  private formalsLambda(scope: readonly string[]): string {
    const n = this.rng.int(4);
    const names: string[] = [];
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const name = this.rng.chance(0.03) && names.length > 0 ? this.rng.pick(names) : this.freshExcept(names);
      names.push(name);
      if (this.rng.chance(0.3)) {
        this.count('formal-default');
        parts.push(`${name} ? ${this.exprIn(scope, 3)}`);
      } else parts.push(name);
    }
    if (this.rng.chance(0.4)) {
      this.count('formals-ellipsis');
      parts.push('...');
    }
    const trailingComma = parts.length > 0 && parts[parts.length - 1] !== '...' && this.rng.chance(0.1);
    let head = `{ ${parts.join(', ')}${trailingComma ? ',' : ''} }`;
    const r = this.rng.int(4);
    if (r === 0) {
      this.count('lambda-at-after');
      const at = this.freshExcept(names);
      names.push(at);
      head = `${head}@${at}`;
    } else if (r === 1) {
      this.count('lambda-at-before');
      const at = this.freshExcept(names);
      names.push(at);
      head = `${at} @ ${head}`;
    } else this.count('lambda-formals');
    return `${head}:${this.ws()}${this.expr([...scope, ...names])}`;
  }

  private exprIn(scope: readonly string[], extraDepth: number): string {
    this.depth += extraDepth;
    try {
      return this.expr(scope);
    } finally {
      this.depth -= extraDepth;
    }
  }

  private letIn(scope: readonly string[]): string {
    this.count('let-in');
    const { text, names } = this.binds([...scope], true);
    const inner = [...scope, ...names];
    return `let${this.ws()}${text} in${this.ws()}${this.expr(inner)}`;
  }

  private withExpr(scope: readonly string[]): string {
    this.count('with');
    return `with ${this.simple(scope)};${this.ws()}${this.expr([...scope, '*with'])}`;
  }

  private assertExpr(scope: readonly string[]): string {
    this.count('assert');
    return `assert ${this.op(scope)};${this.ws()}${this.expr(scope)}`;
  }

  private ifExpr(scope: readonly string[]): string {
    this.count('if');
    return `if ${this.expr(scope)} then ${this.expr(scope)} else ${this.expr(scope)}`;
  }

  private op(scope: readonly string[]): string {
    const r = this.rng.int(100);
    if (r < 30 || this.depth > 4) return this.app(scope);
    if (r < 40) {
      const unary = this.rng.pick(['!', '-']);
      this.count(`unary ${unary}`);
      return `${unary}${this.rng.chance(0.5) ? '' : ' '}${this.opOperand(scope)}`;
    }
    if (r < 50) {
      this.count('has-attr ?');
      return `${this.opOperand(scope)} ? ${this.attrPath(scope)}`;
    }
    const op = this.rng.pick(BINOPS);
    this.count(`binary ${op}`);
    // No spaces around '/' and '-' on purpose at times: `a/b` is a path, `a-b` an identifier.
    const tight = this.rng.chance(0.15);
    if (tight) this.count('binary without spaces');
    const sp = tight ? '' : ' ';
    return `${this.opOperand(scope)}${sp}${op}${sp}${this.opOperand(scope)}`;
  }

  private opOperand(scope: readonly string[]): string {
    this.depth++;
    try {
      return this.rng.chance(0.3) ? this.op(scope) : this.app(scope);
    } finally {
      this.depth--;
    }
  }

  private app(scope: readonly string[]): string {
    if (this.rng.chance(0.8)) return this.select(scope);
    this.count('application');
    const n = 1 + this.rng.int(2);
    let s = this.select(scope);
    for (let i = 0; i < n; i++) s += ` ${this.select(scope)}`;
    return s;
  }

  private select(scope: readonly string[]): string {
    const r = this.rng.int(100);
    if (r < 75) return this.simple(scope);
    if (r < 90) {
      this.count('select');
      return `${this.simple(scope)}.${this.attrPath(scope)}`;
    }
    if (r < 99 || this.rng.chance(0.9)) {
      this.count('select-or-default');
      return `${this.simple(scope)}.${this.attrPath(scope)} or ${this.simple(scope)}`;
    }
    this.count('legacy-or-application');
    return `${this.simple(scope)} or`;
  }

  private attrPath(scope: readonly string[]): string {
    const n = 1 + this.rng.int(3);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.attr(scope));
    return parts.join('.');
  }

  private attr(scope: readonly string[]): string {
    const r = this.rng.int(100);
    if (r < 75) return this.rng.pick(ATTRS);
    if (r < 88) {
      this.count('attr-quoted');
      return `"${this.rng.pick(ATTRS)}${this.rng.chance(0.2) ? '\\n' : ''}"`;
    }
    if (r < 96) {
      this.count('attr-interpolated-static');
      return this.rng.chance(0.5) ? `\${"${this.rng.pick(ATTRS)}"}` : `\${''${this.rng.pick(ATTRS)}''}`;
    }
    this.count('attr-interpolated');
    return `\${${this.simple(scope)}}`;
  }

  /** Bindings of a set or let; returns the names defined at the top level. */
  private binds(scope: string[], isLet: boolean): { text: string; names: string[] } {
    const n = this.rng.int(4) + (isLet ? 1 : 0);
    const names: string[] = [];
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.rng.int(100);
      if (r < 12) {
        this.count('inherit');
        const k = 1 + this.rng.int(2);
        const inh: string[] = [];
        for (let j = 0; j < k; j++) {
          const pool = scope.filter((s) => s !== '*with' && !names.includes(s) && !inh.includes(s)).concat(GLOBALS.slice(0, 3).filter((g) => !inh.includes(g) && !names.includes(g)));
          if (pool.length > 0) inh.push(this.rng.chance(0.98) ? this.rng.pick(pool) : this.rng.pick(UNBOUND));
        }
        if (inh.length === 0) continue;
        names.push(...inh);
        out.push(`inherit ${inh.join(' ')};`);
      } else if (r < 20) {
        this.count('inherit-from');
        const k = 1 + this.rng.int(2);
        const inh: string[] = [];
        for (let j = 0; j < k; j++) {
          const pool = ATTRS.filter((a) => !names.includes(a) && !inh.includes(a));
          if (pool.length > 0) inh.push(this.rng.pick(pool));
        }
        if (inh.length === 0) continue;
        names.push(...inh);
        out.push(`inherit (${this.simple(scope)}) ${inh.join(' ')};`);
      } else {
        // Repeat an earlier name now and then: Nix merges some repeats and rejects others.
        const repeat = names.length > 0 && this.rng.chance(0.05);
        const unused = BINDING_NAMES.filter((n) => !names.includes(n));
        const first = repeat || unused.length === 0 ? this.rng.pick(names.length > 0 ? names : BINDING_NAMES) : this.rng.pick(unused);
        if (repeat) this.count('binding-repeated-name');
        const dotted = this.rng.chance(0.35);
        const path = dotted ? `${first}.${this.attrPath(scope)}` : first;
        if (dotted) this.count('binding-dotted');
        const value = this.rng.chance(0.2) ? this.attrSet(scope) : this.expr(scope);
        names.push(first);
        out.push(`${path} =${this.ws()}${value};`);
      }
    }
    return { text: out.join(this.ws()), names };
  }

  private attrSet(scope: readonly string[]): string {
    const rec = this.rng.chance(0.25);
    this.count(rec ? 'attrset-rec' : 'attrset');
    this.depth++;
    try {
      const { text, names } = this.binds([...scope], false);
      void names;
      return `${rec ? 'rec ' : ''}{${this.ws()}${text}${this.ws()}}`;
    } finally {
      this.depth--;
    }
  }

  /** expr_simple */
  simple(scope: readonly string[]): string {
    const r = this.rng.int(100);
    if (r < 22) return this.variable(scope);
    if (r < 30) return genNumber(this);
    if (r < 40) return genString(this, scope);
    if (r < 46) return genIndString(this, scope);
    if (r < 54) return genPath(this, scope);
    if (r < 56) {
      this.count('uri');
      return this.rng.pick(['http://example.org/x?y=1', 'a:b', 'git+ssh://git@host/repo.git', 'x:x']);
    }
    if (r < 68 && this.depth < 6) {
      this.count('paren');
      this.depth++;
      try {
        return `(${this.expr(scope)})`;
      } finally {
        this.depth--;
      }
    }
    if (r < 80 && this.depth < 6) return this.attrSet(scope);
    if (r < 83 && this.depth < 6) {
      this.count('let-legacy');
      this.depth++;
      try {
        const { text, names } = this.binds([...scope], false);
        const inner = [...scope, ...names, 'body'];
        return `let { ${text} body = ${this.simple(inner)}; }`;
      } finally {
        this.depth--;
      }
    }
    if (r < 92 && this.depth < 6) {
      this.count('list');
      this.depth++;
      try {
        const n = this.rng.int(4);
        const items: string[] = [];
        for (let i = 0; i < n; i++) items.push(this.select(scope));
        return `[${items.map((s) => ` ${s}`).join('')} ]`;
      } finally {
        this.depth--;
      }
    }
    return this.variable(scope);
  }

  private variable(scope: readonly string[]): string {
    const bound = scope.filter((s) => s !== '*with');
    const r = this.rng.int(100);
    if (r < 70 && bound.length > 0) {
      this.count('variable-bound');
      return this.rng.pick(bound);
    }
    if (r < 99) {
      this.count('variable-global');
      return this.rng.pick(GLOBALS);
    }
    this.count(scope.includes('*with') ? 'variable-under-with' : 'variable-unbound');
    return this.rng.pick(UNBOUND);
  }



}
