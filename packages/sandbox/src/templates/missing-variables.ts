import {
  argumentsOf,
  type BlockStatement,
  type Expression,
  isEmpty,
  isHelper,
  isPath,
  isScoped,
  isSubExpression,
  type PathExpression,
  type Program,
  type Statement,
} from './ast.js';

interface Binding {
  value: unknown;
  /** Display name of the value: `lines[]`, `customer`, `` for the root. */
  name: string;
}

interface Scope extends Binding {
  blockParams: Map<string, Binding | 'present'>;
}

type Resolution = { found: true; value: unknown } | { found: false; name: string };

function join(prefix: string, parts: string[]): string {
  return [prefix, ...parts].filter((part) => part !== '').join('.');
}

function child(value: unknown, key: string): { found: boolean; value: unknown } {
  if (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    Object.hasOwn(value, key)
  ) {
    const next = (value as Record<string, unknown>)[key];
    return { found: next !== undefined, value: next };
  }
  return { found: false, value: undefined };
}

function walkParts(base: Binding, parts: string[]): Resolution {
  let value = base.value;
  for (const part of parts) {
    const next = child(value, part);
    if (!next.found) return { found: false, name: join(base.name, parts) };
    value = next.value;
  }
  if (value === undefined) return { found: false, name: join(base.name, parts) };
  return { found: true, value };
}

/**
 * Walks a template's AST against its data the way Handlebars renders it (compat mode: an unscoped name
 * is looked up in the enclosing contexts too) and collects the variables that would render blank because
 * they are absent. Only the branches that render are walked; an `#if` condition may be absent.
 */
export class MissingVariableCollector {
  readonly missing = new Set<string>();

  walk(program: Program, data: unknown): void {
    this.program(program, [{ value: data, name: '', blockParams: new Map() }]);
  }

  private resolve(path: PathExpression, stack: Scope[]): Resolution {
    const root = stack[0]!;
    if (path.data) {
      return path.parts[0] === 'root' ? walkParts(root, path.parts.slice(1)) : { found: true, value: true };
    }
    const current = stack[Math.max(0, stack.length - 1 - path.depth)]!;
    if (!isScoped(path) && path.parts.length > 0) {
      const [head, ...rest] = path.parts as [string, ...string[]];
      for (let i = stack.length - 1; i >= 0; i--) {
        const param = stack[i]!.blockParams.get(head);
        if (param === 'present') return { found: true, value: true };
        if (param) return walkParts(param, rest);
      }
      const local = walkParts(current, path.parts);
      if (local.found) return local;
      for (let i = stack.length - 2; i >= 0; i--) {
        const outer = walkParts(stack[i]!, path.parts);
        if (outer.found) return outer;
      }
      return local;
    }
    return walkParts(current, path.parts);
  }

  private expression(node: Expression, stack: Scope[]): void {
    if (isSubExpression(node)) {
      for (const argument of argumentsOf(node)) this.expression(argument, stack);
    } else if (isPath(node)) {
      const result = this.resolve(node, stack);
      if (!result.found) this.missing.add(result.name);
    }
  }

  private program(program: Program | undefined, stack: Scope[]): void {
    for (const statement of program?.body ?? []) this.statement(statement, stack);
  }

  private statement(statement: Statement, stack: Scope[]): void {
    if (statement.type === 'MustacheStatement') {
      const mustache = statement as hbs.AST.MustacheStatement;
      if (isPath(mustache.path) && !isHelper(mustache.path)) this.expression(mustache.path, stack);
      for (const argument of argumentsOf(mustache)) this.expression(argument, stack);
    } else if (statement.type === 'BlockStatement') {
      this.block(statement as BlockStatement, stack);
    }
  }

  private push(stack: Scope[], binding: Binding, params: string[] = [], index?: boolean): Scope[] {
    const blockParams = new Map<string, Binding | 'present'>();
    if (params[0]) blockParams.set(params[0], binding);
    if (params[1] && index) blockParams.set(params[1], 'present');
    return [...stack, { ...binding, blockParams }];
  }

  private iterate(block: BlockStatement, stack: Scope[], value: unknown, name: string): void {
    const params = block.program.blockParams ?? [];
    if (Array.isArray(value)) {
      for (const element of value)
        this.program(block.program, this.push(stack, { value: element, name: `${name}[]` }, params, true));
      return;
    }
    for (const [key, element] of Object.entries(value as object)) {
      this.program(
        block.program,
        this.push(stack, { value: element, name: join(name, [key]) }, params, true),
      );
    }
  }

  private block(block: BlockStatement, stack: Scope[]): void {
    const helper = isHelper(block.path) ? block.path.parts[0] : undefined;
    const [first] = block.params;
    const subject = first && isPath(first) ? first : undefined;
    const resolved = subject ? this.resolve(subject, stack) : undefined;
    const value = resolved?.found ? resolved.value : undefined;

    if (helper === 'if' || helper === 'unless') {
      const truthy = !(!value || isEmpty(value));
      this.program(truthy === (helper === 'if') ? block.program : block.inverse, stack);
      return;
    }
    if (helper === undefined) {
      // A Mustache section: `{{#lines}}` iterates, `{{#customer}}` enters, `{{#flag}}` tests.
      const section = this.resolve(block.path, stack);
      const sectionValue = section.found ? section.value : undefined;
      if (sectionValue === true) this.program(block.program, stack);
      else if (sectionValue === false || sectionValue === undefined || sectionValue === null)
        this.program(block.inverse, stack);
      else if (Array.isArray(sectionValue))
        this.iterate(block, stack, sectionValue, this.nameOf(block.path, stack));
      else
        this.program(
          block.program,
          this.push(stack, { value: sectionValue, name: this.nameOf(block.path, stack) }),
        );
      return;
    }
    for (const argument of argumentsOf(block)) this.expression(argument, stack);
    if (helper === 'each' && subject) {
      const entries = value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
      if (entries === 0) this.program(block.inverse, stack);
      else this.iterate(block, stack, value, this.nameOf(subject, stack));
    } else if (helper === 'with' && subject) {
      if (isEmpty(value)) this.program(block.inverse, stack);
      else
        this.program(
          block.program,
          this.push(stack, { value, name: this.nameOf(subject, stack) }, block.program.blockParams),
        );
    } else {
      this.program(block.program, stack);
      this.program(block.inverse, stack);
    }
  }

  /** The display name of the value a path points at, relative to the scope it resolves in. */
  private nameOf(path: PathExpression, stack: Scope[]): string {
    if (path.data) return path.parts[0] === 'root' ? join('', path.parts.slice(1)) : path.original;
    const current = stack[Math.max(0, stack.length - 1 - path.depth)]!;
    if (!isScoped(path) && path.parts.length > 0) {
      const head = path.parts[0]!;
      for (let i = stack.length - 1; i >= 0; i--) {
        const param = stack[i]!.blockParams.get(head);
        if (param && param !== 'present') return join(param.name, path.parts.slice(1));
      }
      if (!walkParts(current, path.parts).found) {
        for (let i = stack.length - 2; i >= 0; i--) {
          if (walkParts(stack[i]!, path.parts).found) return join(stack[i]!.name, path.parts);
        }
      }
    }
    return join(current.name, path.parts);
  }
}
