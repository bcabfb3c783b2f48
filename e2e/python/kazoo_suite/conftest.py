# pytest plugin: points kazoo's own test harness (kazoo.testing.harness) at one server that is
# already running (KAZOO_EXT_HOST=host:port) instead of a Java cluster it would start itself.
# KAZOO_EXT_CTL is a script taking "start" or "stop", for the few tests that restart the server.
# Used by scripts/kazoo-suite.sh; kazoo's tests come from Debian's python3-kazoo package.
import os
import subprocess

import kazoo.testing.harness as harness


class ExternalServer:
    def __init__(self, address, ctl):
        self.address = address
        self.ctl = ctl
        self.running = True

    def stop(self):
        subprocess.check_call([self.ctl, "stop"])
        self.running = False

    def run(self):
        subprocess.check_call([self.ctl, "start"])
        self.running = True

    def destroy(self):
        pass

    def reset(self):
        pass


class ExternalCluster(list):
    def start(self):
        for s in self:
            if not s.running:
                s.run()

    def stop(self):
        pass

    def terminate(self):
        pass

    def reset(self):
        pass


_CLUSTER = ExternalCluster([ExternalServer(os.environ["KAZOO_EXT_HOST"], os.environ["KAZOO_EXT_CTL"])])
harness.get_global_cluster = lambda: _CLUSTER
