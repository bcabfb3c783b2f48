/** A handler result sent as is (not JSON): Prometheus' text exposition format, say. */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}
