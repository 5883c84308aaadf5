#!/usr/bin/env bash
# Builds the server distribution from the shaded jar: a Java runtime trimmed by jlink to the
# modules jdeps finds in the jar (and the one reached only through service loading), the start
# script, the systemd unit and the nginx example, packed as
# TARGET/memvault-server-linux-x64.tar.gz with everything under memvault-server/.
# Run by Maven with -Pdist at package: make-dist.sh JAVA_HOME TARGET
set -euo pipefail

jdk="$1"
target="$2"
sources="$(cd "$(dirname "$0")" && pwd)"
jar="$target/memvault-server.jar"
out="$target/dist/memvault-server"

rm -rf "$target/dist"
mkdir -p "$out/lib"
modules="$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")"
# TLS with EC certificates and key exchange: the SunEC provider, found through ServiceLoader.
modules="$modules,jdk.crypto.ec"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/runtime"
cp "$jar" "$out/lib/"
cp -R "$sources/bin" "$sources/systemd" "$sources/nginx" "$out/"
chmod 755 "$out/bin/memvault-server"
tar -czf "$target/memvault-server-linux-x64.tar.gz" -C "$target/dist" memvault-server
echo "memvault-server distribution: $target/memvault-server-linux-x64.tar.gz ($modules)"
