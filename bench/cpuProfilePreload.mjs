// Preload for benchmark broker processes (bench/replicatedCpu.ts sets NODE_OPTIONS=--import this):
// the first SIGUSR2 starts the V8 CPU profiler, the next writes the profile to $RCPU_PROF_DIR/<pid>-<n>.cpuprofile.
// (`--cpu-prof` is refused in NODE_OPTIONS, and would profile start-up and warm-up too.)
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
if (process.argv.includes("broker") && process.env.RCPU_PROF_DIR) {
  const s = new Session();
  s.connect();
  let on = false;
  let n = 0;
  process.on("SIGUSR2", () => {
    if (!on) {
      s.post("Profiler.enable", () => s.post("Profiler.setSamplingInterval", { interval: 200 }, () => s.post("Profiler.start", () => { on = true; })));
    } else {
      s.post("Profiler.stop", (err, r) => {
        on = false;
        if (!err) writeFileSync(`${process.env.RCPU_PROF_DIR}/${process.pid}-${n++}.cpuprofile`, JSON.stringify(r.profile));
      });
    }
  });
}
