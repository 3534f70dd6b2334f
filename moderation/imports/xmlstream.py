"""Reading big XML exports in bounded memory, with the line of every element.

Only the elements asked for are built (a WordPress `<item>`, a Disqus `<post>`), each handed
over and forgotten once complete, so memory holds one of them at a time, not the file. A
document type declaration is refused: exports never need one, and it is what entity-expansion
attacks ("billion laughs") and external entities ride on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from moderation.imports.records import MalformedFile

CHUNK = 1 << 16
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Node:
    """An element: its local name, namespace, attributes (local names), text and children."""

    name: str
    namespace: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The element's own text (its children's text excluded)."""
        return "".join(self.parts)

    def child(self, name: str) -> Node | None:
        """The first child element called `name`."""
        return next((node for node in self.children if node.name == name), None)

    def all(self, name: str) -> list[Node]:
        """Every child element called `name`."""
        return [node for node in self.children if node.name == name]

    def value(self, name: str) -> str | None:
        """The stripped text of the child `name`, None when there is no such child."""
        found = self.child(name)
        return None if found is None else found.text.strip()

    @property
    def where(self) -> str:
        """How error messages point at this element."""
        return f"line {self.line}, <{self.name}>"


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition("}")
    return local, namespace


def iter_nodes(
    path: Path,
    root: str,
    wanted: Collection[str],
    skip_text: Collection[str] = (),
    progress: Progress | None = None,
) -> Iterator[Node]:
    """Yield each complete element named in `wanted` (outside another wanted one).

    The document element must be called `root`. Text of elements in `skip_text` is not kept
    (a WordPress post's own body can be large and is not needed). `progress(bytes read, size)`
    is called after every chunk. Raises `MalformedFile` with the line of the problem.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    done: list[Node] = []
    seen_root: list[bool] = []
    skipping = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal skipping
        local, namespace = _split(name)
        if not seen_root:
            seen_root.append(True)
            if local != root:
                raise MalformedFile(
                    "wrong_root", f"line {parser.CurrentLineNumber}", expected=root, found=local
                )
        if stack or local in wanted:
            attrs = {_split(key)[0]: value for key, value in attributes.items()}
            node = Node(local, namespace, attrs, parser.CurrentLineNumber)
            if stack:
                stack[-1].children.append(node)
            stack.append(node)
            if local in skip_text:
                skipping += 1

    def end(name: str) -> None:
        nonlocal skipping
        if not stack:
            return
        node = stack.pop()
        if node.name in skip_text:
            skipping -= 1
        if not stack:
            done.append(node)

    def text(data: str) -> None:
        if stack and not skipping:
            stack[-1].parts.append(data)

    def refuse_dtd(*_: object) -> None:
        raise MalformedFile("xml_dtd", f"line {parser.CurrentLineNumber}")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.buffer_text = True

    try:
        handle: BinaryIO = path.open("rb")
    except OSError as error:
        raise MalformedFile("unreadable", reason=error.strerror or str(error)) from error
    with handle:
        size = path.stat().st_size
        read = 0
        while True:
            chunk = handle.read(CHUNK)
            read += len(chunk)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as error:
                where = f"line {error.lineno}, column {error.offset + 1}"
                reason = expat.errors.messages[error.code]
                raise MalformedFile("xml_syntax", where, reason=reason) from error
            yield from done
            done.clear()
            if progress:
                progress(read, size)
            if not chunk:
                return
