"""A real SMTP server for the tests and the mail benchmark (aiosmtpd on loopback).

Every accepted message is written to DIR as <n>.eml, and as <n>.json with its envelope, its
decoded headers, its decoded plain-text and HTML parts and its attachments (each decoded to
<n>-<i>.bin). Recipients
whose address contains "bounce" are refused for good (550); those containing "tempfail" are
refused for now (451) the first two times. Prints the port it listens on, then serves until
killed.

    python3 server.py --dir DIR [--port 0] [--discard]

With --discard messages are accepted and counted but not stored (the mail benchmark).
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, directory, discard=False):
        self.directory = directory
        self.discard = discard
        self.count = 0
        self.tempfails = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if "tempfail" in address:
            seen = self.tempfails.get(address, 0)
            self.tempfails[address] = seen + 1
            if seen < 2:
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.discard:
            return "250 Message accepted for delivery"
        base = os.path.join(self.directory, "%06d" % self.count)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {"text/plain": None, "text/html": None}
        attachments = []
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_content_disposition() == "attachment":
                path = "%s-%d.bin" % (base, len(attachments))
                with open(path, "wb") as f:
                    f.write(part.get_payload(decode=True))
                attachments.append({"name": part.get_filename(), "type": part.get_content_type(), "path": path})
            elif part.get_content_type() in parts:
                parts[part.get_content_type()] = part.get_content()
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        record = {
            "envelope_from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in message.items()},
            "content_type": message.get_content_type(),
            "text": parts["text/plain"],
            "html": parts["text/html"],
            "attachments": attachments,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(record, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--discard", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    controller = Controller(
        Handler(args.dir, args.discard),
        hostname="127.0.0.1",
        port=port,
        decode_data=False,
    )
    controller.start()
    print(port, flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
