// Request and response codes of RocketMQ 4.x's remoting protocol, as the stock clients send and
// expect them (apache/rocketmq@rocketmq-all-4.9.8: common/.../protocol/RequestCode.java and
// ResponseCode.java, remoting/.../protocol/RemotingSysResponseCode.java).

export const RequestCode = {
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_MESSAGE: 12,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  UPDATE_AND_CREATE_TOPIC: 17,
  GET_ALL_TOPIC_CONFIG: 21,
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  GET_EARLIEST_MSG_STORETIME: 32,
  VIEW_MESSAGE_BY_ID: 33,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  GET_KV_CONFIG: 101,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  DELETE_TOPIC_IN_BROKER: 215,
  DELETE_TOPIC_IN_NAMESRV: 216,
  GET_KV_CONFIG_BY_VALUE: 217,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
} as const;

export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
} as const;

/** Topic permission bits (PermName.java). */
export const Perm = { READ: 4, WRITE: 2, INHERIT: 1 } as const;

/** Template topic a producer falls back to when autoCreateTopicEnable is on (MixAll.AUTO_CREATE_TOPIC_KEY_TOPIC). */
export const AUTO_CREATE_TOPIC = "TBW102";
export const RETRY_PREFIX = "%RETRY%";
export const DLQ_PREFIX = "%DLQ%";
export const SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";
