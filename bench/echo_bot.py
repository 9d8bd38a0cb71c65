"""A bare python-telegram-bot echo bot, the yardstick of bench/echo_bench.py (not a benchmark
itself). Run as: python bench/echo_bot.py TOKEN API_URL"""
import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)


def main() -> None:
    token, api = sys.argv[1], sys.argv[2]
    app = ApplicationBuilder().token(token).base_url(api).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    print("echo bot polling", file=sys.stderr, flush=True)
    app.run_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main()
