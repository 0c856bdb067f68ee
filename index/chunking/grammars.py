"""The tree-sitter grammars that work offline, and what each calls a definition.

Each grammar comes from its own wheel (`tree-sitter-python`, ...), loaded on first use; a
language whose wheel is missing has no grammar and its files are cut into line windows. That
is how Rust, C, C++, C# and Ruby work when their wheels are not installed: only Python,
JavaScript, TypeScript, Go, Java and bash are required. `tree-sitter-language-pack` is not
used: it downloads grammars at run time.

Parsers are kept per thread: a tree-sitter parser is not meant to be shared between threads,
and ingest workers may run in several.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from functools import cache

from tree_sitter import Language, Parser

JS_DEFINITIONS = frozenset({
    "class_declaration", "class", "function_declaration", "generator_function_declaration",
    "function_expression", "method_definition", "variable_declarator",
})
TS_DEFINITIONS = JS_DEFINITIONS | {
    "abstract_class_declaration", "interface_declaration", "type_alias_declaration", "enum_declaration",
    "internal_module", "module", "function_signature", "method_signature", "abstract_method_signature",
}
# A `const f = () => ...` names a function only when its value is one.
JS_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function", "class"})
# `export class Cart`, `const f = () => ...`: the line starts outside the definition it makes.
JS_WRAPPERS = {
    "export_statement": "declaration",
    "lexical_declaration": "variable_declarator",
    "variable_declaration": "variable_declarator",
}


# C and C++ name a function inside its declarator: `int *make(void)`, `void Cart::add(int)`.
C_NAMES = {"function_definition": "declarator"}
C_DEFINITIONS = frozenset({"function_definition", "struct_specifier", "union_specifier", "enum_specifier"})


@dataclass(frozen=True)
class Grammar:
    module: str  # the wheel's import name
    entry: str  # its function returning the language
    definitions: frozenset[str]  # node types that name a symbol
    # node type -> the field, or the type of the child, holding the definition the node wraps
    wrappers: dict[str, str] = field(default_factory=dict)
    # node type -> the field holding its name, where that is not `name`
    names: dict[str, str] = field(default_factory=dict)
    receivers: bool = False  # methods are named after their receiver's type (Go)


GRAMMARS = {
    "python": Grammar(
        "tree_sitter_python", "language", frozenset({"function_definition", "class_definition"}),
        {"decorated_definition": "definition"},
    ),
    "javascript": Grammar("tree_sitter_javascript", "language", JS_DEFINITIONS, JS_WRAPPERS),
    "typescript": Grammar("tree_sitter_typescript", "language_typescript", TS_DEFINITIONS, JS_WRAPPERS),
    "tsx": Grammar("tree_sitter_typescript", "language_tsx", TS_DEFINITIONS, JS_WRAPPERS),
    "go": Grammar(
        "tree_sitter_go", "language", frozenset({"function_declaration", "method_declaration", "type_spec"}),
        {"type_declaration": "type_spec"}, receivers=True,
    ),
    "java": Grammar("tree_sitter_java", "language", frozenset({
        "class_declaration", "interface_declaration", "enum_declaration", "record_declaration",
        "annotation_type_declaration", "method_declaration", "constructor_declaration",
    })),
    "bash": Grammar("tree_sitter_bash", "language", frozenset({"function_definition"})),
    "rust": Grammar(
        "tree_sitter_rust", "language", frozenset({
            "function_item", "function_signature_item", "struct_item", "enum_item", "trait_item", "mod_item",
            "impl_item", "macro_definition",
        }),
        names={"impl_item": "type"},
    ),
    "c": Grammar("tree_sitter_c", "language", C_DEFINITIONS, names=C_NAMES),
    "cpp": Grammar(
        "tree_sitter_cpp", "language", C_DEFINITIONS | {"class_specifier", "namespace_definition"}, names=C_NAMES,
    ),
    "csharp": Grammar("tree_sitter_c_sharp", "language", frozenset({
        "namespace_declaration", "file_scoped_namespace_declaration", "class_declaration", "interface_declaration",
        "struct_declaration", "enum_declaration", "record_declaration", "method_declaration",
        "constructor_declaration", "property_declaration",
    })),
    "ruby": Grammar("tree_sitter_ruby", "language", frozenset({"module", "class", "method", "singleton_method"})),
}

_local = threading.local()


def grammar_for(language: str | None) -> Grammar | None:
    """The grammar for `language` when its wheel is installed."""
    grammar = GRAMMARS.get(language or "")
    return grammar if grammar and _language(grammar.module, grammar.entry) is not None else None


def parser_for(grammar: Grammar) -> Parser:
    """This thread's parser for the grammar."""
    parsers = _local.__dict__.setdefault("parsers", {})
    key = (grammar.module, grammar.entry)
    if key not in parsers:
        parsers[key] = Parser(_language(*key))
    return parsers[key]


@cache
def _language(module: str, entry: str) -> Language | None:
    try:
        wheel = importlib.import_module(module)
    except ImportError:
        return None
    return Language(getattr(wheel, entry)())
