"""Handing a conversation to a person: caseworkers of a partner organisation, with consent.

- config.py: HANDOFF_* from the environment (no HANDOFF_CHAT_ID: nothing is offered);
- cases.py: the case book (case number <-> keyed hash and chat id while open, nothing said);
- desk.py: what the person and the caseworkers read, and the decisions that need no channel;
- tool.py: the engine side (the "Talk to a person" button, the consent step, /selesai).

The Telegram side (forum topics, relaying) is bot/adapters/telegram/handoff.py.
See docs/handoff.md.
"""
