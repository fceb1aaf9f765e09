#!/bin/sh
# Install Crisp Upscaler for this user, from the unpacked tarball, into ~/.local (no root needed):
#   ~/.local/lib/upscaler-gui/        the program (this folder, minus share/)
#   ~/.local/bin/upscaler-gui         a link to it
#   ~/.local/share/applications, icons/hicolor, metainfo, man/man1: the menu entry, icons, man page
# ./uninstall.sh (also copied to ~/.local/lib/upscaler-gui/) takes it all away again.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
app="$prefix/lib/upscaler-gui"
id="io.github.crispupscaler.upscaler_gui"

if [ -e "$app" ] && [ ! -x "$app/upscaler-gui" ]; then
  echo "install.sh: $app exists and is not an earlier install of upscaler-gui; not touching it" >&2
  exit 1
fi
rm -rf "$app.new"
mkdir -p "$app.new" "$prefix/bin" "$prefix/share"
(cd "$here" && tar -cf - --exclude=./share .) | (cd "$app.new" && tar -xf -)
rm -rf "$app" && mv "$app.new" "$app"
ln -sfn "$app/upscaler-gui" "$prefix/bin/upscaler-gui"
(cd "$here/share" && tar -cf - .) | (cd "$prefix/share" && tar -xf -)
# The menu entry names the program by its full path: ~/.local/bin is not on every session's PATH.
sed -i "s|^Exec=upscaler-gui|Exec=$prefix/bin/upscaler-gui|; s|^TryExec=upscaler-gui|TryExec=$prefix/bin/upscaler-gui|" \
  "$prefix/share/applications/$id.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true

echo "Installed: $prefix/bin/upscaler-gui and a menu entry (Crisp Upscaler)."
if ! "$app/upscaler-gui" --version >/dev/null 2>&1; then
  echo "install.sh: the program does not start here; run $prefix/bin/upscaler-gui to see why" >&2
  exit 1
fi
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "Note: $prefix/bin is not on PATH; the menu entry works anyway." ;; esac
