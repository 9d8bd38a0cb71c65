"""Opt-in alerts about a new modus: subscriptions (/langganan, /berhenti) and sending.

- Nobody is subscribed by default. A subscription is stored under the store's keyed hash of the
  user id plus what Telegram needs to send (the chat id) and the language; /berhenti, "stop" and
  /hapus delete it.
- An alert is a content file, `content/alerts/NAME.yaml`, validated like the rest.
- Sending (`/kirim_peringatan NAME`, `python -m bot alert send NAME`) snapshots the subscribers
  into a delivery list in the database, then sends in that order at most RATE messages a
  second. Each delivery is marked before its request and after its answer, so a run killed at
  any moment resumes where it stopped: nobody already answered gets it again, nobody is
  skipped. (The one message in flight at the instant of a crash, with no answer recorded, is
  sent again: Telegram offers no way to ask whether it arrived, and a missed warning is worse
  than a repeated one.) 403 (the person blocked the bot) unsubscribes them.
"""
