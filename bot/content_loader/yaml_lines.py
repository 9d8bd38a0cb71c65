"""Read YAML keeping the line of every key, so problems can name file and line."""
from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser (C) when PyYAML was built with it: the same nodes with the same marks, so the
# same data and line numbers, several times faster. The pure-Python one otherwise.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a key path: ("nodes", "intro", "buttons", 0, "goto")


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int], list[tuple[int, str]]]:
    """Parse YAML text. Returns (data, lines, duplicate-key problems).

    lines maps each key path to the 1-based line where that value starts (the key's line for
    mapping entries). Raises YamlProblem on a syntax error, and on anchors and aliases
    (`&name`, `*name`): content never needs them, and a few hundred bytes of nested aliases
    would otherwise expand to gigabytes (an "alias bomb").
    """
    try:
        for event in yaml.parse(text, Loader=FastLoader):  # quick (C), before anything is built
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlProblem(
                    event.start_mark.line + 1,
                    "YAML anchors and aliases (&name, *name) are not allowed in content: write the text out",
                )
        root = yaml.compose(text, Loader=FastLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        msg = " ".join(x for x in (e.context, e.problem) if x) or str(e)
        raise YamlProblem(line, plain_yaml_error(msg)) from None
    except yaml.YAMLError as e:  # pragma: no cover - other parser errors
        raise YamlProblem(0, f"YAML error: {e}") from None
    lines: dict[Path_, int] = {}
    dups: list[tuple[int, str]] = []
    if root is None:
        return None, lines, dups
    constructor = yaml.SafeLoader("")  # used only to build scalars with YAML's own rules

    def build(node: yaml.Node, path: Path_) -> Any:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = build_scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                if key == "<<":  # merge keys are not used in content; keep them literal
                    key = "<<"
                if key in out:
                    dups.append((key_node.start_mark.line + 1, f"key {key!r} appears twice"))
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, path + (key,))
                lines[path + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return build_scalar(node)

    def build_scalar(node: yaml.Node) -> Any:
        value = constructor.construct_object(node, deep=True)
        # Dates stay strings: content compares them as text and JSON Schema wants strings.
        if hasattr(value, "isoformat") and not isinstance(value, str):
            return node.value
        return value

    return build(root, ()), lines, dups


def plain_yaml_error(msg: str) -> str:
    """PyYAML's message, said the way an editor can act on it."""
    if "unknown escape character" in msg:
        ch = msg.rsplit("'", 2)[-2] if msg.count("'") >= 2 else "?"
        return (f"a backslash inside double quotes (\\{ch}): YAML reads it as an escape. In a pattern, write the "
                f"text in single quotes ('\\d+ juta') or double the backslash (\"\\\\d+ juta\")")
    if "found character '\\t'" in msg:
        return "a tab character: YAML needs spaces for indenting"
    if "mapping values are not allowed" in msg:
        return f"YAML syntax error: {msg} (a ':' inside a text? put the text in quotes)"
    return f"YAML syntax error: {msg}"


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of path, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get((), 0)
