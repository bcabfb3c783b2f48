"""Stock stomp.py clients for the chaos run (e2e/haChaos.test.ts, bench/chaosSoak.ts).

  chaos_client.py produce --ports 1,2,3 --queue /queue/q --prefix p0 --out FILE
  chaos_client.py consume --ports 1,2,3 --queues /queue/a,/queue/b --out FILE

Both are given every node's address, as the seeds configure stomp.py: slaves refuse connections,
so a connection lands on the master. A producer sends persistent messages with a receipt each,
up to --window of them awaiting their receipt; when receipts stop coming (connection lost, or
nothing within --receipt-timeout) it drops the connection, reconnects (stomp.py tries the node list; the order is
shuffled per attempt so a frozen node that still accepts TCP is not retried forever) and sends
every unreceipted id again. The consumer subscribes with client-individual acks, records a message before
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
    # id -> [attempt, receipt id, time sent]; at most --window of them await their RECEIPT.
    outstanding = {}

    def send(mid):
        entry = outstanding[mid]
        entry[1] = "%s#%d" % (mid, entry[0])
        entry[2] = time.time()
        rec.write(ev="send", id=mid, port=port, attempt=entry[0])
        conn.send(a.queue, mid + " " + pad, receipt=entry[1], headers={"persistent": "true"})

    def give_up(why):
        # Every unreceipted send of this connection goes again, on the next one.
        for mid, entry in outstanding.items():
            rec.write(ev="lost", port=port, why=why, id=mid)
            entry[0] += 1
        drop(conn)

    while not (stopping.is_set() and not outstanding):
        if conn is None or not conn.is_connected() or listener.closed:
            if conn is not None:
                give_up("closed")
            conn, listener, port = connect(a.ports, rec)
            if conn is None:
                return  # stopping while not connected: what is outstanding stays unreceipted
            try:
                for mid in list(outstanding):
                    send(mid)
            except Exception as e:
                give_up("send: %s" % e)
                conn = None
                continue
        try:
            while len(outstanding) < a.window and not stopping.is_set():
                mid = "%s-%d" % (a.prefix, seq)
                seq += 1
                outstanding[mid] = [0, None, 0]
                send(mid)
        except Exception as e:
            give_up("send: %s" % e)
            conn = None
            continue
        with listener.cond:
            oldest = min(e[2] for e in outstanding.values()) if outstanding else time.time()
            deadline = oldest + a.receipt_timeout
            while (not any(e[1] in listener.receipts for e in outstanding.values()) and not listener.closed
                   and listener.error is None and time.time() < deadline):
                listener.cond.wait(0.05)
            done = [mid for mid, e in outstanding.items() if e[1] in listener.receipts]
            why = "closed" if listener.closed else ("error: %s" % listener.error if listener.error else "no receipt in %ss" % a.receipt_timeout)
        for mid in done:
            rec.write(ev="receipt", id=mid, port=port, attempt=outstanding.pop(mid)[0])
        if not done and outstanding:
            give_up(why)
            conn = None
            if stopping.is_set():
                return
        elif a.pause_ms > 0:
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
    p.add_argument("--window", type=int, default=1, help="sends awaiting their receipt at once (producer)")
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
