import { handlebars } from './helpers.js';

export type Program = hbs.AST.Program;
export type Statement = hbs.AST.Statement;
export type Expression = hbs.AST.Expression;
export type PathExpression = hbs.AST.PathExpression;
export type BlockStatement = hbs.AST.BlockStatement;
export type MustacheStatement = hbs.AST.MustacheStatement;
export type SubExpression = hbs.AST.SubExpression;

export function isPath(node: Expression): node is PathExpression {
  return node.type === 'PathExpression';
}

export function isSubExpression(node: Expression): node is SubExpression {
  return node.type === 'SubExpression';
}

/** `this.x`, `./x` and `../x` are scoped: never a helper, never looked up in parent contexts. */
export function isScoped(path: PathExpression): boolean {
  return /^(\.|this\b)/.test(path.original) || path.depth > 0;
}

/** Whether Handlebars would call a helper for this path (`{{currency total}}`, `{{#each lines}}`). */
export function isHelper(path: PathExpression): boolean {
  return (
    !path.data &&
    !isScoped(path) &&
    path.parts.length === 1 &&
    Object.hasOwn(handlebars.helpers, path.parts[0]!)
  );
}

/** The expressions a statement passes to a helper: params, hash values. */
export function argumentsOf(node: { params: Expression[]; hash?: hbs.AST.Hash }): Expression[] {
  return [...node.params, ...(node.hash?.pairs.map((pair) => pair.value) ?? [])];
}

/** Handlebars' `Utils.isEmpty`: falsy values except 0, and empty arrays. */
export function isEmpty(value: unknown): boolean {
  return (!value && value !== 0) || (Array.isArray(value) && value.length === 0);
}
