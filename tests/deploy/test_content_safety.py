"""Issue 12, part 2: the C YAML loader gives the same data and lines; content cannot exhaust memory."""
import time
from pathlib import Path

import pytest
import yaml

from bot.content_loader import check_content
from bot.content_loader import yaml_lines
from bot.content_loader.loader import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent.parent

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
def test_the_c_loader_gives_the_same_data_and_lines_for_every_content_file(monkeypatch):
    files = sorted((ROOT / "content").rglob("*.yaml"))
    assert len(files) > 10
    for f in files:
        text = f.read_text("utf-8")
        fast = yaml_lines.load_with_lines(text)
        monkeypatch.setattr(yaml_lines, "FastLoader", yaml.SafeLoader)
        pure = yaml_lines.load_with_lines(text)
        monkeypatch.setattr(yaml_lines, "FastLoader", yaml.CSafeLoader)
        assert fast == pure, f.name


def test_an_alias_bomb_is_refused_at_once_with_its_line():
    assert len(BOMB.encode()) < 400
    t0 = time.process_time()
    with pytest.raises(yaml_lines.YamlProblem) as e:
        yaml_lines.load_with_lines(BOMB)
    assert time.process_time() - t0 < 0.5
    assert "anchors and aliases" in e.value.message and e.value.line == 1  # the first anchor


def test_an_alias_is_refused_where_it_is():
    with pytest.raises(yaml_lines.YamlProblem) as e:
        yaml_lines.load_with_lines("a: hello\nb:\n  c: *x\n")
    assert e.value.line == 3


def test_an_alias_bomb_in_content_is_a_clear_error(content_copy):
    (content_copy / "about.yaml").write_text(BOMB, encoding="utf-8")
    t0 = time.process_time()
    content, problems = check_content(content_copy)
    assert time.process_time() - t0 < 10
    assert content is None
    assert any(p.file == "about.yaml" and "aliases" in p.message and p.line == 1 for p in problems), problems


def test_an_oversized_content_file_is_refused(content_copy):
    (content_copy / "about.yaml").write_text("text: |\n" + ("  x\n" * (MAX_FILE_BYTES // 4 + 10)), encoding="utf-8")
    content, problems = check_content(content_copy)
    assert content is None
    assert any(p.file == "about.yaml" and "at most" in p.message for p in problems), problems
