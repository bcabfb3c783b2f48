/** Tokens of the JMS selector language (JMS 1.1 section 3.8.1.1, an SQL-92 conditional subset). */
export type TokenKind =
  | "ident" // header or property name; `value` holds the name
  | "keyword" // NOT AND OR BETWEEN LIKE ESCAPE IN IS NULL TRUE FALSE; `value` upper-cased
  | "string" // 'text' with '' as an embedded quote; `value` holds the text
  | "number" // `num` holds the value
  | "op" // = <> < > <= >= + - * / ( ) ,
  | "eof";

export interface Token {
  kind: TokenKind;
  value: string;
  num: number;
  /** 1-based column of the first character, for error messages. */
  col: number;
}

export class SelectorSyntaxError extends Error {
  readonly col: number;
  constructor(col: number, message: string) {
    super(`column ${col}: ${message}`);
    this.name = "SelectorSyntaxError";
    this.col = col;
  }
}

const KEYWORDS = new Set(["NOT", "AND", "OR", "BETWEEN", "LIKE", "ESCAPE", "IN", "IS", "NULL", "TRUE", "FALSE"]);

function isIdentStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c);
}
// Dots are allowed inside identifiers as ActiveMQ's grammar does (e.g. `app.region`).
function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_$.]/.test(c);
}

const NUMBER_RE = /^(?:0[xX][0-9a-fA-F]+[lL]?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[lLfFdD]?)/;

/** Splits a selector into tokens; throws SelectorSyntaxError with the column of the offence. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, col: number, num = 0): void => {
    tokens.push({ kind, value, num, col });
  };
  while (i < text.length) {
    const c = text[i]!;
    const col = i + 1;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new SelectorSyntaxError(col, "unterminated string literal");
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      push("string", value, col);
      i = j + 1;
      continue;
    }
    if (c === '"') {
      // Quoted identifier (ActiveMQ extension): lets selectors name STOMP headers such as
      // "content-type" that are not Java identifiers. "" embeds a double quote.
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new SelectorSyntaxError(col, "unterminated quoted identifier");
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      if (value === "") throw new SelectorSyntaxError(col, "empty quoted identifier");
      push("ident", value, col);
      i = j + 1;
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = NUMBER_RE.exec(text.slice(i));
      const lit = m![0];
      if (isIdentPart(text[i + lit.length] ?? " ") && text[i + lit.length] !== ".") {
        throw new SelectorSyntaxError(col, `malformed number '${text.slice(i, i + lit.length + 1)}'`);
      }
      const digits = lit.replace(/[lLfFdD]$/, "");
      const num = /^0[xX]/.test(lit) ? parseInt(lit.replace(/[lL]$/, "").slice(2), 16) : Number(digits);
      if (!Number.isFinite(num)) throw new SelectorSyntaxError(col, `number '${lit}' is out of range`);
      push("number", lit, col, num);
      i += lit.length;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j]!)) j++;
      const word = text.slice(i, j);
      const upper = word.toUpperCase();
      // Keywords are case-insensitive (SQL); identifiers keep their case.
      if (KEYWORDS.has(upper)) push("keyword", upper, col);
      else push("ident", word, col);
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === "<>" || two === "<=" || two === ">=") {
      push("op", two, col);
      i += 2;
      continue;
    }
    if (two === "!=" || two === "==") {
      throw new SelectorSyntaxError(col, `unknown operator '${two}' (use ${two === "!=" ? "<>" : "="})`);
    }
    if ("=<>+-*/(),".includes(c)) {
      push("op", c, col);
      i++;
      continue;
    }
    throw new SelectorSyntaxError(col, `unexpected character '${c}'`);
  }
  tokens.push({ kind: "eof", value: "", num: 0, col: text.length + 1 });
  return tokens;
}
