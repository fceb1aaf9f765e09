#!/bin/sh
# Remove what install.sh put into ~/.local. Settings, the job store and the log stay
# (~/.config/upscaler-gui, ~/.local/share/upscaler-gui, ~/.local/state/upscaler-gui): delete them by hand.
set -eu
prefix="${PREFIX:-$HOME/.local}"
app="$prefix/lib/upscaler-gui"
id="io.github.crispupscaler.upscaler_gui"

if [ -e "$app" ] && [ ! -x "$app/upscaler-gui" ]; then
  echo "uninstall.sh: $app is not an install of upscaler-gui; not touching it" >&2
  exit 1
fi
rm -rf "$app"
[ -L "$prefix/bin/upscaler-gui" ] && rm -f "$prefix/bin/upscaler-gui"
rm -f "$prefix/share/applications/$id.desktop" "$prefix/share/metainfo/$id.metainfo.xml" \
  "$prefix/share/man/man1/upscaler-gui.1.gz"
rm -f "$prefix"/share/icons/hicolor/*/apps/"$id".png "$prefix/share/icons/hicolor/scalable/apps/$id.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "Removed upscaler-gui from $prefix."
