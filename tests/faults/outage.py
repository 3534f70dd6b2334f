"""Database faults as the application meets them, on the database the suite runs against.

PostgreSQL: the application connects through a TCP proxy that the test cuts: connections in
its pool are reset and new ones are dropped, as when the server goes down or the network
breaks. SQLite has no server to lose: its outage is another process holding the write lock
(a long import, a backup, a migration), so writes wait and give up while reads still work.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator

from sqlalchemy import make_url


class TcpProxy:
    """Forwards a local port to `target`; while `cut`, every connection is dropped."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.is_cut = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Reset every open connection and drop new ones until `restore`."""
        with self._lock:
            self.is_cut = True
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open.clear()

    def restore(self) -> None:
        """Let connections through again."""
        with self._lock:
            self.is_cut = False

    def close(self) -> None:
        """Stop listening and drop everything."""
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                if self.is_cut:
                    client.close()
                    continue
                upstream = socket.create_connection(self._target)
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


class Outage:
    """A database outage to start and end: `with outage.during(): ...`."""

    def __init__(self, url: str) -> None:
        self.is_sqlite = url.startswith("sqlite")
        parsed = make_url(url)
        self._proxy: TcpProxy | None = None
        self._sqlite_path = parsed.database
        if self.is_sqlite:
            self.url = url
        else:
            self._proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            self.url = parsed.set(host="127.0.0.1", port=self._proxy.port).render_as_string(
                hide_password=False
            )

    @contextlib.contextmanager
    def during(self) -> Iterator[None]:
        """The database is out for the block: unreachable (PostgreSQL) or write-locked (SQLite)."""
        if self._proxy is not None:
            self._proxy.cut()
            try:
                yield
            finally:
                self._proxy.restore()
            return
        holder = sqlite3.connect(str(self._sqlite_path), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE articles SET title = title")  # holds the write lock
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def close(self) -> None:
        """Stop the proxy, if any."""
        if self._proxy is not None:
            self._proxy.close()
