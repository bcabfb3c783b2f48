import type { ArithOp, CompareOp, Expr } from "./selectorAst";
import { staticType } from "./selectorAst";
import { SelectorSyntaxError, tokenize, type Token } from "./selectorLexer";

/**
 * Recursive-descent parser for JMS selectors. Precedence, lowest first:
 *   OR < AND < NOT < comparison (= <> < > <= >= BETWEEN LIKE IN IS NULL) < + - < * / < unary +-
 * Throws SelectorSyntaxError naming the column and what was expected.
 */
export function parseSelector(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}

const COMPARE_OPS = new Set(["=", "<>", "<", ">", "<=", ">="]);

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  parseAll(): Expr {
    const e = this.orExpr();
    const t = this.peek();
    if (t.kind !== "eof") throw this.unexpected(t, "an operator or end of selector");
    this.requireBoolean(e, "the selector");
    return e;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "keyword" && t.value === word;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.value === op;
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.unexpected(this.peek(), word);
    return this.next();
  }

  private expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.unexpected(this.peek(), `'${op}'`);
    return this.next();
  }

  private unexpected(t: Token, expected: string): SelectorSyntaxError {
    return new SelectorSyntaxError(t.col, `expected ${expected} but found ${describe(t)}`);
  }

  private requireBoolean(e: Expr, what: string): void {
    const t = staticType(e);
    if (t !== "boolean" && t !== "any") {
      throw new SelectorSyntaxError(e.col, `${what} must be a condition, not a ${t} value`);
    }
  }

  private requireNumeric(e: Expr, what: string): void {
    const t = staticType(e);
    if (t !== "number" && t !== "any") {
      throw new SelectorSyntaxError(e.col, `${what} needs a number, not a ${t} value`);
    }
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isKeyword("OR")) {
      const op = this.next();
      const right = this.andExpr();
      this.requireBoolean(left, "the left side of OR");
      this.requireBoolean(right, "the right side of OR");
      left = { kind: "or", left, right, col: op.col };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isKeyword("AND")) {
      const op = this.next();
      const right = this.notExpr();
      this.requireBoolean(left, "the left side of AND");
      this.requireBoolean(right, "the right side of AND");
      left = { kind: "and", left, right, col: op.col };
    }
    return left;
  }

  private notExpr(): Expr {
    if (this.isKeyword("NOT")) {
      const op = this.next();
      const operand = this.notExpr();
      this.requireBoolean(operand, "NOT");
      return { kind: "not", operand, col: op.col };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === "op" && COMPARE_OPS.has(t.value)) {
      this.next();
      const right = this.additive();
      const op = t.value as CompareOp;
      const lt = staticType(left);
      const rt = staticType(right);
      if (lt !== "any" && rt !== "any" && lt !== rt) {
        throw new SelectorSyntaxError(t.col, `cannot compare a ${lt} with a ${rt} using ${op}`);
      }
      if (op !== "=" && op !== "<>" && (lt === "boolean" || rt === "boolean")) {
        throw new SelectorSyntaxError(t.col, `${op} cannot order boolean values (only = and <>)`);
      }
      return { kind: "compare", op, left, right, col: t.col };
    }
    if (t.kind === "keyword" && t.value === "IS") {
      this.next();
      const negated = this.isKeyword("NOT");
      if (negated) this.next();
      this.expectKeyword("NULL");
      return { kind: "isNull", negated, value: left, col: t.col };
    }
    let negated = false;
    if (t.kind === "keyword" && t.value === "NOT") {
      const after = this.tokens[this.pos + 1]!;
      if (after.kind === "keyword" && (after.value === "BETWEEN" || after.value === "LIKE" || after.value === "IN")) {
        this.next();
        negated = true;
      } else {
        throw this.unexpected(after, "BETWEEN, LIKE or IN after NOT");
      }
    }
    const k = this.peek();
    if (k.kind === "keyword" && k.value === "BETWEEN") {
      this.next();
      this.requireNumeric(left, "BETWEEN");
      const low = this.additive();
      this.requireNumeric(low, "BETWEEN");
      this.expectKeyword("AND");
      const high = this.additive();
      this.requireNumeric(high, "BETWEEN");
      return { kind: "between", negated, value: left, low, high, col: k.col };
    }
    if (k.kind === "keyword" && k.value === "LIKE") {
      this.next();
      this.requireString(left, "LIKE");
      const p = this.next();
      if (p.kind !== "string") throw this.unexpected(p, "a string literal pattern after LIKE");
      let escape: string | undefined;
      if (this.isKeyword("ESCAPE")) {
        this.next();
        const e = this.next();
        if (e.kind !== "string") throw this.unexpected(e, "a string literal after ESCAPE");
        if (e.value.length !== 1) throw new SelectorSyntaxError(e.col, "ESCAPE must be exactly one character");
        escape = e.value;
      }
      return { kind: "like", negated, value: left, pattern: p.value, escape, col: k.col };
    }
    if (k.kind === "keyword" && k.value === "IN") {
      this.next();
      this.expectOp("(");
      const list: Array<string | number> = [];
      for (;;) {
        const item = this.next();
        if (item.kind === "string") list.push(item.value);
        else if (item.kind === "number") list.push(item.num);
        else if (item.kind === "op" && item.value === "-" && this.peek().kind === "number") list.push(-this.next().num);
        else throw this.unexpected(item, "a string or number literal in the IN list");
        if (this.isOp(",")) {
          this.next();
          continue;
        }
        this.expectOp(")");
        break;
      }
      return { kind: "in", negated, value: left, list, col: k.col };
    }
    if (negated) throw this.unexpected(k, "BETWEEN, LIKE or IN");
    return left;
  }

  private requireString(e: Expr, what: string): void {
    const t = staticType(e);
    if (t !== "string" && t !== "any") throw new SelectorSyntaxError(e.col, `${what} needs a string, not a ${t} value`);
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || (t.value !== "+" && t.value !== "-")) return left;
      this.next();
      const right = this.multiplicative();
      this.requireNumeric(left, `'${t.value}'`);
      this.requireNumeric(right, `'${t.value}'`);
      left = { kind: "arith", op: t.value as ArithOp, left, right, col: t.col };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || (t.value !== "*" && t.value !== "/")) return left;
      this.next();
      const right = this.unary();
      this.requireNumeric(left, `'${t.value}'`);
      this.requireNumeric(right, `'${t.value}'`);
      left = { kind: "arith", op: t.value as ArithOp, left, right, col: t.col };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.next();
      const operand = this.unary();
      this.requireNumeric(operand, `unary '${t.value}'`);
      if (t.value === "+") return operand;
      // Fold negative literals so `-5` is a literal (and usable in IN lists and comparisons).
      if (operand.kind === "literal" && typeof operand.value === "number") return { kind: "literal", value: -operand.value, col: t.col };
      return { kind: "neg", operand, col: t.col };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "number":
        return { kind: "literal", value: t.num, col: t.col };
      case "string":
        return { kind: "literal", value: t.value, col: t.col };
      case "ident":
        return { kind: "ident", name: t.value, col: t.col };
      case "keyword":
        if (t.value === "TRUE" || t.value === "FALSE") return { kind: "literal", value: t.value === "TRUE", col: t.col };
        break;
      case "op":
        if (t.value === "(") {
          const e = this.orExpr();
          this.expectOp(")");
          return e;
        }
        break;
      default:
        break;
    }
    throw this.unexpected(t, "a value, header name or '('");
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of selector";
    case "string":
      return `string '${t.value}'`;
    case "number":
      return `number ${t.value}`;
    case "ident":
      return `identifier '${t.value}'`;
    default:
      return `'${t.value}'`;
  }
}
