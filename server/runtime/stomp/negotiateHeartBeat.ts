/** The outcome of STOMP heart-beat negotiation for one connection (all in ms, 0 = none). */
export interface HeartBeatDeal {
  /** The CONNECTED frame's heart-beat header: [server sends at least this often, server wants to hear this often]. */
  answer: [number, number];
  /** The server sends an EOL after this much silence. */
  sendEvery: number;
  /** The client must be heard at least this often (before the grace multiplier). */
  expectEvery: number;
}

/**
 * STOMP 1.1/1.2 "Heart-beating": the client offers heart-beat:cx,cy (cx: the shortest interval it
 * can guarantee sending at, cy: the interval it would like to receive at); the server answers
 * sx,sy the same way. Server→client beats then go every max(sx, cy) ms unless either is 0, and
 * client→server every max(cx, sy) ms unless either is 0.
 *
 * `configured` is the server's preferred [sx, sy]. A client that asks for something shorter gets
 * it, but never below `floor` (RabbitMQ accepts down to 1 s): answering the configured value
 * instead would turn the client's wish into max(its value, configured) and it would wrongly
 * declare a healthy server dead. A configured 0 (the server never sends, or never checks) stays 0.
 */
export function negotiateHeartBeat(client: [number, number], configured: [number, number], floor: number): HeartBeatDeal {
  const [cx, cy] = client;
  const [sx, sy] = configured;
  const ax = sx === 0 ? 0 : cy > 0 ? Math.min(sx, Math.max(floor, cy)) : sx;
  const ay = sy === 0 ? 0 : cx > 0 ? Math.min(sy, Math.max(floor, cx)) : sy;
  return {
    answer: [ax, ay],
    sendEvery: ax > 0 && cy > 0 ? Math.max(ax, cy) : 0,
    expectEvery: cx > 0 && ay > 0 ? Math.max(cx, ay) : 0,
  };
}
