import type { HeaderLookup, HeaderValue } from "./Selector";

/**
 * JMS header names usable in selectors, mapped to the STOMP headers that carry them (ActiveMQ
 * STOMP mapping, brokers.md e.17/e.22). Defaults are what a JMS message always has: priority 4,
 * not redelivered, no expiry; STOMP's default delivery mode is NON_PERSISTENT (e.22).
 */
export function jmsHeaderReader(name: string): ((h: HeaderLookup) => HeaderValue) | undefined {
  switch (name) {
    case "JMSMessageID":
      return (h) => h("message-id");
    case "JMSCorrelationID":
      return (h) => h("correlation-id");
    case "JMSType":
      return (h) => h("type");
    case "JMSReplyTo":
      return (h) => h("reply-to");
    case "JMSDestination":
      return (h) => h("destination");
    case "JMSTimestamp":
      return (h) => h("timestamp");
    case "JMSPriority":
      return (h) => h("priority") ?? 4;
    case "JMSExpiration":
      return (h) => h("expires") ?? 0;
    case "JMSRedelivered":
      return (h) => h("redelivered") ?? false;
    case "JMSDeliveryMode":
      return (h) => {
        const p = h("persistent");
        return p === true || (typeof p === "string" && p.toLowerCase() === "true") ? "PERSISTENT" : "NON_PERSISTENT";
      };
    default:
      return undefined;
  }
}
