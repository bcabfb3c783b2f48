// Removes optional dependencies that package-lock.json names but does not contain.
//
// Why: this project's registry does not serve every platform's prebuilt binaries (e.g. Next's
// @next/swc-darwin-* and -win32-* answer 404), so `npm install` cannot record them, and then
// `npm ci` refuses the lock file ("Missing: @next/swc-darwin-arm64@ from lock file"). Optional
// platform packages that cannot be installed here are not needed here; dropping the dangling
// edges makes the lock file consistent. Run after any `npm install` that changes the lock file.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
let pruned = 0;
for (const [path, pkg] of Object.entries(lock.packages)) {
  if (!pkg.optionalDependencies) continue;
  for (const dep of Object.keys(pkg.optionalDependencies)) {
    const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
    if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`]) {
      delete pkg.optionalDependencies[dep];
      pruned++;
    }
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`pruned ${pruned} dangling optional dependencies from package-lock.json`);
