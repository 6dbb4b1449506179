"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd), on 127.0.0.1.

  smtp_server.py MODE OUTDIR [CERT KEY [USER PASSWORD]]

MODE: plain (no TLS), starttls (STARTTLS required, self-signed CERT/KEY), auth (STARTTLS and AUTH LOGIN/PLAIN
required, accepting only USER/PASSWORD). Prints "READY <port>" once listening. Every message received becomes
OUTDIR/NNNN.json: envelope sender and recipients, subject, the text and HTML parts, and attachments. Stops when
its standard input closes.
"""
import email, email.policy, json, os, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, outdir = sys.argv[1], sys.argv[2]
cert = key = user = password = None
if len(sys.argv) > 4:
    cert, key = sys.argv[3], sys.argv[4]
if len(sys.argv) > 6:
    user, password = sys.argv[5], sys.argv[6]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        text = html = None
        attachments = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                attachments.append({"filename": part.get_filename(), "contentType": part.get_content_type(),
                                    "content": part.get_content() if part.get_content_maintype() == "text" else ""})
            elif part.get_content_type() == "text/plain" and text is None:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and html is None:
                html = part.get_content()
        n = len([f for f in os.listdir(outdir) if f.endswith(".json")])
        path = os.path.join(outdir, "%04d.json" % n)
        with open(path + ".tmp", "w") as f:
            json.dump({"mailFrom": envelope.mail_from, "rcptTos": envelope.rcpt_tos, "subject": str(msg["subject"]),
                       "from": str(msg["from"]), "to": str(msg["to"]), "text": text, "html": html,
                       "attachments": attachments, "tls": session.ssl is not None,
                       "authenticated": bool(getattr(session, "authenticated", False))}, f)
        os.rename(path + ".tmp", path)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)


kwargs = {}
if mode in ("starttls", "auth"):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kwargs.update(tls_context=ctx, require_starttls=True)
if mode == "auth":
    kwargs.update(authenticator=authenticator, auth_required=True)
# aiosmtpd's start() connects to its own port to check it is up, so the port must be known: take a free one.
import socket
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print("READY %d" % port, flush=True)
sys.stdin.read()
controller.stop()
