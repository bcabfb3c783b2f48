import type { CompileResult, HeaderLookup, Selector, SqlValue } from "./Selector";
import type { Expr } from "./selectorAst";
import { parseSelector } from "./selectorParser";
import { SelectorSyntaxError } from "./selectorLexer";
import { fromHeader, likeToRegExp, sqlCompare, sqlEquals, toBool, toNumber } from "./sqlValues";
import { jmsHeaderReader } from "./jmsHeaderMap";

type Eval = (h: HeaderLookup) => SqlValue;

/**
 * Compiles a JMS message selector (SQL-92 conditional subset, JMS 1.1 3.8.1) once into a tree
 * of closures, so that evaluating it per message does no parsing and no dispatch on node kinds.
 * SQL three-valued logic: a missing header is UNKNOWN, and UNKNOWN is not selected.
 * An empty or blank selector selects everything (ActiveMQ treats it as "no selector").
 */
export function compileSelector(text: string): CompileResult {
  if (text.trim() === "") return { ok: true, selector: () => true };
  let ast: Expr;
  try {
    ast = parseSelector(text);
  } catch (err) {
    if (err instanceof SelectorSyntaxError) return { ok: false, error: `invalid selector: ${err.message}` };
    throw err;
  }
  let root: Eval;
  try {
    root = compile(ast);
  } catch (err) {
    // Semantic errors found while compiling (e.g. a LIKE pattern ending in its escape).
    const col = (err as { col?: number }).col;
    return { ok: false, error: `invalid selector: ${col !== undefined ? `column ${col}: ` : ""}${(err as Error).message}` };
  }
  const selector: Selector = (h) => toBool(root(h)) === true;
  return { ok: true, selector };
}

function compile(e: Expr): Eval {
  switch (e.kind) {
    case "literal": {
      const v = e.value;
      return () => v;
    }
    case "ident": {
      const jms = jmsHeaderReader(e.name);
      if (jms !== undefined) return (h) => fromHeader(jms(h));
      const name = e.name;
      return (h) => fromHeader(h(name));
    }
    case "and": {
      const l = compile(e.left);
      const r = compile(e.right);
      // SQL AND: false dominates UNKNOWN.
      return (h) => {
        const a = toBool(l(h));
        if (a === false) return false;
        const b = toBool(r(h));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    }
    case "or": {
      const l = compile(e.left);
      const r = compile(e.right);
      // SQL OR: true dominates UNKNOWN.
      return (h) => {
        const a = toBool(l(h));
        if (a === true) return true;
        const b = toBool(r(h));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case "not": {
      const o = compile(e.operand);
      return (h) => {
        const v = toBool(o(h));
        return v === null ? null : !v;
      };
    }
    case "neg": {
      const o = compile(e.operand);
      return (h) => {
        const n = toNumber(o(h));
        return n === null ? null : -n;
      };
    }
    case "arith":
      return compileArith(e.op, compile(e.left), compile(e.right));
    case "compare":
      return compileCompare(e.op, compile(e.left), compile(e.right));
    case "between": {
      const v = compile(e.value);
      const lo = compile(e.low);
      const hi = compile(e.high);
      const negated = e.negated;
      // a BETWEEN b AND c  ==  a >= b AND a <= c, with the same three-valued AND.
      return (h) => {
        const x = v(h);
        const c1 = sqlCompare(x, lo(h));
        const c2 = sqlCompare(x, hi(h));
        const ge = c1 === null ? null : c1 >= 0;
        const le = c2 === null ? null : c2 <= 0;
        const r = ge === false || le === false ? false : ge === null || le === null ? null : true;
        return r === null ? null : negated ? !r : r;
      };
    }
    case "like": {
      const v = compile(e.value);
      let re: RegExp;
      try {
        re = likeToRegExp(e.pattern, e.escape);
      } catch (err) {
        throw Object.assign(new Error((err as Error).message), { col: e.col });
      }
      const negated = e.negated;
      return (h) => {
        const x = v(h);
        if (x === null) return null;
        // Header values are strings over STOMP; a number or boolean added by the broker is
        // matched by its text rather than rejected.
        const r = re.test(typeof x === "string" ? x : String(x));
        return negated ? !r : r;
      };
    }
    case "in": {
      const v = compile(e.value);
      const list = e.list;
      const strings = new Set(list.filter((x): x is string => typeof x === "string"));
      const hasNumbers = list.some((x) => typeof x === "number");
      const negated = e.negated;
      return (h) => {
        const x = v(h);
        if (x === null) return null;
        let found = typeof x === "string" && strings.has(x);
        if (!found && (hasNumbers || typeof x !== "string")) found = list.some((item) => sqlEquals(x, item) === true);
        return negated ? !found : found;
      };
    }
    case "isNull": {
      const v = compile(e.value);
      const negated = e.negated;
      return (h) => (v(h) === null) !== negated;
    }
  }
}

function compileArith(op: "+" | "-" | "*" | "/", l: Eval, r: Eval): Eval {
  const both = (h: HeaderLookup): [number, number] | null => {
    const a = toNumber(l(h));
    if (a === null) return null;
    const b = toNumber(r(h));
    return b === null ? null : [a, b];
  };
  switch (op) {
    case "+":
      return (h) => {
        const p = both(h);
        return p === null ? null : p[0] + p[1];
      };
    case "-":
      return (h) => {
        const p = both(h);
        return p === null ? null : p[0] - p[1];
      };
    case "*":
      return (h) => {
        const p = both(h);
        return p === null ? null : p[0] * p[1];
      };
    case "/":
      return (h) => {
        const p = both(h);
        // Division by zero has no SQL value: UNKNOWN rather than Infinity or an exception
        // that would break dispatch for every subscriber.
        if (p === null || p[1] === 0) return null;
        return p[0] / p[1];
      };
  }
}

function compileCompare(op: "=" | "<>" | "<" | ">" | "<=" | ">=", l: Eval, r: Eval): Eval {
  switch (op) {
    case "=":
      return (h) => sqlEquals(l(h), r(h));
    case "<>":
      return (h) => {
        const eq = sqlEquals(l(h), r(h));
        return eq === null ? null : !eq;
      };
    case "<":
      return (h) => {
        const c = sqlCompare(l(h), r(h));
        return c === null ? null : c < 0;
      };
    case ">":
      return (h) => {
        const c = sqlCompare(l(h), r(h));
        return c === null ? null : c > 0;
      };
    case "<=":
      return (h) => {
        const c = sqlCompare(l(h), r(h));
        return c === null ? null : c <= 0;
      };
    case ">=":
      return (h) => {
        const c = sqlCompare(l(h), r(h));
        return c === null ? null : c >= 0;
      };
  }
}
