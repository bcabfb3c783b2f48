import { createServer } from "node:net";
import { MAX_PORT_OFFSET, MIN_PORT_OFFSET } from "../../server/console/cluster/seedTopology";

/** Every port the embedded seed topology binds for a given --port-offset (see seedTopology). */
export function seedPorts(offset: number): number[] {
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(61613 + offset + 10 * i, 61614 + offset + 10 * i, 62621 + offset + i, 8171 + offset + i);
  return ports;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host: "127.0.0.1", exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * Test support: a random --port-offset (steps of 100) whose seed ports are all free right now, so
 * parallel suites and a developer's own console do not collide. The range comes from
 * seedTopology, so every offset picked here is one it accepts.
 */
export async function freePortOffset(): Promise<number> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const lo = Math.ceil(MIN_PORT_OFFSET / 100);
    const hi = Math.floor(MAX_PORT_OFFSET / 100);
    const offset = 100 * (lo + Math.floor(Math.random() * (hi - lo + 1)));
    const free = await Promise.all(seedPorts(offset).map(canBind));
    if (free.every(Boolean)) return offset;
  }
  throw new Error("no free port offset for the embedded cluster after 40 tries");
}
