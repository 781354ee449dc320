"""Test SMTP server for CAQESMail (aiosmtpd).

Usage: python3 smtp_server.py --dir OUT [--tls starttls|smtps] [--auth USER:PASS] [--no-plain]
Picks a free port on 127.0.0.1, prints "READY <port>" on stdout, serves until stdin closes.
Each message received is written as OUT/<n>.json with the envelope, the raw bytes (base64)
and the decoded From/To/Subject/body as parsed by Python's `email` package.
"""
import argparse
import base64
import email
import email.policy
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:
    print("MISSING aiosmtpd: pip install aiosmtpd", flush=True)
    sys.exit(3)


class SavingHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("inconnu@"):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content if envelope.original_content is not None else envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "raw_b64": base64.b64encode(raw).decode("ascii"),
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            # get_content() keeps the wire CRLFs; report the text with "\n" line ends.
            "body": msg.get_content().replace("\r\n", "\n"),
            "defects": [type(d).__name__ for d in msg.defects]
            + [type(d).__name__ for h in msg.keys() for d in getattr(msg[h], "defects", [])],
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth": session.auth_data if session.authenticated else None,
        }
        path = os.path.join(self.out_dir, "%d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)
    return authenticator


def self_signed_context(work_dir):
    cert = os.path.join(work_dir, "cert.pem")
    key = os.path.join(work_dir, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
        check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", choices=["starttls", "smtps"])
    parser.add_argument("--auth")
    parser.add_argument("--no-plain", action="store_true", help="offer AUTH LOGIN only")
    args = parser.parse_args()

    kwargs = {}
    if args.tls:
        ctx = self_signed_context(tempfile.mkdtemp())
        if args.tls == "starttls":
            kwargs["tls_context"] = ctx
            kwargs["require_starttls"] = True
        else:
            kwargs["ssl_context"] = ctx
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs["authenticator"] = make_authenticator(user, password)
        kwargs["auth_required"] = True
        # aiosmtpd only counts STARTTLS as TLS; with implicit TLS the session is encrypted anyway.
        kwargs["auth_require_tls"] = args.tls != "smtps"
        if args.no_plain:
            kwargs["auth_exclude_mechanism"] = ["PLAIN"]

    port = free_port()
    controller = Controller(SavingHandler(args.dir), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        sys.stdin.read()  # the test closes stdin (or dies) to stop us
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
