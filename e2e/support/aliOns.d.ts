// The slice of ali-ons (RocketMQ 4.x remoting client, pure JS) the tests and bench use.
declare module "ali-ons" {
  interface ClientOptions {
    nameSrv: string | string[];
    httpclient: { request: (...args: unknown[]) => Promise<unknown> };
    logger?: unknown;
    instanceName?: string;
    pollNameServerInteval?: number;
    heartbeatBrokerInterval?: number;
    persistConsumerOffsetInterval?: number;
    rebalanceInterval?: number;
  }
  export class Message {
    constructor(topic: string, tags: string | null, body: string | Buffer);
    topic: string;
    body: Buffer;
    tags: string;
    keys: string;
    msgId: string;
    queueId: number;
    queueOffset: number;
    reconsumeTimes: number;
    properties: Record<string, string>;
    setKeys?(keys: string): void;
  }
  export interface SendResult {
    sendStatus: string;
    msgId: string;
    messageQueue: { topic: string; brokerName: string; queueId: number };
    queueOffset: number;
  }
  export class Producer {
    constructor(options: ClientOptions & { producerGroup: string; retryTimesWhenSendFailed?: number; sendMsgTimeout?: number });
    ready(): Promise<void>;
    send(msg: Message): Promise<SendResult>;
    close(): Promise<void>;
    on(event: "error", fn: (err: Error) => void): this;
  }
  export class Consumer {
    constructor(
      options: ClientOptions & {
        consumerGroup: string;
        isBroadcast?: boolean;
        consumeFromWhere?: string;
        maxReconsumeTimes?: number;
        pullBatchSize?: number;
        brokerSuspendMaxTimeMillis?: number;
        consumerTimeoutMillisWhenSuspend?: number;
      },
    );
    ready(): Promise<void>;
    subscribe(topic: string, subExpression: string, handler: (msg: Message, mq: { topic: string; brokerName: string; queueId: number }) => Promise<unknown>): void;
    close(): Promise<void>;
    on(event: "error", fn: (err: Error) => void): this;
    processQueueTable: Map<string, unknown>;
  }
}
