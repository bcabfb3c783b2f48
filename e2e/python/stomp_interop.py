#!/usr/bin/python3
"""stomp.py (python3-stomp 8.x, the seeds' own client) against a Tandem broker.

Usage: /usr/bin/python3 stomp_interop.py PORT VERSION [SCENARIO ...]
  VERSION is 1.0, 1.1 or 1.2 (stomp.Connection10/11/12).

Runs each scenario and prints ONE JSON object per line: {"scenario", "ok", "data" | "error"}.
The script only observes; the TypeScript test decides what is right. Every wait is bounded
(threading.Condition with a timeout), never a bare sleep, so a missing message is reported as a
short list rather than a hang. Destinations carry the version and a run id so that the three
versions can share one broker.
"""
import base64
import json
import sys
import threading
import time
import traceback
import uuid

import stomp

# Bound for what must arrive. Generous: three of these scripts share a loaded 2-core machine with
# the broker, and a wait that succeeds returns at once.
WAIT = 15.0
PORT = int(sys.argv[1])
VERSION = sys.argv[2]
RUN = uuid.uuid4().hex[:8]
TAG = VERSION.replace(".", "") + "-" + RUN


class Collector(stomp.ConnectionListener):
    """Records every MESSAGE, RECEIPT and ERROR; waits are bounded."""

    def __init__(self):
        self.cond = threading.Condition()
        self.messages = []
        self.receipts = []
        self.errors = []
        self.disconnected = False

    def on_message(self, frame):
        with self.cond:
            self.messages.append(frame)
            self.cond.notify_all()

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.append(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.errors.append({"headers": dict(frame.headers), "body": as_text(frame.body)})
            self.cond.notify_all()

    def on_disconnected(self):
        with self.cond:
            self.disconnected = True
            self.cond.notify_all()

    def wait_messages(self, n, timeout=WAIT):
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= n or self.errors, timeout)
            return list(self.messages)

    def take(self, n, timeout=WAIT):
        """Removes and returns the first n messages (fewer if they did not come)."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= n or self.errors, timeout)
            out = self.messages[:n]
            del self.messages[:n]
            return out

    def take_then_more(self, n, more, extra_timeout):
        """The n messages that must come (bounded by WAIT), then up to `more` beyond them within
        `extra_timeout`: anything extra is the bug the caller looks for."""
        got = self.take(n)
        if len(got) == n:
            got += self.take(more, timeout=extra_timeout)
        return got

    def wait_receipt(self, rid, timeout=WAIT):
        with self.cond:
            return self.cond.wait_for(lambda: rid in self.receipts or self.errors, timeout) and rid in self.receipts


def as_text(body):
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body


def connection(auto_decode=True):
    hp = [("127.0.0.1", PORT)]
    if VERSION == "1.0":
        return stomp.Connection10(hp, auto_decode=auto_decode)
    if VERSION == "1.1":
        return stomp.Connection11(hp, auto_decode=auto_decode)
    return stomp.Connection12(hp, auto_decode=auto_decode)


def open_conn(headers=None, auto_decode=True):
    conn = connection(auto_decode)
    col = Collector()
    conn.set_listener("collector", col)
    conn.connect(wait=True, headers=headers or {})
    return conn, col


_rid = [0]


def rid():
    _rid[0] += 1
    return "py-%s-%d" % (TAG, _rid[0])


def subscribe(conn, col, dest, sub_id, ack="auto", headers=None):
    """SUBSCRIBE with a receipt, so messages sent afterwards are certain to reach it."""
    r = rid()
    h = dict(headers or {})
    h["receipt"] = r
    conn.subscribe(dest, id=sub_id, ack=ack, headers=h)
    if not col.wait_receipt(r):
        raise RuntimeError("no RECEIPT for SUBSCRIBE %s (errors: %s)" % (dest, col.errors))


def send_sync(conn, col, dest, body, headers=None):
    r = rid()
    h = dict(headers or {})
    h["receipt"] = r
    conn.send(dest, body, headers=h)
    if not col.wait_receipt(r):
        raise RuntimeError("no RECEIPT for SEND to %s (errors: %s)" % (dest, col.errors))


def ack(conn, frame, transaction=None):
    h = frame.headers
    if VERSION == "1.2":
        conn.ack(h["ack"], transaction=transaction)
    elif VERSION == "1.1":
        conn.ack(h["message-id"], h["subscription"], transaction=transaction)
    else:
        conn.ack(h["message-id"], transaction=transaction)


def nack(conn, frame, transaction=None):
    h = frame.headers
    if VERSION == "1.2":
        conn.nack(h["ack"], transaction=transaction)
    else:
        conn.nack(h["message-id"], h["subscription"], transaction=transaction)


def close(conn):
    try:
        conn.disconnect(receipt=rid())
    except Exception:
        pass


def summary(frames):
    return [{"body": as_text(f.body), "headers": dict(f.headers)} for f in frames]


# --- scenarios -------------------------------------------------------------------------------


def seed_queue():
    """Seed 000 §3.4: send_to_queue('len 123') on one connection, receive_from_queue on another."""
    queue_name = "/queue/SampleQueue-" + TAG
    conn, col = open_conn()
    conn.send(queue_name, "len 123")
    conn.disconnect()  # stomp.py's disconnect waits for its receipt
    conn, col = open_conn()
    conn.subscribe(queue_name, id="1")
    got = col.wait_messages(1)
    conn.disconnect()
    return {"messages": summary(got), "errors": col.errors}


def seed_topic():
    """Seed 000 §3.4 receive_from_topic: subscribe, then send_to_topic('topic') from fresh connections."""
    topic_name = "/topic/SampleTopic-" + TAG
    sub, col = open_conn()
    subscribe(sub, col, topic_name, "1")
    for _ in range(3):
        conn, _c = open_conn()
        conn.send(topic_name, "topic")
        conn.disconnect()
    got = col.wait_messages(3)
    close(sub)
    return {"messages": summary(got), "errors": col.errors}


def client_ack():
    """ack=client is cumulative: acking the 2nd of 3 acks the 1st too; the 3rd comes back."""
    q = "/queue/client-ack-" + TAG
    conn, col = open_conn()
    subscribe(conn, col, q, "s1", ack="client")
    for i in range(3):
        send_sync(conn, col, q, "m%d" % i)
    got = col.take(3)
    if len(got) == 3:
        ack(conn, got[1])
    close(conn)
    conn2, col2 = open_conn()
    subscribe(conn2, col2, q, "s2")
    # Ask for more than we expect: anything beyond m2 would be an ack that did not count.
    extra = col2.take_then_more(1, 1, extra_timeout=1.0)
    close(conn2)
    return {"first": summary(got), "redelivered": summary(extra), "errors": col.errors + col2.errors}


def client_individual():
    """ack=client-individual acks only that message: the 1st and 3rd come back."""
    q = "/queue/client-ind-" + TAG
    conn, col = open_conn()
    subscribe(conn, col, q, "s1", ack="client-individual")
    for i in range(3):
        send_sync(conn, col, q, "m%d" % i)
    got = col.take(3)
    if len(got) == 3:
        ack(conn, got[1])
    close(conn)
    conn2, col2 = open_conn()
    subscribe(conn2, col2, q, "s2")
    again = col2.take_then_more(2, 1, extra_timeout=1.5)
    close(conn2)
    return {"first": summary(got), "redelivered": summary(again), "errors": col.errors + col2.errors}


def nack_redelivery():
    """NACK → redelivered:true; after maxRedeliveries (2) more NACKs it lands in DLQ.<name>."""
    name = "nack-" + TAG
    q = "/queue/" + name
    conn, col = open_conn()
    subscribe(conn, col, q, "s1", ack="client-individual")
    send_sync(conn, col, q, "poison")
    deliveries = []
    for _ in range(3):
        got = col.take(1)
        if not got:
            break
        deliveries.append(got[0])
        nack(conn, got[0])
    # A fourth delivery would mean the DLQ rule did not fire.
    fourth = col.take(1, timeout=1.0)
    subscribe(conn, col, "/queue/DLQ." + name, "dlq")
    dlq = col.take(1)
    close(conn)
    return {
        "deliveries": summary(deliveries),
        "fourth": summary(fourth),
        "dlq": summary(dlq),
        "errors": col.errors,
    }


def transactions():
    """BEGIN/COMMIT/ABORT for sends, and ACKs inside transactions."""
    q = "/queue/tx-" + TAG
    prod, pcol = open_conn()
    cons, ccol = open_conn()
    subscribe(cons, ccol, q, "c1", ack="client-individual")
    out = {}

    tx = prod.begin()
    prod.send(q, "tx-1", transaction=tx)
    prod.send(q, "tx-2", transaction=tx)
    send_sync(prod, pcol, q, "marker-1")
    first = ccol.take(1)
    out["before_commit"] = summary(first)
    for f in first:
        ack(cons, f)
    r = rid()
    prod.commit(tx, receipt=r)
    pcol.wait_receipt(r)
    committed = ccol.take(2)
    out["after_commit"] = summary(committed)
    for f in committed:
        ack(cons, f)

    tx2 = prod.begin()
    prod.send(q, "aborted", transaction=tx2)
    r = rid()
    prod.abort(tx2, receipt=r)
    pcol.wait_receipt(r)
    send_sync(prod, pcol, q, "marker-2")
    after_abort = ccol.take(1)
    out["after_abort"] = summary(after_abort)

    # ACK inside a transaction that is aborted: the message comes back (redelivered).
    if after_abort:
        m = after_abort[0]
        t3 = cons.begin()
        ack(cons, m, transaction=t3)
        cons.abort(t3)
        back = ccol.take(1)
        out["ack_aborted_redelivery"] = summary(back)
        if back:
            t4 = cons.begin()
            ack(cons, back[0], transaction=t4)
            r = rid()
            cons.commit(t4, receipt=r)
            ccol.wait_receipt(r)
    close(cons)
    # After the committed ACK, nothing of the above is left: the next message is marker-3.
    send_sync(prod, pcol, q, "marker-3")
    cons2, c2col = open_conn()
    subscribe(cons2, c2col, q, "c2")
    out["leftover"] = summary(c2col.take_then_more(1, 1, extra_timeout=1.5))
    close(cons2)
    close(prod)
    out["errors"] = pcol.errors + ccol.errors + c2col.errors
    return out


def receipts():
    """Receipts come back for SEND/SUBSCRIBE/BEGIN/COMMIT, in request order."""
    q = "/queue/receipts-" + TAG
    conn, col = open_conn()
    ids = []
    for i in range(10):
        r = rid()
        ids.append(r)
        conn.send(q, "r%d" % i, headers={"receipt": r, "persistent": "true" if i % 2 else "false"})
    r = rid()
    ids.append(r)
    conn.subscribe(q, id="s", headers={"receipt": r})
    r = rid()
    ids.append(r)
    t = conn.begin()
    conn.commit(t, receipt=r)
    col.wait_receipt(ids[-1])
    got = col.wait_messages(10)
    close(conn)
    return {"sent": ids, "received": list(col.receipts), "messages": len(got), "errors": col.errors}


SPECIAL = {
    "colon-key": "a:b:c",
    "newline": "line1\nline2",
    "backslash": "c:\\path\\to",
    "mixed": "x\\ny:z\n\\c",
    "unicode": "héllo wörld ✓ 世界",
}


def header_escaping():
    """Header values with ':', LF, '\\' (and CR in 1.2) survive SEND → MESSAGE (1.1+ escaping)."""
    q = "/queue/escape-" + TAG
    conn, col = open_conn()
    subscribe(conn, col, q, "s1")
    if VERSION == "1.0":
        # 1.0 has no escaping: only values that need none (a colon after the first is legal).
        sent = {"colon-key": SPECIAL["colon-key"], "unicode": SPECIAL["unicode"]}
    else:
        sent = dict(SPECIAL)
    if VERSION == "1.2":
        sent["carriage"] = "a\rb"
    send_sync(conn, col, q, "escaped", headers=dict(sent))
    got = col.take(1)
    close(conn)
    received = {k: got[0].headers.get(k) for k in sent} if got else {}
    return {"sent": sent, "received": received, "errors": col.errors}


BINARY = bytes(range(256)) * 4 + b"\x00\x00end\x00"
TEXT = "Grüße, 世界! ✓ — ünïcödé"


def binary_bodies():
    """Binary (with NULs) and non-ASCII bodies round trip exactly, with content-length."""
    q = "/queue/binary-" + TAG
    conn, col = open_conn(auto_decode=False)
    subscribe(conn, col, q, "s1")
    send_sync(conn, col, q, BINARY, headers={"content-type": "application/octet-stream"})
    send_sync(conn, col, q, TEXT.encode("utf-8"), headers={"content-type": "text/plain;charset=utf-8"})
    got = col.take(2)
    close(conn)
    return {
        "expected": [base64.b64encode(BINARY).decode(), base64.b64encode(TEXT.encode("utf-8")).decode()],
        "received": [base64.b64encode(f.body).decode() for f in got],
        "content_length": [f.headers.get("content-length") for f in got],
        "errors": col.errors,
    }


def durable():
    """A durable topic subscription receives what was published while it was away."""
    topic = "/topic/durable-" + TAG
    client_id = "py-client-" + TAG
    name = "py-sub"
    sub_headers = {"activemq.subscriptionName": name}
    conn, col = open_conn(headers={"client-id": client_id})
    subscribe(conn, col, topic, "d1", headers=sub_headers)
    close(conn)  # away: the subscription stays, inactive
    prod, pcol = open_conn()
    for i in range(3):
        send_sync(prod, pcol, topic, "while-away-%d" % i, headers={"persistent": "true"})
    close(prod)
    conn, col = open_conn(headers={"client-id": client_id})
    subscribe(conn, col, topic, "d1", headers=sub_headers)
    got = col.take(3)
    # Destroy it: UNSUBSCRIBE carrying the subscription name (ActiveMQ convention).
    r = rid()
    conn.unsubscribe(id="d1", headers={"activemq.subscriptionName": name, "receipt": r})
    col.wait_receipt(r)
    close(conn)
    return {"messages": summary(got), "errors": col.errors}


SCENARIOS = {
    "seed_queue": seed_queue,
    "seed_topic": seed_topic,
    "client_ack": client_ack,
    "client_individual": client_individual,
    "nack_redelivery": nack_redelivery,
    "transactions": transactions,
    "receipts": receipts,
    "header_escaping": header_escaping,
    "binary_bodies": binary_bodies,
    "durable": durable,
}


def main():
    names = sys.argv[3:] or list(SCENARIOS)
    for name in names:
        started = time.time()
        try:
            data = SCENARIOS[name]()
            rec = {"scenario": name, "ok": True, "data": data}
        except Exception as e:  # reported, not swallowed: the TS side fails on ok=false
            rec = {"scenario": name, "ok": False, "error": "%s: %s" % (type(e).__name__, e),
                   "trace": traceback.format_exc()}
        rec["seconds"] = round(time.time() - started, 2)
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
