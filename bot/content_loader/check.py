"""`python -m bot content check`: every problem with file and line; exit 1 on any error."""
from __future__ import annotations

import re
import sys

from bot.content_loader.problems import Problem


def full_check(directory, strict: bool | None = None) -> list[Problem]:
    """Every problem `content check` reports (see full_validation)."""
    return full_validation(directory, strict)[1]


def full_validation(directory, strict: bool | None = None):
    """(Content or None, problems): the one validation both `content check` and start-up run.

    Schema and cross-file rules, then the tools' own rules (red flags, recruiter check), then
    the rules about what a person reads (bot/content_loader/rendered.py), then the editors'
    guards (bot/content_loader/guards.py). Content is None when there is an error."""
    from bot.content_loader.loader import check_content_partial, is_strict

    content, problems = check_content_partial(directory, strict=strict)
    if content is None:
        return None, problems
    if any(p.severity == "error" for p in problems):
        # one pass: the tools' own rules still run on what parsed (not the rendered screens or
        # the guards, which would only repeat the errors above in other words)
        return None, problems + _tool_problems(content, is_strict(strict))
    problems = _more_problems(content, problems, is_strict(strict))
    if any(p.severity == "error" for p in problems):
        return None, problems
    content.warnings = [p for p in problems if p.severity != "error"]
    return content, problems


def _translation_warnings(content, problems: list[Problem], strict: bool) -> list[Problem]:
    """The tools' "missing the 'jv' text" errors, for a language other than the default, are
    warnings unless --strict: the bot shows the default language's text with a note."""
    if strict:
        return problems
    out = []
    for p in problems:
        m = re.search(r"missing the '([a-z]{2,3})' (?:text|translation)", p.message)
        if m and p.severity == "error" and m.group(1) != content.default_language:
            p = Problem(p.file, p.line, p.message + ": the bot shows the default language's text (--strict makes this an error)", "warning")
        out.append(p)
    return out


def _tool_problems(content, strict: bool) -> list[Problem]:
    from bot.app import make_tools
    from bot.store.memory import MemoryStore

    out: list[Problem] = []
    try:
        tools = make_tools(content, MemoryStore())
        for t in tools:
            found = _translation_warnings(content, t.validate_content(content), strict)
            # a file that did not parse is already reported: not also "missing"
            out.extend(p for p in found if p.file in content.files or not (content.dir / p.file).exists())
    except Exception:  # a tool that cannot read half-broken content: its rules wait for the fix
        return []
    return out


def _more_problems(content, problems: list[Problem], strict: bool = False) -> list[Problem]:
    from bot.app import make_tools
    from bot.store.memory import MemoryStore

    problems = list(problems)
    try:
        tools = make_tools(content, MemoryStore())
    except Exception as e:  # a tool that cannot even start on this content
        return problems + [Problem("(tools)", 0, f"a tool failed to load the content: {e}")]
    names = {t.name for t in tools}
    for mid, m in content.modules.items():
        rel = content.module_files[mid]
        for nid, node in m["nodes"].items():
            refs = [("tool",)] if "tool" in node else []
            refs += [("buttons", i, "tool") for i, b in enumerate(node.get("buttons", [])) if "tool" in b]
            for ref in refs:
                value = node
                for k in ref:
                    value = value[k]
                if value not in names:
                    problems.append(
                        Problem(rel, content.line(rel, "nodes", nid, *ref), f"tool {value!r} does not exist (known: {', '.join(sorted(names)) or 'none'})")
                    )
    for aid, answer in content.answers.items():  # answers.yaml: a button may start a tool
        for i, b in enumerate(answer.get("buttons", [])):
            if "tool" in b and b["tool"] not in names:
                problems.append(
                    Problem("answers.yaml", content.line("answers.yaml", "answers", aid, "buttons", i, "tool"),
                            f"tool {b['tool']!r} does not exist (known: {', '.join(sorted(names)) or 'none'})")
                )
    for t in tools:
        problems.extend(_translation_warnings(content, t.validate_content(content), strict))
    # what a person reads: WhatsApp numbers, editors' notes, rendered length (rendered.py)
    from bot.content_loader.rendered import all_problems

    problems.extend(all_problems(content))
    if not any(p.severity == "error" for p in problems):  # guards judge content that loads
        from bot.content_loader.guards import guard_problems

        def engine_factory():
            from bot.app import make_commands
            from bot.engine import Engine

            store = MemoryStore()
            return Engine(content, store, tools=make_tools(content, store), commands=make_commands(content, store))

        try:
            problems.extend(guard_problems(content, tools, engine_factory))
        except Exception as e:  # pragma: no cover - a guard that cannot run is an error, not a crash
            problems.append(Problem("guards.yaml", 0, f"the guards could not run: {type(e).__name__}: {e}"))
    return problems


def run_check(directory=None, strict: bool | None = None) -> int:
    from bot.app import content_dir

    base = content_dir(directory)
    problems = sorted(full_check(base, strict))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in errors + warnings:
        print(p)
    if errors:
        print(f"\n{len(errors)} error(s), {len(warnings)} warning(s) in {base}: the bot will not start until the errors are fixed.")
        return 1
    print(f"content OK: {base} ({len(warnings)} warning(s))")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_check(sys.argv[1] if len(sys.argv) > 1 else None))
