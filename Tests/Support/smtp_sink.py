#!/usr/bin/python3
"""A real SMTP server for Cairn's tests (aiosmtpd, Debian's python3-aiosmtpd).

Listens on a free loopback port and writes every accepted message into --dir:
NNNN.eml (the bytes as received) and NNNN.json (the envelope plus the message as
Python's email package parses it with policy `default`). The port goes to --dir/ready
once the server accepts connections. The process exits when its stdin closes, so a
test that dies does not leave it behind.

Variants: --auth USER:PASS requires AUTH (PLAIN or LOGIN); --tls CERT:KEY offers
STARTTLS and requires it before MAIL; --stall N stalls the first N messages after
their data arrived (written as NNNN.stalled.json), never answering the final dot;
--implicit makes --tls TLS from the first byte (smtps) instead of STARTTLS.
Recipients starting with "reject" get 550, "later" 451; a message holding
"reject-data" gets 554 and one holding "later-data" 451 after its data.
"""
import argparse
import asyncio
import base64
import json
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from email import policy
from email.parser import BytesParser


class Sink:
    def __init__(self, directory, stall):
        self.directory = directory
        self.stall = stall
        self.count = 0

    def write(self, name, record):
        path = os.path.join(self.directory, name)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f, indent=1)
        os.rename(path + ".tmp", path)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address.startswith("later"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        number = self.count
        raw = envelope.original_content or envelope.content
        if b"reject-data" in raw:
            return "554 5.7.1 message refused: content rejected"
        if b"later-data" in raw:
            return "451 4.7.1 try again later"
        record = describe(raw)
        record["mail_from"] = envelope.mail_from
        record["rcpt_tos"] = list(envelope.rcpt_tos)
        record["tls"] = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
        record["authenticated"] = bool(session.authenticated)
        if self.stall > 0:
            self.stall -= 1
            self.write("%04d.stalled.json" % number, record)
            await asyncio.sleep(3600)
        with open(os.path.join(self.directory, "%04d.eml" % number), "wb") as f:
            f.write(raw)
        self.write("%04d.json" % number, record)
        return "250 2.0.0 Ok: queued as %04d" % number


def describe(raw):
    message = BytesParser(policy=policy.default).parsebytes(raw)
    lines = raw.split(b"\r\n")
    record = {
        "headers": [[name, str(value)] for name, value in message.items()],
        "subject": str(message.get("subject", "")),
        "message_id": str(message.get("message-id", "")),
        "content_type": message.get_content_type(),
        "max_line": max(len(line) for line in lines),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "defects": [repr(d) for part in message.walk() for d in part.defects],
        "size": len(raw),
    }
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    record["text"] = plain.get_content().replace("\r\n", "\n") if plain is not None else None
    record["html"] = html.get_content().replace("\r\n", "\n") if html is not None else None
    record["attachments"] = [
        {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "base64": base64.b64encode(part.get_payload(decode=True) or b"").decode(),
        }
        for part in message.iter_attachments()
    ]
    return record


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)
    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--auth")
    parser.add_argument("--tls")
    parser.add_argument("--stall", type=int, default=0)
    parser.add_argument("--implicit", action="store_true")
    args = parser.parse_args()

    sink = Sink(args.dir, args.stall)
    options = {"hostname": "sink.test", "ident": "cairn-test-sink"}
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=authenticator(user.encode(), password.encode()), auth_required=True,
                       auth_require_tls=bool(args.tls))
    server_ssl = None
    if args.tls:
        cert, key = args.tls.split(":", 1)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if args.implicit:
            server_ssl = context
        else:
            options.update(tls_context=context, require_starttls=True)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **options), sock=sock, ssl=server_ssl)
    port = sock.getsockname()[1]
    with open(os.path.join(args.dir, "ready.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.dir, "ready.tmp"), os.path.join(args.dir, "ready"))

    # Exit when the test closes stdin (or dies).
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
