"""Stock stomp.py clients for the chaos run (e2e/haChaos.test.ts, bench/chaosSoak.ts).

  chaos_client.py produce --ports 1,2,3 --queue /queue/q --prefix p0 --out FILE
  chaos_client.py consume --ports 1,2,3 --queues /queue/a,/queue/b --out FILE

Both are given every node's address, as the seeds configure stomp.py: slaves refuse connections,
so a connection lands on the master. A producer sends persistent messages one at a time with a
receipt each; when the receipt does not come (connection lost, or nothing within
--receipt-timeout) it drops the connection, reconnects (stomp.py tries the node list; the order is
shuffled per attempt so a frozen node that still accepts TCP is not retried forever) and sends
the same id again. The consumer subscribes with client-individual acks, records a message before
acking it, and re-subscribes after reconnecting.

Every event is one JSON line in --out, flushed at once (so a record survives this process being
killed): the judgement is made by the TypeScript checker, never here. Times are epoch ms.
SIGTERM ends the process after the send in progress (a producer) or at once (a consumer).
"""
import argparse
import json
import random
import signal
import sys
import threading
import time

import stomp

stopping = threading.Event()


def now_ms():
    return int(time.time() * 1000)


class Recorder:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def write(self, **rec):
        rec["t"] = now_ms()
        with self.lock:
            self.f.write(json.dumps(rec) + "\n")
            self.f.flush()


class Listener(stomp.ConnectionListener):
    """One per connection, so a late callback of an abandoned connection touches nothing live."""

    def __init__(self, on_message=None):
        self.cond = threading.Condition()
        self.receipts = set()
        self.closed = False
        self.error = None
        self.on_message_cb = on_message
        self.conn = None
        self.port = None

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.error = frame.body or frame.headers.get("message", "ERROR")
            self.cond.notify_all()

    def on_disconnected(self):
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def on_message(self, frame):
        if self.on_message_cb:
            self.on_message_cb(self, frame)


def drop(conn):
    try:
        conn.transport.disconnect_socket()
    except Exception:
        pass


def connect(ports, rec, on_message=None, connect_timeout=3.0):
    """Connects to whichever node answers CONNECT; retries until connected or stopping."""
    while not stopping.is_set():
        hosts = [("127.0.0.1", p) for p in ports]
        random.shuffle(hosts)
        listener = Listener(on_message)
        conn = stomp.Connection(hosts, reconnect_attempts_max=1, reconnect_sleep_initial=0.05,
                                reconnect_sleep_max=0.2, timeout=connect_timeout, heartbeats=(0, 0))
        listener.conn = conn
        conn.set_listener("l", listener)
        try:
            conn.connect(wait=False)
        except Exception:
            time.sleep(0.1)
            continue
        deadline = time.time() + connect_timeout
        while time.time() < deadline and not conn.is_connected() and listener.error is None and not listener.closed:
            time.sleep(0.01)
        if conn.is_connected() and listener.error is None:
            port = conn.transport.current_host_and_port[1]
            listener.port = port
            rec.write(ev="conn", port=port)
            return conn, listener, port
        drop(conn)
        time.sleep(0.1)
    return None, None, None


def produce(a, rec):
    pad = "x" * max(0, a.body_bytes)
    conn, listener, port = None, None, None
    seq = 0
    while not stopping.is_set():
        mid = "%s-%d" % (a.prefix, seq)
        attempt = 0
        while True:
            if conn is None or not conn.is_connected() or listener.closed:
                if conn is not None:
                    drop(conn)
                conn, listener, port = connect(a.ports, rec)
                if conn is None:
                    return  # stopping while not connected: this id stays unreceipted
            rid = "%s#%d" % (mid, attempt)
            rec.write(ev="send", id=mid, port=port, attempt=attempt)
            try:
                conn.send(a.queue, mid + " " + pad, receipt=rid, headers={"persistent": "true"})
            except Exception as e:
                rec.write(ev="lost", port=port, why="send: %s" % e)
                drop(conn)
                conn = None
                attempt += 1
                continue
            deadline = time.time() + a.receipt_timeout
            with listener.cond:
                while rid not in listener.receipts and not listener.closed and listener.error is None and time.time() < deadline:
                    listener.cond.wait(0.05)
                ok = rid in listener.receipts
                why = "closed" if listener.closed else ("error: %s" % listener.error if listener.error else "no receipt in %ss" % a.receipt_timeout)
            if ok:
                rec.write(ev="receipt", id=mid, port=port, attempt=attempt)
                break
            rec.write(ev="lost", port=port, why=why, id=mid)
            drop(conn)
            conn = None
            attempt += 1
            if stopping.is_set():
                return
        seq += 1
        if a.pause_ms > 0:
            time.sleep(a.pause_ms / 1000.0)
    if conn is not None:
        try:
            conn.disconnect()
        except Exception:
            pass


def consume(a, rec):
    def on_message(listener, frame):
        body = frame.body if isinstance(frame.body, str) else frame.body.decode("utf-8", "replace")
        mid = body.split(" ", 1)[0]
        rec.write(ev="msg", id=mid, port=listener.port, q=frame.headers.get("destination"),
                  redelivered=frame.headers.get("redelivered") == "true")
        try:
            listener.conn.ack(frame.headers.get("ack") or frame.headers.get("message-id"), frame.headers.get("subscription"))
        except Exception:
            pass  # the connection is gone: the message comes again from the next master

    while not stopping.is_set():
        conn, listener, port = connect(a.ports, rec, on_message)
        if conn is None:
            return
        try:
            for i, q in enumerate(a.queues):
                conn.subscribe(q, id="s%d" % i, ack="client-individual")
        except Exception as e:
            rec.write(ev="lost", port=port, why="subscribe: %s" % e)
            drop(conn)
            continue
        with listener.cond:
            while not listener.closed and listener.error is None and not stopping.is_set():
                listener.cond.wait(0.1)
            why = "closed" if listener.closed else ("error: %s" % listener.error if listener.error else "stopping")
        if not stopping.is_set():
            rec.write(ev="lost", port=port, why=why)
        drop(conn)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["produce", "consume"])
    p.add_argument("--ports", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--queue")
    p.add_argument("--queues")
    p.add_argument("--prefix", default="p")
    p.add_argument("--body-bytes", type=int, default=100)
    p.add_argument("--pause-ms", type=float, default=5)
    p.add_argument("--receipt-timeout", type=float, default=5)
    a = p.parse_args()
    a.ports = [int(x) for x in a.ports.split(",")]
    if a.queues:
        a.queues = a.queues.split(",")
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    rec = Recorder(a.out)
    rec.write(ev="start", mode=a.mode)
    if a.mode == "produce":
        produce(a, rec)
    else:
        consume(a, rec)
    rec.write(ev="stop")
    sys.exit(0)


if __name__ == "__main__":
    main()
