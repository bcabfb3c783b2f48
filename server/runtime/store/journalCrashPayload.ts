/** Deterministic payload for crash tests: the id plus id-dependent filler of varying length. */
export function crashPayload(id: number): Buffer {
  const len = 8 + ((id * 7919) % 1500);
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(id, 0);
  buf.writeUInt32LE(len, 4);
  for (let i = 8; i < len; i++) buf[i] = (id * 31 + i) & 0xff;
  return buf;
}
