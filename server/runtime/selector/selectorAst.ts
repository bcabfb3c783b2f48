/** Syntax tree of a selector. Only the compiler walks it, once; evaluation runs on closures. */
export type CompareOp = "=" | "<>" | "<" | ">" | "<=" | ">=";
export type ArithOp = "+" | "-" | "*" | "/";

export type Expr =
  | { kind: "literal"; value: string | number | boolean; col: number }
  | { kind: "ident"; name: string; col: number }
  | { kind: "and" | "or"; left: Expr; right: Expr; col: number }
  | { kind: "not"; operand: Expr; col: number }
  | { kind: "neg"; operand: Expr; col: number }
  | { kind: "arith"; op: ArithOp; left: Expr; right: Expr; col: number }
  | { kind: "compare"; op: CompareOp; left: Expr; right: Expr; col: number }
  | { kind: "between"; negated: boolean; value: Expr; low: Expr; high: Expr; col: number }
  | { kind: "like"; negated: boolean; value: Expr; pattern: string; escape: string | undefined; col: number }
  | { kind: "in"; negated: boolean; value: Expr; list: Array<string | number>; col: number }
  | { kind: "isNull"; negated: boolean; value: Expr; col: number };

/** Static type used to reject nonsense such as `'a' + 1` or `5` at compile time. */
export type StaticType = "boolean" | "number" | "string" | "any";

export function staticType(e: Expr): StaticType {
  switch (e.kind) {
    case "literal":
      return typeof e.value === "boolean" ? "boolean" : typeof e.value === "number" ? "number" : "string";
    case "ident":
      return "any";
    case "neg":
    case "arith":
      return "number";
    default:
      return "boolean";
  }
}
