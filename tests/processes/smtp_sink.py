"""A small SMTP server that keeps what it receives: the mail catcher (Mailpit in docker-compose) of the process tests.

Django's SMTP backend in the worker talks to it over a real socket, so a test sees exactly what left the worker.
"""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import Message


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: Message


@dataclass
class SmtpSink:
    """Collects every message delivered to 127.0.0.1:`port` until `close()`."""

    received: list[ReceivedMail] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                sender, recipients = "", []
                self.reply("220 passerelle-test-sink ESMTP")
                while line := self.rfile.readline():
                    verb = line[:4].decode("ascii", "replace").upper()
                    argument = line[5:].decode("utf-8", "replace").strip()
                    if verb == "EHLO":
                        self.wfile.write(b"250-passerelle-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    elif verb in {"HELO", "NOOP"}:
                        self.reply("250 OK")
                    elif verb == "RSET":
                        sender, recipients = "", []
                        self.reply("250 OK")
                    elif verb == "MAIL":
                        sender = argument.partition(":")[2].strip().split(" ")[0].strip("<>")
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(argument.partition(":")[2].strip().strip("<>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        sink._store(sender, recipients, self._read_data())
                        sender, recipients = "", []
                        self.reply("250 OK: queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

            def _read_data(self) -> bytes:
                lines = []
                while (line := self.rfile.readline()) not in {b".\r\n", b".\n", b""}:
                    lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
                return b"".join(lines)

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def _store(self, sender: str, recipients: list[str], data: bytes) -> None:
        with self._lock:
            self.received.append(ReceivedMail(sender, list(recipients), email.message_from_bytes(data)))

    def messages_to(self, address: str) -> list[ReceivedMail]:
        with self._lock:
            return [mail for mail in self.received if address in mail.recipients]

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
