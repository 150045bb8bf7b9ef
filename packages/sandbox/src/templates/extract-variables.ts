import {
  argumentsOf,
  type BlockStatement,
  type Expression,
  isHelper,
  isPath,
  isSubExpression,
  type PathExpression,
  type Program,
  type Statement,
} from './ast.js';
import { parseTemplate } from './parse-template.js';
import type { TemplatePart } from './template-render-error.js';

interface Scope {
  name: string;
  blockParams: Map<string, string | undefined>;
}

function join(prefix: string, parts: string[]): string {
  return [prefix, ...parts].filter((part) => part !== '').join('.');
}

class VariableExtractor {
  readonly found: string[] = [];

  program(program: Program | undefined, stack: Scope[]): void {
    for (const statement of program?.body ?? []) this.statement(statement, stack);
  }

  private nameOf(path: PathExpression, stack: Scope[]): string | undefined {
    if (path.data) return path.parts[0] === 'root' ? join('', path.parts.slice(1)) : undefined;
    const [head, ...rest] = path.parts;
    if (head !== undefined && path.depth === 0 && !/^(\.|this\b)/.test(path.original)) {
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i]!.blockParams.has(head)) {
          const bound = stack[i]!.blockParams.get(head);
          return bound === undefined ? undefined : join(bound, rest);
        }
      }
    }
    return join(stack[Math.max(0, stack.length - 1 - path.depth)]!.name, path.parts);
  }

  private record(path: PathExpression, stack: Scope[]): string | undefined {
    const name = this.nameOf(path, stack);
    if (name) this.found.push(name);
    return name;
  }

  private expression(node: Expression, stack: Scope[]): void {
    if (isSubExpression(node)) for (const argument of argumentsOf(node)) this.expression(argument, stack);
    else if (isPath(node)) this.record(node, stack);
  }

  private statement(statement: Statement, stack: Scope[]): void {
    if (statement.type === 'MustacheStatement') {
      const mustache = statement as hbs.AST.MustacheStatement;
      if (isPath(mustache.path) && !isHelper(mustache.path)) this.record(mustache.path, stack);
      for (const argument of argumentsOf(mustache)) this.expression(argument, stack);
    } else if (statement.type === 'BlockStatement') {
      this.block(statement as BlockStatement, stack);
    }
  }

  private enter(stack: Scope[], name: string, params: string[] | undefined, iterates: boolean): Scope[] {
    const blockParams = new Map<string, string | undefined>();
    if (params?.[0]) blockParams.set(params[0], name);
    if (params?.[1] && iterates) blockParams.set(params[1], undefined);
    return [...stack, { name, blockParams }];
  }

  private block(block: BlockStatement, stack: Scope[]): void {
    const helper = isHelper(block.path) ? block.path.parts[0] : undefined;
    const [first] = block.params;
    const params = block.program.blockParams;
    if (helper === undefined) {
      // A Mustache section is taken to be a list, the common case (`{{#lines}}...{{/lines}}`).
      const name = this.record(block.path, stack) ?? '';
      this.program(block.program, this.enter(stack, `${name}[]`, params, true));
      this.program(block.inverse, stack);
      return;
    }
    for (const argument of argumentsOf(block)) this.expression(argument, stack);
    const subject = first && isPath(first) ? this.nameOf(first, stack) : undefined;
    if ((helper === 'each' || helper === 'with') && subject !== undefined) {
      const inner = helper === 'each' ? `${subject}[]` : subject;
      this.program(block.program, this.enter(stack, inner, params, helper === 'each'));
    } else {
      this.program(block.program, stack);
    }
    this.program(block.inverse, stack);
  }
}

export interface TemplateSources {
  subject?: string;
  html?: string;
  text?: string;
}

/**
 * The variables a template reads, for the Template's `variables` field: `orderNo`, `customer.name`,
 * `lines[].name` (inside `{{#each lines}}`). Takes one source or a template's parts. Containers are
 * left out when their members are listed. Throws `TemplateRenderError` on a syntax error.
 */
export function extractVariables(source: string | TemplateSources): string[] {
  const parts: Array<[TemplatePart, string | undefined]> =
    typeof source === 'string'
      ? [['html', source]]
      : [
          ['subject', source.subject],
          ['html', source.html],
          ['text', source.text],
        ];
  const extractor = new VariableExtractor();
  for (const [part, text] of parts) {
    if (text !== undefined)
      extractor.program(parseTemplate(text, part), [{ name: '', blockParams: new Map() }]);
  }
  const unique = [...new Set(extractor.found)];
  return unique.filter(
    (name) =>
      !unique.some(
        (other) => other !== name && (other.startsWith(`${name}.`) || other.startsWith(`${name}[]`)),
      ),
  );
}
