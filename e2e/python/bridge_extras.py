# stomp.py (Debian python3-stomp) for the network-bridge cases beyond plain produce/consume. It only
# reports JSON lines; the test judges them.
#   requester <port> <count>                        subscribes /temp-queue/replies, waits for "go" on stdin,
#                                                   sends <count> requests to /queue/rpc with reply-to, prints replies
#   destroy-durable <port> <client-id> <topic> <name>  subscribes durably, then UNSUBSCRIBEs with the name (deletes it)
import json, sys, threading, time, stomp

role, port = sys.argv[1], int(sys.argv[2])

class L(stomp.ConnectionListener):
    def on_message(self, frame):
        print(json.dumps({"reply": frame.body, "destination": frame.headers.get("destination", "")}), flush=True)
    def on_error(self, frame):
        print(json.dumps({"error": frame.headers.get("message", "")}), flush=True)

conn = stomp.Connection([("127.0.0.1", port)], heartbeats=(0, 0))
conn.set_listener("l", L())

if role == "requester":
    count = int(sys.argv[3])
    conn.connect(wait=True)
    conn.subscribe("/temp-queue/replies", id="replies", ack="auto", headers={"receipt": "sub"})
    time.sleep(0.2)
    print(json.dumps({"subscribed": True}), flush=True)
    sys.stdin.readline()
    for i in range(count):
        conn.send("/queue/rpc", "req-%d" % i, headers={"reply-to": "/temp-queue/replies"})
    print(json.dumps({"sent": count}), flush=True)
    time.sleep(60)
elif role == "destroy-durable":
    client_id, topic, name = sys.argv[3], sys.argv[4], sys.argv[5]
    conn.connect(wait=True, headers={"client-id": client_id})
    conn.subscribe(topic, id="d", ack="auto", headers={"activemq.subscriptionName": name})
    conn.unsubscribe(id="d", headers={"activemq.subscriptionName": name, "receipt": "u"})
    time.sleep(0.5)
    conn.disconnect()
    print(json.dumps({"destroyed": name}), flush=True)
