"""The symbol a chunk of code belongs to, read from the syntax tree: `Cart.add_item`.

The chunk's first line of code is looked up in the tree (comments above a definition describe
it, and a closing `}` or `end` belongs to the block before, so both are skipped), and the
names of the definitions around it are joined outwards in: class, then method. Go methods are
named after their receiver type (`Cart.AddItem`) and Rust's after their `impl`, as their code
names them.
"""

from __future__ import annotations

from tree_sitter import Node

from handoff.index.chunking.grammars import JS_FUNCTION_VALUES, Grammar
from handoff.index.chunking.lines import Lines

CLOSERS = frozenset({"}", ")", "]", "end", "fi", "done", "esac"})


def enclosing_symbol(root: Node, grammar: Grammar, lines: Lines, start: int, end: int) -> str | None:
    """The qualified name of the definitions around the first code line of `start..end`."""
    node = _first_code_node(root, lines, start, end)
    return _qualified_name(node, grammar) if node is not None else None


def is_comment_line(root: Node, lines: Lines, number: int) -> bool:
    """Whether line `number` starts with a comment."""
    return _is_comment(_line_node(root, lines, number))


def _first_code_node(root: Node, lines: Lines, start: int, end: int) -> Node | None:
    for number in range(start, end + 1):
        node = _line_node(root, lines, number)
        if node is not None and not _is_comment(node) and node.type not in CLOSERS:
            return node
    return None


def _is_comment(node: Node | None) -> bool:
    """Whether the node, or a node starting where it starts, is a comment (the smallest node
    at a Rust `///` is a token inside the comment)."""
    while node is not None:
        if "comment" in node.type:
            return True
        parent = node.parent
        node = parent if parent is not None and parent.start_point == node.start_point else None
    return False


def _line_node(root: Node, lines: Lines, number: int) -> Node | None:
    """The smallest node at the line's first non-blank character; None for a blank line."""
    line = lines[number]
    indent = len(line) - len(line.lstrip())
    if indent == len(line):
        return None
    point = (number - 1, len(line[:indent].encode("utf-8")))
    return root.descendant_for_point_range(point, point)


def _qualified_name(node: Node, grammar: Grammar) -> str | None:
    names: list[str] = []
    child: Node | None = None
    current: Node | None = node
    while current is not None:
        definition = _definition_at(current, child, grammar)
        name = _name(definition, grammar) if definition is not None else None
        if name:
            names.append(name)
        child, current = current, current.parent
    return ".".join(reversed(names)) or None


def _definition_at(node: Node, child: Node | None, grammar: Grammar) -> Node | None:
    """The definition this node stands for: itself, or the one a wrapper (a decorated
    definition, an export) holds when the walk comes from the wrapper's other parts (its
    decorators, the `export` keyword)."""
    if node.type in grammar.definitions:
        return node
    inner = _wrapped(node, grammar.wrappers.get(node.type))
    return inner if inner is not None and inner != child else None


def _wrapped(node: Node, holder: str | None) -> Node | None:
    if holder is None:
        return None
    inner = node.child_by_field_name(holder)
    return inner if inner is not None else next((c for c in node.named_children if c.type == holder), None)


def _name(definition: Node, grammar: Grammar) -> str | None:
    if definition.type.endswith("_specifier") and definition.child_by_field_name("body") is None:
        return None  # C's `struct cart *c` uses a type, only `struct cart { ... }` defines one
    if definition.type == "variable_declarator":
        value = definition.child_by_field_name("value")
        if value is None or value.type not in JS_FUNCTION_VALUES:
            return None
    name = _text(_declared(definition.child_by_field_name(grammar.names.get(definition.type, "name"))))
    if name and grammar.receivers and definition.type == "method_declaration":
        receiver = _receiver_type(definition.child_by_field_name("receiver"))
        return f"{receiver}.{name}" if receiver else name
    return name


def _declared(node: Node | None) -> Node | None:
    """The name inside C declarators: `*make(void)` -> `make`."""
    while node is not None and node.child_by_field_name("declarator") is not None:
        node = node.child_by_field_name("declarator")
    return node


def _receiver_type(receiver: Node | None) -> str | None:
    """`Cart` in `func (c *Cart)` or `func (b *Box[T])`."""
    pending = [receiver] if receiver is not None else []
    while pending:
        node = pending.pop(0)
        if node.type == "type_identifier":
            return _text(node)
        pending.extend(node.children)
    return None


def _text(node: Node | None) -> str | None:
    if node is None or node.text is None:
        return None
    return node.text.decode("utf-8", errors="replace")
