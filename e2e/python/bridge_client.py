# stomp.py (Debian python3-stomp, the seeds' client) on one side of a network bridge. It only
# reports JSON lines; the test judges them.
#   producer <ports> <destination> <count> <prefix>   persistent sends, one receipt each, resent after a reconnect
#   consumer <ports> <destination> [durable]          client-individual acks, prints every body it gets; with
#                                                     "durable", a durable topic subscription (client-id and
#                                                     activemq.subscriptionName), resumed after each reconnect
import json, sys, threading, time, stomp

role, ports, dest = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], sys.argv[3]
durable = role == "consumer" and len(sys.argv) > 4 and sys.argv[4] == "durable"
lock = threading.Condition()
receipts = set()

class L(stomp.ConnectionListener):
    def __init__(self, conn):
        self.conn = conn
    def on_receipt(self, frame):
        with lock:
            receipts.add(frame.headers["receipt-id"])
            lock.notify_all()
    def on_message(self, frame):
        print(json.dumps({"body": frame.body, "path": frame.headers.get("TandemBrokerPath", "")}), flush=True)
        self.conn.ack(frame.headers["ack"] if "ack" in frame.headers else frame.headers["message-id"], frame.headers["subscription"])
    def on_disconnected(self):
        with lock:
            lock.notify_all()

conn = stomp.Connection([("127.0.0.1", p) for p in ports], heartbeats=(0, 0), reconnect_attempts_max=400,
                        reconnect_sleep_initial=0.05, reconnect_sleep_increase=0.5, reconnect_sleep_max=0.5)
conn.set_listener("l", L(conn))

def connect():
    while True:
        try:
            conn.connect(wait=True, headers={"client-id": "bridge-durable"} if durable else {})
            print(json.dumps({"connected": conn.transport.current_host_and_port[1]}), flush=True)
            if role == "consumer":
                conn.subscribe(dest, id="1", ack="client-individual",
                               headers={"activemq.subscriptionName": "ha"} if durable else {})
            return
        except Exception as e:
            print(json.dumps({"connect_error": str(e)}), flush=True)
            time.sleep(0.2)

connect()
if role == "consumer":
    print(json.dumps({"subscribed": dest}), flush=True)
    while True:
        time.sleep(0.2)
        if not conn.is_connected():
            connect()

total, prefix = int(sys.argv[4]), sys.argv[5]
i = 0
while i < total:
    if not conn.is_connected():
        connect()
    rid = "r-%d" % i
    try:
        conn.send(dest, "%s-%d" % (prefix, i), receipt=rid, headers={"persistent": "true"})
    except Exception as e:
        print(json.dumps({"send_error": str(e)}), flush=True)
        time.sleep(0.1)
        continue
    deadline = time.time() + 5
    with lock:
        while rid not in receipts and conn.is_connected() and time.time() < deadline:
            lock.wait(0.1)
        ok = rid in receipts
    if ok:
        print(json.dumps({"receipted": i}), flush=True)
        i += 1
conn.disconnect()
print(json.dumps({"done": i}), flush=True)
