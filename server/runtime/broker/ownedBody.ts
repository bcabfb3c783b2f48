/**
 * A message body the broker may keep: `body` itself when it already is a whole allocation of its
 * own, otherwise a copy in one. A body parsed from a socket is a view into the read chunk (64 KiB)
 * and would pin all of it; a Buffer.from() copy would sit in Node's shared pool, where one kept
 * body pins a whole pool block (measured: 3.4x the memory the broker accounts for). So: a copy
 * with its own memory (allocUnsafeSlow).
 */
export function ownedBody(body: Buffer): Buffer {
  if (body.byteOffset === 0 && body.buffer.byteLength === body.length) return body;
  const own = Buffer.allocUnsafeSlow(body.length);
  body.copy(own);
  return own;
}
