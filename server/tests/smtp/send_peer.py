"""The peer for the mail benchmark: Python's smtplib sending N ready-made messages of the same
size over one connection to the same SMTP server, with no database or outbox around it.

    python3 send_peer.py --port PORT --count N
Prints {"tool": "smtplib", "mails": N, "seconds": S} on stdout.
"""

import argparse
import json
import smtplib
import time
from email.message import EmailMessage


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args()
    body = "Beste coördinator,\n\n" + ("Vul de vragenlijst in. " * 40) + "\n"
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", args.port) as smtp:
        for n in range(args.count):
            m = EmailMessage()
            m["From"] = "noreply@miv-mbo.localhost"
            m["To"] = "peer%05d@roc.nl" % n
            m["Subject"] = "Uitnodiging %d" % n
            m.set_content(body)
            m.add_alternative("<p>" + body + "</p>", subtype="html")
            smtp.send_message(m)
    print(json.dumps({"tool": "smtplib", "mails": args.count, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
