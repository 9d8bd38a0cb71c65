"""Sharing the bot: deep links, the share message, QR codes and the printable poster.

links.py   payloads MODULE[-LANG][-REF] and https://t.me/<bot>?start=... links; codes
           (a village, a school) normalised to the payload alphabet
message.py the one share reply (/bagikan, /share, free text, content buttons)
qr.py      QR codes (segno) as PNG or SVG
poster.py  the A4 black-and-white poster (fpdf2), one page
files.py   attachments made again from a small recipe (the Telegram journal stores the recipe)
commands.py /bagikan, /share (anyone); /poster, /link (admins)
cli.py     `python -m bot link ...`
"""
