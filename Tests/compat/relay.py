"""A real SMTP server (aiosmtpd) standing in for an organisation's mail relay in tests.

usage: relay.py PORT DIRECTORY
Each message it takes is written to DIRECTORY as N.json: {"sender", "recipients", "data"}.
Recipients at reject.example are refused with 550, as a relay refuses an unknown mailbox.
"""
import json
import os
import sys
import time

from aiosmtpd.controller import Controller

port, directory = int(sys.argv[1]), sys.argv[2]
os.makedirs(directory, exist_ok=True)


class Relay:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.endswith("@reject.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Relay.count += 1
        path = os.path.join(directory, f"{Relay.count}.json")
        with open(path + ".tmp", "w") as file:
            json.dump({"sender": envelope.mail_from, "recipients": envelope.rcpt_tos,
                       "data": envelope.content.decode("utf-8", "replace")}, file)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


controller = Controller(Relay(), hostname="127.0.0.1", port=port)
controller.start()
print("relay ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
