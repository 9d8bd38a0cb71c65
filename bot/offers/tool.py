"""Placeholder until the offer checker lands (issue 4)."""


def make_tool(content, store):
    return None
