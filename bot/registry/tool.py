"""Placeholder until the recruiter check lands (issue 5)."""


def make_tools(content, store):
    return []
