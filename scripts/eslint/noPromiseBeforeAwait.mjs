// ESLint rule `tandem/no-promise-before-await`: a promise kept in a variable must get its handler
// before the function awaits something else.
//
//   const durable = gate.awaitDurable(pos);   // may reject at any moment from now on
//   await before;                              // … and while we wait here nobody handles it:
//   await durable;                             // too late, the process saw an unhandledRejection
//
// That is how a paused master killed itself on waking (issue 9, defect 2). no-floating-promises
// does not see it: the promise is "used" — just not soon enough. The rule reports a variable
// initialised with a thenable when an `await` (or `for await`) of the same function lies between
// the declaration and the variable's first use. Fix: attach the handler at once
// (`.then(ok, fail)` into a promise that never rejects), or await it first.

/** @param {import("typescript").Type} type */
function isThenable(checker, type) {
  if (type.isUnion()) return type.types.some((t) => isThenable(checker, t));
  // `const all = items.map(start); await other; await Promise.all(all)` has the same hole.
  if (checker.isArrayType(type) || checker.isTupleType(type)) return checker.getTypeArguments(type).some((t) => isThenable(checker, t));
  const then = type.getProperty("then");
  if (!then) return false;
  return checker.getTypeOfSymbol(then).getCallSignatures().length > 0;
}

const FUNCTION = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

function enclosingFunction(node) {
  for (let n = node.parent; n; n = n.parent) if (FUNCTION.has(n.type)) return n;
  return null;
}

/** Reads that only test the variable (`p === null`, `if (p)`, `!p`) hand the promise to nobody. */
function onlyTests(id) {
  const parent = id.parent;
  switch (parent.type) {
    case "BinaryExpression":
      return true;
    case "UnaryExpression":
      return parent.operator === "!" || parent.operator === "typeof";
    case "IfStatement":
    case "WhileStatement":
    case "DoWhileStatement":
    case "ConditionalExpression":
      return parent.test === id;
    case "LogicalExpression":
      return parent.operator === "&&" && parent.left === id;
    default:
      return false;
  }
}

/** `p.then(ok, fail)`, `p.catch(f)`, `Promise.allSettled(…)`: already handled where created. */
function handledAtCreation(init) {
  if (init.type === "ConditionalExpression") return [init.consequent, init.alternate].every((b) => b.type === "Literal" || handledAtCreation(b));
  // `new Promise((resolve) => …)`: an executor that takes no `reject` never rejects.
  if (init.type === "NewExpression" && init.callee.type === "Identifier" && init.callee.name === "Promise") {
    const executor = init.arguments[0];
    return !!executor && FUNCTION.has(executor.type) && executor.params.length < 2;
  }
  if (init.type !== "CallExpression" || init.callee.type !== "MemberExpression") return false;
  const name = init.callee.property.type === "Identifier" ? init.callee.property.name : "";
  return name === "catch" || (name === "then" && init.arguments.length >= 2) || name === "allSettled";
}

/** @type {import("eslint").Rule.RuleModule} */
export const noPromiseBeforeAwait = {
  meta: {
    type: "problem",
    docs: { description: "a promise stored in a variable gets its handler before the next await" },
    messages: {
      late:
        "'{{name}}' holds a promise that is first used after an earlier await (line {{line}}): if it rejects " +
        "meanwhile, nothing handles it and the process ends. Attach its handler where it is created.",
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    /** @type {Array<{ node: any; fn: any }>} */
    const awaits = [];
    /** @type {Array<{ decl: any; fn: any }>} */
    const candidates = [];
    return {
      AwaitExpression(node) {
        awaits.push({ node, fn: enclosingFunction(node) });
      },
      "ForOfStatement[await=true]"(node) {
        awaits.push({ node, fn: enclosingFunction(node) });
      },
      VariableDeclarator(decl) {
        if (decl.id.type !== "Identifier" || !decl.init) return;
        // Awaited in place: the value is not a pending promise.
        if (decl.init.type === "AwaitExpression" || handledAtCreation(decl.init)) return;
        const fn = enclosingFunction(decl);
        const tsNode = services.esTreeNodeToTSNodeMap.get(decl.init);
        if (!isThenable(checker, checker.getTypeAtLocation(tsNode))) return;
        candidates.push({ decl, fn });
      },
      "Program:exit"() {
        for (const { decl, fn } of candidates) {
          const [variable] = context.sourceCode.getDeclaredVariables(decl);
          const reads = (variable?.references ?? [])
            .filter((r) => r.isRead() && r.identifier.range[0] > decl.range[1] && !onlyTests(r.identifier))
            .sort((a, b) => a.identifier.range[0] - b.identifier.range[0]);
          if (reads.length === 0) continue;
          const use = reads[0].identifier;
          // The functions whose awaits run between the declaration and the first use: the
          // declaring one and any nested one (an async IIFE, a callback) the use sits in.
          const scopes = new Set([fn]);
          for (let f = enclosingFunction(use); f && f !== fn; f = enclosingFunction(f)) scopes.add(f);
          const between = awaits.find(
            (a) =>
              scopes.has(a.fn) &&
              a.node.range[0] > decl.range[1] &&
              a.node.range[0] < use.range[0] &&
              // `await p` itself (or `await Promise.all([p])`) is the first use, not an earlier await.
              !(a.node.range[0] <= use.range[0] && a.node.range[1] >= use.range[1]),
          );
          if (between) {
            context.report({
              node: decl,
              messageId: "late",
              data: { name: decl.id.name, line: String(between.node.loc.start.line) },
            });
          }
        }
      },
    };
  },
};
