#!/bin/sh
# The content lives on the volume so an NGO can edit it without a new image. On the first start
# the volume is seeded with the content this image shipped; later images never overwrite it
# (docs/deploy.md says how to take a release's content).
set -e
if [ -n "$BOT_CONTENT_DIR" ] && [ ! -e "$BOT_CONTENT_DIR/settings.yaml" ]; then
    src=$(python -c "from bot.resources import content_dir; print(content_dir())")
    mkdir -p "$BOT_CONTENT_DIR"
    cp -R "$src"/. "$BOT_CONTENT_DIR"/
    echo "entrypoint: copied the packaged content to $BOT_CONTENT_DIR" >&2
fi
exec migrasi-aman "$@"
