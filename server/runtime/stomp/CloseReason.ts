/**
 * Why a STOMP connection ended. Every close carries exactly one of these; nodes count them and
 * the console shows the counts, so an operator can tell a crashing client from a slow one.
 */
export const CLOSE_REASONS = [
  "client_disconnect", // DISCONNECT frame
  "client_eof", // socket closed without DISCONNECT
  "protocol_error", // malformed frame, bad header, invalid command sequence
  "unknown_command",
  "frame_too_large", // over wireFormat.maxFrameSize
  "header_limit", // too many headers or a header line too long
  "version_mismatch",
  "auth_failed",
  "auth_throttled", // too many failed logins from the source address: refused without a check
  "not_authorized",
  "heartbeat_timeout",
  "connect_timeout", // no CONNECT within connectTimeout
  "frame_timeout", // a frame's bytes stopped arriving for frameReadTimeout
  "inactivity_timeout", // no heart-beat negotiated and nothing read for inactivityTimeout
  "slow_consumer",
  "flow_control_timeout", // a producer stayed paused by flow control for sendFailIfNoSpaceAfterTimeout
  "too_many_connections", // over maximumConnections
  "socket_error",
  "admin_close",
  "not_master", // the node is a slave or lost mastership
  "server_shutdown",
] as const;

export type CloseReason = (typeof CLOSE_REASONS)[number];
