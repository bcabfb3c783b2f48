// The RocketMQ store's journal records (payload of an EntryType.Rmq entry). The journal is the
// commit log: a message's journal position is its commitLogOffset (so a RocketMQ message id,
// storeHost + commitLogOffset, is read back with one readAt), and replication ships these
// records to the group's slaves like any other, so topics, offsets and messages survive a failover.
import { BinaryReader, BinaryWriter } from "../store/BinaryWriter";

export const enum RmqRecordKind {
  Message = 1,
  Topic = 2,
  ConsumerOffset = 3,
  /** A queue's logical range after retention deleted its head (recovery cannot see deleted messages). */
  QueueRange = 4,
}

export interface StoredMessage {
  kind: RmqRecordKind.Message;
  topic: string;
  queueId: number;
  queueOffset: number;
  flag: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  reconsumeTimes: number;
  /** RocketMQ's property string: name \u0001 value \u0002 … */
  properties: string;
  body: Buffer;
}

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
  order: boolean;
}

export interface TopicRecord extends TopicConfig {
  kind: RmqRecordKind.Topic;
  deleted: boolean;
}

export interface OffsetRecord {
  kind: RmqRecordKind.ConsumerOffset;
  group: string;
  topic: string;
  queueId: number;
  offset: number;
}

export interface QueueRangeRecord {
  kind: RmqRecordKind.QueueRange;
  topic: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
}

export type RmqRecord = StoredMessage | TopicRecord | OffsetRecord | QueueRangeRecord;

export function encodeRmqRecord(r: RmqRecord): Buffer {
  const w = new BinaryWriter(rmqRecordSizeHint(r));
  writeRmqRecord(w, r);
  return w.finish();
}

/** Bytes the record will likely take (strings at 3 bytes a character, so no buffer regrows). */
export function rmqRecordSizeHint(r: RmqRecord): number {
  return r.kind === RmqRecordKind.Message ? 96 + r.body.length + (r.properties.length + r.topic.length + r.bornHost.length) * 3 : 64;
}

export function writeRmqRecord(w: BinaryWriter, r: RmqRecord): void {
  w.u8(r.kind);
  switch (r.kind) {
    case RmqRecordKind.Message:
      w.str(r.topic).u32(r.queueId).f64(r.queueOffset).u32(r.flag >>> 0).u32(r.sysFlag >>> 0).f64(r.bornTimestamp).str(r.bornHost);
      w.f64(r.storeTimestamp).u32(r.reconsumeTimes).str(r.properties).bytes(r.body);
      break;
    case RmqRecordKind.Topic:
      w.str(r.topicName).u32(r.readQueueNums).u32(r.writeQueueNums).u32(r.perm).u32(r.topicSysFlag).u8(r.order ? 1 : 0).u8(r.deleted ? 1 : 0);
      break;
    case RmqRecordKind.ConsumerOffset:
      w.str(r.group).str(r.topic).u32(r.queueId).f64(r.offset);
      break;
    case RmqRecordKind.QueueRange:
      w.str(r.topic).u32(r.queueId).f64(r.minOffset).f64(r.maxOffset);
      break;
  }
}

export function decodeRmqRecord(buf: Buffer): RmqRecord {
  const r = new BinaryReader(buf);
  const kind = r.u8();
  switch (kind) {
    case RmqRecordKind.Message:
      return {
        kind,
        topic: r.str(),
        queueId: r.u32(),
        queueOffset: r.f64(),
        flag: r.u32() | 0,
        sysFlag: r.u32() | 0,
        bornTimestamp: r.f64(),
        bornHost: r.str(),
        storeTimestamp: r.f64(),
        reconsumeTimes: r.u32(),
        properties: r.str(),
        body: r.bytes(),
      };
    case RmqRecordKind.Topic:
      return { kind, topicName: r.str(), readQueueNums: r.u32(), writeQueueNums: r.u32(), perm: r.u32(), topicSysFlag: r.u32(), order: r.u8() === 1, deleted: r.u8() === 1 };
    case RmqRecordKind.ConsumerOffset:
      return { kind, group: r.str(), topic: r.str(), queueId: r.u32(), offset: r.f64() };
    case RmqRecordKind.QueueRange:
      return { kind, topic: r.str(), queueId: r.u32(), minOffset: r.f64(), maxOffset: r.f64() };
    default:
      throw new Error(`unknown RocketMQ store record kind ${kind}`);
  }
}
