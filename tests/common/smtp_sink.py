"""A real SMTP server for the digest tests (tests/common/smtp.rs), built on aiosmtpd.

    python3 smtp_sink.py --mode tls|starttls --cert CERT --key KEY --out DIR --user U --password P

It listens on a free loopback port and prints that port on its first line. Every message it
accepts is written as DIR/NNNN.eml exactly as the client sent it (the DATA, before any header
of ours), so the test can compare sizes byte for byte. It only accepts mail over TLS (implicit
TLS in `tls` mode, STARTTLS in `starttls` mode) and after AUTH with the given user and password.
"""

import argparse
import asyncio
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["tls", "starttls"], required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, data):
        good = (
            isinstance(data, LoginPassword)
            and data.login == args.user.encode()
            and data.password == args.password.encode()
        )
        # handled=False: aiosmtpd answers a refusal itself (535) instead of saying nothing.
        return AuthResult(success=good, handled=False)

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            over_tls = (
                server.transport.get_extra_info("ssl_object") is not None
                or session.ssl is not None
            )
            if not over_tls:
                return "530 TLS required"
            count = len([n for n in os.listdir(args.out) if n.endswith(".eml")])
            final = os.path.join(args.out, "%04d.eml" % count)
            # Written aside and renamed, so the test never reads half a message.
            with open(final + ".part", "wb") as f:
                f.write(envelope.original_content)
            os.rename(final + ".part", final)
            return "250 OK"

    def protocol():
        if args.mode == "tls":
            # Implicit TLS: the socket is TLS from the first byte, so aiosmtpd's own STARTTLS
            # bookkeeping does not know it; AUTH is allowed because the transport is TLS.
            return SMTP(
                Sink(),
                hostname="localhost",
                authenticator=authenticator,
                auth_required=True,
                auth_require_tls=False,
            )
        return SMTP(
            Sink(),
            hostname="localhost",
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            protocol,
            host="127.0.0.1",
            port=0,
            ssl=context if args.mode == "tls" else None,
        )
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
