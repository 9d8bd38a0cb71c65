"""A bare python-telegram-bot echo bot, the yardstick of bench/echo_bench.py (not a benchmark
itself). Run as: python bench/echo_bot.py TOKEN API_URL [REPLIES.json]

With REPLIES.json ({text: [{"text": ..., "reply_markup": {...}}, ...]}) it answers a text it
finds there with those messages instead of the echo: the same messages, keyboards included,
that Migrasi Aman sent for it, so the two bots do the same sending work."""
import json
import sys

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

REPLIES: dict[str, list[dict]] = {}


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    for m in REPLIES.get(update.message.text) or [{"text": update.message.text}]:
        markup = InlineKeyboardMarkup.de_json(m["reply_markup"], context.bot) if m.get("reply_markup") else None
        await context.bot.send_message(update.message.chat_id, m["text"], reply_markup=markup,
                                       link_preview_options=LinkPreviewOptions(is_disabled=True))


def main() -> None:
    token, api = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        REPLIES.update(json.loads(open(sys.argv[3], encoding="utf-8").read()))
    app = ApplicationBuilder().token(token).base_url(api).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    print("echo bot polling", file=sys.stderr, flush=True)
    app.run_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main()
