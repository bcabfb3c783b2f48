// RocketMQ 4.x message wire formats: the property string, the MessageExt encoding a pull returns
// (MessageDecoder.encode, IPv4 hosts), the batch body of SEND_BATCH_MESSAGE
// (MessageDecoder.decodeMessages) and the offset message id (storeHost + commitLogOffset).
import { crc32 } from "node:zlib";
import type { StoredMessage } from "./rmqRecord";

const NAME_VALUE = "\u0001";
const PROPERTY = "\u0002";
/** MessageDecoder.MESSAGE_MAGIC_CODE (0xAABBCCDD as a Java int). */
export const MESSAGE_MAGIC_CODE = -626843481;

export function parseProperties(s: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!s) return out;
  for (const item of s.split(PROPERTY)) {
    if (!item) continue;
    const i = item.indexOf(NAME_VALUE);
    if (i < 0) continue;
    out.set(item.slice(0, i), item.slice(i + 1));
  }
  return out;
}

/**
 * RocketMQ's Message.isWaitStoreMsgOK: the WAIT property, true unless present and not "true"
 * (Java's Boolean.parseBoolean: case-insensitive). A producer that sets it false asks the broker
 * to answer once the message is stored, without waiting for the flush or the slaves
 * (CommitLog.handleDiskFlush / handleHA skip their wait). Read without parsing the whole string:
 * it is on the path of every send.
 */
export function waitStoreMsgOK(properties: string): boolean {
  const key = "WAIT" + NAME_VALUE;
  let at = properties.startsWith(key) ? 0 : properties.indexOf(PROPERTY + key);
  if (at < 0) return true;
  if (at > 0) at += PROPERTY.length;
  const from = at + key.length;
  const end = properties.indexOf(PROPERTY, from);
  return properties.slice(from, end < 0 ? undefined : end).toLowerCase() === "true";
}

export function formatProperties(p: Map<string, string>): string {
  let s = "";
  for (const [k, v] of p) s += k + NAME_VALUE + v + PROPERTY;
  return s;
}

/** Java's String.hashCode, which RocketMQ uses as a tag's code in SubscriptionData.codeSet. */
export function tagHash(tag: string): number {
  let h = 0;
  for (let i = 0; i < tag.length; i++) h = (Math.imul(31, h) + tag.charCodeAt(i)) | 0;
  return h;
}

function hostBytes(host: string): { ip: Buffer; port: number } {
  const [addr, portText] = splitHost(host);
  const ip = Buffer.alloc(4);
  const parts = addr.split(".").map(Number);
  if (parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) parts.forEach((n, i) => (ip[i] = n));
  else ip.set([127, 0, 0, 1]);
  return { ip, port: Number(portText) || 0 };
}

function splitHost(host: string): [string, string] {
  const i = host.lastIndexOf(":");
  return i < 0 ? [host, "0"] : [host.slice(0, i).replace(/^::ffff:/, ""), host.slice(i + 1)];
}

/** The offset message id clients print and VIEW_MESSAGE_BY_ID takes: hex(storeIp, storePort, commitLogOffset). */
export function offsetMessageId(storeHost: string, commitLogOffset: number): string {
  // Built as text (one per SEND_OK): the 16 bytes ip, int32 port, int64 offset in upper-case hex.
  const { ip, port } = hostBytes(storeHost);
  let id = "";
  for (const n of ip) id += HEX[n];
  return id + hex32(port) + hex32(Math.floor(commitLogOffset / 2 ** 32)) + hex32(commitLogOffset % 2 ** 32);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"));

function hex32(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

/** Inverse of offsetMessageId; null when the text is not one. */
export function decodeOffsetMessageId(id: string): { storeHost: string; commitLogOffset: number } | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(id)) return null;
  const b = Buffer.from(id, "hex");
  return { storeHost: `${b[0]}.${b[1]}.${b[2]}.${b[3]}:${b.readInt32BE(4)}`, commitLogOffset: Number(b.readBigInt64BE(8)) };
}

export function bodyCrc(body: Buffer): number {
  // UtilAll.crc32: CRC32 masked to a non-negative int.
  return crc32(body) & 0x7fffffff;
}

/** Encodes a stored message as a MessageExt, the format PULL_MESSAGE and VIEW_MESSAGE_BY_ID return. */
export function encodeMessageExt(m: StoredMessage, commitLogOffset: number, storeHost: string): Buffer {
  const topic = Buffer.from(m.topic, "utf8");
  const props = Buffer.from(m.properties, "utf8");
  const born = hostBytes(m.bornHost);
  const store = hostBytes(storeHost);
  const size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + m.body.length + 1 + topic.length + 2 + props.length;
  const b = Buffer.allocUnsafe(size);
  let o = 0;
  o = b.writeInt32BE(size, o);
  o = b.writeInt32BE(MESSAGE_MAGIC_CODE, o);
  o = b.writeInt32BE(bodyCrc(m.body), o);
  o = b.writeInt32BE(m.queueId, o);
  o = b.writeInt32BE(m.flag | 0, o);
  o = b.writeBigInt64BE(BigInt(m.queueOffset), o);
  o = b.writeBigInt64BE(BigInt(commitLogOffset), o);
  o = b.writeInt32BE(m.sysFlag | 0, o);
  o = b.writeBigInt64BE(BigInt(Math.trunc(m.bornTimestamp)), o);
  o += born.ip.copy(b, o);
  o = b.writeInt32BE(born.port, o);
  o = b.writeBigInt64BE(BigInt(Math.trunc(m.storeTimestamp)), o);
  o += store.ip.copy(b, o);
  o = b.writeInt32BE(store.port, o);
  o = b.writeInt32BE(m.reconsumeTimes, o);
  o = b.writeBigInt64BE(0n, o);
  o = b.writeInt32BE(m.body.length, o);
  o += m.body.copy(b, o);
  o = b.writeUInt8(topic.length, o);
  o += topic.copy(b, o);
  o = b.writeInt16BE(props.length, o);
  props.copy(b, o);
  return b;
}

export interface BatchItem {
  flag: number;
  body: Buffer;
  properties: string;
}

/** Splits a SEND_BATCH_MESSAGE body; returns an error text instead of throwing on malformed input. */
export function decodeBatch(body: Buffer): BatchItem[] | string {
  const out: BatchItem[] = [];
  let o = 0;
  while (o < body.length) {
    if (body.length - o < 20) return `batch entry at ${o} is truncated`;
    const total = body.readInt32BE(o);
    if (total < 22 || o + total > body.length) return `batch entry at ${o} has a bad size ${total}`;
    const flag = body.readInt32BE(o + 12);
    const bodyLen = body.readInt32BE(o + 16);
    if (bodyLen < 0 || 20 + bodyLen + 2 > total) return `batch entry at ${o} has a bad body length ${bodyLen}`;
    const msgBody = body.subarray(o + 20, o + 20 + bodyLen);
    const propLen = body.readInt16BE(o + 20 + bodyLen);
    if (propLen < 0 || 22 + bodyLen + propLen > total) return `batch entry at ${o} has a bad properties length ${propLen}`;
    const properties = body.toString("utf8", o + 22 + bodyLen, o + 22 + bodyLen + propLen);
    out.push({ flag, body: msgBody, properties });
    o += total;
  }
  return out;
}

/** Builds a batch body as the Java client's MessageBatch.encode does (for tests and the bench). */
export function encodeBatch(items: BatchItem[]): Buffer {
  const parts = items.map((m) => {
    const props = Buffer.from(m.properties, "utf8");
    const total = 22 + m.body.length + props.length;
    const b = Buffer.alloc(total);
    b.writeInt32BE(total, 0);
    // MessageDecoder.encodeMessage writes 0 for the magic code and the body CRC of batch entries.
    b.writeInt32BE(0, 4);
    b.writeInt32BE(0, 8);
    b.writeInt32BE(m.flag, 12);
    b.writeInt32BE(m.body.length, 16);
    m.body.copy(b, 20);
    b.writeInt16BE(props.length, 20 + m.body.length);
    props.copy(b, 22 + m.body.length);
    return b;
  });
  return Buffer.concat(parts);
}
