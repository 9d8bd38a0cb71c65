"""Reach figures: how far the bot reached, per referral code, without singling anyone out.

store.py     daily counters and keyed-hash rows (no ids, no message text), pruned after
             REACH_KEEP_DAYS (default 730); a person's rows go with /hapus
recorder.py  turns the engine's turns into events (an Engine observer)
report.py    the figures, every cell under 5 people shown as "<5"
chart.py     the chart image (Pillow)
command.py   /stats for admins;  cli.py: `python -m bot stats`
"""
