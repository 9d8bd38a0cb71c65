"""`python -m bot link --bot-username NAME [--module M] [--lang id|en] [--ref CODE] [--qr FILE.png|.svg]
[--poster FILE.pdf]`: print the deep link; write its QR code and the A4 poster.

For NGOs preparing a campaign of many codes: run it once per code (a village, a school, a
clinic). The code is free text made into the link's alphabet ("Desa Suka Maju" ->
desa_suka_maju); a link whose payload would be over 64 characters is refused.
"""
from __future__ import annotations

import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("link", help="make a deep link to the bot, its QR code and the printable poster")
    p.add_argument("--bot-username", required=True, help="the bot's Telegram username (without or with @)")
    p.add_argument("--module", help="open this topic first (a module id from content/modules)")
    p.add_argument("--lang", help="language of the conversation (id or en)")
    p.add_argument("--ref", help="referral code: a village, a school, a clinic (free text)")
    p.add_argument("--qr", help="write the QR code here (.png or .svg)")
    p.add_argument("--poster", help="write the A4 poster here (.pdf)")
    p.add_argument("--content", help="content folder (default: BOT_CONTENT_DIR or ./content)")
    p.set_defaults(func=run)


def run(args) -> int:
    from bot.app import content_dir
    from bot.content_loader import ContentError, load_content
    from bot.share.links import LinkError, make_link, normalise_code

    try:
        content = load_content(content_dir(args.content))
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        return 1
    if args.module and args.module not in content.modules:
        print(f"link: no module {args.module!r}; the modules are: {', '.join(content.modules)}", file=sys.stderr)
        return 2
    if args.lang and args.lang not in content.languages:
        print(f"link: no language {args.lang!r}; the languages are: {', '.join(content.languages)}", file=sys.stderr)
        return 2
    try:
        ref = normalise_code(args.ref)
        if args.ref and not ref:
            raise LinkError(f"the code {args.ref!r} has no letters or digits")
        link = make_link(args.bot_username, args.module, args.lang, ref)
    except LinkError as e:
        print(f"link: {e}", file=sys.stderr)
        return 2
    print(link)
    if args.qr:
        from bot.share.qr import qr_png, qr_svg

        path = Path(args.qr)
        path.write_bytes(qr_svg(link) if path.suffix.lower() == ".svg" else qr_png(link))
        print(f"QR code: {path}", file=sys.stderr)
    if args.poster:
        from bot.share.poster import poster_pdf

        path = Path(args.poster)
        path.write_bytes(poster_pdf(link, args.bot_username, content, ref, args.lang or content.default_language))
        print(f"poster: {path}", file=sys.stderr)
    return 0
