import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSelector } from "./compileSelector";
import type { HeaderValue } from "./Selector";

type Headers = Record<string, HeaderValue>;

/** A STOMP-like message: every header a string, as the broker receives them. */
const msg: Headers = {
  destination: "/queue/orders",
  "message-id": "ID:mq1-1-1:7",
  priority: "7",
  persistent: "true",
  color: "red",
  size: "10",
  weight: "2.5",
  region: "eu-west",
  "app.region": "EU",
  note: "50% off_now",
  quote: "it's",
  flag: "true",
  off: "false",
  neg: "-3",
  big: "1e3",
  text: "abc",
  "content-type": "text/plain",
};

const typed: Headers = { n: 5, b: true, s: "5" };

const cases: Array<[selector: string, headers: Headers, expected: boolean]> = [
  // equality and inequality, strings and numbers
  ["color = 'red'", msg, true],
  ["color = 'blue'", msg, false],
  ["color <> 'blue'", msg, true],
  ["color <> 'red'", msg, false],
  ["'red' = color", msg, true],
  ["quote = 'it''s'", msg, true],
  ["size = 10", msg, true],
  ["size = 10.0", msg, true],
  ["size = '10'", msg, true],
  ["size = '10.0'", msg, false], // string vs string: no numeric conversion
  ["weight = 2.5", msg, true],
  ["big = 1000", msg, true],
  ["neg = -3", msg, true],
  ["color = 1", msg, false], // non-numeric string vs number: unlike types -> false
  ["NOT color = 1", msg, true],
  // ordering
  ["size > 9", msg, true],
  ["size > 10", msg, false],
  ["size >= 10", msg, true],
  ["size < 10.5", msg, true],
  ["size <= 9.99", msg, false],
  ["priority > 5 AND size < 20", msg, true],
  ["weight < size", msg, true], // both numeric strings: numeric, not lexicographic ("2.5" > "10")
  ["text < 'abd'", msg, true], // both non-numeric strings: code-unit order
  ["color > 5", msg, false],
  // arithmetic
  ["size + 5 = 15", msg, true],
  ["size - 15 = -5", msg, true],
  ["size * 2 > 19", msg, true],
  ["size / 4 = 2.5", msg, true],
  ["-size = -10", msg, true],
  ["2 + 3 * 4 = 14", msg, true],
  ["(2 + 3) * 4 = 20", msg, true],
  ["size / 0 = 1", msg, false], // division by zero: unknown
  ["missing + 1 = 1", msg, false],
  ["1.5e1 = 15", msg, true],
  ["0x10 = 16", msg, true],
  // boolean literals and boolean headers
  ["TRUE", msg, true],
  ["FALSE", msg, false],
  ["flag", msg, true],
  ["off", msg, false],
  ["NOT off", msg, true],
  ["flag = TRUE", msg, true],
  ["off = FALSE", msg, true],
  ["b = TRUE", typed, true],
  ["n = 5 AND s = 5 AND n = s", typed, true],
  // LIKE
  ["region LIKE 'eu%'", msg, true],
  ["region LIKE 'EU%'", msg, false], // case-sensitive
  ["region LIKE 'eu-____'", msg, true],
  ["region LIKE 'eu-___'", msg, false],
  ["region NOT LIKE 'us%'", msg, true],
  ["note LIKE '50!% off!_now' ESCAPE '!'", msg, true],
  ["note LIKE '50!%%' ESCAPE '!'", msg, true],
  ["text LIKE 'a!%' ESCAPE '!'", msg, false],
  ["destination LIKE '/queue/%'", msg, true],
  ["text LIKE 'a.c'", msg, false], // regex metacharacters are literal
  ["missing LIKE '%'", msg, false],
  ["missing NOT LIKE '%'", msg, false],
  // IN
  ["color IN ('green', 'red')", msg, true],
  ["color IN ('green', 'blue')", msg, false],
  ["color NOT IN ('green', 'blue')", msg, true],
  ["size IN (5, 10)", msg, true],
  ["missing IN ('a')", msg, false],
  ["missing NOT IN ('a')", msg, false],
  // BETWEEN
  ["size BETWEEN 5 AND 10", msg, true],
  ["size BETWEEN 11 AND 20", msg, false],
  ["size NOT BETWEEN 11 AND 20", msg, true],
  ["weight BETWEEN 2 AND 3", msg, true],
  ["missing BETWEEN 1 AND 2", msg, false],
  ["missing NOT BETWEEN 1 AND 2", msg, false],
  // IS NULL
  ["missing IS NULL", msg, true],
  ["color IS NULL", msg, false],
  ["color IS NOT NULL", msg, true],
  ["missing IS NOT NULL", msg, false],
  // three-valued logic: missing = unknown, and unknown is never selected
  ["missing = 'x'", msg, false],
  ["NOT missing = 'x'", msg, false],
  ["missing = 'x' OR color = 'red'", msg, true],
  ["missing = 'x' AND color = 'red'", msg, false],
  ["NOT (missing = 'x' AND color = 'blue')", msg, true], // unknown AND false = false
  ["NOT (missing = 'x' OR color = 'blue')", msg, false], // unknown OR false = unknown
  // precedence: AND binds tighter than OR, NOT tighter than AND
  ["color = 'blue' AND size = 1 OR priority = 7", msg, true],
  ["color = 'blue' AND (size = 1 OR priority = 7)", msg, false],
  ["NOT color = 'blue' AND size = 10", msg, true],
  // keywords are case-insensitive, identifiers are not
  ["color = 'red' and size between 1 and 10", msg, true],
  ["Color = 'red'", msg, false],
  // JMS header names
  ["JMSPriority > 5", msg, true],
  ["JMSPriority = 4", {}, true], // JMS default priority
  ["JMSMessageID = 'ID:mq1-1-1:7'", msg, true],
  ["JMSDeliveryMode = 'PERSISTENT'", msg, true],
  ["JMSDeliveryMode = 'NON_PERSISTENT'", {}, true],
  ["JMSRedelivered = FALSE", {}, true],
  ["JMSDestination = '/queue/orders'", msg, true],
  // identifiers with dots and quoted identifiers
  ["app.region = 'EU'", msg, true],
  ["\"content-type\" = 'text/plain'", msg, true],
];

describe("compileSelector: evaluation table", () => {
  for (const [sel, headers, expected] of cases) {
    test(`${sel} -> ${expected}`, () => {
      const r = compileSelector(sel);
      if (!r.ok) assert.fail(r.error);
      assert.equal(r.selector((name) => headers[name]), expected);
    });
  }

  test("empty selector selects everything", () => {
    const r = compileSelector("   ");
    assert.ok(r.ok && r.selector(() => undefined));
  });

  test("a compiled selector is reusable across messages", () => {
    const r = compileSelector("size > 5");
    if (!r.ok) assert.fail(r.error);
    const results = ["1", "6", undefined, "x", "100"].map((v) => r.selector((n) => (n === "size" ? v : undefined)));
    assert.deepEqual(results, [false, true, false, false, true]);
  });
});

const errors: Array<[selector: string, column: number, fragment: string]> = [
  ["color = ", 9, "expected a value"],
  ["color = 'red", 9, "unterminated string"],
  ["(color = 'red'", 15, "expected ')'"],
  ["color = 'red')", 14, "end of selector"],
  ["color != 'red'", 7, "use <>"],
  ["color == 'red'", 7, "use ="],
  ["color = 'a' AND", 16, "end of selector"],
  ["size BETWEEN 1 OR 2", 16, "expected AND"],
  ["color LIKE 5", 12, "string literal pattern"],
  ["color LIKE 'a' ESCAPE 'ab'", 23, "exactly one character"],
  ["color LIKE 'a!' ESCAPE '!'", 7, "ends with the escape"],
  ["color IN ()", 11, "IN list"],
  ["color IN ('a' 'b')", 15, "expected ')'"],
  ["color IS 'x'", 10, "expected NULL"],
  ["color NOT 'x'", 11, "BETWEEN, LIKE or IN"],
  ["5", 1, "must be a condition"],
  ["size + 1", 6, "must be a condition"],
  ["'a' + 1 = 2", 1, "needs a number"],
  ["'a' = 1", 5, "cannot compare a string with a number"],
  ["TRUE < FALSE", 6, "cannot order boolean"],
  ["size = 12abc", 8, "malformed number"],
  ["color = 'x' # 1", 13, "unexpected character '#'"],
  ["'abc' LIKE 5", 12, "string literal pattern"],
  ["1 LIKE 'a'", 1, "LIKE needs a string"],
  ["NOT 5", 5, "NOT must be a condition"],
  ["color AND", 10, "expected a value"],
];

describe("compileSelector: errors name the column and the problem", () => {
  for (const [sel, col, fragment] of errors) {
    test(JSON.stringify(sel), () => {
      const r = compileSelector(sel);
      assert.equal(r.ok, false, "should not compile");
      if (r.ok) return;
      assert.match(r.error, new RegExp(`column ${col}:`), r.error);
      assert.ok(r.error.includes(fragment), `${r.error} should mention ${fragment}`);
    });
  }
});
