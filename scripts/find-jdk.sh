# find-jdk.sh: sourced by ./jrun, scripts/mvn and the installed launcher.
# Sets JRUN_JAVA_HOME to a JDK >= 22 (the FFM API is final from 22): $JAVA_HOME first,
# then the newest under /usr/lib/jvm. Prints one clear line and returns 1 when there is none.
jrun_java_feature() {  # JAVA_HOME -> feature version (17, 25, ...) or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] || return 1
  if [ -r "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  fi
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  [ -n "$v" ] && echo "$v"
}

jrun_find_jdk() {
  local candidate v best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jrun_java_feature "$JAVA_HOME") || v=0
    if [ "${v:-0}" -ge 22 ]; then JRUN_JAVA_HOME=$JAVA_HOME; jrun_set_jvm_opts; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    v=$(jrun_java_feature "$candidate") || continue
    if [ "${v:-0}" -ge 22 ] && [ "$v" -gt "$best_v" ]; then best=$candidate; best_v=$v; fi
  done
  if [ -n "$best" ]; then JRUN_JAVA_HOME=$best; jrun_set_jvm_opts; return 0; fi
  echo "jrun: no JDK >= 22 found (checked \$JAVA_HOME and /usr/lib/jvm/*): install one, e.g. a JDK 25, or set JAVA_HOME to it" >&2
  return 1
}

# The JVM flags jrun runs with, in JRUN_JVM_OPTS (set by jrun_find_jdk). The AOT cache is
# trained with the same ones (a cache made under other heap settings loses its archived heap).
# Small heap and the serial collector: jrun is a short-lived CLI and a supervisor, not a server.
jrun_set_jvm_opts() {
  JRUN_JVM_OPTS=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx256m -XX:-UsePerfData)
  # aircompressor's pure-Java zstd reads memory through sun.misc.Unsafe, which JDK 24+ warns
  # about on stderr at first use; the flag that allows it quietly exists from JDK 23 on.
  if [ "$(jrun_java_feature "$JRUN_JAVA_HOME")" -ge 23 ]; then
    JRUN_JVM_OPTS+=(--sun-misc-unsafe-memory-access=allow)
  fi
}
